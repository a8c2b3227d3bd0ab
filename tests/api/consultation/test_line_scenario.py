"""The issue's scenario over HTTP: PBX webhook → call recorded → the operator joins it,
finds the caller's open appeal and its status → two transfers → the third refused."""

from __future__ import annotations

from api.relay import encode_id
from domain.consultation.models import Call, CallTransfer
from domain.enums import Channel
from domain.messages import service as messages
from domain.messages.intake import IntakeData
from tests.api.consultation.pbx_client import event, send
from tests.conftest import GraphQLClient
from tests.domain.consultation.line_world import OPERATOR

START = """mutation($input: StartCallInput!) { startCall(input: $input) {
  call { id source status client { id } } errors { code message } } }"""
SCREEN = """query($id: ID!) { call(id: $id) {
  callerNumber client { displayName }
  openMessages { id subject status registrationDueDate answerDueDate }
  scripts { kind text } } }"""
TRANSFER = """mutation($input: TransferCallInput!) { transferCall(input: $input) {
  call { transferCount outcome } transfer { seq toStaff { fullName } }
  errors { code field message } } }"""


async def test_pbx_call_operator_screen_two_transfers_third_refused(
        world, pbx_http, pbx_settings, line_open):
    """R-3.1, R-3.7: the whole path, each step over real HTTP."""
    gql = GraphQLClient(pbx_http, pbx_settings)
    appeal = await messages.receive(OPERATOR, IntakeData(
        client_id=world.caller.id, channel=Channel.EMAIL, subject="Ремонт крыши",
        body="Когда отремонтируют крышу дома?"))

    # 1. The exchange reports the call; nobody has typed anything yet.
    assert (await send(pbx_http, event("started", "sc-1"))).json()["status"] == "recorded"
    assert (await send(pbx_http, event("answered", "sc-1"))).status_code == 200
    pbx_call = await Call.get(pbx_call_id="sc-1")

    # 2. The operator's softphone shows the call id: the record joins the PBX's call.
    started = (await gql(START, {"input": {
        "lineId": encode_id("ConsultationLine", world.line.id), "pbxCallId": "sc-1",
        "topics": ["APPEAL_STATUS"]}}, as_="operator", subject=OPERATOR.subject)
    )["data"]["startCall"]
    assert started["errors"] == []
    assert started["call"]["id"] == encode_id("Call", pbx_call.id)
    assert started["call"]["source"] == "PBX" and started["call"]["status"] == "ANSWERED"
    assert started["call"]["client"]["id"] == encode_id("Client", world.caller.id)
    assert await Call.all().count() == 1

    # 3. One query: the caller's card, the open appeal and its status and deadlines.
    screen = (await gql(SCREEN, {"id": started["call"]["id"]}, as_="operator"))["data"]["call"]
    assert screen["client"]["displayName"].startswith("Петров")
    [found] = screen["openMessages"]
    assert found["id"] == encode_id("Message", appeal.id) and found["status"] == "RECEIVED"
    assert found["subject"] == "Ремонт крыши" and found["registrationDueDate"]
    assert screen["scripts"]

    # 4. Two transfers to a competent employee, the caller told each time; the third refused.
    transfer = {"callId": started["call"]["id"],
                "toStaffMemberId": encode_id("StaffMember", world.expert.id),
                "sphereId": encode_id("Sphere", world.sphere.id),
                "reason": "Нужен специалист по капремонту", "callerTold": True}
    for seq in (1, 2):
        done = (await gql(TRANSFER, {"input": transfer}, as_="operator",
                          subject=OPERATOR.subject))["data"]["transferCall"]
        assert done["errors"] == [] and done["transfer"]["seq"] == seq
        assert done["transfer"]["toStaff"]["fullName"] == "Кузьмин Павел"
    refused = (await gql(TRANSFER, {"input": transfer}, as_="operator",
                         subject=OPERATOR.subject))["data"]["transferCall"]
    assert refused["call"] is None and refused["errors"][0]["code"] == "TRANSFER_LIMIT"
    assert await CallTransfer.filter(call_id=pbx_call.id).count() == 2

    # 5. The exchange ends the call: still the one call.
    assert (await send(pbx_http, event("ended", "sc-1"))).status_code == 200
    ended = await Call.get(id=pbx_call.id)
    assert ended.status == "ended" and ended.transfer_count == 2
