"""The one-step links through GraphQL without a login (R-4.6, R-4.4), the changes and the
outcome mutations (R-4.4, R-4.9): errors as data, a failed change tells nobody. Both
databases, real HTTP through the app."""

from __future__ import annotations

import datetime as dt

from api.relay import encode_id
from domain.deliveries.models import Delivery
from domain.directory.models import StaffMember
from domain.reception import links, service
from domain.reception.models import Booking, BookingStatus, ReceivingOfficial
from tests.domain.reception.reception_world import OPERATOR, build_world, make_slot
from tests.support.deliveries import make_client

CANCEL = """mutation($token: String!) { cancelBookingByToken(input: {token: $token}) {
  booking { status officialName startsAt place accessibility } errors { code field message } } }"""
ACCEPT = """mutation($token: String!) { acceptBookingChange(input: {token: $token}) {
  booking { status accepted startsAt } errors { code field message } } }"""
CHANGE = """mutation($slot: ID!, $official: ID, $startsAt: DateTime) {
  changeReceptionSlot(input: {slotId: $slot, officialId: $official, startsAt: $startsAt}) {
    changedSlots keptBookings errors { code field } } }"""
MARK = """mutation($id: ID!, $outcome: BookingOutcome!) {
  markBookingOutcome(input: {bookingId: $id, outcome: $outcome}) {
    booking { status } errors { code field } } }"""


async def setup():
    world = await build_world()
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    return world, slot, booking


async def test_cancel_by_token_anonymously(settings, gql):
    """R-4.6: no login; a second call is a success; the seat is free at once."""
    _, slot, booking = await setup()
    token = links.sign(settings, links.CANCEL, booking.id, slot.id, slot.starts_at)
    for _ in range(2):
        data = (await gql(CANCEL, {"token": token}, as_=None))["data"]["cancelBookingByToken"]
        assert data["errors"] == []
        assert data["booking"]["status"] == "CANCELLED"
        assert data["booking"]["officialName"] == "Петров Пётр Петрович"
        assert data["booking"]["accessibility"] == ["RAMP", "LIFT"]
    assert (await Booking.get(id=booking.id)).seat is None


async def test_forged_expired_and_stale_tokens_are_user_errors(settings, gql):
    """Bad input: forged, expired, stale (the booking moved) tokens, and a reused accept
    token, are UserErrors on `token`; nothing is cancelled."""
    _, slot, booking = await setup()
    forged = settings.model_copy(update={"link_secret": "q" * 40})
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    for token, code in [
        ("", "INVALID_TOKEN"), ("abc.def.ghi", "INVALID_TOKEN"), ("\x00", "INVALID_TOKEN"),
        (links.sign(forged, links.CANCEL, booking.id, slot.id, slot.starts_at),
         "INVALID_TOKEN"),
        (links.sign(settings, links.CANCEL, booking.id, slot.id, past), "EXPIRED_TOKEN"),
        (links.sign(settings, links.CANCEL, booking.id, slot.id,
                    slot.starts_at + dt.timedelta(days=1)), "INVALID_TOKEN"),
    ]:
        data = (await gql(CANCEL, {"token": token}, as_=None))["data"]["cancelBookingByToken"]
        assert data["booking"] is None
        assert [(e["code"], e["field"]) for e in data["errors"]] == [(code, "token")], token
    assert (await Booking.get(id=booking.id)).status == BookingStatus.BOOKED


async def test_change_then_accept_once_and_a_failed_change_tells_nobody(settings, gql):
    """R-4.4: the change notice's accept link works once; a change that fails (clash,
    unknown official, a client calling) sends no notice and changes nothing."""
    _, slot, _ = await setup()
    staff = await StaffMember.create(subject="official-2", full_name="Сидорова Анна Ивановна")
    other = await ReceivingOfficial.create(staff=staff, position="Заместитель")
    slot_gid = encode_id("ReceptionSlot", slot.id)
    before = await Delivery.all().count()
    for variables, as_, code in [
        ({"slot": slot_gid, "official": encode_id("ReceivingOfficial", slot.id)}, "admin",
         "NOT_FOUND"),
        ({"slot": slot_gid, "official": "nonsense"}, "admin", "INVALID_ID"),
        ({"slot": slot_gid, "startsAt": "2020-01-01T10:00:00+00:00"}, "admin",
         "SLOT_UNAVAILABLE"),
    ]:
        data = (await gql(CHANGE, variables, as_=as_))["data"]["changeReceptionSlot"]
        assert [e["code"] for e in data["errors"]] == [code]
    refused = await gql(CHANGE, {"slot": slot_gid, "official": encode_id(
        "ReceivingOfficial", other.id)}, as_="client", expect_errors=True)
    assert refused["data"]["changeReceptionSlot"] is None
    assert await Delivery.all().count() == before

    data = (await gql(CHANGE, {"slot": slot_gid, "official": encode_id(
        "ReceivingOfficial", other.id)}, as_="supervisor"))["data"]["changeReceptionSlot"]
    assert data == {"changedSlots": 1, "keptBookings": 1, "errors": []}
    [notice] = await Delivery.filter(purpose="booking_changed")
    token = notice.context["accept_url"].rsplit("/", 1)[1]
    first = (await gql(ACCEPT, {"token": token}, as_=None))["data"]["acceptBookingChange"]
    assert first["errors"] == [] and first["booking"]["accepted"] is True
    again = (await gql(ACCEPT, {"token": token}, as_=None))["data"]["acceptBookingChange"]
    assert [e["code"] for e in again["errors"]] == ["INVALID_STATE"]


async def test_mark_outcome_roles_and_errors(settings, gql):
    """R-4.9: staff mark; a client may not; a future reception cannot be marked yet."""
    _, _, booking = await setup()
    gid = encode_id("Booking", booking.id)
    data = (await gql(MARK, {"id": gid, "outcome": "HELD"}, as_="operator"))["data"]
    assert [e["code"] for e in data["markBookingOutcome"]["errors"]] == ["INVALID_STATE"]
    refused = await gql(MARK, {"id": gid, "outcome": "HELD"}, as_="client", expect_errors=True)
    assert refused["data"]["markBookingOutcome"] is None
