"""Pub/sub of booking changes: the reception desk listens per point, a client per booking.

Publish only after commit (``after_commit(lambda: publish_booking_changed(...))``): a listener
that reads the booking must find it written."""

from __future__ import annotations

from typing import Any

from domain import redis

TOPIC_BOOKING = "reception.booking"
TOPIC_POINT = "reception.point"


async def publish_booking_changed(booking_id: Any, point_id: Any = None,
                                  status: str | None = None) -> None:
    """Channels ``okno:reception.booking:<booking_id>`` and ``okno:reception.point:<point_id>``
    get ``{"bookingId", "pointId", "status"}``."""
    payload = {"bookingId": str(booking_id),
               "pointId": str(point_id) if point_id else None, "status": status}
    await redis.publish(TOPIC_BOOKING, str(booking_id), payload)
    if point_id:
        await redis.publish(TOPIC_POINT, str(point_id), payload)
