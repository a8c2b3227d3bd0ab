"""Fixtures for directory tests: the small Government of ``messages_world`` (departments,
staff, spheres, an agency, a citizen)."""

from __future__ import annotations

import pytest

from tests.domain.messages.messages_world import World, build_world


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
