"""Reads of the calendar area: the local overrides (a few rows a year, one small read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.calendar.models import CalendarOverride
from domain.calendar.rules import DayKind, Override

OVERRIDE_COLUMNS = ("date", "kind", "working_minutes", "reason", "changed_by", "updated_at")


async def override_rows(
    first: dt.date | None = None, last: dt.date | None = None
) -> list[dict[str, Any]]:
    """Override rows in [first, last] (either end open when None), by date."""
    query = CalendarOverride.all()
    if first is not None:
        query = query.filter(date__gte=first)
    if last is not None:
        query = query.filter(date__lte=last)
    return await query.order_by("date").values(*OVERRIDE_COLUMNS)


async def overrides(first: dt.date | None = None, last: dt.date | None = None) -> list[Override]:
    """The overrides as the pure calendar takes them."""
    return [Override(r["date"], DayKind(r["kind"]), r["working_minutes"], r["reason"])
            for r in await override_rows(first, last)]
