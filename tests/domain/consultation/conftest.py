"""Fixtures for the consultation line's domain tests."""

from __future__ import annotations

import pytest

from tests.domain.consultation.line_world import World, build_world, line_closed, line_open

__all__ = ["line_closed", "line_open"]


@pytest.fixture
async def world(settings) -> World:
    return await build_world()
