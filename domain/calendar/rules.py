"""What one calendar day is: its kind and working spans. Pure; no database, no clock.

Rules the ``holidays`` library does not carry, applied here:
- a working day right before a statutory holiday is shorter by the schedule's
  pre-holiday cut, one hour by default (Labour Code art. 95);
- a working Saturday (or Sunday) has the hours of the weekday whose day off it
  took: Saturday 2 November 2024 paid for Tuesday 30 April, the eve of 1 May,
  so it lasts 7 hours, not 8;
- a local override (a governor's decree) replaces the federal kind of a day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from domain.calendar.production import federal_year, is_statutory_holiday
from domain.calendar.schedule import Schedule, Span

DAY_MINUTES = 24 * 60


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    TRANSFERRED_DAY_OFF = "transferred_day_off"
    WORKING_WEEKEND = "working_weekend"


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.WORKING_WEEKEND})


class DeadlineRule(StrEnum):
    """How a term is counted (see ``WorkCalendar.due``)."""

    WORKING_DAYS = "working_days"  # the n-th working day after the start, at closing time
    WORKING_HOURS = "working_hours"  # n hours of working time
    CALENDAR_DAYS_LEGAL = "calendar_days_legal"  # n calendar days, moved off a day off (59-FZ)


def normalise_kind(day: dt.date, kind: DayKind) -> DayKind:
    """Working/resting as asked, named by the day of the week: a working Saturday is a
    WORKING_WEEKEND, a weekday off is a TRANSFERRED_DAY_OFF; a HOLIDAY stays a holiday."""
    weekend = day.weekday() >= 5
    if kind in WORKING_KINDS:
        return DayKind.WORKING_WEEKEND if weekend else DayKind.WORKDAY
    if kind == DayKind.HOLIDAY:
        return kind
    return DayKind.WEEKEND if weekend else DayKind.TRANSFERRED_DAY_OFF


@dataclass(frozen=True, slots=True)
class Override:
    """A local decision about one day, e.g. a governor's decree for civil servants.

    ``working_minutes`` (working kinds only) fixes the day's length; None keeps
    the schedule's length with the usual pre-holiday cut.
    """

    date: dt.date
    kind: DayKind
    working_minutes: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    kind: DayKind
    spans: tuple[Span, ...]  # working time in minutes from local midnight, lunch cut out
    shortened: bool  # shorter than the regular length of its weekday
    note: str | None  # holiday name, transfer, or the override's reason
    overridden: bool

    @property
    def working(self) -> bool:
        return bool(self.spans)

    @property
    def minutes(self) -> int:
        return sum(end - start for start, end in self.spans)

    def intervals_in(self, zone: dt.tzinfo) -> list[tuple[dt.datetime, dt.datetime]]:
        """The spans as aware datetimes of ``zone`` (the government's)."""
        midnight = dt.datetime(self.date.year, self.date.month, self.date.day, tzinfo=zone)
        return [(midnight + dt.timedelta(minutes=s), midnight + dt.timedelta(minutes=e))
                for s, e in self.spans]


def fit(spans: tuple[Span, ...], minutes: int) -> tuple[Span, ...]:
    """The first ``minutes`` of working time; more than the spans hold extends the last one."""
    if minutes <= 0:
        return ()
    out: list[Span] = []
    left = minutes
    for start, end in spans:
        if left <= 0:
            break
        take = min(end - start, left)
        out.append((start, start + take))
        left -= take
    if left > 0:
        start, end = out[-1]
        if end + left > DAY_MINUTES:
            raise ValueError("the working time does not fit into the day")
        out[-1] = (start, end + left)
    return tuple(out)


def resolve_day(
    day: dt.date, schedule: Schedule, override: Override | None, holiday_tomorrow: bool
) -> Day:
    """The day as the office lives it. ``holiday_tomorrow``: the next day is a holiday
    (statutory, or a HOLIDAY override), which shortens a working day."""
    federal = federal_year(day.year)
    template = day.weekday()  # whose hours a working day gets
    eve_of_took = False
    note: str | None = None
    if day in federal.holidays:
        kind, note = DayKind.HOLIDAY, federal.holidays[day]
    elif day in federal.days_off:
        kind, note = DayKind.TRANSFERRED_DAY_OFF, federal.days_off[day]
    elif day in federal.working_weekends:
        took = federal.working_weekends[day]
        kind, template = DayKind.WORKING_WEEKEND, took.weekday()
        eve_of_took = is_statutory_holiday(took + dt.timedelta(days=1))
        note = f"Рабочий день (выходной перенесён на {took:%d.%m.%Y})"
    elif day.weekday() >= 5:
        kind = DayKind.WEEKEND
    else:
        kind = DayKind.WORKDAY
    if override is not None:
        kind, note = normalise_kind(day, override.kind), override.reason or None
    if kind not in WORKING_KINDS:
        return Day(day, kind, (), False, note, override is not None)
    if template >= 5:  # an override made a plain weekend working: Monday's hours
        template = 0
    regular = schedule.intervals(template)
    regular_minutes = schedule.minutes(template)
    if override is not None and override.working_minutes is not None:
        spans = fit(regular, override.working_minutes)
    elif holiday_tomorrow or eve_of_took:
        spans = fit(regular, regular_minutes - schedule.pre_holiday_cut)
    else:
        spans = regular
    minutes = sum(e - s for s, e in spans)
    return Day(day, kind, spans, minutes < regular_minutes, note, override is not None)
