"""Keyset pagination on (timestamp, id), newest first: a page costs the same at any depth."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from domain.errors import DomainError, ErrorCode


def encode_cursor(at: datetime, row_id: Any) -> str:
    raw = f"{at.astimezone(UTC).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        at, sep, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if not sep or not row_id:
            raise ValueError
        return datetime.fromisoformat(at).astimezone(UTC), row_id
    except (ValueError, UnicodeError):
        raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None


def after_sql(after: str, time_column: str, id_column: str, param: Callable[[Any], str],
              id_type: Callable[[str], Any] = str) -> str:
    """The keyset condition of ``newest_first`` as SQL, for pages read in plain SQL;
    ``param`` adds a value and returns its placeholder. A bad cursor is INVALID."""
    at, raw_id = decode_cursor(after)
    try:
        row_id = id_type(raw_id)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None
    a, b = param(at), param(row_id)
    # The redundant "<=" lets the index scan start at the cursor (see ``newest_first``).
    return (f"{time_column} <= {a} AND ({time_column} < {a} "
            f"OR ({time_column} = {a} AND {id_column} < {b}))")


async def newest_first(
    query: QuerySet, time_field: str, first: int, after: str | None, columns: tuple[str, ...],
    id_type: type = str,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of ``query`` as dicts, plus whether another page follows."""
    if after:
        at, raw_id = decode_cursor(after)
        try:
            row_id = id_type(raw_id)
        except ValueError:
            raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None
        # The redundant ``<= at`` bound is what lets the index scan start at the cursor;
        # with the OR alone, PostgreSQL walks from the newest row and filters.
        query = query.filter(
            Q(**{f"{time_field}__lte": at}),
            Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "id__lt": row_id}),
        )
    rows = await query.order_by(f"-{time_field}", "-id").limit(first + 1).values(*columns)
    return rows[:first], len(rows) > first


def encode_name_cursor(name: str, row_id: Any) -> str:
    return base64.urlsafe_b64encode(f"{name}|{row_id}".encode()).decode()


async def alphabetical(
    query: QuerySet, name_field: str, first: int, after: str | None, columns: tuple[str, ...],
    id_type: type = str,
) -> tuple[list[dict[str, Any]], bool]:
    """One page of ``query`` by ``name_field`` ascending (ties by id), plus whether another
    page follows. The cursor is (name, id) (``encode_name_cursor``); a bad one is INVALID."""
    if after:
        try:
            name, sep, raw_id = base64.urlsafe_b64decode(after.encode()).decode().rpartition("|")
            if not sep or not raw_id:
                raise ValueError
            row_id = id_type(raw_id)
        except (ValueError, UnicodeError):
            raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None
        query = query.filter(
            Q(**{f"{name_field}__gte": name}),
            Q(**{f"{name_field}__gt": name}) | Q(**{name_field: name, "id__gt": row_id}),
        )
    rows = await query.order_by(name_field, "id").limit(first + 1).values(*columns)
    return rows[:first], len(rows) > first
