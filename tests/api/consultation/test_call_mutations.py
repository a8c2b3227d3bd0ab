"""The call's other mutations over GraphQL: topics and notes, referral (R-3.10), other
channels (R-5.4), ending with the farewell version (R-3.4), scripts and competences."""

from __future__ import annotations

from api.relay import encode_id
from domain.consultation import service
from domain.consultation.models import StaffSphere
from domain.deliveries.models import Delivery
from tests.domain.consultation.line_world import OPERATOR

CALL_FIELDS = """call { id topics notes outcome surveyConsent farewellVersion status
  referralAgency { name } referralSentAt channelsOffered channelChosen message { id status } }
  errors { code field message }"""


async def _call(world):
    call = await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number="89272704518"))
    return encode_id("Call", call.id)


async def test_record_refer_move_and_end(gql, world, line_open):
    """R-3.1 topics, R-3.10 referral sent, R-5.4 written message opened, R-3.4 farewell."""
    call_id = await _call(world)
    updated = (await gql(f"""mutation($i: UpdateCallInput!) {{ updateCall(input: $i) {{
        {CALL_FIELDS} }} }}""", {"i": {"callId": call_id, "topics": ["INSPECTIONS"],
                                      "notes": "Спросил о плановой проверке",
                                      "surveyConsent": True}}, as_="operator"))
    call = updated["data"]["updateCall"]["call"]
    assert call["topics"] == ["INSPECTIONS"] and call["surveyConsent"] is True

    referred = (await gql(f"""mutation($i: ReferCallInput!) {{ referCall(input: $i) {{
        {CALL_FIELDS} }} }}""", {"i": {"callId": call_id, "sendToCaller": True,
                                      "agencyId": encode_id("ExternalAgency", world.agency.id)}},
                          as_="operator"))["data"]["referCall"]
    assert referred["errors"] == []
    assert referred["call"]["outcome"] == "OUT_OF_COMPETENCE"
    assert referred["call"]["referralAgency"]["name"] == "Роспотребнадзор"
    assert referred["call"]["referralSentAt"]
    assert await Delivery.filter(client_id=world.caller.id, source_type="call").count() == 1

    moved = (await gql(f"""mutation($i: MoveCallToChannelInput!) {{ moveCallToChannel(input: $i) {{
        {CALL_FIELDS} }} }}""", {"i": {"callId": call_id, "channelsOffered": ["EMAIL", "WEB"],
                                      "channelChosen": "EMAIL", "subject": "Проверка",
                                      "body": "Прошу сообщить дату плановой проверки."}},
                       as_="operator"))["data"]["moveCallToChannel"]
    assert moved["errors"] == [] and moved["call"]["outcome"] == "WRITTEN_CHANNEL"
    assert moved["call"]["channelsOffered"] == ["EMAIL", "WEB"]
    assert moved["call"]["message"]["status"] == "RECEIVED"

    ended = (await gql(f"""mutation($i: EndCallInput!) {{ endCall(input: $i) {{
        {CALL_FIELDS} }} }}""", {"i": {"callId": call_id, "outcome": "WRITTEN_CHANNEL"}},
                       as_="operator"))["data"]["endCall"]
    assert ended["call"]["status"] == "ENDED" and ended["call"]["farewellVersion"] == 1


async def test_scripts_and_competences_are_supervisors(gql, world):
    """R-3.4 a new script version with plain-language advice; R-3.7 competences."""
    save = """mutation($i: SaveLineScriptInput!) { saveLineScript(input: $i) {
      script { kind version text } findings { code severity } errors { code } } }"""
    variables = {"i": {"lineId": encode_id("ConsultationLine", world.line.id),
                       "kind": "GREETING", "text": "Здравствуйте! Чем помочь?"}}
    saved = (await gql(save, variables, as_="supervisor"))["data"]["saveLineScript"]
    assert saved["script"] == {"kind": "GREETING", "version": 2,
                               "text": "Здравствуйте! Чем помочь?"}
    refused = await gql(save, variables, as_="operator", expect_errors=True)
    assert refused["data"]["saveLineScript"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    competence = """mutation($i: SetStaffCompetenceInput!) { setStaffCompetence(input: $i) {
      staffMember { fullName } spheres { name } errors { code field } } }"""
    done = (await gql(competence, {"i": {
        "staffMemberId": encode_id("StaffMember", world.outsider.id),
        "sphereIds": [encode_id("Sphere", world.sphere.id)]}}, as_="supervisor"))
    assert done["data"]["setStaffCompetence"]["spheres"] == [{"name": "ЖКХ и жильё"}]
    assert await StaffSphere.exists(staff_id=world.outsider.id, sphere_id=world.sphere.id)
    bad = (await gql(competence, {"i": {"staffMemberId": "nonsense", "sphereIds": []}},
                     as_="supervisor"))["data"]["setStaffCompetence"]
    assert bad["errors"][0] == {"code": "INVALID_ID", "field": "staffMemberId"}
