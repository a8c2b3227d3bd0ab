"""The iCalendar (RFC 5545) attachment of a booking's confirmation and change notices.

Built with ``icalendar`` (escaping, line folding, UTC stamps). The UID is the booking's,
with a SEQUENCE that grows with each change, so a calendar application that imported the
confirmation updates the same event on a change notice and removes it on a cancellation
(METHOD:CANCEL). Pure: the caller passes what the event says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

PRODID = "-//okno//Личный приём//RU"
CONTENT_TYPE = "text/calendar"
FILENAME = "priem.ics"


@dataclass(frozen=True, slots=True)
class Appointment:
    booking_id: Any
    starts_at: datetime
    ends_at: datetime
    summary: str  # «Личный приём: <official>»
    location: str  # the point's name and address
    description: str  # directions, accessibility, the cancel link
    latitude: float | None = None
    longitude: float | None = None
    sequence: int = 0
    cancelled: bool = False


def build(appointment: Appointment, *, domain: str = "okno.local",
          now: datetime | None = None) -> str:
    """The .ics text (CRLF line ends, as RFC 5545 wants)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if appointment.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{appointment.booking_id}@{domain}")
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", appointment.summary)
    event.add("location", appointment.location)
    event.add("description", appointment.description)
    if appointment.latitude is not None and appointment.longitude is not None:
        event.add("geo", (appointment.latitude, appointment.longitude))
    event.add("status", "CANCELLED" if appointment.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    cal.add_component(event)
    return cal.to_ical().decode()
