"""Reception use cases (the write side): booking and cancelling. Each runs in one
transaction, writes its history event (R-1.5), calls the notices hook inside the transaction
and publishes the change after commit.

Points, officials and schedules are kept in ``schedules.py``; reads are in ``queries.py``.

Double booking is impossible by the unique (slot, seat) key: a booking takes the first free
seat, and when a parallel booking took the same seat first, the insert fails and the whole
transaction is tried again (the rows it reads are then committed), at most once per seat;
when no seat is left, SLOT_TAKEN.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError, OperationalError

from domain.actor import Actor
from domain.clients.access import get_client_for, own_client_id
from domain.clients.models import Client
from domain.directory.models import Sphere, StaffMember
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.ids import as_uuid, parse_uuid
from domain.reception import notices, rules
from domain.reception.access import books_for_caller, forbid, sees_booking
from domain.reception.events import publish_booking_changed
from domain.reception.models import (
    BookedBy,
    Booking,
    BookingStatus,
    CancelledBy,
    ReceptionSchedule,
    ReceptionSlot,
    SlotStatus,
)
from domain.settings import get_settings
from domain.transaction import after_commit, transaction
from domain.validation import SHORT_MAX, clean_text

TOPIC_MAX = 2000
# SQLite answers "database is locked" when another process holds the write lock past the
# busy timeout: the booking is tried again after a short pause, never reported as a bug.
LOCKED_RETRIES = 5


def _now() -> datetime:
    return datetime.now(UTC)


def slot_taken() -> DomainError:
    return DomainError(
        ErrorCode.SLOT_TAKEN, "Это время уже занято. Выберите другое время приёма.", "slotId")


def _locked(exc: Exception) -> bool:
    return "locked" in str(exc).lower() or "busy" in str(exc).lower()


async def book(
    actor: Actor, *, slot_id: Any, client_id: Any | None, topic: str | None,
    sphere_id: Any | None = None,
) -> Booking:
    """R-4.2 an operator books for a caller (``client_id`` required); R-4.3 the signed-in
    client books for themselves (``client_id`` omitted, or their own)."""
    topic = clean_text(topic, "topic", max_length=TOPIC_MAX, required=True, multiline=True)
    slot_uuid = parse_uuid(slot_id, "slotId", "Время приёма")
    sphere_uuid = parse_uuid(sphere_id, "sphereId", "Сфера") if sphere_id else None
    if actor.is_staff:
        if not books_for_caller(actor):
            raise forbid()
        if client_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Укажите клиента, которого записываете.",
                              "clientId")
        by = BookedBy.OPERATOR
    else:
        if client_id is None:
            client_id = own_client_id(actor)
            if client_id is None:
                raise not_found("Клиент", "clientId")
        by = BookedBy.CLIENT
    client = await get_client_for(actor, client_id, "clientId")
    if sphere_uuid is not None and not await Sphere.exists(id=sphere_uuid, active=True):
        raise not_found("Сфера", "sphereId")
    staff_id = None
    if by == BookedBy.OPERATOR:
        staff_id = await StaffMember.filter(subject=actor.subject).first().values_list(
            "id", flat=True)
    settings = get_settings()
    locked = 0
    attempts = 0
    while True:
        attempts += 1
        try:
            async with transaction():
                # One booking of a client at a time (PostgreSQL; SQLite writes one at a
                # time anyway), so the cap and the "already booked" check are exact.
                await Client.select_for_update().filter(id=client.id).values_list(
                    "id", flat=True)
                slot = await ReceptionSlot.get_or_none(id=slot_uuid)
                if slot is None:
                    raise not_found("Время приёма", "slotId")
                await _check_bookable(slot)
                taken = set(await Booking.filter(slot_id=slot.id, seat__not_isnull=True)
                            .values_list("seat", flat=True))
                seat = rules.first_free_seat(taken, slot.capacity)
                if seat is None:
                    raise slot_taken()
                # The client's future bookings: one read for "already booked here" and the cap.
                held = {as_uuid(s) for s in await Booking.filter(
                    client_id=client.id, status=BookingStatus.BOOKED,
                    slot__starts_at__gt=_now()).values_list("slot_id", flat=True)}
                if slot.id in held:
                    raise DomainError(ErrorCode.DUPLICATE, "Вы уже записаны на это время.",
                                      "slotId")
                if len(held) >= settings.reception_max_future_bookings:
                    raise DomainError(
                        ErrorCode.BOOKING_LIMIT,
                        "Можно записаться не больше чем на "
                        f"{settings.reception_max_future_bookings} приёма вперёд. "
                        "Отмените одну из записей, чтобы записаться снова.", "slotId")
                booking = await Booking.create(
                    id=uuid.uuid4(), client_id=client.id, slot_id=slot.id, seat=seat,
                    topic=topic, sphere_id=sphere_uuid, status=BookingStatus.BOOKED,
                    booked_by=by, booked_by_staff_id=staff_id,
                    booked_by_subject=actor.subject[:200],
                )
                await history.record(
                    client.id, EventKind.RECEPTION,
                    f"Запись на личный приём {rules.local_label(slot.starts_at)}",
                    actor=actor, source=(SourceType.BOOKING, booking.id),
                    details={"event": "booked", "slotId": str(slot.id),
                             "pointId": str(slot.point_id), "bookedBy": str(by)},
                )
                await notices.on_booked(booking)
                _publish_after_commit(booking, slot.point_id)
            return booking
        except IntegrityError:
            # A parallel booking took this seat first: read the seats again, once per seat.
            if attempts > slot.capacity:
                raise slot_taken() from None
        except OperationalError as exc:
            if not _locked(exc):
                raise
            locked += 1
            if locked > LOCKED_RETRIES:
                raise slot_taken() from None
            await asyncio.sleep(0.05 * locked)


async def _check_bookable(slot: ReceptionSlot) -> None:
    """Open, in an active schedule of an active official at an active point, in the future
    by at least the lead time."""
    settings = get_settings()
    if slot.status != SlotStatus.OPEN or not await ReceptionSchedule.exists(
            id=slot.schedule_id, active=True, official__active=True, point__active=True):
        raise DomainError(ErrorCode.SLOT_UNAVAILABLE, "Приём в это время не проводится.",
                          "slotId")
    now = _now()
    if slot.starts_at <= now:
        raise DomainError(ErrorCode.SLOT_UNAVAILABLE, "Это время уже прошло.", "slotId")
    if slot.starts_at < now + timedelta(minutes=settings.reception_min_lead_minutes):
        raise DomainError(
            ErrorCode.SLOT_UNAVAILABLE,
            "Записаться на это время уже нельзя: запись закрывается за "
            f"{settings.reception_min_lead_minutes} мин. до начала приёма.", "slotId")


def _publish_after_commit(booking: Booking, point_id: Any) -> None:
    booking_id, status = booking.id, str(booking.status)
    after_commit(lambda: publish_booking_changed(booking_id, point_id, status))


async def get_booking_for(actor: Actor, booking_id: Any, field: str = "bookingId") -> Booking:
    """The booking, if it exists and the actor may see it (its client, or staff); a foreign
    booking looks like a missing one."""
    bid = as_uuid(booking_id)
    booking = await Booking.get_or_none(id=bid) if bid else None
    if booking is None or not sees_booking(actor, booking.client_id):
        raise not_found("Запись на приём", field)
    return booking


async def cancel(
    actor: Actor, booking_id: Any, *, via: CancelledBy, reason: str | None = None,
) -> Booking:
    """R-4.6: cancel at any time; the seat is free at once. Idempotent: cancelling a
    cancelled booking returns it unchanged. A booking after its reception (held, no-show)
    cannot be cancelled."""
    reason = clean_text(reason, "reason", max_length=SHORT_MAX, multiline=True)
    if via in (CancelledBy.CLIENT, CancelledBy.OPERATOR):
        via = CancelledBy.OPERATOR if actor.is_staff else CancelledBy.CLIENT
    async with transaction():
        booking = await get_booking_for(actor, booking_id)
        # Lock the row: two cancels at once write one history event.
        booking = await Booking.select_for_update().get(id=booking.id)
        if booking.status == BookingStatus.CANCELLED:
            return booking
        if booking.status != BookingStatus.BOOKED:
            raise DomainError(ErrorCode.INVALID_STATE,
                              "Приём уже состоялся: отменить запись нельзя.", "bookingId")
        slot = await ReceptionSlot.get(id=booking.slot_id)
        booking.status = BookingStatus.CANCELLED
        booking.seat = None
        booking.cancelled_at = _now()
        booking.cancelled_by = via
        booking.cancel_reason = reason
        await booking.save(update_fields=(
            "status", "seat", "cancelled_at", "cancelled_by", "cancel_reason"))
        await history.record(
            booking.client_id, EventKind.RECEPTION,
            f"Запись на личный приём {rules.local_label(slot.starts_at)} отменена",
            actor=actor, source=(SourceType.BOOKING, booking.id),
            details={"event": "cancelled", "slotId": str(slot.id), "via": str(via),
                     **({"reason": reason} if reason else {})},
        )
        await notices.on_cancelled(booking)
        _publish_after_commit(booking, slot.point_id)
    return booking
