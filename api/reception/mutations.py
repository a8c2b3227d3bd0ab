"""Reception mutations: booking and cancelling (R-4.2, R-4.3, R-4.6), and keeping points,
officials, schedules and their exceptions (supervisors and admins)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from api.errors import UserError, attempt
from api.permissions import actor_of
from api.reception.types import (
    AccessibilityFeatureEnum,
    Booking,
    ExceptionKindEnum,
    ReceivingOfficial,
    ReceptionPoint,
    ReceptionSchedule,
)
from api.relay import decode_id, decode_optional_id
from domain.reception import schedules, service
from domain.reception.models import CancelledBy

_ERRORS = "Empty on success; otherwise what to fix, per input field."


def _f(description: str, default=None):
    return strawberry.field(default=default, description=description)


@strawberry.input(description="Book a reception slot. A signed-in client books for themselves "
                  "(R-4.3: leave clientId out); an operator books for a caller on the line "
                  "(R-4.2: clientId required).")
class BookReceptionInput:
    slot_id: strawberry.ID = strawberry.field(description="The ReceptionSlot's global ID (from "
                                              "`availableSlots`).")
    topic: str = strawberry.field(description="What the client wants to discuss (up to 2000 "
                                  "characters).")
    sphere_id: strawberry.ID | None = _f("The Sphere of the question (global ID), if known.")
    client_id: strawberry.ID | None = _f("Operators: the caller's Client (global ID). A client "
                                         "may leave it out or give their own.")


@strawberry.type(description="Result of booking: the booking, or errors (SLOT_TAKEN when "
                 "someone was faster, SLOT_UNAVAILABLE, BOOKING_LIMIT, …).")
class BookReceptionPayload:
    booking: Booking | None = strawberry.field(description="The booking; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Cancel a booking (R-4.6: at any time, the seat is free at "
                  "once). Cancelling a cancelled booking again changes nothing.")
class CancelBookingInput:
    booking_id: strawberry.ID = strawberry.field(description="The Booking's global ID.")
    reason: str | None = _f("Why, in the client's or operator's words (optional, up to 500 "
                             "characters).")


@strawberry.type(description="Result of cancelling a booking.")
class CancelBookingPayload:
    booking: Booking | None = strawberry.field(description="The booking as cancelled; null on "
                                               "errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Create a reception point, or replace one's details when "
                  "pointId is given (R-4.5, R-4.7).")
class SaveReceptionPointInput:
    point_id: strawberry.ID | None = _f("The ReceptionPoint to edit (global ID); omit to create.")
    name: str = strawberry.field(description="Name to show (up to 300 characters).")
    address: str = strawberry.field(description="Postal address (up to 500 characters).")
    directions: str | None = _f("How to get there, in plain Russian.")
    latitude: float | None = _f("WGS 84 latitude (with longitude).")
    longitude: float | None = _f("WGS 84 longitude (with latitude).")
    opening_notes: str | None = _f("What to bring or know before coming.")
    accessibility: list[AccessibilityFeatureEnum] = strawberry.field(
        default_factory=list, description="R-4.7: the point's accessibility features.")
    active: bool = _f("Inactive points take no bookings.", True)


@strawberry.type(description="Result of saving a reception point.")
class ReceptionPointPayload:
    point: ReceptionPoint | None = strawberry.field(description="The point; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Make a staff member a receiving official, or edit one when "
                  "officialId is given.")
class SaveReceivingOfficialInput:
    official_id: strawberry.ID | None = _f("The ReceivingOfficial to edit (global ID); omit to "
                                           "create.")
    staff_member_id: strawberry.ID | None = _f("Creating: the StaffMember (global ID).")
    position: str = strawberry.field(description="Position to show (up to 300 characters).")
    sphere_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Spheres the official receives on (global IDs).")
    active: bool = _f("Inactive officials have no open slots.", True)


@strawberry.type(description="Result of saving a receiving official.")
class ReceivingOfficialPayload:
    official: ReceivingOfficial | None = strawberry.field(
        description="The official; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Create a schedule, or replace one when scheduleId is given. "
                  "Slots are made at once for the booking horizon, on working days inside "
                  "working time only (R-4.1); slots holding bookings are never removed.")
class SaveReceptionScheduleInput:
    schedule_id: strawberry.ID | None = _f("The ReceptionSchedule to replace (global ID); omit "
                                           "to create.")
    official_id: strawberry.ID | None = _f("Creating: the ReceivingOfficial (global ID).")
    point_id: strawberry.ID | None = _f("The ReceptionPoint (global ID); required to create.")
    rrule: str = strawberry.field(description="RFC 5545 RRULE, daily or rarer, e.g. "
                                  "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU.")
    valid_from: dt.date = strawberry.field(description="First date the rule counts from.")
    valid_until: dt.date | None = _f("Last date; omit for open-ended.")
    start_time: str = strawberry.field(description="Local start, HH:MM, inside working hours.")
    end_time: str = strawberry.field(description="Local end, HH:MM, inside working hours.")
    slot_minutes: int = strawberry.field(description="Length of one slot, 5 to 240 minutes.")
    capacity: int = _f("Seats per slot, 1 to 50.", 1)
    active: bool = _f("Inactive schedules have no open slots.", True)


@strawberry.type(description="Result of a schedule change, with what happened to its slots.")
class ReceptionSchedulePayload:
    schedule: ReceptionSchedule | None = strawberry.field(
        description="The schedule; null on errors.")
    slots_created: int = strawberry.field(description="Slots added for the horizon.")
    slots_removed: int = strawberry.field(description="Free slots no longer wanted, removed.")
    slots_kept: int = strawberry.field(description="Slots no longer wanted but holding "
                                       "bookings: kept; move them with a change that notifies "
                                       "the clients (R-4.4).")
    skipped_dates: list[dt.date] = strawberry.field(
        description="Dates the rule reaches that the working calendar does not work "
        "(holidays): no slots there.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Keep one date of a schedule otherwise: no reception, or other "
                  "hours (inside that day's working time). Replaces the date's earlier "
                  "exception.")
class SetScheduleExceptionInput:
    schedule_id: strawberry.ID = strawberry.field(description="The ReceptionSchedule (global "
                                                  "ID).")
    date: dt.date = strawberry.field(description="The date (government's zone).")
    kind: ExceptionKindEnum = strawberry.field(description="No reception, or other hours.")
    start_time: str | None = _f("CHANGED_HOURS: local start, HH:MM.")
    end_time: str | None = _f("CHANGED_HOURS: local end, HH:MM.")
    note: str | None = _f("Why, for staff (up to 500 characters).")


@strawberry.input(description="Return a date to the schedule's rule.")
class RemoveScheduleExceptionInput:
    schedule_id: strawberry.ID = strawberry.field(description="The ReceptionSchedule (global "
                                                  "ID).")
    date: dt.date = strawberry.field(description="The date whose exception goes.")


def _schedule_payload(saved, errors) -> ReceptionSchedulePayload:
    if saved is None:
        return ReceptionSchedulePayload(schedule=None, slots_created=0, slots_removed=0,
                                        slots_kept=0, skipped_dates=[], errors=errors)
    return ReceptionSchedulePayload(
        schedule=ReceptionSchedule.from_model(saved.schedule),
        slots_created=saved.result.created, slots_removed=saved.result.removed,
        slots_kept=saved.result.kept, skipped_dates=saved.result.skipped, errors=errors)


@strawberry.type
class ReceptionMutations:
    @strawberry.mutation(description="Book a reception slot for oneself (R-4.3) or, as an "
                         "operator, for a caller (R-4.2). Double booking is impossible: when "
                         "every seat is taken the answer is SLOT_TAKEN.")
    async def book_reception(self, info: Info, input: BookReceptionInput
                             ) -> BookReceptionPayload | None:
        result, errors = await attempt(lambda: service.book(
            actor_of(info), slot_id=decode_id(input.slot_id, "ReceptionSlot", "slotId"),
            client_id=decode_optional_id(input.client_id, "Client", "clientId"),
            topic=input.topic,
            sphere_id=decode_optional_id(input.sphere_id, "Sphere", "sphereId")))
        return BookReceptionPayload(booking=Booking.from_model(result) if result else None,
                                    errors=errors)

    @strawberry.mutation(description="Cancel a booking: the client their own, staff any "
                         "(R-4.6). Idempotent.")
    async def cancel_booking(self, info: Info, input: CancelBookingInput
                             ) -> CancelBookingPayload | None:
        result, errors = await attempt(lambda: service.cancel(
            actor_of(info), decode_id(input.booking_id, "Booking", "bookingId"),
            via=CancelledBy.CLIENT, reason=input.reason))
        return CancelBookingPayload(booking=Booking.from_model(result) if result else None,
                                    errors=errors)

    @strawberry.mutation(description="Create or edit a reception point.")
    async def save_reception_point(self, info: Info, input: SaveReceptionPointInput
                                   ) -> ReceptionPointPayload | None:
        result, errors = await attempt(lambda: schedules.save_point(
            actor_of(info),
            point_id=decode_optional_id(input.point_id, "ReceptionPoint", "pointId"),
            name=input.name, address=input.address, directions=input.directions,
            latitude=input.latitude, longitude=input.longitude,
            opening_notes=input.opening_notes,
            accessibility=[str(f.value if hasattr(f, "value") else f)
                           for f in input.accessibility], active=input.active))
        return ReceptionPointPayload(
            point=ReceptionPoint.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Create or edit a receiving official.")
    async def save_receiving_official(self, info: Info, input: SaveReceivingOfficialInput
                                      ) -> ReceivingOfficialPayload | None:
        result, errors = await attempt(lambda: schedules.save_official(
            actor_of(info),
            official_id=decode_optional_id(input.official_id, "ReceivingOfficial",
                                           "officialId"),
            staff_member_id=decode_optional_id(input.staff_member_id, "StaffMember",
                                               "staffMemberId"),
            position=input.position,
            sphere_ids=[decode_id(s, "Sphere", "sphereIds") for s in input.sphere_ids],
            active=input.active))
        return ReceivingOfficialPayload(
            official=ReceivingOfficial.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Create or replace a reception schedule; its slots follow "
                         "at once. SCHEDULE_INVALID for a malformed rule, hours outside "
                         "working time, a rule whose every date in the horizon is a holiday, "
                         "or hours overlapping another schedule of the official.")
    async def save_reception_schedule(self, info: Info, input: SaveReceptionScheduleInput
                                      ) -> ReceptionSchedulePayload | None:
        saved, errors = await attempt(lambda: schedules.save_schedule(
            actor_of(info),
            schedule_id=decode_optional_id(input.schedule_id, "ReceptionSchedule",
                                           "scheduleId"),
            official_id=decode_optional_id(input.official_id, "ReceivingOfficial",
                                           "officialId"),
            point_id=decode_optional_id(input.point_id, "ReceptionPoint", "pointId"),
            rrule=input.rrule, valid_from=input.valid_from, valid_until=input.valid_until,
            start_time=input.start_time, end_time=input.end_time,
            slot_minutes=input.slot_minutes, capacity=input.capacity, active=input.active))
        return _schedule_payload(saved, errors)

    @strawberry.mutation(description="Cancel reception on one date of a schedule, or change "
                         "that date's hours; its slots follow at once (booked ones are kept).")
    async def set_schedule_exception(self, info: Info, input: SetScheduleExceptionInput
                                     ) -> ReceptionSchedulePayload | None:
        saved, errors = await attempt(lambda: schedules.set_exception(
            actor_of(info), decode_id(input.schedule_id, "ReceptionSchedule", "scheduleId"),
            input.date, input.kind, input.start_time, input.end_time, input.note))
        return _schedule_payload(saved, errors)

    @strawberry.mutation(description="Return a date to the schedule's rule.")
    async def remove_schedule_exception(self, info: Info, input: RemoveScheduleExceptionInput
                                        ) -> ReceptionSchedulePayload | None:
        saved, errors = await attempt(lambda: schedules.remove_exception(
            actor_of(info), decode_id(input.schedule_id, "ReceptionSchedule", "scheduleId"),
            input.date))
        return _schedule_payload(saved, errors)
