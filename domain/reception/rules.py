"""Pure rules of personal reception: no database, no clock (``today`` is passed in).

Recurrence is RFC 5545 RRULE through python-dateutil's ``rrulestr`` (no hand-written
recurrence). Slots come from the rule's dates on the working calendar (R-4.1): a slot lies
wholly inside one working span of a working day, so never on a holiday, never in the lunch
break, never past a shortened day's end.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrule, rrulestr

from domain.calendar.schedule import Schedule, Span
from domain.errors import DomainError, ErrorCode
from domain.settings import get_settings

SLOT_MINUTES = (5, 240)  # shortest and longest slot
MAX_CAPACITY = 50
RULE_MAX = 500
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
_FORBIDDEN_PARTS = ("DTSTART", "RDATE", "EXDATE", "EXRULE")  # dates are valid_from/exceptions
# The weekdays one rule can reach show within a year of dates (a yearly rule needs the year).
PROBE_DAYS = 366


def first_free_seat(taken: Iterable[int], capacity: int) -> int | None:
    """The lowest seat 1..capacity nobody holds, or None when the slot is full."""
    held = set(taken)
    return next((s for s in range(1, capacity + 1) if s not in held), None)


def local_label(moment: dt.datetime, zone: str | None = None) -> str:
    """«05.12.2026 14:00» in the government's zone, for history summaries and notices."""
    local = moment.astimezone(ZoneInfo(zone or get_settings().timezone))
    return local.strftime("%d.%m.%Y %H:%M")


def invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.SCHEDULE_INVALID, message, field)


def parse_hhmm(text: str | None, field: str) -> int:
    """«14:00» → 840 minutes from local midnight."""
    if text is None or not _HHMM.match(text.strip()):
        raise invalid("Время указывается как ЧЧ:ММ, например 14:00.", field)
    hours, minutes = text.strip().split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(minutes: int) -> str:
    return "{:02d}:{:02d}".format(*divmod(minutes, 60))


def parse_rule(text: str | None, valid_from: dt.date) -> rrule:
    """An RRULE body («FREQ=WEEKLY;INTERVAL=2;BYDAY=TU», an «RRULE:» prefix allowed) that
    yields dates from ``valid_from``: daily or rarer, no DTSTART/RDATE/EXDATE inside (the
    schedule's dates and exceptions say those)."""
    body = (text or "").strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    if not body or len(body) > RULE_MAX or "\n" in body or "\x00" in body:
        raise invalid("Укажите правило повторения в формате RFC 5545, например "
                      "FREQ=WEEKLY;BYDAY=TU.", "rrule")
    if any(part in body.upper() for part in _FORBIDDEN_PARTS):
        raise invalid("Даты начала и исключения задаются полями расписания, не в правиле.",
                      "rrule")
    start = dt.datetime.combine(valid_from, dt.time())
    try:
        rule = rrulestr(body, dtstart=start)
    except (ValueError, TypeError, OverflowError):
        raise invalid("Правило повторения не разобрано: проверьте его по RFC 5545 "
                      "(например FREQ=WEEKLY;INTERVAL=2;BYDAY=TU).", "rrule") from None
    if not isinstance(rule, rrule) or rule._freq > DAILY:  # HOURLY and finer: not dates
        raise invalid("Правило должно повторяться по дням, неделям, месяцам или годам.",
                      "rrule")
    return rule


def rule_dates(rule: rrule, first: dt.date, last: dt.date,
               valid_until: dt.date | None = None) -> list[dt.date]:
    """The rule's dates from ``first`` to ``last`` (both included), none after valid_until."""
    if valid_until is not None:
        last = min(last, valid_until)
    if last < first:
        return []
    found = rule.between(dt.datetime.combine(first, dt.time()),
                         dt.datetime.combine(last, dt.time()), inc=True)
    return [d.date() for d in found]


@dataclass(frozen=True, slots=True)
class Window:
    """One schedule's reception hours in minutes from local midnight, and its slot length."""

    start: int
    end: int
    slot_minutes: int


def check_window(start_time: str | None, end_time: str | None, slot_minutes: int,
                 capacity: int) -> Window:
    start = parse_hhmm(start_time, "startTime")
    end = parse_hhmm(end_time, "endTime")
    if end <= start:
        raise invalid("Окончание приёма должно быть позже начала.", "endTime")
    if not SLOT_MINUTES[0] <= slot_minutes <= SLOT_MINUTES[1]:
        raise invalid(f"Длительность одного приёма — от {SLOT_MINUTES[0]} до "
                      f"{SLOT_MINUTES[1]} минут.", "slotMinutes")
    if end - start < slot_minutes:
        raise invalid("В часы приёма не помещается ни одного приёма такой длительности.",
                      "slotMinutes")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise invalid(f"Мест в одном приёме — от 1 до {MAX_CAPACITY}.", "capacity")
    return Window(start, end, slot_minutes)


def check_in_working_hours(rule: rrule, valid_from: dt.date, window: Window,
                           schedule: Schedule) -> None:
    """R-4.1: refuse a rule that would hold reception outside working time on a regular
    week: on a weekend day, or before opening or after closing of a weekday it reaches.
    (Holidays and shortened days are the calendar's: the generator skips and trims those.)"""
    weekdays = {d.weekday() for d in rule_dates(
        rule, valid_from, valid_from + dt.timedelta(days=PROBE_DAYS))}
    if any(w >= 5 for w in weekdays):
        raise invalid("Правило назначает приём на выходные дни: приём проводится только в "
                      "рабочее время (п. 4.1).", "rrule")
    for weekday in sorted(weekdays):
        opening, closing = schedule.hours[weekday]
        if window.start < opening or window.end > closing:
            raise invalid(
                f"Часы приёма {format_hhmm(window.start)}–{format_hhmm(window.end)} выходят за "
                f"рабочее время ({format_hhmm(opening)}–{format_hhmm(closing)}).", "startTime")


def day_slots(day: dt.date, window: Window, spans: Sequence[Span], zone: dt.tzinfo
              ) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots of one date: every ``slot_minutes`` from the window's start, kept when the
    whole slot lies inside one working span (so lunch and a shortened day's end cut it)."""
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    found = []
    for start in range(window.start, window.end - window.slot_minutes + 1, window.slot_minutes):
        end = start + window.slot_minutes
        if any(s <= start and end <= e for s, e in spans):
            found.append((midnight + dt.timedelta(minutes=start),
                          midnight + dt.timedelta(minutes=end)))
    return found


@dataclass(frozen=True, slots=True)
class Plan:
    """What one schedule should have in a date range: slot starts and ends (aware), and the
    rule's dates that give no slot because the calendar says they do not work."""

    slots: list[tuple[dt.datetime, dt.datetime]]
    skipped: list[dt.date]


def plan_slots(
    rule: rrule, window: Window, first: dt.date, last: dt.date, valid_until: dt.date | None,
    spans_of: Callable[[dt.date], Sequence[Span]], zone: dt.tzinfo,
    exceptions: dict[dt.date, Window | None],
) -> Plan:
    """Slots for the rule's dates in [first, last]: an exception with no window cancels its
    date, one with a window replaces the hours; a non-working day is skipped and listed."""
    slots: list[tuple[dt.datetime, dt.datetime]] = []
    skipped: list[dt.date] = []
    for day in rule_dates(rule, first, last, valid_until):
        hours = exceptions.get(day, window)
        if hours is None:
            continue
        spans = spans_of(day)
        if not spans:
            skipped.append(day)
            continue
        slots.extend(day_slots(day, hours, spans, zone))
    return Plan(slots, skipped)


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
