"""Changes of official, date or time (R-4.4), made by staff: one slot, a schedule over a
date range, or an official's absence. Every affected booking hears of it once.

One transaction per change: the slots change, a ``ReceptionChange`` row and one
``BookingChange`` row per affected booking are written (the unique (change, booking) key),
and each notice is an outbox row (``deliveries.send`` with the key
``reception-change:<change>:<booking>``) in the same transaction. A change that fails
(a bad input, a clash found half way) rolls back whole: no slot moved, no notice written.

A booking the change can keep (another official, another time) stays booked at the new
official or time, and its notice carries one-step accept and cancel links (``links.py``).
A booking it cannot keep (the slot is cancelled, or the new time clashes with another
slot of the official) is cancelled with the notice, by the booking service's ``cancel``
(``CancelledBy.SYSTEM``, the reason is the change's sentence).
Applying the same change again finds nothing to change and sends nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.deliveries.rendering import datetime_ru
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.ids import parse_uuid
from domain.reception import notices, service
from domain.reception.access import check_keeper
from domain.reception.events import publish_booking_changed
from domain.reception.models import (
    Booking,
    BookingChange,
    BookingStatus,
    CancelledBy,
    ChangeKind,
    NoticeOutcome,
    ReceivingOfficial,
    ReceptionChange,
    ReceptionSchedule,
    ReceptionSlot,
    SlotStatus,
)
from domain.settings import get_settings
from domain.transaction import after_commit, transaction
from domain.validation import SHORT_MAX, clean_text

MAX_RANGE_DAYS = 366
MAX_SHIFT_MINUTES = 24 * 60


@dataclass
class ChangeResult:
    """What one change did: how many bookings it kept (moved, notified with accept/cancel
    links) and how many it had to cancel (notified with the reason)."""

    change: ReceptionChange | None
    kept: int = 0
    cancelled: int = 0
    slots: int = 0
    bookings: list[uuid.UUID] = field(default_factory=list)

    @property
    def affected(self) -> int:
        return self.kept + self.cancelled


@dataclass(frozen=True, slots=True)
class _Plan:
    """The new state of one slot: another official and/or another start, or cancelled."""

    slot: ReceptionSlot
    official_id: Any
    starts_at: datetime
    cancel: bool


def _now() -> datetime:
    return datetime.now(UTC)


async def _official(official_id: Any, field_name: str) -> ReceivingOfficial:
    official = await ReceivingOfficial.get_or_none(
        id=parse_uuid(official_id, field_name, "Должностное лицо"))
    if official is None:
        raise not_found("Должностное лицо", field_name)
    if not official.active:
        raise DomainError(ErrorCode.INVALID_STATE, "Это должностное лицо сейчас не ведёт приём.",
                          field_name)
    return official


def _range(first: Any, last: Any) -> tuple[date, date]:
    for value, name in ((first, "from"), (last, "to")):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise DomainError(ErrorCode.INVALID, "Укажите дату.", name)
    if last < first:
        raise DomainError(ErrorCode.INVALID, "Дата окончания раньше даты начала.", "to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise DomainError(ErrorCode.INVALID, f"Не больше {MAX_RANGE_DAYS} дней за раз.", "to")
    return first, last


def _utc_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(get_settings().timezone)
    return (datetime.combine(first, time.min, zone).astimezone(UTC),
            datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC))


async def _check_working_time(starts_at: datetime, ends_at: datetime) -> None:
    """R-4.1: a moved slot lies in the future, wholly inside one working interval."""
    if starts_at <= _now():
        raise DomainError(ErrorCode.SLOT_UNAVAILABLE, "Новое время приёма уже прошло.",
                          "startsAt")
    calendar = await load_calendar()
    local = starts_at.astimezone(calendar.zone)
    for interval in calendar.working_intervals(local.date()):
        if interval.start <= starts_at and ends_at <= interval.end:
            return
    raise DomainError(ErrorCode.SLOT_UNAVAILABLE, "Новое время приёма вне рабочего времени.",
                      "startsAt")


def _sentence(old_name: str, new_name: str, old_start: datetime, new_start: datetime,
              reason: str | None) -> str:
    parts = []
    if new_start != old_start:
        parts.append(f"Приём перенесён с {datetime_ru(old_start)} на {datetime_ru(new_start)}.")
    if new_name != old_name:
        # Names are not declined («вместо Петров Пётр Петрович» reads badly), nor gendered.
        parts.append(f"Приём проведёт другое должностное лицо: {new_name} (было: {old_name}).")
    if reason:
        parts.append(f"Причина: {reason}")
    return " ".join(parts)


def _cancel_sentence(start: datetime, reason: str | None) -> str:
    text = f"Приём {datetime_ru(start)} не состоится."
    return f"{text} Причина: {reason}" if reason else text


async def _apply(actor: Actor, kind: ChangeKind, plans: list[_Plan], *, reason: str | None,
                 details: dict[str, Any], strict: bool) -> ChangeResult:
    """Change the slots and tell every booking in them; inside the caller's transaction.
    ``strict``: a clash is an error (one slot); otherwise the clashing slot is cancelled."""
    plans = [p for p in plans if p.cancel or p.official_id != p.slot.official_id
             or p.starts_at != p.slot.starts_at]
    result = ChangeResult(None)
    if not plans:
        return result  # nothing to change: the same change again sends nothing
    change = await ReceptionChange.create(
        id=uuid.uuid4(), kind=kind, summary="", reason=reason, made_by=actor.subject[:200],
        details=details)
    result.change = change
    names: dict[Any, str] = {}

    async def name_of(official_id: Any) -> str:
        if official_id not in names:
            names[official_id] = (await notices.official_label(official_id))[0]
        return names[official_id]

    # Later slots first when moving later (and earlier first when moving earlier), so slots of
    # one schedule shifting together never meet on the unique (official, start) key.
    plans.sort(key=lambda p: p.slot.starts_at, reverse=any(
        p.starts_at > p.slot.starts_at for p in plans))
    summaries: list[str] = []
    vacated: list[ReceptionSlot] = []
    for plan in plans:
        slot = plan.slot
        old_official, old_start = slot.official_id, slot.starts_at
        cancel = plan.cancel
        if not cancel:
            clash = await ReceptionSlot.filter(
                official_id=plan.official_id, starts_at=plan.starts_at,
            ).exclude(id=slot.id).first()
            if clash is not None:  # the unique (official, start) key: any status counts
                if strict:
                    raise DomainError(ErrorCode.SLOT_TAKEN, "У должностного лица уже есть приём "
                                      "в это время.", "startsAt")
                cancel = True
        duration = slot.ends_at - slot.starts_at
        if cancel:
            slot.status = SlotStatus.CANCELLED
            await slot.save(update_fields=("status",))
            text = _cancel_sentence(old_start, reason)
        else:
            if plan.starts_at != old_start:
                vacated.append(ReceptionSlot(
                    id=uuid.uuid4(), schedule_id=slot.schedule_id, official_id=old_official,
                    point_id=slot.point_id, starts_at=old_start, ends_at=slot.ends_at,
                    capacity=slot.capacity, status=SlotStatus.CANCELLED))
            slot.official_id = plan.official_id
            slot.starts_at = plan.starts_at
            slot.ends_at = plan.starts_at + duration
            await slot.save(update_fields=("official_id", "starts_at", "ends_at"))
            text = _sentence(await name_of(old_official), await name_of(plan.official_id),
                             old_start, plan.starts_at, reason)
        summaries.append(text)
        result.slots += 1
        bookings = await Booking.filter(slot_id=slot.id, status=BookingStatus.BOOKED) \
            .order_by("seat")
        for booking in bookings:
            notice = await BookingChange.create(
                id=uuid.uuid4(), change_id=change.id, booking_id=booking.id,
                outcome=NoticeOutcome.CANCELLED if cancel else NoticeOutcome.KEPT,
                old_starts_at=old_start, old_official_id=old_official)
            result.bookings.append(booking.id)
            if cancel:
                await service.cancel(actor, booking.id, via=CancelledBy.SYSTEM,
                                     reason=text[:SHORT_MAX])
                result.cancelled += 1
                continue
            await history.record(
                booking.client_id, EventKind.RECEPTION, f"Запись на личный приём изменена. {text}",
                actor=actor, source=(SourceType.BOOKING, booking.id),
                details={"event": "changed", "changeId": str(change.id),
                         "slotId": str(slot.id), "oldStartsAt": old_start.isoformat(),
                         "startsAt": slot.starts_at.isoformat()},
            )
            await notices.send_change_notice(booking, notice.id, change.id, text, actor=actor)
            booking_id, point_id = booking.id, slot.point_id
            after_commit(lambda b=booking_id, p=point_id: publish_booking_changed(
                b, p, str(BookingStatus.BOOKED)))
            result.kept += 1
    for gone in vacated:
        # The time a slot left stays closed: the schedule's regeneration must not offer it
        # again (it keeps a cancelled slot at a wanted time as it is).
        if not await ReceptionSlot.exists(official_id=gone.official_id,
                                          starts_at=gone.starts_at):
            await gone.save()
    change.summary = (summaries[0] if len(summaries) == 1
                      else f"Изменено приёмов: {len(summaries)}. {summaries[0]}")[:1000]
    await change.save(update_fields=("summary",))
    return result


async def change_slot(actor: Actor, slot_id: Any, *, official_id: Any = None,
                      starts_at: datetime | None = None, cancel: bool = False,
                      reason: str | None = None) -> ChangeResult:
    """One slot: another official, another date and time, or no reception (``cancel``)."""
    check_keeper(actor)
    reason = clean_text(reason, "reason", max_length=300)
    if not cancel and official_id is None and starts_at is None:
        raise DomainError(ErrorCode.REQUIRED, "Укажите новое должностное лицо, новое время или "
                          "отмену приёма.", "officialId")
    async with transaction():
        slot = await ReceptionSlot.select_for_update().get_or_none(
            id=parse_uuid(slot_id, "slotId", "Время приёма"))
        if slot is None:
            raise not_found("Время приёма", "slotId")
        if slot.status != SlotStatus.OPEN or slot.starts_at <= _now():
            raise DomainError(ErrorCode.INVALID_STATE, "Этот приём уже отменён или прошёл.",
                              "slotId")
        new_official = slot.official_id
        if official_id is not None:
            new_official = (await _official(official_id, "officialId")).id
        new_start = slot.starts_at
        if starts_at is not None and not cancel:
            if starts_at.tzinfo is None:
                raise DomainError(ErrorCode.INVALID, "Укажите время со смещением от UTC.",
                                  "startsAt")
            new_start = starts_at.astimezone(UTC).replace(microsecond=0)
            await _check_working_time(new_start, new_start + (slot.ends_at - slot.starts_at))
        return await _apply(
            actor, ChangeKind.SLOT_CANCELLED if cancel else ChangeKind.SLOT_CHANGED,
            [_Plan(slot, new_official, new_start, cancel)], reason=reason, strict=True,
            details={"slotId": str(slot.id)})


async def change_schedule(actor: Actor, schedule_id: Any, *, first: date, last: date,
                          official_id: Any = None, shift_minutes: int | None = None,
                          cancel: bool = False, reason: str | None = None) -> ChangeResult:
    """A schedule over a date range (its slots from ``first`` to ``last``, local dates):
    another official, a shift of every slot by some minutes, or no reception."""
    check_keeper(actor)
    reason = clean_text(reason, "reason", max_length=300)
    first, last = _range(first, last)
    if not cancel and official_id is None and not shift_minutes:
        raise DomainError(ErrorCode.REQUIRED, "Укажите новое должностное лицо, сдвиг времени "
                          "или отмену приёма.", "officialId")
    if shift_minutes is not None and abs(shift_minutes) > MAX_SHIFT_MINUTES:
        raise DomainError(ErrorCode.INVALID, "Сдвиг — не больше суток.", "shiftMinutes")
    async with transaction():
        schedule = await ReceptionSchedule.get_or_none(
            id=parse_uuid(schedule_id, "scheduleId", "Расписание приёма"))
        if schedule is None:
            raise not_found("Расписание приёма", "scheduleId")
        new_official = (await _official(official_id, "officialId")).id if official_id else None
        start, end = _utc_bounds(first, last)
        slots = await ReceptionSlot.filter(
            schedule_id=schedule.id, status=SlotStatus.OPEN, starts_at__gte=max(start, _now()),
            starts_at__lt=end).select_for_update().order_by("starts_at")
        shift = timedelta(minutes=shift_minutes or 0)
        if shift and not cancel:
            for slot in slots:
                await _check_working_time(slot.starts_at + shift, slot.ends_at + shift)
        plans = [_Plan(s, new_official or s.official_id, s.starts_at + shift, cancel)
                 for s in slots]
        return await _apply(actor, ChangeKind.SCHEDULE_CHANGED, plans, reason=reason,
                            strict=False, details={
                                "scheduleId": str(schedule.id), "from": first.isoformat(),
                                "to": last.isoformat(), "shiftMinutes": shift_minutes or 0,
                                "officialId": str(new_official) if new_official else None,
                                "cancel": cancel})


async def record_absence(actor: Actor, official_id: Any, *, first: date, last: date,
                         substitute_id: Any = None, reason: str | None = None) -> ChangeResult:
    """An official is absent from ``first`` to ``last`` (local dates): their slots go to the
    substitute (bookings kept and notified) or, without one, are cancelled (bookings
    cancelled and notified). A slot the substitute cannot take (they receive at that time
    already) is cancelled."""
    check_keeper(actor)
    reason = clean_text(reason, "reason", max_length=300)
    first, last = _range(first, last)
    async with transaction():
        official = await ReceivingOfficial.get_or_none(
            id=parse_uuid(official_id, "officialId", "Должностное лицо"))
        if official is None:
            raise not_found("Должностное лицо", "officialId")
        substitute = None
        if substitute_id is not None:
            substitute = await _official(substitute_id, "substituteId")
            if substitute.id == official.id:
                raise DomainError(ErrorCode.INVALID, "Замещающий — другое должностное лицо.",
                                  "substituteId")
        start, end = _utc_bounds(first, last)
        slots = await ReceptionSlot.filter(
            official_id=official.id, status=SlotStatus.OPEN, starts_at__gte=max(start, _now()),
            starts_at__lt=end).select_for_update().order_by("starts_at")
        plans = [_Plan(s, substitute.id if substitute else s.official_id, s.starts_at,
                       substitute is None) for s in slots]
        return await _apply(actor, ChangeKind.ABSENCE, plans, reason=reason, strict=False,
                            details={"officialId": str(official.id), "from": first.isoformat(),
                                     "to": last.isoformat(), "substituteId":
                                     str(substitute.id) if substitute else None})
