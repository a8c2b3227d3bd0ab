"""Read side of reception: points and officials, free slots for self service and the
operator's screen, the reception desk's day."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.reception.types import (
    ReceivingOfficial,
    ReceptionDay,
    ReceptionPoint,
    ReceptionSlot,
    ReceptionSlotConnection,
    load_point,
)
from api.relay import AFTER_DESCRIPTION, FIRST_DESCRIPTION, bad_input, decode_id, page_size
from domain.errors import DomainError
from domain.reception import queries, slots

First = Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]
ActiveOnly = Annotated[bool, strawberry.argument(
    description="true (default): only active ones; false: retired ones too.")]


@strawberry.input(description="Which free slots to list; conditions combine with AND. The "
                  "range is at most `OKNO_RECEPTION_MAX_RANGE_DAYS` (31) days.")
class AvailableSlotsFilter:
    point_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only at this ReceptionPoint (global ID).")
    official_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only with this ReceivingOfficial (global ID).")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only officials who receive on this Sphere (global ID).")
    from_: dt.datetime | None = strawberry.field(
        default=None, name="from", description="Slots starting at or after this moment "
        "(default: now). Slots closer than the booking lead time are never listed.")
    to: dt.datetime | None = strawberry.field(
        default=None, description="Slots starting before this moment (default: `from` plus "
        "the longest range).")


@strawberry.type
class ReceptionQueries:
    @strawberry.field(description="Reception points by name (R-4.5, R-4.7). A short list the "
                      "keepers maintain (at most 500), so not paginated.")
    async def reception_points(self, info: Info, active_only: ActiveOnly = True
                               ) -> list[ReceptionPoint] | None:
        return [ReceptionPoint.from_row(r) for r in await queries.points(active_only)]

    @strawberry.field(description="Receiving officials by position. A short list (at most "
                      "500), so not paginated.")
    async def receiving_officials(self, info: Info, active_only: ActiveOnly = True
                                  ) -> list[ReceivingOfficial] | None:
        return [ReceivingOfficial.from_row(r) for r in await queries.officials(active_only)]

    @strawberry.field(description="Free reception slots, soonest first (R-4.3 self service, "
                      "R-4.2 the operator's screen): open, in an active schedule, with a free "
                      "seat, beyond the booking lead time. A bad ID, range or cursor is "
                      "BAD_USER_INPUT.")
    async def available_slots(
        self, info: Info,
        filter: Annotated[AvailableSlotsFilter, strawberry.argument(
            description="Where, with whom, on what, and when.")],
        first: First = None,
        after: After = None,
    ) -> ReceptionSlotConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await slots.available(
                size, after, start=filter.from_, end=filter.to,
                point_id=_optional(filter.point_id, "ReceptionPoint", "pointId"),
                official_id=_optional(filter.official_id, "ReceivingOfficial", "officialId"),
                sphere_id=_optional(filter.sphere_id, "Sphere", "sphereId"))
        except DomainError as exc:
            raise bad_input(exc) from None
        return ReceptionSlotConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="The reception desk's day at one point: every slot with its "
                      "bookings (staff). Null with BAD_USER_INPUT for a bad ID.")
    async def reception_day(
        self, info: Info,
        point_id: Annotated[strawberry.ID, strawberry.argument(
            description="The ReceptionPoint's global ID.")],
        date: Annotated[dt.date, strawberry.argument(
            description="The day, in the government's zone.")],
    ) -> ReceptionDay | None:
        try:
            node_id = decode_id(point_id, "ReceptionPoint", "pointId")
            rows = await slots.point_day(node_id, date)
        except DomainError as exc:
            raise bad_input(exc) from None
        point = await load_point(info, node_id)
        if point is None:
            return None
        return ReceptionDay(date=date, point=point,
                            slots=[ReceptionSlot.from_row(r) for r in rows])


def _optional(value: strawberry.ID | None, type_name: str, field: str) -> str | None:
    return decode_id(value, type_name, field) if value is not None else None
