"""Fixtures for the directory API tests: the same small Government as the domain tests."""

from __future__ import annotations

import pytest

from tests.domain.messages.messages_world import World, build_world


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
