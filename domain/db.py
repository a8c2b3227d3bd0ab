"""Tortoise configuration: one app, ``okno``, holding every area's models.

One migration set serves PostgreSQL and SQLite (``migrations/``).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.exceptions import DBConnectionError

from domain.settings import Settings, get_settings

MODEL_MODULES = [
    "domain.directory.models",
    "domain.clients.models",
    "domain.history.models",
    "domain.calendar.models",
    "domain.surveys.models",
    "domain.messages.models",
    "domain.deliveries.models",
    "domain.reception.models",
    "domain.idempotency",
]


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.effective_database_url
    if url.startswith("sqlite://"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    connection: str | dict[str, Any] = url
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        connection = expand_db_url("asyncpg://" + url.split("://", 1)[1])
        connection["credentials"].setdefault("maxsize", settings.db_pool_size)
        connection["credentials"]["reset"] = _keep_session
        # A second line behind domain/transaction.py: the server ends a session left idle
        # inside a transaction, so a leaked connection cannot hold locks for ever.
        connection["credentials"].setdefault("server_settings", {})[
            "idle_in_transaction_session_timeout"] = str(
                int(settings.db_idle_in_transaction_seconds * 1000))
    return {
        "connections": {"default": connection},
        "apps": {
            "okno": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def _keep_session(connection: Any) -> None:
    """Nothing to reset when a connection goes back to the pool.

    asyncpg's default runs ``RESET ALL; UNLISTEN *; CLOSE ALL; pg_advisory_unlock_all()`` on
    every release, a round trip per query (~11% of a client-card request's CPU). okno sets no
    session state on pooled connections (pub/sub is Redis, locks are rows), and asyncpg still
    rolls back a transaction left open before calling this."""


def __getattr__(name: str) -> Any:
    # ``TORTOISE_ORM`` is what the ``tortoise`` CLI reads (pyproject [tool.tortoise]);
    # computed lazily so importing this module never reads the environment.
    if name == "TORTOISE_ORM":
        return tortoise_config(get_settings())
    raise AttributeError(name)


async def init_db(settings: Settings) -> None:
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    from tortoise.migrations.api import migrate as run_migrations

    await run_migrations(config=tortoise_config(settings))


def is_postgres() -> bool:
    return Tortoise.get_connection("default").capabilities.dialect == "postgres"


# What the database's being away looks like (a restart, a failover, a cut network), as it
# arrives through Tortoise 1.1 with asyncpg: asyncpg's own errors pass through unwrapped
# (Tortoise translates only syntax, data and integrity errors), a refused or reset socket is
# an OSError, a pool or statement timeout a TimeoutError, and a failed pool start
# DBConnectionError. A statement that failed with one of these may or may not have run, so
# only idempotent work may be retried on them.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,  # 08xxx: ConnectionDoesNotExist, ConnectionFailure, ...
    asyncpg.CannotConnectNowError,  # 57P03: the server is starting up or shutting down
    asyncpg.AdminShutdownError,  # 57P01: a restart, or pg_terminate_backend
    asyncpg.CrashShutdownError,  # 57P02
    asyncpg.TooManyConnectionsError,  # 53300: the server's slots are full during a restart
    asyncpg.InterfaceError,  # "connection is closed", "pool is closing"
    asyncpg.InternalClientError,  # a protocol state broken by a cut connection
    DBConnectionError, OSError, TimeoutError,  # ConnectionRefused/Reset are OSErrors
)


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` (or what it was raised from) says the database could not be
    reached, as opposed to a statement the database refused."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, _UNAVAILABLE) and not _misuse(current):
            return True
        seen.add(id(current))
        current = current.__cause__
    return False


def _misuse(exc: BaseException) -> bool:
    """asyncpg's InterfaceError also says "another operation is in progress": a bug (one
    connection used by two tasks), not an outage."""
    return isinstance(exc, asyncpg.InterfaceError) and "in progress" in str(exc)


async def pool_can_serve(timeout: float = 2.0) -> bool:
    """False when no connection can be taken from the pool within ``timeout``: every one is
    held (leaked or hung), so this process cannot serve until it restarts. A database that
    refuses connections is not that (true here): readiness reports it, and liveness failing
    would restart every process of the fleet during a database outage."""
    try:
        async with asyncio.timeout(timeout), connections.get("default").acquire_connection():
            return True
    except TimeoutError:
        return False
    except Exception:  # noqa: BLE001 - the database is away, the pool itself is not stuck
        return True
