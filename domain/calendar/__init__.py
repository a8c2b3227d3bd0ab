"""Working calendar: the Russian production calendar, the office schedule, deadlines.

    from domain.calendar import WorkCalendar
    cal = WorkCalendar.default()          # settings' schedule, no local overrides
    cal = await service.load_calendar()   # ... plus the overrides stored in the database
    cal.add_working_days(date(2025, 12, 26), 3)          # -> 2026-01-12
    cal.add_working_hours(received_at, 8)                # aware datetime, government zone
    cal.legal_due_date(registered_on, 30)                # 59-FZ term
    cal.due(received_at, DeadlineRule.WORKING_DAYS, 5)   # the moment a term runs out
    WorkCalendar.standard()               # federal 8-hour days: the official annual norms

Modules: ``schedule`` (weekly hours, parsed from settings), ``production`` (the
federal calendar from the ``holidays`` library), ``rules`` (one day's kind and
spans, pure), ``work_calendar`` (the arithmetic, pure: schedule and overrides are
arguments), ``models``/``queries``/``service`` (local overrides in the database, and
``load_calendar``). See README.md in this folder for the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from domain.calendar.rules import Day, DayKind, DeadlineRule, Override
    from domain.calendar.schedule import Schedule
    from domain.calendar.work_calendar import WorkCalendar, WorkingInterval

__all__ = [
    "Day", "DayKind", "DeadlineRule", "Override", "Schedule", "WorkCalendar", "WorkingInterval",
]

_HOMES = {
    "Day": "rules", "DayKind": "rules", "DeadlineRule": "rules", "Override": "rules",
    "Schedule": "schedule",
    "WorkCalendar": "work_calendar", "WorkingInterval": "work_calendar",
}


def __getattr__(name: str) -> Any:
    # Lazy, so reading settings (which parses the schedule) does not import ``holidays``.
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"domain.calendar.{home}"), name)
