"""Fixtures for reception tests; the world itself is built in ``reception_world``."""

from __future__ import annotations

import pytest

from tests.domain.reception.reception_world import World, build_world


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
