"""Mutations of the notices part of reception: changes of official, date or time (R-4.4),
the one-step links without a login (R-4.6, R-4.4), and the outcome after the reception
(R-4.9). Thin: one service call each, errors as data."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from api.enums import describe_values
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.reception.types import AccessibilityFeatureEnum, Booking, BookingStatusEnum
from api.relay import decode_id, decode_optional_id
from domain.reception import by_link, changes, outcomes
from domain.reception.models import Booking as BookingRow

_ERRORS = "Why nothing was done; empty on success."
OutcomeEnum = strawberry.enum(outcomes.Outcome, name="BookingOutcome",
                              description="What staff mark after a reception (R-4.9).")
describe_values(OutcomeEnum, {
    outcomes.Outcome.HELD: "The reception took place (the client is invited to rate it).",
    outcomes.Outcome.NO_SHOW: "The client did not come.",
})


@strawberry.input(description="Change one slot (R-4.4): another official, another date and "
                  "time, or no reception (`cancel`). Every booking in it is told once.")
class ChangeReceptionSlotInput:
    slot_id: strawberry.ID = strawberry.field(description="The ReceptionSlot's global ID.")
    official_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ReceivingOfficial who receives instead; null keeps.")
    starts_at: dt.datetime | None = strawberry.field(
        default=None, description="The new start (with offset), inside working time; the "
        "slot keeps its length. Null keeps the time.")
    cancel: bool = strawberry.field(default=False, description="No reception in this slot: "
                                    "its bookings are cancelled with the notice.")
    reason: str | None = strawberry.field(default=None, description="Told to the clients "
                                          "(up to 300 characters).")


@strawberry.input(description="Change a schedule over a date range (R-4.4): another "
                  "official, every slot shifted by some minutes, or no reception.")
class ChangeReceptionScheduleInput:
    schedule_id: strawberry.ID = strawberry.field(description="The ReceptionSchedule's "
                                                  "global ID.")
    from_: dt.date = strawberry.field(name="from", description="First date (government's "
                                      "zone).")
    to: dt.date = strawberry.field(description="Last date, inclusive (at most 366 days).")
    official_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ReceivingOfficial who receives instead; null keeps.")
    shift_minutes: int | None = strawberry.field(
        default=None, description="Move every slot by this many minutes (negative: earlier), "
        "staying inside working time.")
    cancel: bool = strawberry.field(default=False, description="No reception on these dates.")
    reason: str | None = strawberry.field(default=None, description="Told to the clients.")


@strawberry.input(description="An official is absent on some dates (R-4.4): their slots go "
                  "to the substitute, or are cancelled without one.")
class RecordOfficialAbsenceInput:
    official_id: strawberry.ID = strawberry.field(description="The absent ReceivingOfficial.")
    from_: dt.date = strawberry.field(name="from", description="First date of absence.")
    to: dt.date = strawberry.field(description="Last date of absence, inclusive.")
    substitute_id: strawberry.ID | None = strawberry.field(
        default=None, description="The ReceivingOfficial who receives instead; null cancels.")
    reason: str | None = strawberry.field(default=None, description="Told to the clients.")


@strawberry.type(description="What a change did: each affected booking was told once — "
                 "kept ones with accept and cancel links, the others cancelled with the "
                 "reason. Applying the same change again affects nothing.")
class ReceptionChangePayload:
    changed_slots: int = strawberry.field(description="Slots changed or cancelled.")
    kept_bookings: int = strawberry.field(description="Bookings kept at the new official or "
                                          "time (the client may accept or cancel).")
    cancelled_bookings: int = strawberry.field(description="Bookings the change could not "
                                               "keep, cancelled with the notice.")
    bookings: list[Booking] = strawberry.field(description="The affected bookings.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


async def _change_payload(result: changes.ChangeResult | None,
                          errors: list[UserError]) -> ReceptionChangePayload:
    if result is None:
        return ReceptionChangePayload(changed_slots=0, kept_bookings=0, cancelled_bookings=0,
                                      bookings=[], errors=errors)
    rows = await BookingRow.filter(id__in=result.bookings) if result.bookings else []
    return ReceptionChangePayload(
        changed_slots=result.slots, kept_bookings=result.kept,
        cancelled_bookings=result.cancelled, bookings=[Booking.from_model(r) for r in rows],
        errors=errors)


@strawberry.input(description="The token of a booking's signed link (the last part of the "
                  "link in the confirmation or change notice).")
class BookingTokenInput:
    token: str = strawberry.field(description="The token, as in the link.")


@strawberry.type(description="A booking as its signed link shows it to a citizen without a "
                 "login: when, with whom, where — nothing about the client.")
class BookingByLink:
    status: BookingStatusEnum = strawberry.field(description="Where the booking stands now.")
    accepted: bool = strawberry.field(description="The client accepted the change (accept "
                                      "links only).")
    official_name: str = strawberry.field(description="Who receives.")
    official_position: str = strawberry.field(description="Their position.")
    starts_at: dt.datetime = strawberry.field(description="When the reception starts.")
    ends_at: dt.datetime = strawberry.field(description="When it ends.")
    place: str = strawberry.field(description="The point's name and address.")
    directions: str = strawberry.field(description="How to get there (text for people).")
    accessibility: list[AccessibilityFeatureEnum] = strawberry.field(
        description="R-4.7: the point's accessibility features.")

    @classmethod
    def of(cls, view: by_link.LinkView) -> BookingByLink:
        return cls(status=view.booking.status, accepted=view.accepted,
                   official_name=view.official_name, official_position=view.official_position,
                   starts_at=view.starts_at, ends_at=view.ends_at, place=view.place,
                   directions=view.directions, accessibility=view.features)


@strawberry.type(description="Result of a signed-link action. Errors on `token`: "
                 "INVALID_TOKEN (forged, malformed, or stale: the booking moved or its "
                 "reception is over), EXPIRED_TOKEN (the reception has started), INVALID_STATE "
                 "(an accept link used twice, or its booking cancelled).")
class BookingLinkPayload:
    booking: BookingByLink | None = strawberry.field(description="The booking as it now "
                                                     "stands; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Mark a booking after its reception (R-4.9).")
class MarkBookingOutcomeInput:
    booking_id: strawberry.ID = strawberry.field(description="The Booking's global ID.")
    outcome: OutcomeEnum = strawberry.field(description="Held, or the client did not come.")


@strawberry.type(description="Result of marking a booking's outcome.")
class MarkBookingOutcomePayload:
    booking: Booking | None = strawberry.field(description="The booking; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


def _link_payload(view: by_link.LinkView | None, errors: list[UserError]) -> BookingLinkPayload:
    return BookingLinkPayload(booking=BookingByLink.of(view) if view else None, errors=errors)


@strawberry.type
class ReceptionChangeMutations:
    @strawberry.mutation(description="Change one slot: another official, another time, or no "
                         "reception (R-4.4). Each booking in it is told once by the client's "
                         "channels; a clash with another slot of the official is SLOT_TAKEN, "
                         "a time outside working hours or past SLOT_UNAVAILABLE, and then "
                         "nothing changes and nobody is told.")
    async def change_reception_slot(self, info: Info, input: ChangeReceptionSlotInput
                                    ) -> ReceptionChangePayload | None:
        result, errors = await attempt(lambda: changes.change_slot(
            actor_of(info), decode_id(input.slot_id, "ReceptionSlot", "slotId"),
            official_id=decode_optional_id(input.official_id, "ReceivingOfficial",
                                           "officialId"),
            starts_at=input.starts_at, cancel=input.cancel, reason=input.reason))
        return await _change_payload(result, errors)

    @strawberry.mutation(description="Change a schedule's slots over a date range (R-4.4): "
                         "another official, a shift in minutes, or no reception. A slot that "
                         "would clash is cancelled with the notice.")
    async def change_reception_schedule(self, info: Info, input: ChangeReceptionScheduleInput
                                        ) -> ReceptionChangePayload | None:
        result, errors = await attempt(lambda: changes.change_schedule(
            actor_of(info), decode_id(input.schedule_id, "ReceptionSchedule", "scheduleId"),
            first=input.from_, last=input.to,
            official_id=decode_optional_id(input.official_id, "ReceivingOfficial",
                                           "officialId"),
            shift_minutes=input.shift_minutes, cancel=input.cancel, reason=input.reason))
        return await _change_payload(result, errors)

    @strawberry.mutation(description="Record an official's absence (R-4.4): their slots on "
                         "those dates go to the substitute (bookings kept, told with accept "
                         "and cancel links) or, without one, are cancelled (bookings cancelled "
                         "and told).")
    async def record_official_absence(self, info: Info, input: RecordOfficialAbsenceInput
                                      ) -> ReceptionChangePayload | None:
        result, errors = await attempt(lambda: changes.record_absence(
            actor_of(info), decode_id(input.official_id, "ReceivingOfficial", "officialId"),
            first=input.from_, last=input.to,
            substitute_id=decode_optional_id(input.substitute_id, "ReceivingOfficial",
                                             "substituteId"), reason=input.reason))
        return await _change_payload(result, errors)

    @strawberry.mutation(description="Cancel a booking with the token of its signed link, "
                         "without a login (R-4.6). The seat is free at once. Idempotent: a "
                         "cancelled booking again is a success.")
    async def cancel_booking_by_token(self, info: Info, input: BookingTokenInput
                                      ) -> BookingLinkPayload | None:
        settings = info.context.settings
        return _link_payload(*await attempt(lambda: by_link.cancel_by_token(input.token,
                                                                            settings)))

    @strawberry.mutation(description="Accept a changed booking with the token of the change "
                         "notice's link, without a login (R-4.4). Once per notice.")
    async def accept_booking_change(self, info: Info, input: BookingTokenInput
                                    ) -> BookingLinkPayload | None:
        settings = info.context.settings
        return _link_payload(*await attempt(lambda: by_link.accept_by_token(input.token,
                                                                            settings)))

    @strawberry.mutation(description="Mark a booking held or no-show once its reception began "
                         "(R-4.9); held invites the client to rate it. Bookings nobody marks "
                         "are held automatically at the slot's end.")
    async def mark_booking_outcome(self, info: Info, input: MarkBookingOutcomeInput
                                   ) -> MarkBookingOutcomePayload | None:
        result, errors = await attempt(lambda: outcomes.mark(
            actor_of(info), decode_id(input.booking_id, "Booking", "bookingId"),
            input.outcome))
        return MarkBookingOutcomePayload(
            booking=Booking.from_model(result) if result else None, errors=errors)
