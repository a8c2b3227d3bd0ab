"""/healthz notices a pool that cannot serve (issue 15: after enough leaked connections the
API hung while /healthz said 200)."""

from __future__ import annotations

import pytest
from tortoise import connections

from api.http import health
from domain import db


async def test_healthz_fails_when_no_pooled_connection_can_be_had(settings, http):
    """Every pooled connection held (what leaked ones look like): one probe may be a busy
    moment, the second in a row says 503; once connections come back, 200 again."""
    if not db.is_postgres():
        pytest.skip("SQLite has no pool")
    pool = connections.get("default")._pool
    health._misses = 0
    held = [await pool.acquire() for _ in range(pool.get_max_size())]
    try:
        assert (await http.get("/healthz")).status_code == 200
        second = await http.get("/healthz")
        assert second.status_code == 503
        assert second.json()["status"] == "stuck"
    finally:
        for conn in held:
            await pool.release(conn)
    assert (await http.get("/healthz")).json() == {"status": "ok"}


async def test_healthz_stays_up_while_the_database_is_away(settings, http):
    """A database that refuses connections is readiness's business: liveness failing would
    restart every process of the fleet during an outage."""
    if not db.is_postgres():
        pytest.skip("PostgreSQL only")
    from tests.support.outage import proxied_database

    async with proxied_database(settings) as (proxy, _):
        await proxy.cut()
        health._misses = 0
        for _ in range(3):
            assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 503
        await proxy.start()
