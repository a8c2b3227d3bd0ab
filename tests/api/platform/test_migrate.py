"""`okno migrate` run by several replicas at once: they take turns under a lock; one applies,
the others wait, then find nothing to do; all exit 0."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
import pytest
from okno_platform import okno, okno_env, stopped_at_exit

from domain.db import MIGRATION_LOCK_KEY

PG_ADMIN_URL = os.environ.get("OKNO_TEST_POSTGRES_URL",
                              "postgres://postgres@127.0.0.1:5432/postgres")
MIGRATIONS = len([p for p in (Path(__file__).parents[3] / "migrations").glob("0*.py")])


@pytest.fixture
async def fresh_database():
    try:
        admin = await asyncpg.connect(PG_ADMIN_URL)
    except OSError:
        pytest.skip(f"PostgreSQL does not answer at {PG_ADMIN_URL}")
    name = f"okno_migrate_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_two_migrates_at_once_one_applies_the_other_waits(fresh_database, tmp_path):
    env = okno_env(tmp_path / "var", OKNO_DATABASE_URL=fresh_database)
    # Hold the lock ourselves first, so both processes are certain to meet it.
    holder = await asyncpg.connect(fresh_database)
    await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    procs = [okno("migrate", env=env, cwd=tmp_path) for _ in range(2)]
    with stopped_at_exit(procs[0]), stopped_at_exit(procs[1]):
        for proc in procs:  # both wait, and nothing is written meanwhile
            assert "waiting" in proc.stdout.readline()
        tables = await holder.fetchval(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert tables == 0
        await holder.close()  # lets them go, one after the other
        results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    outs = sorted(out for out, _ in results)
    assert outs[0].endswith(f"migrations applied: {MIGRATIONS}\n"), outs
    assert outs[1].endswith("no migrations to apply\n"), outs

    check = await asyncpg.connect(fresh_database)
    rows = await check.fetch("SELECT name, count(*) FROM tortoise_migrations GROUP BY name")
    await check.close()
    assert len(rows) == MIGRATIONS and all(row["count"] == 1 for row in rows)


async def test_two_migrates_at_once_on_sqlite(tmp_path):
    """The embedded database takes turns through a file lock."""
    env = okno_env(tmp_path / "var")
    procs = [okno("migrate", env=env, cwd=tmp_path) for _ in range(2)]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], results
    outs = sorted(out.splitlines()[-1] for out, _ in results)
    assert outs == [f"migrations applied: {MIGRATIONS}", "no migrations to apply"], results
