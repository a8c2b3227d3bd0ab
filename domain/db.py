"""Tortoise configuration: one app, ``okno``, holding every area's models.

One migration set serves PostgreSQL and SQLite (``migrations/``).
"""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from domain.settings import Settings, get_settings

MODEL_MODULES = [
    "domain.directory.models",
    "domain.clients.models",
    "domain.history.models",
    "domain.calendar.models",
    "domain.surveys.models",
    "domain.messages.models",
    "domain.deliveries.models",
    "domain.mailings.models",
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
