"""Keeping reception: points, receiving officials, schedules and their dated exceptions
(supervisors and admins), and the slots the schedules make for the booking horizon.

Slots are regenerated on every save of a schedule or exception, and daily by the
``reception_fill_horizon`` cron, which moves the horizon on. A regeneration never touches a
slot that holds a booking: a schedule edit that no longer wants it leaves it (counted as
``kept``) for the change flow that notifies the booked clients (R-4.4).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.calendar.work_calendar import WorkCalendar
from domain.directory.models import Sphere, StaffMember
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.ids import parse_uuid, uuids
from domain.reception import rules
from domain.reception.access import check_keeper
from domain.reception.models import (
    AccessibilityFeature,
    Booking,
    BookingStatus,
    ExceptionKind,
    ReceivingOfficial,
    ReceptionPoint,
    ReceptionSchedule,
    ReceptionSlot,
    ScheduleException,
    SlotStatus,
)
from domain.settings import get_settings
from domain.transaction import transaction
from domain.validation import SHORT_MAX, TEXT_MAX, clean_text

NAME_MAX = 300


def today() -> dt.date:
    """Today in the government's zone."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(get_settings().timezone)).date()


def _collect(errors: list[DomainError], fn, *args) -> Any:
    try:
        return fn(*args)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
    except DomainError as exc:
        errors.append(exc)
    return None


# -- points --------------------------------------------------------------------------------


async def save_point(
    actor: Actor, *, point_id: Any = None, name: str | None, address: str | None,
    directions: str | None = None, latitude: float | None = None,
    longitude: float | None = None, opening_notes: str | None = None,
    accessibility: list[str] | None = None, active: bool = True,
) -> ReceptionPoint:
    """Create a reception point, or replace one's details when ``point_id`` is given
    (R-4.5 address and directions, R-4.7 accessibility)."""
    check_keeper(actor)
    errors: list[DomainError] = []
    values = {
        "name": _collect(errors, lambda v: clean_text(v, "name", max_length=NAME_MAX,
                                                      required=True), name),
        "address": _collect(errors, lambda v: clean_text(v, "address", max_length=SHORT_MAX,
                                                         required=True), address),
        "directions": _collect(errors, lambda v: clean_text(
            v, "directions", max_length=TEXT_MAX, multiline=True), directions) or "",
        "opening_notes": _collect(errors, lambda v: clean_text(
            v, "openingNotes", max_length=TEXT_MAX, multiline=True), opening_notes) or "",
        "latitude": latitude, "longitude": longitude, "active": active,
    }
    if latitude is not None and not -90 <= latitude <= 90:
        errors.append(DomainError(ErrorCode.INVALID, "Широта — от -90 до 90.", "latitude"))
    if longitude is not None and not -180 <= longitude <= 180:
        errors.append(DomainError(ErrorCode.INVALID, "Долгота — от -180 до 180.", "longitude"))
    if (latitude is None) != (longitude is None):
        errors.append(DomainError(ErrorCode.INVALID, "Укажите и широту, и долготу.",
                                  "longitude"))
    features: list[str] = []
    for value in accessibility or []:
        if value not in AccessibilityFeature._value2member_map_:
            errors.append(DomainError(ErrorCode.INVALID, "Неизвестная особенность доступности.",
                                      "accessibility"))
            break
        if value not in features:
            features.append(str(value))
    values["accessibility"] = features
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        if point_id is None:
            point = await ReceptionPoint.create(**values)
        else:
            point = await _get(ReceptionPoint, point_id, "pointId", "Место приёма")
            await point.update_from_dict(values).save()
    return point


# -- officials -----------------------------------------------------------------------------


async def save_official(
    actor: Actor, *, official_id: Any = None, staff_member_id: Any = None,
    position: str | None, sphere_ids: list[Any] | None = None, active: bool = True,
) -> ReceivingOfficial:
    """Create a receiving official (a staff member with a position and the spheres they
    receive on), or edit one when ``official_id`` is given."""
    check_keeper(actor)
    errors: list[DomainError] = []
    clean = _collect(errors, lambda v: clean_text(v, "position", max_length=NAME_MAX,
                                                  required=True), position)
    spheres = [str(s) for s in uuids(sphere_ids or [])]
    if len(spheres) != len(sphere_ids or []) or (
            spheres and await Sphere.filter(id__in=spheres).count() != len(set(spheres))):
        errors.append(not_found("Сфера", "sphereIds"))
    if errors:
        raise ValidationFailed(errors)
    spheres = list(dict.fromkeys(spheres))
    async with transaction():
        if official_id is None:
            if staff_member_id is None:
                raise DomainError(ErrorCode.REQUIRED, "Укажите сотрудника.", "staffMemberId")
            staff = await _get(StaffMember, staff_member_id, "staffMemberId", "Сотрудник")
            if await ReceivingOfficial.exists(staff_id=staff.id):
                raise DomainError(ErrorCode.DUPLICATE, "Этот сотрудник уже ведёт приём.",
                                  "staffMemberId")
            try:
                official = await ReceivingOfficial.create(
                    staff_id=staff.id, position=clean, spheres=spheres, active=active)
            except IntegrityError:
                raise DomainError(ErrorCode.DUPLICATE, "Этот сотрудник уже ведёт приём.",
                                  "staffMemberId") from None
        else:
            official = await _get(ReceivingOfficial, official_id, "officialId",
                                  "Должностное лицо")
            await official.update_from_dict(
                {"position": clean, "spheres": spheres, "active": active}).save()
    if official_id is not None:
        for schedule_id in await ReceptionSchedule.filter(official_id=official.id).values_list(
                "id", flat=True):
            await regenerate(schedule_id)
    return official


# -- schedules -----------------------------------------------------------------------------


@dataclass
class Regenerated:
    created: int = 0
    removed: int = 0
    kept: int = 0  # slots the schedule no longer wants but that hold bookings
    skipped: list[dt.date] = field(default_factory=list)  # non-working dates of the rule


@dataclass
class SavedSchedule:
    schedule: ReceptionSchedule
    result: Regenerated


def _raced(use_case):
    """A parallel regeneration (the cron, another keeper) that wrote the same slot first
    makes the unique (official, starts_at) key refuse ours: nothing is written, try again."""
    @functools.wraps(use_case)
    async def run(*args: Any, **kwargs: Any) -> SavedSchedule:
        try:
            return await use_case(*args, **kwargs)
        except IntegrityError:
            raise DomainError(ErrorCode.DUPLICATE, "Расписание только что изменили: "
                              "повторите сохранение.") from None
    return run


@_raced
async def save_schedule(
    actor: Actor, *, schedule_id: Any = None, official_id: Any = None, point_id: Any = None,
    rrule: str | None, valid_from: dt.date | None, valid_until: dt.date | None = None,
    start_time: str | None, end_time: str | None, slot_minutes: int, capacity: int = 1,
    active: bool = True,
) -> SavedSchedule:
    """Create or replace a schedule. A malformed rule, hours outside working time, a rule
    whose every date in the horizon is a day off, or hours overlapping another schedule of
    the same official are SCHEDULE_INVALID; the dates a rule reaches that the calendar does
    not work (a holiday now and then) are skipped and listed in the result."""
    check_keeper(actor)
    if valid_from is None:
        raise rules.invalid("Укажите дату начала расписания.", "validFrom")
    if valid_until is not None and valid_until < valid_from:
        raise rules.invalid("Дата окончания раньше даты начала.", "validUntil")
    window = rules.check_window(start_time, end_time, slot_minutes, capacity)
    rule = rules.parse_rule(rrule, valid_from)
    calendar = await load_calendar()
    rules.check_in_working_hours(rule, valid_from, window, calendar.schedule)
    values = {"rrule": rrule.strip(), "valid_from": valid_from, "valid_until": valid_until,
              "start_time": rules.format_hhmm(window.start),
              "end_time": rules.format_hhmm(window.end), "slot_minutes": slot_minutes,
              "capacity": capacity, "active": active}
    async with transaction():
        if schedule_id is None:
            official = await _get(ReceivingOfficial, official_id, "officialId",
                                  "Должностное лицо")
            point = await _get(ReceptionPoint, point_id, "pointId", "Место приёма")
            schedule = ReceptionSchedule(id=uuid.uuid4(), official_id=official.id,
                                         point_id=point.id, **values)
        else:
            schedule = await _get(ReceptionSchedule, schedule_id, "scheduleId",
                                  "Расписание приёма")
            if point_id is not None:
                schedule.point_id = (await _get(ReceptionPoint, point_id, "pointId",
                                                "Место приёма")).id
            schedule.update_from_dict(values)
        plan = await _plan(schedule, calendar)
        if active and plan.skipped and not plan.slots:
            raise rules.invalid(
                "Все даты правила в ближайшие дни нерабочие (праздники или выходные): "
                + ", ".join(d.strftime("%d.%m.%Y") for d in plan.skipped[:10]), "rrule")
        await _check_no_overlap(schedule, plan.slots)
        await schedule.save()
        result = await _apply(schedule, plan.slots if active else [])
        result.skipped = plan.skipped
    return SavedSchedule(schedule, result)


@_raced
async def set_exception(
    actor: Actor, schedule_id: Any, day: dt.date | None, kind: ExceptionKind,
    start_time: str | None = None, end_time: str | None = None, note: str | None = None,
) -> SavedSchedule:
    """No reception on a date (CANCELLED), or other hours that date (CHANGED_HOURS, inside
    working time). Replaces the date's earlier exception."""
    check_keeper(actor)
    note = clean_text(note, "note", max_length=SHORT_MAX) or ""
    if day is None:
        raise DomainError(ErrorCode.REQUIRED, "Укажите дату.", "date")
    calendar = await load_calendar()
    if kind == ExceptionKind.CHANGED_HOURS:
        schedule = await _get(ReceptionSchedule, schedule_id, "scheduleId", "Расписание приёма")
        window = rules.check_window(start_time, end_time, schedule.slot_minutes,
                                    schedule.capacity)
        spans = calendar.day(day).spans
        if not spans:
            raise rules.invalid("Этот день нерабочий: приём в этот день не проводится.", "date")
        if window.start < spans[0][0] or window.end > spans[-1][1]:
            raise rules.invalid("Часы приёма выходят за рабочее время этого дня.", "startTime")
        start_time, end_time = rules.format_hhmm(window.start), rules.format_hhmm(window.end)
    else:
        start_time = end_time = None
    async with transaction():
        schedule = await _get(ReceptionSchedule, schedule_id, "scheduleId", "Расписание приёма")
        await ScheduleException.filter(schedule_id=schedule.id, date=day).delete()
        await ScheduleException.create(schedule_id=schedule.id, date=day, kind=kind,
                                       start_time=start_time, end_time=end_time, note=note)
        plan = await _plan(schedule, calendar)
        await _check_no_overlap(schedule, plan.slots)
        result = await _apply(schedule, plan.slots if schedule.active else [])
        result.skipped = plan.skipped
    return SavedSchedule(schedule, result)


@_raced
async def remove_exception(actor: Actor, schedule_id: Any, day: dt.date) -> SavedSchedule:
    """The date is kept by the rule again."""
    check_keeper(actor)
    async with transaction():
        schedule = await _get(ReceptionSchedule, schedule_id, "scheduleId", "Расписание приёма")
        if not await ScheduleException.filter(schedule_id=schedule.id, date=day).delete():
            raise not_found("Исключение расписания", "date")
    return SavedSchedule(schedule, await regenerate(schedule.id))


# -- slots ---------------------------------------------------------------------------------


async def regenerate(schedule_id: Any, calendar: WorkCalendar | None = None) -> Regenerated:
    """Bring one schedule's future slots in line with its rule, exceptions and the calendar
    for the horizon; one transaction. Idempotent."""
    calendar = calendar or await load_calendar()
    async with transaction():
        schedule = await ReceptionSchedule.get_or_none(id=schedule_id)
        if schedule is None:
            return Regenerated()
        live = schedule.active and await ReceivingOfficial.exists(
            id=schedule.official_id, active=True)
        plan = await _plan(schedule, calendar)
        result = await _apply(schedule, plan.slots if live else [])
        result.skipped = plan.skipped
    return result


async def fill_horizon() -> Regenerated:
    """Every schedule's slots for the horizon (the daily cron); a schedule that fails (a
    parallel save won a unique key) is left to the next run."""
    calendar = await load_calendar()
    total = Regenerated()
    for schedule_id in await ReceptionSchedule.all().values_list("id", flat=True):
        try:
            done = await regenerate(schedule_id, calendar)
        except IntegrityError:
            continue
        total.created += done.created
        total.removed += done.removed
        total.kept += done.kept
    return total


async def _plan(schedule: ReceptionSchedule, calendar: WorkCalendar) -> rules.Plan:
    first = max(today(), schedule.valid_from)
    last = today() + dt.timedelta(days=get_settings().reception_horizon_days)
    rule = rules.parse_rule(schedule.rrule, schedule.valid_from)
    window = rules.Window(rules.parse_hhmm(schedule.start_time, "startTime"),
                          rules.parse_hhmm(schedule.end_time, "endTime"), schedule.slot_minutes)
    exceptions: dict[dt.date, rules.Window | None] = {}
    if schedule.id is not None:
        for row in await ScheduleException.filter(schedule_id=schedule.id, date__gte=first):
            exceptions[row.date] = None if row.kind == ExceptionKind.CANCELLED else rules.Window(
                rules.parse_hhmm(row.start_time, "startTime"),
                rules.parse_hhmm(row.end_time, "endTime"), schedule.slot_minutes)
    plan = rules.plan_slots(rule, window, first, last, schedule.valid_until,
                            lambda d: calendar.day(d).spans, calendar.zone, exceptions)
    now = dt.datetime.now(dt.UTC)
    return rules.Plan([s for s in plan.slots if s[0] > now], plan.skipped)


async def _check_no_overlap(schedule: ReceptionSchedule,
                            wanted: list[tuple[dt.datetime, dt.datetime]]) -> None:
    """An official receives in one place at a time: no slot may overlap a slot of another
    of their schedules."""
    if not wanted:
        return
    others = await ReceptionSlot.filter(
        official_id=schedule.official_id, starts_at__lt=max(e for _, e in wanted),
        ends_at__gt=min(s for s, _ in wanted)).exclude(schedule_id=schedule.id).values_list(
        "starts_at", "ends_at")
    if any(rules.overlaps(slot, other) for slot in wanted for other in others):
        raise rules.invalid("Часы приёма пересекаются с другим расписанием этого должностного "
                            "лица.", "startTime")


async def _apply(schedule: ReceptionSchedule,
                 wanted: list[tuple[dt.datetime, dt.datetime]]) -> Regenerated:
    """Create the wanted slots that are missing, delete the free future slots no longer
    wanted, keep those that hold bookings. Call inside a transaction."""
    now = dt.datetime.now(dt.UTC)
    result = Regenerated()
    wanted_by_start = {s.astimezone(dt.UTC): e.astimezone(dt.UTC) for s, e in wanted}
    existing = await ReceptionSlot.filter(schedule_id=schedule.id, starts_at__gt=now)
    booked = set(await Booking.filter(
        slot_id__in=[s.id for s in existing], status=BookingStatus.BOOKED).values_list(
        "slot_id", flat=True)) if existing else set()
    stale: list[Any] = []
    for slot in existing:
        start = slot.starts_at.astimezone(dt.UTC)
        if start in wanted_by_start:
            end = wanted_by_start.pop(start)
            if slot.id not in booked and (slot.ends_at != end or
                                          slot.capacity != schedule.capacity or
                                          slot.point_id != schedule.point_id):
                slot.ends_at, slot.capacity, slot.point_id = end, schedule.capacity, \
                    schedule.point_id
                await slot.save(update_fields=("ends_at", "capacity", "point_id"))
        elif slot.id in booked:
            result.kept += 1
        else:
            stale.append(slot.id)
    if stale:
        # Cancelled bookings keep their slot (history shows where they were): such slots stay.
        with_history = set(await Booking.filter(slot_id__in=stale).values_list(
            "slot_id", flat=True))
        removable = [s for s in stale if s not in with_history]
        if removable:
            result.removed = await ReceptionSlot.filter(id__in=removable).delete()
        if with_history:
            await ReceptionSlot.filter(id__in=list(with_history)).update(
                status=SlotStatus.CANCELLED)
            result.removed += len(with_history)
    if wanted_by_start:
        taken = {s.astimezone(dt.UTC) for s in await ReceptionSlot.filter(
            official_id=schedule.official_id,
            starts_at__in=list(wanted_by_start)).values_list("starts_at", flat=True)}
        new = [ReceptionSlot(id=uuid.uuid4(), schedule_id=schedule.id,
                             official_id=schedule.official_id, point_id=schedule.point_id,
                             starts_at=start, ends_at=end, capacity=schedule.capacity)
               for start, end in sorted(wanted_by_start.items()) if start not in taken]
        if new:
            await ReceptionSlot.bulk_create(new, batch_size=500)
        result.created = len(new)
    return result


async def _get(model: Any, value: Any, field: str, what: str) -> Any:
    found = await model.get_or_none(id=parse_uuid(value, field, what))
    if found is None:
        raise not_found(what, field)
    return found
