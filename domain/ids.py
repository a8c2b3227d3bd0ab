"""The one way to read a database ID that came from outside (a token, a global ID, a key).

Every area parses through ``as_uuid`` so a malformed value is "no such record" everywhere
(PostgreSQL would refuse it with an error; SQLite would silently compare strings)."""

from __future__ import annotations

import uuid
from typing import Any


def as_uuid(value: Any) -> uuid.UUID | None:
    """``value`` as a UUID, or None when it is not one (any type, any spelling)."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def uuids(values: Any) -> list[uuid.UUID]:
    """The values that are UUIDs, parsed; the rest dropped (they can name no record)."""
    return [u for u in (as_uuid(v) for v in values) if u is not None]


def parse_uuid(value: Any, field: str, what: str = "Запись") -> uuid.UUID:
    """A malformed ID is simply an unknown one: NOT_FOUND, like an ID that was never issued."""
    from domain.errors import not_found

    parsed = as_uuid(value)
    if parsed is None:
        raise not_found(what, field)
    return parsed


def as_row_number(value: Any) -> int | None:
    """``value`` as a BIGINT primary key (1 … 2⁶³−1), or None: the other ID shape some
    tables have (log rows: keywords, clarifications, alerts)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except (ValueError, TypeError):
        return None
    return number if 0 < number < 2**63 else None


def row_numbers(values: Any) -> list[int]:
    """The values that are BIGINT keys, parsed; the rest dropped."""
    return [n for n in (as_row_number(v) for v in values) if n is not None]
