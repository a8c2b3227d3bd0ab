"""Fixtures for the consultation line's API tests: the world of tests/domain/consultation,
and an HTTP client of an app that knows the test PBX's secret."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from tests.domain.consultation.line_world import (
    PBX_ID,
    PBX_SECRET,
    World,
    build_world,
    line_closed,
    line_open,
)

__all__ = ["line_closed", "line_open"]


@pytest.fixture
async def world(settings) -> World:
    return await build_world()


@pytest.fixture
def pbx_settings(settings):
    return settings.model_copy(update={"pbx_secrets": {PBX_ID: PBX_SECRET}})


@pytest.fixture
async def pbx_http(pbx_settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(pbx_settings, manage_resources=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
