"""Reception over GraphQL: free slots, booking by a client and by an operator, cancelling,
the reception desk's day, a client's bookings, accessibility shown (R-4.x), on both
databases."""

from __future__ import annotations

import datetime as dt

from api.relay import encode_id
from domain.history.models import InteractionEvent
from domain.reception.models import Booking, BookingStatus
from tests.conftest import count_queries
from tests.domain.reception.reception_world import make_slot

SLOTS = """query($f: AvailableSlotsFilter!, $first: Int, $after: String) {
  availableSlots(filter: $f, first: $first, after: $after) {
    edges { node { id startsAt freeSeats official { fullName position }
      point { name address directions accessibility } } }
    pageInfo { hasNextPage endCursor } } }"""
BOOK = """mutation($input: BookReceptionInput!) { bookReception(input: $input) {
  booking { id status bookedBy topic slot { id freeSeats point { address accessibility } }
    client { id } sphere { code } }
  errors { code field message } } }"""
CANCEL = """mutation($input: CancelBookingInput!) { cancelBooking(input: $input) {
  booking { id status cancelledBy cancelReason } errors { code field } } }"""


def _client(world, n=0) -> dict:
    return {"as_": "client", "subject": str(world.clients[n].id)}


async def test_anonymous_sees_free_slots_with_point_and_accessibility(gql, world):
    """R-4.3 self service lists free slots without a token; R-4.5/R-4.7 each shows the
    point's address, directions and accessibility features."""
    first = await make_slot(world, dt.timedelta(days=2))
    await make_slot(world, dt.timedelta(days=3))
    await make_slot(world, dt.timedelta(minutes=20))  # below the lead time: not listed
    data = (await gql(SLOTS, {"f": {}, "first": 1}, as_=None))["data"]["availableSlots"]
    [edge] = data["edges"]
    assert edge["node"]["id"] == encode_id("ReceptionSlot", first.id)
    assert edge["node"]["point"]["accessibility"] == ["RAMP", "LIFT"]
    assert "второй этаж" in edge["node"]["point"]["directions"]
    assert edge["node"]["official"] == {"fullName": "Петров Пётр Петрович",
                                        "position": "Министр"}
    assert data["pageInfo"]["hasNextPage"]
    rest = (await gql(SLOTS, {"f": {}, "first": 5, "after": data["pageInfo"]["endCursor"]},
                      as_=None))["data"]["availableSlots"]
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    # Filters: another sphere's officials have no slots; this sphere's do.
    other = encode_id("Sphere", "00000000-0000-0000-0000-000000000001")
    none = (await gql(SLOTS, {"f": {"sphereId": other}}, as_=None))["data"]["availableSlots"]
    assert none["edges"] == []
    mine = {"sphereId": encode_id("Sphere", world.sphere.id),
            "pointId": encode_id("ReceptionPoint", world.point.id),
            "officialId": encode_id("ReceivingOfficial", world.official.id)}
    assert len((await gql(SLOTS, {"f": mine}, as_=None))["data"]["availableSlots"]["edges"]) == 2


async def test_client_books_and_cancels_and_the_slot_is_free_again(gql, world):
    """R-4.3 the client books a period of the approved schedule; R-4.6 cancels at any
    time and the slot is listed again at once; R-1.5 history has both events."""
    slot = await make_slot(world)
    slot_gid = encode_id("ReceptionSlot", slot.id)
    booked = (await gql(BOOK, {"input": {
        "slotId": slot_gid, "topic": "Ремонт подъезда",
        "sphereId": encode_id("Sphere", world.sphere.id)}}, **_client(world)))["data"]
    payload = booked["bookReception"]
    assert payload["errors"] == []
    booking = payload["booking"]
    assert booking["status"] == "BOOKED" and booking["bookedBy"] == "CLIENT"
    assert booking["slot"]["freeSeats"] == 0
    assert booking["slot"]["point"]["address"].startswith("г. Ульяновск")
    assert booking["client"]["id"] == encode_id("Client", world.clients[0].id)
    assert booking["sphere"] == {"code": "housing"}
    listed = (await gql(SLOTS, {"f": {}}, as_=None))["data"]["availableSlots"]["edges"]
    assert listed == []

    cancelled = (await gql(CANCEL, {"input": {"bookingId": booking["id"], "reason": "Болею"}},
                           **_client(world)))["data"]["cancelBooking"]
    assert cancelled["booking"]["status"] == "CANCELLED"
    assert cancelled["booking"]["cancelledBy"] == "CLIENT"
    listed = (await gql(SLOTS, {"f": {}}, as_=None))["data"]["availableSlots"]["edges"]
    assert [e["node"]["id"] for e in listed] == [slot_gid]
    events = await InteractionEvent.filter(client_id=world.clients[0].id,
                                           kind="reception").count()
    assert events == 2


async def test_operator_books_for_a_caller_and_sees_the_day(gql, world):
    """R-4.2: an operator books for a caller on the line; the reception desk sees the day
    with its bookings; the client sees the booking in ``Client.bookings``."""
    slot = await make_slot(world, capacity=2)
    client_gid = encode_id("Client", world.clients[1].id)
    result = (await gql(BOOK, {"input": {"slotId": encode_id("ReceptionSlot", slot.id),
                                         "topic": "Пенсия", "clientId": client_gid}},
                        as_="operator"))["data"]["bookReception"]
    assert result["errors"] == [] and result["booking"]["bookedBy"] == "OPERATOR"
    assert result["booking"]["slot"]["freeSeats"] == 1
    from zoneinfo import ZoneInfo

    local_day = slot.starts_at.astimezone(ZoneInfo("Europe/Ulyanovsk")).date().isoformat()
    day = (await gql("""query($p: ID!, $d: Date!) { receptionDay(pointId: $p, date: $d) {
        date point { name } slots { id freeSeats bookings { topic client { id } } } } }""",
                     {"p": encode_id("ReceptionPoint", world.point.id), "d": local_day},
                     as_="operator"))["data"]["receptionDay"]
    assert day["slots"][0]["bookings"] == [{"topic": "Пенсия", "client": {"id": client_gid}}]
    mine = (await gql("""query($id: ID!) { client(id: $id) { bookings(first: 5) {
        edges { node { topic status } } } } }""", {"id": client_gid},
                      **_client(world, 1)))["data"]["client"]["bookings"]["edges"]
    assert mine == [{"node": {"topic": "Пенсия", "status": "BOOKED"}}]


async def test_client_sees_only_own_bookings(gql, world):
    """A client sees their own bookings only: by ID, through a slot, via another client."""
    slot = await make_slot(world, capacity=2)
    slot_gid = encode_id("ReceptionSlot", slot.id)
    own = (await gql(BOOK, {"input": {"slotId": slot_gid, "topic": "Моё"}},
                     **_client(world, 0)))["data"]["bookReception"]["booking"]
    await gql(BOOK, {"input": {"slotId": slot_gid, "topic": "Чужое"}}, **_client(world, 1))
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": own["id"]},
                     **_client(world, 1))
    assert node["data"]["node"] is None
    through_slot = (await gql("""query($id: ID!) { node(id: $id) { ... on ReceptionSlot {
        bookings { topic } } } }""", {"id": slot_gid}, **_client(world, 1)))["data"]["node"]
    assert through_slot["bookings"] == [{"topic": "Чужое"}]
    anonymous = (await gql("""query($id: ID!) { node(id: $id) { ... on ReceptionSlot {
        bookings { topic } } } }""", {"id": slot_gid}, as_=None))["data"]["node"]
    assert anonymous["bookings"] == []
    refused = (await gql(CANCEL, {"input": {"bookingId": own["id"]}},
                         **_client(world, 1)))["data"]["cancelBooking"]
    assert refused["errors"][0]["code"] == "NOT_FOUND"


async def test_bad_input_is_a_user_error_and_writes_nothing(gql, world):
    """Unknown, forged and malformed IDs, NUL bytes, a huge topic, a past slot: UserErrors,
    nothing half-written."""
    slot = await make_slot(world)
    past = await make_slot(world, dt.timedelta(hours=-2))
    gid = encode_id("ReceptionSlot", slot.id)
    cases = [
        ({"slotId": str(slot.id), "topic": "x"}, "INVALID_ID", "slotId"),
        ({"slotId": encode_id("Client", slot.id), "topic": "x"}, "INVALID_ID", "slotId"),
        ({"slotId": encode_id("ReceptionSlot", "not-a-uuid"), "topic": "x"}, "NOT_FOUND",
         "slotId"),
        ({"slotId": encode_id("ReceptionSlot", "00000000-0000-0000-0000-000000000000"),
          "topic": "x"}, "NOT_FOUND", "slotId"),
        ({"slotId": gid, "topic": "a\x00b"}, "FORBIDDEN_CHARACTERS", "topic"),
        ({"slotId": gid, "topic": "я" * 5000}, "TOO_LONG", "topic"),
        ({"slotId": gid, "topic": "   "}, "REQUIRED", "topic"),
        ({"slotId": encode_id("ReceptionSlot", past.id), "topic": "x"}, "SLOT_UNAVAILABLE",
         "slotId"),
        ({"slotId": gid, "topic": "x", "sphereId": encode_id("Sphere", slot.id)}, "NOT_FOUND",
         "sphereId"),
    ]
    for given, code, field in cases:
        errors = (await gql(BOOK, {"input": given}, **_client(world)))["data"][
            "bookReception"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], given
    assert await Booking.all().count() == 0
    bad_range = await gql(SLOTS, {"f": {"from": "2026-01-01T00:00:00Z",
                                        "to": "2026-03-01T00:00:00Z"}}, as_=None,
                          expect_errors=True)
    assert bad_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = await gql(SLOTS, {"f": {}, "after": "garbage"}, as_=None, expect_errors=True)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_client_bookings_cost_the_same_for_many_clients(gql, world):
    """``Client.bookings`` goes through a DataLoader: a list of clients costs a fixed
    number of statements whatever its length."""
    for n in range(3):
        slot = await make_slot(world, dt.timedelta(days=2, hours=n))
        await gql(BOOK, {"input": {"slotId": encode_id("ReceptionSlot", slot.id),
                                   "topic": f"Тема {n}",
                                   "clientId": encode_id("Client", world.clients[n].id)}},
                  as_="operator")
    query = """{ clients(first: 10) { edges { node { bookings(first: 5) {
        edges { node { topic slot { startsAt } } } } } } } }"""
    with count_queries() as few:
        data = (await gql(query))["data"]["clients"]["edges"]
    assert sorted(e["node"]["bookings"]["edges"][0]["node"]["topic"] for e in data) == [
        "Тема 0", "Тема 1", "Тема 2"]
    assert few.count <= 6
    assert (await Booking.filter(status=BookingStatus.BOOKED).count()) == 3


async def test_points_and_officials_are_listed_for_everyone(gql, world):
    """R-4.7: every front end, also without a token, reads each point's accessibility."""
    data = (await gql("""{ receptionPoints { name address accessibility latitude longitude }
        receivingOfficials { fullName position spheres { code }
          schedules { rrule startTime endTime slotMinutes capacity point { name } } } }""",
                      as_=None))["data"]
    assert data["receptionPoints"] == [{
        "name": "Приёмная Правительства", "address": "г. Ульяновск, пл. Ленина, 1",
        "accessibility": ["RAMP", "LIFT"], "latitude": 54.3142, "longitude": 48.4031}]
    [official] = data["receivingOfficials"]
    assert official["spheres"] == []  # spheres are shown to signed-in callers only
    assert official["schedules"] == [{
        "rrule": "FREQ=WEEKLY;BYDAY=TU", "startTime": "14:00", "endTime": "17:00",
        "slotMinutes": 20, "capacity": 1, "point": {"name": "Приёмная Правительства"}}]
    signed_in = (await gql("{ receivingOfficials { spheres { code } } }",
                           **_client(world)))["data"]["receivingOfficials"]
    assert signed_in == [{"spheres": [{"code": "housing"}]}]
