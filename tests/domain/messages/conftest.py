"""Fixtures for message tests; the world itself is built in ``messages_world``."""

from __future__ import annotations

import pytest

from tests.domain.messages.messages_world import World, build_world


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
