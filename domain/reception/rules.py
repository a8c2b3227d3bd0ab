"""Pure rules of personal reception: no database, no clock.

Slots come from an RFC 5545 RRULE (python-dateutil's ``rrulestr``) on the working calendar
(R-4.1): a slot lies wholly inside one working interval of a working day, so never on a
holiday, never in the lunch break, never past a shortened day's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from domain.settings import get_settings


def first_free_seat(taken: Iterable[int], capacity: int) -> int | None:
    """The lowest seat 1..capacity nobody holds, or None when the slot is full."""
    held = set(taken)
    return next((s for s in range(1, capacity + 1) if s not in held), None)


def local_label(moment: dt.datetime, zone: str | None = None) -> str:
    """«05.12.2026 14:00» in the government's zone, for history summaries and notices."""
    local = moment.astimezone(ZoneInfo(zone or get_settings().timezone))
    return local.strftime("%d.%m.%Y %H:%M")
