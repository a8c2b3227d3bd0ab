"""After the reception (R-4.9): held or no-show, marked by staff or held automatically at the
slot's end; a held reception invites the client to rate it (survey purpose RECEPTION).

The invitation goes through the surveys area (``invite_and_notify``: one open invitation per
booking, its delivery by the client's channels once), in the transaction that marks the
booking. Staff may correct a mark (held ↔ no-show); the same mark again changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from domain.actor import SYSTEM, Actor
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.ids import parse_uuid
from domain.reception import notices, rules
from domain.reception.access import forbid
from domain.reception.events import publish_booking_changed
from domain.reception.models import Booking, BookingStatus, ReceptionSlot, SlotStatus
from domain.surveys import service as surveys
from domain.surveys.models import SurveyPurpose
from domain.transaction import after_commit, transaction


class Outcome(StrEnum):
    """What staff may mark after the reception (the booking's status becomes the same)."""

    HELD = "held"
    NO_SHOW = "no_show"


OUTCOMES = frozenset({BookingStatus.HELD, BookingStatus.NO_SHOW})
OUTCOME_RU = {BookingStatus.HELD: "состоялся", BookingStatus.NO_SHOW: "клиент не пришёл"}
BATCH = 200


def _now() -> datetime:
    return datetime.now(UTC)


async def _record(booking: Booking, slot: ReceptionSlot, outcome: BookingStatus,
                  actor: Actor, *, automatic: bool) -> None:
    """Inside the transaction: history, the survey invitation for a held reception, publish."""
    when = rules.local_label(slot.starts_at)
    await history.record(
        booking.client_id, EventKind.RECEPTION,
        f"Личный приём {when}: {OUTCOME_RU[outcome]}", actor=actor,
        source=(SourceType.BOOKING, booking.id),
        details={"event": str(outcome), "slotId": str(slot.id), "automatic": automatic},
    )
    if outcome == BookingStatus.HELD:
        official, _ = await notices.official_label(slot.official_id)
        await surveys.invite_and_notify(
            ("booking", booking.id), booking.client_id, SurveyPurpose.RECEPTION, actor=actor,
            executor=official[:200], about=f"личный приём {when}")
    booking_id, point_id, status = booking.id, slot.point_id, str(outcome)
    after_commit(lambda: publish_booking_changed(booking_id, point_id, status))


async def mark(actor: Actor, booking_id: Any, outcome: BookingStatus | str) -> Booking:
    """Staff mark a booking held or no-show once its reception has begun."""
    if not actor.is_staff:
        raise forbid()
    try:
        outcome = BookingStatus(outcome)
    except ValueError:
        outcome = None
    if outcome not in OUTCOMES:
        raise DomainError(ErrorCode.INVALID, "Отметьте: приём состоялся или клиент не пришёл.",
                          "outcome")
    async with transaction():
        booking = await Booking.select_for_update().get_or_none(
            id=parse_uuid(booking_id, "bookingId", "Запись на приём"))
        if booking is None:
            raise not_found("Запись на приём", "bookingId")
        if booking.status == outcome:
            return booking
        if booking.status == BookingStatus.CANCELLED:
            raise DomainError(ErrorCode.INVALID_STATE, "Запись отменена: приёма не было.",
                              "bookingId")
        slot = await ReceptionSlot.get(id=booking.slot_id)
        if slot.starts_at > _now():
            raise DomainError(ErrorCode.INVALID_STATE, "Приём ещё не начался.", "bookingId")
        booking.status = outcome
        booking.outcome_at = _now()
        await booking.save(update_fields=("status", "outcome_at"))
        await _record(booking, slot, outcome, actor, automatic=False)
    return booking


async def hold_finished(now: datetime | None = None) -> int:
    """Bookings still booked when their slot has ended are held (R-4.9): each claimed by a
    conditional UPDATE, so two runs never invite twice. Returns how many this call held."""
    now = now or _now()
    held = 0
    while True:
        ids = await Booking.filter(
            status=BookingStatus.BOOKED, slot__ends_at__lte=now, slot__status=SlotStatus.OPEN,
        ).order_by("id").limit(BATCH).values_list("id", flat=True)
        if not ids:
            return held
        for booking_id in ids:
            async with transaction():
                claimed = await Booking.filter(id=booking_id, status=BookingStatus.BOOKED) \
                    .update(status=BookingStatus.HELD, outcome_at=now)
                if not claimed:
                    continue
                booking = await Booking.get(id=booking_id)
                slot = await ReceptionSlot.get(id=booking.slot_id)
                await _record(booking, slot, BookingStatus.HELD, SYSTEM, automatic=True)
            held += 1
        if len(ids) < BATCH:
            return held
