"""Live bookings through Redis pub/sub (published after commit by every booking write), so
any API process serves a subscriber whatever process changed the booking."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.errors import forbidden
from api.history.subscriptions import listen
from api.permissions import actor_of
from api.reception.types import Booking
from api.relay import bad_input, decode_id
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import as_uuid, parse_uuid
from domain.reception.access import sees_booking
from domain.reception.events import TOPIC_CLIENT, TOPIC_POINT
from domain.reception.models import Booking as BookingRow
from domain.reception.models import ReceptionPoint


@strawberry.type
class ReceptionSubscriptions:
    @strawberry.subscription(
        description="Each booking as it changes (booked, cancelled, moved or re-assigned by a "
        "change, accepted, held, no-show). Staff (the reception desk) give `pointId` and hear "
        "that point's bookings; a client hears only their own bookings and gives no "
        "`pointId` (one given is FORBIDDEN). A missing, malformed or unknown `pointId` for "
        "staff is BAD_USER_INPUT (reason REQUIRED, INVALID_ID or NOT_FOUND).",
    )
    async def booking_changed(
        self, info: Info,
        point_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Staff: the ReceptionPoint's global ID. Clients: leave out.")] = None,
    ) -> AsyncGenerator[Booking, None]:
        actor = actor_of(info)
        if actor.is_staff:
            try:
                if point_id is None:
                    raise DomainError(ErrorCode.REQUIRED, "Укажите место приёма.", "pointId")
                topic = TOPIC_POINT
                key = str(parse_uuid(decode_id(point_id, "ReceptionPoint", "pointId"),
                                     "pointId", "Место приёма"))
                # An unknown point would be a subscription that never hears anything: a desk
                # could not tell it from a quiet day.
                if not await ReceptionPoint.exists(id=key):
                    raise not_found("Место приёма", "pointId")
            except DomainError as exc:
                raise bad_input(exc) from None
        else:
            own = as_uuid(actor.client_id)
            if point_id is not None or own is None:
                raise forbidden()
            topic, key = TOPIC_CLIENT, str(own)
        async for message in listen(topic, key):
            row = await BookingRow.get_or_none(id=as_uuid(message.get("bookingId")))
            if row is not None and sees_booking(actor, row.client_id):
                yield Booking.from_model(row)
