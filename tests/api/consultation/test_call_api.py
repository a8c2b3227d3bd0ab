"""The consultation line over GraphQL: lines and their hours (R-3.3), the operator's screen
in one query with constant SQL (DataLoaders), mutations and their UserErrors."""

from __future__ import annotations

import datetime as dt

from api.relay import encode_id
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import rules, service
from domain.enums import Channel
from domain.messages import service as messages
from domain.messages.intake import IntakeData
from tests.conftest import count_queries
from tests.domain.consultation.line_world import OPERATOR

LINES = """{ consultationLines { id name number displayNumber isOpenNow nextOpensAt
  scripts { kind version text } } }"""

SCREEN = """
fragment Screen on Call {
  id status callerNumber topics outcome greetingVersion transferCount
  line { displayNumber }
  client { id displayName }
  operator { fullName }
  scripts { kind version text }
  openMessages { id status registrationNumber answerDueDate }
  comingBookings { id status }
  transfers { seq reason toStaff { fullName } sphere { name } }
  referralAgency { name }
}
"""
ONE = SCREEN + "query($id: ID!) { call(id: $id) { ...Screen } }"
MANY = SCREEN + "query($n: Int) { calls(first: $n) { edges { node { ...Screen } } } }"


async def test_lines_public_with_hours(gql, world):
    """R-3.2, R-3.3: anyone reads the numbers and whether each is open now and when next;
    scripts are for staff."""
    data = (await gql(LINES, as_=None))["data"]["consultationLines"]
    assert [line["displayNumber"] for line in data] == ["8 (8422) 58-93-58", "8-800-775-50-05"]
    now = dt.datetime.now(dt.UTC)
    calendar = WorkCalendar.default()
    assert data[0]["isOpenNow"] is rules.is_open(calendar, now)
    if not data[0]["isOpenNow"]:
        assert dt.datetime.fromisoformat(data[0]["nextOpensAt"]) == rules.next_opens_at(
            calendar, now)
    assert data[0]["scripts"] == []
    staff = (await gql(LINES, as_="operator"))["data"]["consultationLines"]
    assert {s["kind"] for s in staff[0]["scripts"]} == {"GREETING", "FAREWELL"}


async def _open_appeal(world):
    return await messages.receive(OPERATOR, IntakeData(
        client_id=world.caller.id, channel=Channel.EMAIL, body="Когда отремонтируют крышу?",
        subject="Ремонт крыши"))


async def test_operator_screen_in_one_query_with_constant_sql(gql, world, line_open):
    """The operator's screen: card, open messages with status and deadlines, bookings, the
    line's scripts, transfers; the SQL count does not grow with the number of calls."""
    appeal = await _open_appeal(world)
    call = await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number="89272704518"))
    one = (await gql(ONE, {"id": encode_id("Call", call.id)}, as_="operator"))["data"]["call"]
    assert one["client"]["displayName"].startswith("Петров")
    assert [m["id"] for m in one["openMessages"]] == [encode_id("Message", appeal.id)]
    assert one["openMessages"][0]["status"] == "RECEIVED"
    assert {s["kind"] for s in one["scripts"]} == {"GREETING", "FAREWELL"}
    assert one["greetingVersion"] == 1 and one["line"]["displayNumber"] == "8 (8422) 58-93-58"

    with count_queries() as few:
        await gql(MANY, {"n": 10}, as_="operator")
    for _ in range(5):
        await service.start_call(OPERATOR, line_id=world.free_line.id,
                                 caller=service.Caller(number="89272704518"))
    with count_queries() as more:
        body = await gql(MANY, {"n": 10}, as_="operator")
    assert len(body["data"]["calls"]["edges"]) == 6
    assert more.count == few.count, (few.count, more.count)


async def test_clients_and_anonymous_see_no_calls(gql, world, line_open):
    call = await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number="89272704518"))
    gid = encode_id("Call", call.id)
    body = await gql("query($id: ID!) { call(id: $id) { id } }", {"id": gid}, as_="client",
                     expect_errors=True)
    assert body["data"]["call"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": gid}, as_="client")
    assert node["data"]["node"] is None


START = """mutation($input: StartCallInput!) { startCall(input: $input) {
  call { id client { id } } errors { code field message } } }"""
TRANSFER = """mutation($input: TransferCallInput!) { transferCall(input: $input) {
  call { transferCount outcome } transfer { seq reason } errors { code field message } } }"""


async def test_closed_line_is_a_user_error(gql, world, line_closed):
    """R-3.3: a call record for a closed line is a LINE_CLOSED UserError."""
    body = await gql(START, {"input": {"lineId": encode_id("ConsultationLine", world.line.id),
                                       "caller": {"number": "89272704518"}}}, as_="operator")
    result = body["data"]["startCall"]
    assert result["call"] is None
    assert result["errors"][0]["code"] == "LINE_CLOSED"
    assert result["errors"][0]["field"] == "lineId"


async def test_bad_ids_and_inputs_are_user_errors(gql, world, line_open):
    body = await gql(START, {"input": {"lineId": str(world.line.id)}}, as_="operator")
    assert body["data"]["startCall"]["errors"][0]["code"] == "INVALID_ID"
    body = await gql(START, {"input": {"lineId": encode_id("ConsultationLine", world.line.id),
                                       "caller": {"number": "x" * 300}}}, as_="operator")
    assert body["data"]["startCall"]["errors"][0]["code"] == "TOO_LONG"
    body = await gql(TRANSFER, {"input": {
        "callId": encode_id("Call", world.line.id), "toStaffMemberId": encode_id(
            "StaffMember", world.expert.id), "sphereId": encode_id("Sphere", world.sphere.id),
        "reason": "Вопрос", "callerTold": True}}, as_="operator")
    assert body["data"]["transferCall"]["errors"][0]["code"] == "NOT_FOUND"
