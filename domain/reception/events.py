"""Pub/sub of booking changes: the reception desk listens per point, a client per booking.

Publish only after commit (``after_commit(lambda: publish_booking_changed(...))``): a listener
that reads the booking must find it written."""

from __future__ import annotations

from typing import Any

from domain import redis
from domain.reception.models import Booking

TOPIC_BOOKING = "reception.booking"
TOPIC_POINT = "reception.point"
TOPIC_CLIENT = "reception.client"  # a client's own bookings (``bookingChanged`` for clients)


async def publish_booking_changed(booking_id: Any, point_id: Any = None,
                                  status: str | None = None, client_id: Any = None) -> None:
    """Channels ``okno:reception.booking:<booking_id>``, ``okno:reception.point:<point_id>``
    and ``okno:reception.client:<client_id>`` get ``{"bookingId", "pointId", "status"}``.
    Without ``client_id`` it is read from the booking (one small query, after commit)."""
    payload = {"bookingId": str(booking_id),
               "pointId": str(point_id) if point_id else None, "status": status}
    await redis.publish(TOPIC_BOOKING, str(booking_id), payload)
    if point_id:
        await redis.publish(TOPIC_POINT, str(point_id), payload)
    if client_id is None:
        client_id = await Booking.filter(id=booking_id).first().values_list("client_id",
                                                                            flat=True)
    if client_id:
        await redis.publish(TOPIC_CLIENT, str(client_id), payload)
