"""GraphQL types of personal reception, built from plain rows.

Points, officials, schedules and slots are public (self service shows free slots without a
token); a booking is seen by its client and by staff."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.directory.dataloaders import SphereByIdLoader, StaffByIdLoader
from api.directory.types import Sphere, StaffMember
from api.enums import describe_values
from api.reception.dataloaders import (
    BookingByIdLoader,
    BookingsBySlotLoader,
    BookingsKey,
    BookingsPageByClientLoader,
    ExceptionsByScheduleLoader,
    OfficialByIdLoader,
    PointByIdLoader,
    ScheduleByIdLoader,
    SchedulesByOfficialLoader,
    SlotByIdLoader,
    TakenSeatsBySlotLoader,
)
from api.relay import Connection, bad_input, page_size
from domain.actor import Actor
from domain.errors import DomainError
from domain.pagination import encode_cursor
from domain.reception.access import sees_booking
from domain.reception.models import (
    AccessibilityFeature,
    BookedBy,
    BookingStatus,
    CancelledBy,
    ExceptionKind,
    SlotStatus,
)
from domain.reception.queries import (
    BOOKING_COLUMNS,
    OFFICIAL_COLUMNS,
    POINT_COLUMNS,
    SCHEDULE_COLUMNS,
    encode_slot_cursor,
    row_of,
)

# api/clients refers to this area (Client.bookings): its types are named lazily.
ClientRef = Annotated["Client", strawberry.lazy("api.clients.types")]  # noqa: F821

AccessibilityFeatureEnum = strawberry.enum(
    AccessibilityFeature, description="R-4.7: what a reception point offers people with "
    "limited mobility, sight or hearing. Show every one in confirmations and on the point's "
    "page.")
BookingStatusEnum = strawberry.enum(
    BookingStatus, description="Where a booking stands.")
BookedByEnum = strawberry.enum(BookedBy, description="Who made a booking.")
CancelledByEnum = strawberry.enum(CancelledBy, description="Who or what cancelled a booking.")
SlotStatusEnum = strawberry.enum(SlotStatus, name="ReceptionSlotStatus",
                                 description="Whether reception takes place in a slot.")
ExceptionKindEnum = strawberry.enum(
    ExceptionKind, name="ScheduleExceptionKind",
    description="How one date of a schedule is kept otherwise.")

describe_values(AccessibilityFeatureEnum, {
    AccessibilityFeature.STEP_FREE_ENTRANCE: "Вход без ступенек.",
    AccessibilityFeature.RAMP: "Пандус.",
    AccessibilityFeature.LIFT: "Лифт.",
    AccessibilityFeature.ACCESSIBLE_TOILET: "Туалет для людей с инвалидностью.",
    AccessibilityFeature.DISABLED_PARKING: "Парковка для людей с инвалидностью.",
    AccessibilityFeature.HEARING_LOOP: "Индукционная петля для слабослышащих.",
    AccessibilityFeature.TACTILE_GUIDANCE: "Тактильные указатели для незрячих.",
    AccessibilityFeature.SIGN_LANGUAGE_ON_REQUEST: "Сурдопереводчик по предварительной "
    "заявке.",
})
describe_values(BookingStatusEnum, {
    BookingStatus.BOOKED: "Booked: the client is expected.",
    BookingStatus.CANCELLED: "Cancelled (see cancelledBy); the seat is free again.",
    BookingStatus.HELD: "The reception took place.",
    BookingStatus.NO_SHOW: "The client did not come.",
})
describe_values(BookedByEnum, {
    BookedBy.CLIENT: "The client, signed in (R-4.3).",
    BookedBy.OPERATOR: "An operator, for a caller on the consultation line (R-4.2).",
})
describe_values(CancelledByEnum, {
    CancelledBy.CLIENT: "The client, signed in.",
    CancelledBy.OPERATOR: "Staff.",
    CancelledBy.LINK: "The client, through the signed cancel link (no login).",
    CancelledBy.SYSTEM: "The server: a change the booking could not follow (R-4.4).",
})
describe_values(SlotStatusEnum, {
    SlotStatus.OPEN: "Reception takes place; bookable while seats are free.",
    SlotStatus.CANCELLED: "No reception in this slot any more.",
})
describe_values(ExceptionKindEnum, {
    ExceptionKind.CANCELLED: "No reception on that date.",
    ExceptionKind.CHANGED_HOURS: "Other hours on that date (startTime–endTime).",
})


def _opt(value: Any) -> str | None:
    return str(value) if value else None


@strawberry.type(description="A place where citizens are received in person: where it is, "
                 "how to get there (R-4.5) and what it offers for accessibility (R-4.7). "
                 "Public.")
class ReceptionPoint(RowNode, relay.Node):
    node_loader = PointByIdLoader

    id: relay.NodeID[str]
    name: str = strawberry.field(description="Name to show, e.g. «Приёмная Правительства».")
    address: str = strawberry.field(description="Postal address of the point.")
    directions: str = strawberry.field(description="How to get there and find the room, in "
                                       "plain Russian (empty when not written).")
    latitude: float | None = strawberry.field(description="WGS 84 latitude, for maps.")
    longitude: float | None = strawberry.field(description="WGS 84 longitude, for maps.")
    opening_notes: str = strawberry.field(description="What to bring or know before coming "
                                          "(empty when none).")
    accessibility: list[AccessibilityFeatureEnum] = strawberry.field(
        description="R-4.7: accessibility features, in the order staff set them.")
    active: bool = strawberry.field(description="Inactive points take no bookings.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Public: anyone may see where reception takes place."""
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReceptionPoint:
        features = [AccessibilityFeature(f) for f in row["accessibility"] or []
                    if f in AccessibilityFeature._value2member_map_]
        return cls(id=str(row["id"]), name=row["name"], address=row["address"],
                   directions=row["directions"], latitude=row["latitude"],
                   longitude=row["longitude"], opening_notes=row["opening_notes"],
                   accessibility=features, active=row["active"])

    @classmethod
    def from_model(cls, obj: Any) -> ReceptionPoint:
        return cls.from_row(row_of(obj, POINT_COLUMNS))


@strawberry.type(description="A staff member who receives citizens, with the spheres they "
                 "receive on. Public.")
class ReceivingOfficial(RowNode, relay.Node):
    node_loader = OfficialByIdLoader

    id: relay.NodeID[str]
    position: str = strawberry.field(description="Position to show, e.g. «Министр "
                                     "строительства».")
    active: bool = strawberry.field(description="Inactive officials have no open slots.")
    staff_id: strawberry.Private[str]
    sphere_ids: strawberry.Private[list[str]]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Public: citizens choose whom to see."""
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReceivingOfficial:
        return cls(id=str(row["id"]), position=row["position"], active=row["active"],
                   staff_id=str(row["staff_id"]), sphere_ids=list(row["spheres"] or []))

    @classmethod
    def from_model(cls, obj: Any) -> ReceivingOfficial:
        return cls.from_row(row_of(obj, OFFICIAL_COLUMNS))

    @strawberry.field(description="The official's full name.")
    async def full_name(self, info: Info) -> str:
        row = await info.context.loader(StaffByIdLoader).load(self.staff_id)
        return row["full_name"] if row else ""

    @strawberry.field(description="The directory entry behind the official (staff only; null "
                      "for anyone else).")
    async def staff_member(self, info: Info) -> StaffMember | None:
        row = await info.context.loader(StaffByIdLoader).load(self.staff_id)
        return StaffMember.from_row(row) if row and StaffMember.visible(
            info.context.actor, row) else None

    @strawberry.field(description="Spheres the official receives on (shown to signed-in "
                      "callers; empty without a token).")
    async def spheres(self, info: Info) -> list[Sphere]:
        rows = await info.context.loader(SphereByIdLoader).load_many(self.sphere_ids)
        return [Sphere.from_row(r) for r in rows
                if r is not None and Sphere.visible(info.context.actor, r)]

    @strawberry.field(description="The official's schedules, oldest first.")
    async def schedules(self, info: Info) -> list[ReceptionSchedule]:
        rows = await info.context.loader(SchedulesByOfficialLoader).load(self.id)
        return [ReceptionSchedule.from_row(r) for r in rows]


@strawberry.type(description="One date of a schedule kept otherwise.")
class ScheduleException:
    date: dt.date = strawberry.field(description="The date (government's zone).")
    kind: ExceptionKindEnum = strawberry.field(description="No reception, or other hours.")
    start_time: str | None = strawberry.field(description="CHANGED_HOURS: local start, HH:MM.")
    end_time: str | None = strawberry.field(description="CHANGED_HOURS: local end, HH:MM.")
    note: str = strawberry.field(description="Why, for staff (may be empty).")


@strawberry.type(description="A recurring reception of one official at one point: an RFC "
                 "5545 rule for the dates, local hours, slot length and seats per slot. "
                 "Public.")
class ReceptionSchedule(RowNode, relay.Node):
    node_loader = ScheduleByIdLoader

    id: relay.NodeID[str]
    rrule: str = strawberry.field(description="RFC 5545 RRULE, e.g. "
                                  "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU.")
    valid_from: dt.date = strawberry.field(description="First date the rule counts from.")
    valid_until: dt.date | None = strawberry.field(description="Last date; null: open-ended.")
    start_time: str = strawberry.field(description="Local start of reception hours, HH:MM.")
    end_time: str = strawberry.field(description="Local end of reception hours, HH:MM.")
    slot_minutes: int = strawberry.field(description="Length of one slot in minutes.")
    capacity: int = strawberry.field(description="Seats (clients) per slot.")
    active: bool = strawberry.field(description="Inactive schedules have no open slots.")
    official_id: strawberry.Private[str]
    point_id: strawberry.Private[str]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Public: the approved reception schedule (R-4.3)."""
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReceptionSchedule:
        return cls(id=str(row["id"]), rrule=row["rrule"], valid_from=row["valid_from"],
                   valid_until=row["valid_until"], start_time=row["start_time"],
                   end_time=row["end_time"], slot_minutes=row["slot_minutes"],
                   capacity=row["capacity"], active=row["active"],
                   official_id=str(row["official_id"]), point_id=str(row["point_id"]))

    @classmethod
    def from_model(cls, obj: Any) -> ReceptionSchedule:
        return cls.from_row(row_of(obj, SCHEDULE_COLUMNS))

    @strawberry.field(description="The official who receives.")
    async def official(self, info: Info) -> ReceivingOfficial | None:
        return await load_official(info, self.official_id)

    @strawberry.field(description="Where.")
    async def point(self, info: Info) -> ReceptionPoint | None:
        return await load_point(info, self.point_id)

    @strawberry.field(description="Today's and later exceptions, by date.")
    async def exceptions(self, info: Info) -> list[ScheduleException]:
        rows = await info.context.loader(ExceptionsByScheduleLoader).load(self.id)
        return [ScheduleException(date=r["date"], kind=r["kind"], start_time=r["start_time"],
                                  end_time=r["end_time"], note=r["note"]) for r in rows]


@strawberry.type(description="One period of reception of one official at one point. Public; "
                 "its bookings are shown to staff only.")
class ReceptionSlot(RowNode, relay.Node):
    node_loader = SlotByIdLoader

    id: relay.NodeID[str]
    starts_at: dt.datetime = strawberry.field(description="Start (UTC; show in local time).")
    ends_at: dt.datetime = strawberry.field(description="End (UTC).")
    capacity: int = strawberry.field(description="Seats (clients) in the slot.")
    status: SlotStatusEnum = strawberry.field(description="Open or cancelled.")
    official_id: strawberry.Private[str]
    point_id: strawberry.Private[str]
    schedule_id: strawberry.Private[str]
    taken: strawberry.Private[int | None] = None

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Public: free periods are what citizens choose from (R-4.3)."""
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ReceptionSlot:
        return cls(id=str(row["id"]), starts_at=row["starts_at"], ends_at=row["ends_at"],
                   capacity=row["capacity"], status=row["status"],
                   official_id=str(row["official_id"]), point_id=str(row["point_id"]),
                   schedule_id=str(row["schedule_id"]), taken=row.get("taken"))

    @strawberry.field(description="Seats still free (0: fully booked).")
    async def free_seats(self, info: Info) -> int:
        taken = self.taken
        if taken is None:
            taken = await info.context.loader(TakenSeatsBySlotLoader).load(self.id)
        return max(self.capacity - taken, 0)

    @strawberry.field(description="The official who receives.")
    async def official(self, info: Info) -> ReceivingOfficial | None:
        return await load_official(info, self.official_id)

    @strawberry.field(description="Where (address, directions, accessibility).")
    async def point(self, info: Info) -> ReceptionPoint | None:
        return await load_point(info, self.point_id)

    @strawberry.field(description="The schedule that made the slot.")
    async def schedule(self, info: Info) -> ReceptionSchedule | None:
        row = await info.context.loader(ScheduleByIdLoader).load(self.schedule_id)
        return ReceptionSchedule.from_row(row) if row else None

    @strawberry.field(description="Bookings of the slot, cancelled ones too, oldest first: "
                      "staff see all; a client sees only their own; without a token, none.")
    async def bookings(self, info: Info) -> list[Booking]:
        actor = info.context.actor
        rows = await info.context.loader(BookingsBySlotLoader).load(self.id)
        return [Booking.from_row(r) for r in rows if Booking.visible(actor, r)]


@strawberry.type(description="A client's booking of a reception slot (R-4.2, R-4.3). Seen by "
                 "the client and by staff.")
class Booking(RowNode, relay.Node):
    node_loader = BookingByIdLoader

    id: relay.NodeID[str]
    topic: str = strawberry.field(description="What the client wants to discuss.")
    status: BookingStatusEnum = strawberry.field(description="Where the booking stands.")
    booked_by: BookedByEnum = strawberry.field(description="The client or an operator.")
    created_at: dt.datetime = strawberry.field(description="When it was booked.")
    cancelled_at: dt.datetime | None = strawberry.field(description="When it was cancelled.")
    cancelled_by: CancelledByEnum | None = strawberry.field(
        description="Who cancelled it; null while not cancelled.")
    cancel_reason: str | None = strawberry.field(
        description="The reason given on cancelling, if any.")
    outcome_at: dt.datetime | None = strawberry.field(
        description="When it was marked held or no-show.")
    client_id: strawberry.Private[str]
    slot_id: strawberry.Private[str]
    sphere_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Its client, or staff."""
        return sees_booking(actor, row["client_id"])

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Booking:
        return cls(id=str(row["id"]), topic=row["topic"], status=row["status"],
                   booked_by=row["booked_by"], created_at=row["created_at"],
                   cancelled_at=row["cancelled_at"], cancelled_by=row["cancelled_by"],
                   cancel_reason=row["cancel_reason"], outcome_at=row["outcome_at"],
                   client_id=str(row["client_id"]), slot_id=str(row["slot_id"]),
                   sphere_id=_opt(row["sphere_id"]))

    @classmethod
    def from_model(cls, obj: Any) -> Booking:
        return cls.from_row(row_of(obj, BOOKING_COLUMNS))

    @strawberry.field(description="The slot: when, with whom, where.")
    async def slot(self, info: Info) -> ReceptionSlot | None:
        row = await info.context.loader(SlotByIdLoader).load(self.slot_id)
        return ReceptionSlot.from_row(row) if row else None

    @strawberry.field(description="The sphere of the question, if chosen.")
    async def sphere(self, info: Info) -> Sphere | None:
        if not self.sphere_id:
            return None
        row = await info.context.loader(SphereByIdLoader).load(self.sphere_id)
        return Sphere.from_row(row) if row and Sphere.visible(info.context.actor, row) \
            else None

    @strawberry.field(description="The client who is received.")
    async def client(self, info: Info) -> ClientRef | None:
        # Through the Client type's own resolve_nodes, so nothing of api/clients is imported.
        return await relay.GlobalID("Client", self.client_id).resolve_node(info)


async def load_point(info: Info, point_id: str | None) -> ReceptionPoint | None:
    row = await info.context.loader(PointByIdLoader).load(point_id) if point_id else None
    return ReceptionPoint.from_row(row) if row else None


async def load_official(info: Info, official_id: str | None) -> ReceivingOfficial | None:
    row = await info.context.loader(OfficialByIdLoader).load(official_id) if official_id \
        else None
    return ReceivingOfficial.from_row(row) if row else None


async def load_booking(info: Info, booking_id: Any) -> Booking | None:
    row = await info.context.loader(BookingByIdLoader).load(str(booking_id))
    return Booking.from_row(row) if row and Booking.visible(info.context.actor, row) else None


@strawberry.type(description="A page of bookings, newest made first. Continue with "
                 "`after: pageInfo.endCursor`.")
class BookingConnection(Connection[Booking]):
    """Concrete, so other areas' types can refer to it lazily (strawberry.lazy)."""

    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> BookingConnection:
        return cls.of([Booking.from_row(r) for r in rows],
                      [encode_cursor(r["created_at"], r["id"]) for r in rows], has_next, after)


@strawberry.type(description="A page of free reception slots, soonest first. Continue with "
                 "`after: pageInfo.endCursor`.")
class ReceptionSlotConnection(Connection[ReceptionSlot]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> ReceptionSlotConnection:
        return cls.of([ReceptionSlot.from_row(r) for r in rows],
                      [encode_slot_cursor(r["starts_at"], r["id"]) for r in rows], has_next,
                      after)


@strawberry.type(description="The reception desk's view of one day at one point: every slot "
                 "(cancelled ones too) with its bookings.")
class ReceptionDay:
    date: dt.date = strawberry.field(description="The day (government's zone).")
    point: ReceptionPoint = strawberry.field(description="The point.")
    slots: list[ReceptionSlot] = strawberry.field(
        description="The day's slots by start time, then official.")


async def load_client_bookings(info: Info, client_id: str, first: int | None,
                               after: str | None) -> BookingConnection:
    """For ``Client.bookings``: the parent Client is already visible to the viewer. A bad
    cursor is a BAD_USER_INPUT error on that field alone."""
    key = BookingsKey(client_id, page_size(info, first), after)
    try:
        rows, has_next = await info.context.loader(BookingsPageByClientLoader).load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    return BookingConnection.from_rows(rows, has_next, after)
