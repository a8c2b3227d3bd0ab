"""What the client is told about a booking (R-1.4, R-4.4, R-4.5, R-4.6): the confirmation,
the cancellation notice, a change notice, the reminder.

Everything goes through deliveries by the client's channels (``deliveries.send``: the outbox
row is written in the caller's transaction, so a notice commits or rolls back with the
booking). Each notice has an idempotency key, so it goes once whatever retries. An email
carries the iCalendar event (``ics.py``); every notice of a future booking carries the
signed cancel link (``links.py``), a change notice the accept link as well.

The booking service calls ``on_booked`` / ``on_cancelled`` INSIDE its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.actor import SYSTEM, Actor
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, Purpose, Template
from domain.deliveries.rules import Attachment
from domain.directory.models import StaffMember
from domain.reception import ics, links
from domain.reception.models import (
    AccessibilityFeature,
    Booking,
    ReceivingOfficial,
    ReceptionPoint,
    ReceptionSlot,
)
from domain.settings import Settings, get_settings

SOURCE = "booking"
ACCESSIBILITY_RU: dict[str, str] = {
    AccessibilityFeature.STEP_FREE_ENTRANCE: "вход без ступенек",
    AccessibilityFeature.RAMP: "пандус",
    AccessibilityFeature.LIFT: "лифт",
    AccessibilityFeature.ACCESSIBLE_TOILET: "туалет для людей с инвалидностью",
    AccessibilityFeature.DISABLED_PARKING: "парковка для людей с инвалидностью",
    AccessibilityFeature.HEARING_LOOP: "индукционная петля для слабослышащих",
    AccessibilityFeature.TACTILE_GUIDANCE: "тактильные указатели",
    AccessibilityFeature.SIGN_LANGUAGE_ON_REQUEST: "сурдопереводчик по предварительной заявке",
}


@dataclass(frozen=True, slots=True)
class Facts:
    """What a notice says about one booking at its current slot."""

    booking: Booking
    slot: ReceptionSlot
    official_name: str
    official_position: str
    point: ReceptionPoint

    @property
    def place(self) -> str:
        return f"{self.point.name}, {self.point.address}" if self.point.name \
            else self.point.address

    @property
    def accessibility(self) -> list[str]:
        return [ACCESSIBILITY_RU.get(str(f), str(f)) for f in self.point.accessibility or ()]


async def official_label(official_id: Any) -> tuple[str, str]:
    """(full name, position) of a receiving official."""
    official = await ReceivingOfficial.get(id=official_id)
    name = await StaffMember.filter(id=official.staff_id).first().values_list(
        "full_name", flat=True)
    return name or "должностное лицо", official.position


async def facts_of(booking: Booking) -> Facts:
    slot = await ReceptionSlot.get(id=booking.slot_id)
    name, position = await official_label(slot.official_id)
    point = await ReceptionPoint.get(id=slot.point_id)
    return Facts(booking, slot, name, position, point)


def base_context(facts: Facts, settings: Settings) -> dict[str, Any]:
    booking, slot = facts.booking, facts.slot
    context: dict[str, Any] = {
        "official_name": facts.official_name,
        "official_position": facts.official_position,
        "starts_at": slot.starts_at.astimezone(UTC).isoformat(),
        "ends_at": slot.ends_at.astimezone(UTC).isoformat(),
        "place": facts.place,
        "address": facts.point.address,
        "directions": facts.point.directions or "",
        "accessibility": facts.accessibility,
        "topic": booking.topic,
    }
    if slot.starts_at > datetime.now(UTC):
        context["cancel_url"] = links.cancel_url(settings, booking.id, slot.id, slot.starts_at)
    return context


def calendar_file(facts: Facts, settings: Settings, *, sequence: int = 0,
                  cancelled: bool = False) -> Attachment:
    """The .ics of the booking as it stands (or its cancellation)."""
    lines = []
    if facts.point.directions:
        lines.append(f"Как добраться: {facts.point.directions}")
    if facts.accessibility:
        lines.append("Доступность: " + ", ".join(facts.accessibility) + ".")
    if not cancelled and facts.slot.starts_at > datetime.now(UTC):
        lines.append("Отменить запись: " + links.cancel_url(
            settings, facts.booking.id, facts.slot.id, facts.slot.starts_at))
    domain = settings.mail_from.rpartition("@")[2] or "okno.local"
    text = ics.build(ics.Appointment(
        booking_id=facts.booking.id, starts_at=facts.slot.starts_at, ends_at=facts.slot.ends_at,
        summary=f"Личный приём: {facts.official_name}", location=facts.place,
        description="\n".join(lines), latitude=facts.point.latitude,
        longitude=facts.point.longitude, sequence=sequence, cancelled=cancelled,
    ), domain=domain)
    return Attachment(ics.FILENAME, ics.CONTENT_TYPE, text)


def sequence_of(moment: datetime | None = None) -> int:
    """RFC 5545 SEQUENCE: grows with every revision of the event (seconds since 2020)."""
    return int(((moment or datetime.now(UTC)) - datetime(2020, 1, 1, tzinfo=UTC))
               .total_seconds())


async def on_booked(booking: Booking, settings: Settings | None = None,
                    actor: Actor | None = None) -> list[Delivery]:
    """R-4.5, R-1.4: the confirmation by the client's channels: official, local date and
    time, address, directions, accessibility, the .ics and the signed cancel link."""
    settings = settings or get_settings()
    facts = await facts_of(booking)
    return await deliveries.send(
        booking.client_id, Purpose.BOOKING_CONFIRMATION, Template.BOOKING_CONFIRMATION,
        base_context(facts, settings), source=(SOURCE, booking.id),
        idempotency_key=f"reception-booked:{booking.id}", actor=actor or SYSTEM,
        attachments=[calendar_file(facts, settings, sequence=0)],
    )


async def on_cancelled(booking: Booking, settings: Settings | None = None,
                       actor: Actor | None = None) -> list[Delivery]:
    """R-4.6: the client hears that the booking is cancelled (with the reason when staff or
    a change gave one); the .ics removes the event from their calendar."""
    settings = settings or get_settings()
    facts = await facts_of(booking)
    context = base_context(facts, settings)
    context.pop("cancel_url", None)
    if booking.cancel_reason:
        context["reason"] = booking.cancel_reason
    return await deliveries.send(
        booking.client_id, Purpose.BOOKING_CANCELLED, Template.BOOKING_CANCELLED, context,
        source=(SOURCE, booking.id), idempotency_key=f"reception-cancelled:{booking.id}",
        actor=actor or SYSTEM,
        attachments=[calendar_file(facts, settings, sequence=sequence_of(), cancelled=True)],
    )


async def send_change_notice(booking: Booking, notice_id: Any, change_id: Any,
                             change_text: str, settings: Settings | None = None,
                             actor: Actor | None = None) -> list[Delivery]:
    """R-4.4: the booking now stands otherwise (official, date or time); one notice per
    change and booking (``notice_id``: its ``BookingChange``), with one-step accept and
    cancel links."""
    settings = settings or get_settings()
    facts = await facts_of(booking)
    context = base_context(facts, settings)
    context["change_text"] = change_text
    context["accept_url"] = links.accept_url(settings, notice_id, facts.slot.id,
                                             facts.slot.starts_at)
    return await deliveries.send(
        booking.client_id, Purpose.BOOKING_CHANGED, Template.BOOKING_CHANGED, context,
        source=(SOURCE, booking.id),
        idempotency_key=f"reception-change:{change_id}:{booking.id}", actor=actor or SYSTEM,
        attachments=[calendar_file(facts, settings, sequence=sequence_of())],
    )


async def send_reminder(booking: Booking, settings: Settings | None = None) -> list[Delivery]:
    """The reminder the working day before (``reminders.py`` claims it once)."""
    settings = settings or get_settings()
    facts = await facts_of(booking)
    context = base_context(facts, settings)
    context["what"] = f"личный приём, {facts.official_name}"
    return await deliveries.send(
        booking.client_id, Purpose.REMINDER, Template.REMINDER, context,
        source=(SOURCE, booking.id),
        idempotency_key=f"reception-reminder:{booking.id}:{int(facts.slot.starts_at.timestamp())}",
        actor=SYSTEM,
    )
