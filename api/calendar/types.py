"""GraphQL types of the working calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import strawberry

from domain.calendar.queries import OVERRIDE_COLUMNS
from domain.calendar.rules import Day, DayKind, DeadlineRule

DayKindEnum = strawberry.enum(
    DayKind, name="DayKind",
    description="What a day is. WORKDAY: an ordinary working weekday. WEEKEND: Saturday or "
    "Sunday off. HOLIDAY: a non-working holiday (statutory, or regional by an override), even "
    "when it falls on a weekend. TRANSFERRED_DAY_OFF: a weekday off by a decree (a day off "
    "moved from a weekend, or given for a holiday that fell on a weekend). WORKING_WEEKEND: a "
    "Saturday or Sunday worked by a decree.",
)
def describe_values(enum: Any, descriptions: dict[str, str]) -> None:
    """Per-value descriptions of an enum built from a domain enum (the schema documents each)."""
    for value in enum.__strawberry_definition__.values:
        value.description = descriptions[value.name]


DeadlineRuleEnum = strawberry.enum(
    DeadlineRule, name="DeadlineRule",
    description="How a term is counted. WORKING_DAYS: the n-th working day after the start "
    "date (the start date never counts; a non-working start's next working day is day 1), due "
    "at that day's closing time; 0 means by the end of the current working day. "
    "WORKING_HOURS: n hours of working time, counted only inside working intervals (lunch, "
    "nights, days off excluded). CALENDAR_DAYS_LEGAL: n calendar days (59-FZ: 30), a due date "
    "on a day off moves to the next working day, due at its closing time.",
)


describe_values(DayKindEnum, {
    "WORKDAY": "An ordinary working weekday.",
    "WEEKEND": "Saturday or Sunday off.",
    "HOLIDAY": "A non-working holiday (statutory, or regional by an override).",
    "TRANSFERRED_DAY_OFF": "A weekday off by a decree.",
    "WORKING_WEEKEND": "A Saturday or Sunday worked by a decree.",
})
describe_values(DeadlineRuleEnum, {
    "WORKING_DAYS": "The n-th working day after the start, due at its closing time.",
    "WORKING_HOURS": "n hours of working time (lunch, nights, days off excluded).",
    "CALENDAR_DAYS_LEGAL": "n calendar days (59-FZ), moved off a day off, due at closing time.",
})


@strawberry.type(description="A stretch of working time within one day; the lunch break "
                 "separates two intervals. Instants in UTC like every DateTime; show them in "
                 "the day's `timeZone`.")
class WorkingInterval:
    start: dt.datetime = strawberry.field(description="Opening (or the end of lunch).")
    end: dt.datetime = strawberry.field(description="Closing (or the start of lunch).")


@strawberry.type(description="One day of the government's working calendar: the federal "
                 "production calendar, the office's weekly hours and local overrides combined.")
class CalendarDay:
    date: dt.date = strawberry.field(description="The calendar date (no time zone).")
    kind: DayKindEnum = strawberry.field(
        description="Workday, weekend, holiday, transferred day off or working weekend.")
    working: bool = strawberry.field(description="The office works this day.")
    working_minutes: int = strawberry.field(
        description="Working time in minutes, lunch excluded; 0 on a day off.")
    shortened: bool = strawberry.field(
        description="Shorter than the weekday's usual length: the eve of a holiday (1 hour "
        "less) or a length set by an override. Show as «сокращённый день».")
    intervals: list[WorkingInterval] = strawberry.field(
        description="Working time as intervals, in order; empty on a day off.")
    note: str | None = strawberry.field(
        description="In Russian: the holiday's name, the transfer (e.g. «Выходной (перенесено "
        "с 27.04.2024)»), or the reason of a local override; null on ordinary days.")
    overridden: bool = strawberry.field(
        description="A local decision (e.g. a governor's decree) replaced the federal calendar.")
    time_zone: str = strawberry.field(
        description="IANA name of the government's zone (e.g. Europe/Ulyanovsk): `date` is a "
        "date there, and `intervals` are local working hours there.")

    @classmethod
    def of(cls, day: Day, zone: ZoneInfo) -> CalendarDay:
        return cls(
            date=day.date, kind=day.kind, working=day.working, working_minutes=day.minutes,
            shortened=day.shortened,
            intervals=[WorkingInterval(start=s, end=e) for s, e in day.intervals_in(zone)],
            note=day.note, overridden=day.overridden, time_zone=zone.key,
        )


@strawberry.type(description="A local override of one date, kept by admins.")
class CalendarOverride:
    date: dt.date = strawberry.field(description="The overridden date.")
    kind: DayKindEnum = strawberry.field(description="The kind the date has now.")
    working_minutes: int | None = strawberry.field(
        description="Fixed working time in minutes; null: the schedule's usual length.")
    reason: str = strawberry.field(description="Why, e.g. the decree's number and date.")
    changed_by_subject: str = strawberry.field(
        description="Identity-provider subject of the admin who set it last.")
    updated_at: dt.datetime = strawberry.field(description="When it was last set.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CalendarOverride:
        return cls(date=row["date"], kind=row["kind"], working_minutes=row["working_minutes"],
                   reason=row["reason"], changed_by_subject=row["changed_by"],
                   updated_at=row["updated_at"])

    @classmethod
    def from_model(cls, obj: Any) -> CalendarOverride:
        return cls.from_row({c: getattr(obj, c) for c in OVERRIDE_COLUMNS})


@strawberry.type(description="When a term would run out, with today's calendar and overrides.")
class DeadlinePreview:
    start: dt.datetime = strawberry.field(description="The start (UTC, like every DateTime).")
    rule: DeadlineRuleEnum = strawberry.field(description="How the term was counted.")
    amount: int = strawberry.field(description="The term's length in the rule's unit.")
    due: dt.datetime = strawberry.field(description="The moment the term runs out.")
    due_date: dt.date = strawberry.field(
        description="The due moment's date in the government's zone (`timeZone`).")
    time_zone: str = strawberry.field(
        description="IANA name of the government's zone the term is counted in.")
