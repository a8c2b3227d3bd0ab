"""Hooks for what the client is told about a booking (R-4.4, R-4.5): the confirmation, the
cancellation notice. The booking service calls them INSIDE its transaction, so the outbox rows
they write commit (or roll back) with the booking itself.

The bodies belong to the notices part of the area (confirmation through deliveries with .ics
and a signed cancel link); until it lands they do nothing.
"""

from __future__ import annotations

from domain.reception.models import Booking


async def on_booked(booking: Booking) -> None:
    """A booking was made (by the client or by an operator for a caller)."""


async def on_cancelled(booking: Booking) -> None:
    """A booking was cancelled (by the client, an operator, the link or the system)."""
