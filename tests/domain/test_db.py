"""okno's PostgreSQL connections carry its timeouts: the server cancels a long statement
(`statement_timeout`), the client gives up on a silent server (`command_timeout`)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from domain.db import migration_config, tortoise_config
from domain.settings import Settings

PG_URL = os.environ.get("OKNO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


async def _okno_connection(**timeouts) -> AsyncpgDBClient:
    """A connection made exactly as okno makes its pool (domain.db.tortoise_config)."""
    settings = Settings(_env_file=None, database_url=PG_URL, **timeouts)
    config = tortoise_config(settings)["connections"]["default"]
    client = AsyncpgDBClient(connection_name="timeouts-probe", **config["credentials"])
    try:
        await client.create_connection(with_db=True)
    except OSError:
        pytest.skip(f"PostgreSQL does not answer at {PG_URL}")
    return client


async def test_statement_timeout_is_set_and_cuts_a_slow_query():
    client = await _okno_connection(db_statement_timeout_seconds=0.5)
    try:
        _, [row] = await client.execute_query("SHOW statement_timeout")
        assert row["statement_timeout"] == "500ms"
        started = time.monotonic()
        with pytest.raises(Exception, match="statement timeout"):
            await client.execute_query("SELECT pg_sleep(3)")
        assert time.monotonic() - started < 2.5
    finally:
        await client.close()


async def test_command_timeout_gives_up_on_a_server_that_does_not_answer():
    client = await _okno_connection(db_statement_timeout_seconds=0, db_command_timeout_seconds=0.5)
    try:
        _, [row] = await client.execute_query("SHOW statement_timeout")
        assert row["statement_timeout"] == "0"
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await client.execute_query("SELECT pg_sleep(3)")
        assert time.monotonic() - started < 2.5
    finally:
        await client.close()


def test_migrations_run_without_the_time_limits():
    """`okno migrate` may rewrite a big table: its connections have no statement limit."""
    settings = Settings(_env_file=None, database_url=PG_URL)
    served = tortoise_config(settings)["connections"]["default"]["credentials"]
    assert served["server_settings"]["statement_timeout"] == "30000"
    assert served["command_timeout"] == 60 and served["timeout"] == 10
    migrating = migration_config(settings)["connections"]["default"]["credentials"]
    assert migrating["server_settings"]["statement_timeout"] == "0"
    assert migrating["command_timeout"] is None


MIGRATION_WITH_INDEX = '''
from tortoise import migrations

from domain.db import index_concurrently


class Migration(migrations.Migration):
    dependencies = [("t", "0001_table")]
    atomic = {atomic}  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
    operations = [index_concurrently("big_v", "big", "(v)")]
'''
RUN = """
import asyncio, sys
from tortoise.migrations.api import migrate
asyncio.run(migrate(config={"connections": {"default": sys.argv[1]},
                            "apps": {"t": {"models": ["probe_models"], "migrations": "probe"}}}))
"""


@pytest.mark.parametrize("atomic", [False, True])
async def test_index_concurrently_through_a_real_migration(tmp_path, atomic):
    """The helper in a migration with `atomic = False` builds a valid index concurrently;
    left atomic, PostgreSQL refuses (so the helper cannot silently lock a big table)."""
    import subprocess
    import sys
    import uuid

    import asyncpg

    try:
        admin = await asyncpg.connect(PG_URL)
    except OSError:
        pytest.skip(f"PostgreSQL does not answer at {PG_URL}")
    name = f"okno_index_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_URL.rsplit("/", 1)[0] + f"/{name}"
    package = tmp_path / "probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (tmp_path / "probe_models.py").write_text("")
    (package / "0001_table.py").write_text(
        "from tortoise import migrations\nfrom tortoise.migrations import operations as ops\n\n"
        "class Migration(migrations.Migration):\n    initial = True\n"
        "    operations = [ops.RunSQL('CREATE TABLE big (id INT PRIMARY KEY, v INT)')]\n")
    (package / "0002_index.py").write_text(MIGRATION_WITH_INDEX.format(atomic=atomic))
    root = Path(__file__).resolve().parents[2]
    try:
        done = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-c", RUN, url], check=False, cwd=tmp_path,
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": f"{tmp_path}:{root}"})
        check = await asyncpg.connect(url)
        valid = await check.fetchval("SELECT i.indisvalid FROM pg_index i JOIN pg_class c "
                                     "ON c.oid = i.indexrelid WHERE c.relname = 'big_v'")
        await check.close()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    if atomic:
        assert done.returncode != 0 and "transaction block" in done.stderr
        assert valid is None
    else:
        assert done.returncode == 0, done.stderr
        assert valid is True
