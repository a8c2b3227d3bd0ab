"""A unit of work runs to its end or rolls back, whatever happens to its task: cancelled at
any await (a websocket ``complete``, a dropped socket) or failing at BEGIN (a database
blip), it gives back its pooled connection (PostgreSQL) or its lock (SQLite)."""

from __future__ import annotations

import asyncio
import random
import threading
from contextlib import suppress

import asyncpg
import pytest
from tortoise import Tortoise

from domain import db
from domain.directory.models import Department, StaffMember
from domain.transaction import transaction
from tests.conftest import PG_ADMIN_URL


async def _two_rows(n: int) -> None:
    async with transaction():
        department = await Department.create(name=f"dept-{n}")
        await asyncio.sleep(random.random() / 500)
        await StaffMember.create(subject=f"staff-{n}", full_name="Иванов И. И.",
                                 department=department)


async def idle_in_transaction() -> int:
    """Sessions of this test database that sit inside a transaction doing nothing."""
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
        "AND state LIKE 'idle in transaction%'")
    return rows[0]["n"]


async def assert_database_whole() -> None:
    """A new unit of work gets a connection at once, none is held, no row is half-written."""
    await asyncio.wait_for(_two_rows(10_000 + random.randrange(10**6)), timeout=5)
    departments = await Department.all().values_list("name", flat=True)
    staffed = await StaffMember.all().values_list("department__name", flat=True)
    assert sorted(departments) == sorted(staffed)
    if db.is_postgres():
        pool = Tortoise.get_connection("default")._pool
        assert pool.get_idle_size() == pool.get_size()
        assert await idle_in_transaction() == 0


async def test_cancelled_at_any_point_leaks_nothing(settings):
    """Cancelled before, during and after BEGIN, the writes and COMMIT: the lock or the
    pooled connection comes back and each unit is all or nothing."""
    random.seed(15)
    for n in range(80):
        task = asyncio.create_task(_two_rows(n))
        if n < 20:
            for _ in range(n):  # every early await, one loop turn at a time
                await asyncio.sleep(0)
        else:
            await asyncio.sleep(random.random() / 200)
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
    await assert_database_whole()


def _terminate_sessions_blocking(database: str) -> None:
    """Kill this database's sessions while the test's event loop is blocked, so the pool
    still holds the dead connections as if they were alive (as after a server restart)."""

    async def terminate() -> None:
        admin = await asyncpg.connect(PG_ADMIN_URL)
        await admin.execute(
            "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()", database)
        await admin.close()

    worker = threading.Thread(target=lambda: asyncio.run(terminate()))
    worker.start()
    worker.join()


async def test_failed_begin_gives_the_connection_back(settings):
    """BEGIN on a connection the server has dropped raises; the pool gets the connection
    back every time, so more failures than the pool has connections leave it serving."""
    if not db.is_postgres():
        pytest.skip("a pool is PostgreSQL's")
    conn = Tortoise.get_connection("default")
    [database] = [r["d"] for r in await conn.execute_query_dict("SELECT current_database() d")]
    failures = 0
    for n in range(settings.db_pool_size + 2):
        for _ in range(2):  # a live connection on top of the pool (a dead one fails once)
            with suppress(Exception):
                await asyncio.wait_for(conn.execute_query("SELECT 1"), timeout=5)
        _terminate_sessions_blocking(database)
        try:
            await _two_rows(n)
        except Exception:  # noqa: BLE001 - any failure will do: the point is what follows
            failures += 1
    assert failures >= settings.db_pool_size  # BEGIN really failed, more than the pool holds
    await assert_database_whole()


async def test_idle_in_transaction_timeout_is_set(settings):
    """The server's second line: a session idle inside a transaction is ended."""
    if not db.is_postgres():
        pytest.skip("a PostgreSQL setting")
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT setting FROM pg_settings WHERE name = 'idle_in_transaction_session_timeout'")
    assert rows[0]["setting"] == str(int(settings.db_idle_in_transaction_seconds * 1000))
