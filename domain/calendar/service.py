"""Calendar use cases: admins keep the local overrides; everyone reads the calendar.

The one place the calendar meets the database: ``load_calendar`` reads the overrides and
hands them, with the settings' schedule, to the pure ``WorkCalendar``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor, Role
from domain.calendar import queries
from domain.calendar.models import CalendarOverride
from domain.calendar.production import MAX_YEAR, MIN_YEAR
from domain.calendar.rules import (
    WORKING_KINDS,
    Day,
    DayKind,
    DeadlineRule,
    Override,
    normalise_kind,
    resolve_day,
)
from domain.calendar.work_calendar import WorkCalendar
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.settings import Settings
from domain.transaction import transaction
from domain.validation import SHORT_MAX, clean_text

MAX_RANGE_DAYS = 366  # one read of the calendar (a year view, leap years included)
MAX_TERM_DAYS = 3650  # a deadline term in days: ten years is far beyond any rule
MAX_TERM_HOURS = 10_000


def _forbid() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "Изменять календарь может только администратор.")


def check_date(day: Any, field: str = "date") -> dt.date:
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise DomainError(ErrorCode.INVALID, "Укажите дату.", field)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise DomainError(
            ErrorCode.INVALID, f"Календарь ведётся за {MIN_YEAR}–{MAX_YEAR} годы.", field
        )
    return day


def check_range(first: dt.date, last: dt.date) -> None:
    """A read of the calendar: dates in range, ``to`` not before ``from``, at most a year."""
    check_date(first, "from")
    check_date(last, "to")
    if last < first:
        raise DomainError(ErrorCode.INVALID, "Дата окончания раньше даты начала.", "to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(
            ErrorCode.INVALID, f"Не больше {MAX_RANGE_DAYS} дней за один запрос.", "to"
        )


async def load_calendar(settings: Settings | None = None) -> WorkCalendar:
    """The settings' schedule and zone with every local override stored in the database."""
    return WorkCalendar.default(settings).with_overrides(await queries.overrides())


async def read_days(first: dt.date, last: dt.date, settings: Settings | None = None) -> list[Day]:
    """The days from ``first`` to ``last`` as the office lives them (anyone may read)."""
    check_range(first, last)
    # An override reaches one day back (a holiday shortens its eve), so read one day more.
    overrides = await queries.overrides(first, last + dt.timedelta(days=1))
    return WorkCalendar.default(settings).with_overrides(overrides).days(first, last)


@dataclass(frozen=True, slots=True)
class DeadlinePreview:
    start: dt.datetime  # in the government zone
    rule: DeadlineRule
    amount: int
    due: dt.datetime


async def preview_deadline(
    actor: Actor, start: dt.datetime, rule: DeadlineRule, amount: int,
    settings: Settings | None = None,
) -> DeadlinePreview:
    """What a term would give, with today's overrides (staff). A start without an offset
    is read as the government's local time."""
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Недостаточно прав для этого действия.")
    cap = MAX_TERM_HOURS if rule == DeadlineRule.WORKING_HOURS else MAX_TERM_DAYS
    if not 0 <= amount <= cap:
        raise DomainError(ErrorCode.INVALID, f"Срок — от 0 до {cap}.", "amount")
    calendar = await load_calendar(settings)
    if start.tzinfo is None or start.utcoffset() is None:  # the API refuses these already
        start = start.replace(tzinfo=calendar.zone)
    start = start.astimezone(calendar.zone)
    check_date(start.date(), "start")
    try:
        due = calendar.due(start, rule, amount)
    except ValueError:  # ran past the calendar's last year
        raise DomainError(
            ErrorCode.INVALID, "Срок выходит за пределы календаря.", "amount") from None
    return DeadlinePreview(start, rule, amount, due)


async def list_overrides(actor: Actor, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Недостаточно прав для этого действия.")
    check_range(first, last)
    return await queries.override_rows(first, last)


def _validated(
    day: Any, kind: DayKind, working_minutes: int | None, reason: str | None,
    settings: Settings | None,
) -> Override:
    errors: list[DomainError] = []
    try:
        day = check_date(day)
    except DomainError as exc:
        errors.append(exc)
    try:
        reason = clean_text(reason, "reason", max_length=SHORT_MAX, required=True)
    except DomainError as exc:
        errors.append(exc)
    if kind not in WORKING_KINDS and working_minutes not in (None, 0):
        errors.append(DomainError(
            ErrorCode.INVALID, "Для нерабочего дня продолжительность не указывается.",
            "workingMinutes"))
    if kind in WORKING_KINDS and working_minutes is not None and not 1 <= working_minutes <= 1440:
        errors.append(DomainError(
            ErrorCode.INVALID, "Продолжительность рабочего дня — от 1 до 1440 минут.",
            "workingMinutes"))
    if errors:
        raise ValidationFailed(errors)
    override = Override(day, normalise_kind(day, kind),
                        working_minutes if kind in WORKING_KINDS else None, reason or "")
    schedule = (settings or _settings()).work_schedule_value
    try:  # the day must be buildable: its length has to fit between opening time and midnight
        resolve_day(day, schedule, override, False)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID, "Такой рабочий день не помещается в сутки.", "workingMinutes"
        ) from None
    return override


def _settings() -> Settings:
    from domain.settings import get_settings

    return get_settings()


async def set_override(
    actor: Actor, day: Any, kind: DayKind, working_minutes: int | None, reason: str | None,
    settings: Settings | None = None,
) -> tuple[CalendarOverride, Day]:
    """Create or replace the override of one date (admins); returns it and the day now."""
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise _forbid()
    value = _validated(day, kind, working_minutes, reason, settings)
    fields = {"kind": value.kind, "working_minutes": value.working_minutes,
              "reason": value.reason, "changed_by": actor.subject[:200]}
    try:
        async with transaction():
            row = await CalendarOverride.get_or_none(date=value.date)
            if row is None:
                row = await CalendarOverride.create(date=value.date, **fields)
            else:
                await row.update_from_dict(fields).save()
    except IntegrityError:  # another admin created the same date at this very moment
        raise DomainError(
            ErrorCode.DUPLICATE, "Эту дату только что изменил другой администратор.", "date"
        ) from None
    return row, (await read_days(value.date, value.date, settings))[0]


async def remove_override(
    actor: Actor, day: Any, settings: Settings | None = None
) -> tuple[dt.date, Day]:
    """Return the date to the production calendar (admins); returns it and the day now."""
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise _forbid()
    day = check_date(day)
    async with transaction():
        deleted = await CalendarOverride.filter(date=day).delete()
    if not deleted:
        raise not_found("Особый день календаря", "date")
    return day, (await read_days(day, day, settings))[0]
