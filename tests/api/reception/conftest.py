"""Fixtures for the reception API tests: the world of tests/domain/reception."""

from __future__ import annotations

import pytest

from tests.domain.reception.reception_world import World, build_world


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
