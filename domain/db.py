"""Tortoise configuration: one app, ``okno``, holding every area's models.

One migration set serves PostgreSQL and SQLite (``migrations/``).
"""

from __future__ import annotations

import asyncio
import pkgutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
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
    "domain.mailings.models",
    "domain.social.models",
    "domain.consultation.models",
    "domain.consultation.callback_models",
]


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.effective_database_url
    if url.startswith("sqlite://"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    connection: str | dict[str, Any] = url
    if url.startswith(("postgres://", "postgresql://", "asyncpg://")):
        connection = expand_db_url("asyncpg://" + url.split("://", 1)[1])
        credentials = connection["credentials"]
        credentials.setdefault("maxsize", settings.db_pool_size)
        # 0 behind PgBouncer's transaction mode: a named prepared statement lives on one
        # server connection, the next transaction may get another (README "Sizing").
        credentials.setdefault("statement_cache_size", settings.db_statement_cache_size)
        credentials["reset"] = _keep_session
        # Timeouts (asyncpg): the server cancels a long statement, the client gives up on a
        # server that stopped answering, and on a connection that does not open.
        credentials["timeout"] = settings.db_connect_timeout_seconds
        credentials["command_timeout"] = settings.db_command_timeout_seconds or None
        credentials.setdefault("server_settings", {})["statement_timeout"] = str(
            int(settings.db_statement_timeout_seconds * 1000))
        # A second line behind domain/transaction.py: the server ends a session left idle
        # inside a transaction, so a leaked connection cannot hold locks for ever.
        credentials["server_settings"]["idle_in_transaction_session_timeout"] = str(
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


MIGRATION_LOCK_POLL_SECONDS = 0.5

# pg_advisory_lock key of `okno migrate` ("oknomigr" as a 64-bit integer): one per database.
MIGRATION_LOCK_KEY = 0x6F6B6E6F6D696772


async def migrate(settings: Settings, on_wait: Callable[[], object] = lambda: None) -> int:
    """Apply the pending migrations; returns how many. Replicas may all run ``okno migrate``
    at once: they take turns under a lock (a PostgreSQL advisory lock, on SQLite a file lock),
    and the later ones find nothing left to do. ``on_wait`` is called if another holds it."""
    from tortoise.migrations.api import migrate as run_migrations

    planned = 0

    def count(connection: str, plan: list[Any], fake: bool, dry_run: bool) -> None:
        nonlocal planned
        planned += sum(1 for step in plan if not step.backward)

    config = migration_config(settings)
    async with _migration_lock(config["connections"]["default"], settings, on_wait):
        await run_migrations(config=config, reporter=count)
    return planned


@asynccontextmanager
async def _migration_lock(connection: str | dict[str, Any], settings: Settings,
                          on_wait: Callable[[], object]) -> AsyncIterator[None]:
    if isinstance(connection, dict):  # PostgreSQL: a session lock on a connection of its own
        import asyncpg

        c = connection["credentials"]
        conn = await asyncpg.connect(host=c["host"], port=c["port"], user=c["user"],
                                     password=c["password"], database=c["database"],
                                     ssl=c.get("ssl"), timeout=c["timeout"])
        try:
            # Wait by polling, not with a blocking pg_advisory_lock: a statement waiting for
            # the lock holds a snapshot, and CREATE INDEX CONCURRENTLY in the migrating
            # replica waits for every such snapshot to end (a deadlock across processes).
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK_KEY):
                on_wait()
                while not await conn.fetchval("SELECT pg_try_advisory_lock($1)",
                                              MIGRATION_LOCK_KEY):
                    await asyncio.sleep(MIGRATION_LOCK_POLL_SECONDS)
            yield  # the lock goes with the session if this process dies
        finally:
            await conn.close()
        return
    import fcntl

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = connection.removeprefix("sqlite://").split("?", 1)[0] + ".migrate-lock"
    with open(path, "a") as lock:  # noqa: ASYNC230 - opening an empty lock file
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            await asyncio.to_thread(fcntl.flock, lock, fcntl.LOCK_EX)
        yield  # the kernel drops the lock with the file (or the process)


async def pending_migrations() -> list[str]:
    """Migration files the database has not applied yet (``/readyz`` fails while any are)."""
    import migrations

    files = {m.name for m in pkgutil.iter_modules(migrations.__path__) if m.name[:4].isdigit()}
    try:
        _, rows = await Tortoise.get_connection("default").execute_query(
            "SELECT name FROM tortoise_migrations WHERE app = 'okno'")
    except Exception:  # noqa: BLE001 - no table yet: nothing applied
        return sorted(files)
    return sorted(files - {row["name"] for row in rows})


def migration_config(settings: Settings) -> dict[str, Any]:
    """A migration may rewrite a big table or build an index for minutes: no time limits."""
    return tortoise_config(settings.model_copy(update={
        "db_statement_timeout_seconds": 0, "db_command_timeout_seconds": 0}))


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


def index_concurrently(name: str, table: str, definition: str, *, sqlite: bool = True) -> Any:
    """A migration operation building an index without blocking writes: on PostgreSQL
    ``CREATE INDEX CONCURRENTLY`` (which cannot run in a transaction: the migration must say
    ``atomic = False``), on SQLite a plain ``CREATE INDEX`` (skipped with ``sqlite=False``, e.g.
    for a GIN index). ``definition`` follows ``ON table``: ``(client_id, occurred_at)`` or
    ``USING gin (search_name gin_trgm_ops)``. See CONTRIBUTING, "Changing the schema"."""
    from tortoise.migrations import operations as ops

    async def forward(apps: Any, editor: Any) -> None:
        client = editor.client
        if client.capabilities.dialect != "postgres":
            if sqlite:
                await client.execute_script(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {definition}')
            return
        # A concurrent build that failed half-way leaves an INVALID index, which IF NOT EXISTS
        # would keep for ever: drop it and build again.
        _, invalid = await client.execute_query(
            "SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = $1 AND NOT i.indisvalid", [name])
        if invalid:
            await client.execute_script(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')
        await client.execute_script(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" {definition}')

    async def backward(apps: Any, editor: Any) -> None:
        postgres = editor.client.capabilities.dialect == "postgres"
        await editor.client.execute_script(
            f'DROP INDEX {"CONCURRENTLY " if postgres else ""}IF EXISTS "{name}"')

    return ops.RunPython(forward, backward, atomic=False)
