"""Raw SQL for hot reads, on either backend.

Tortoise's query builder costs ~0.45 ms CPU per query (DESIGN.md); the hottest reads
(the client card) use hand-written SQL through Tortoise's own connection instead.
Write statements with PostgreSQL placeholders (``$1``); on SQLite they become ``?1``.
Rows come back with the same Python types on both: ids as ``str``, timestamps as aware
``datetime`` in UTC, booleans as ``bool``.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from tortoise import Tortoise

_PLACEHOLDER = re.compile(r"\$(\d+)")


@lru_cache(maxsize=256)
def _for_sqlite(sql: str) -> str:
    return _PLACEHOLDER.sub(r"?\1", sql)


def _sqlite_time(value: Any) -> Any:
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return value


def _sqlite_param(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(" ")
    return value


async def fetch(
    sql: str, params: list[Any], *, times: tuple[str, ...] = (), flags: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Rows as dicts. ``times``/``flags`` name the timestamp and boolean columns, which
    SQLite returns as text and integers."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "postgres":
        return await conn.execute_query_dict(sql, params)
    rows = await conn.execute_query_dict(_for_sqlite(sql), [_sqlite_param(p) for p in params])
    for row in rows:
        for name in times:
            row[name] = _sqlite_time(row[name])
        for name in flags:
            row[name] = bool(row[name])
    return rows


@lru_cache(maxsize=64)
def _python_values(model: Any, columns: tuple[str, ...]) -> list[tuple[str, Any]]:
    native = {name for _, name, _ in model._meta.db_native_fields}
    return [(c, model._meta.fields_map[c].to_python_value) for c in columns if c not in native]


async def fetch_values(model: Any, sql: str, params: list[Any], columns: tuple[str, ...]
                       ) -> list[dict[str, Any]]:
    """Rows of ``model``'s columns with the values Tortoise's ``.values()`` gives (enums,
    JSON, UUIDs, dates; the same field converters), on either backend."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect != "postgres":
        sql, params = _for_sqlite(sql), [_sqlite_param(p) for p in params]
    rows = await conn.execute_query_dict(sql, params)
    converters = _python_values(model, columns)
    for row in rows:
        for name, to_python in converters:
            row[name] = to_python(row[name])
    return rows


def in_list(column: str, values: list[Any], first_param: int) -> tuple[str, list[Any]]:
    """``column IN (...)`` for a batch of keys, portable across both backends."""
    marks = ", ".join(f"${first_param + i}" for i in range(len(values)))
    return f"{column} IN ({marks})", list(values)
