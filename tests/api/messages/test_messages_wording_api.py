"""Over real HTTP: `checkText` fitted to the reader (R-2.8), notice reasons checked (R-2.2),
the channels offered for an oral request not served orally (R-5.4)."""

from __future__ import annotations

from api.relay import encode_id
from domain.enums import Channel
from domain.messages import service
from domain.messages.intake import IntakeData
from tests.domain.messages.messages_world import EXECUTOR, OPERATOR, World, local

CHECK = """query($t: String!, $a: TextAudience, $r: Boolean! = false, $why: Boolean! = false) {
  checkText(text: $t, audience: $a, refusal: $r, reason: $why) { findings { code severity } } }"""
REFUSAL = ("Мы не можем выдать разрешение на стройку, потому что участок лежит в охранной зоне "
           "газопровода. Это требование ст. 56 Земельного кодекса РФ.")
ORAL = """mutation($input: RecordOralAnswerInput!) { recordOralAnswer(input: $input) {
  answer { outcome } message { status offeredChannels chosenChannel }
  errors { code field message } } }"""
REDIRECT = """mutation($input: RedirectMessageInput!) { redirectMessage(input: $input) {
  message { status redirectReasonFindings { code severity } } errors { code field message } } }"""


async def test_check_text_takes_the_audience(gql, world: World):
    """R-2.8: a front end checks a draft the way draftAnswer does: the same refusal gives
    advice for a person, nothing for an organisation, a block for simpler words."""
    async def codes(audience):
        body = await gql(CHECK, {"t": REFUSAL, "a": audience, "r": True}, as_="executor",
                         subject="exec-1")
        return [(f["code"], f["severity"]) for f in body["data"]["checkText"]["findings"]]

    assert await codes(None) == await codes("PERSON") == [("LEGAL_REFERENCE", "ADVICE")]
    assert await codes("ORGANISATION") == []
    assert await codes("SIMPLE_WORDS") == [("GROUNDS_LEGAL_REFERENCE", "BLOCKING")]
    body = await gql(CHECK, {"t": "Согласно ст. 8 Закона № 59-ФЗ.", "why": True},
                     as_="executor", subject="exec-1")
    assert ("REASON_LEGAL_ONLY", "BLOCKING") in [
        (f["code"], f["severity"]) for f in body["data"]["checkText"]["findings"]]


async def test_redirect_reason_refused_and_advised_over_graphql(gql, world: World):
    """R-2.2: a redirect reason that is only a legal reference is a REFUSAL_GROUNDS
    UserError on `redirectReason`; advice on an accepted reason is on the message."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EMAIL, body="Прошу пересчитать пенсию.",
        contact_id=world.email.id))
    await service.register(OPERATOR, m.id)
    data = {"messageId": encode_id("Message", m.id),
            "agencyId": encode_id("ExternalAgency", world.agency.id),
            "redirectReason": "На основании ч. 3 ст. 8 Федерального закона № 59-ФЗ."}
    body = await gql(REDIRECT, {"input": data}, as_="operator")
    payload = body["data"]["redirectMessage"]
    assert payload["message"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("REFUSAL_GROUNDS", "redirectReason")]
    data["redirectReason"] = "В целях перерасчёта обращение ушло в Социальный фонд: пенсии у него."
    body = await gql(REDIRECT, {"input": data}, as_="operator")
    message = body["data"]["redirectMessage"]["message"]
    assert message["status"] == "REDIRECTED"
    assert message["redirectReasonFindings"] == [{"code": "CLICHE", "severity": "ADVICE"}]


async def test_oral_request_offered_channels_over_graphql(gql, world: World):
    """R-5.4: recordOralAnswer with NOT_SERVED_ORALLY records the channels offered and the
    choice; a choice outside the offer is an INVALID UserError on `chosenChannel`."""
    m = await service.receive(EXECUTOR, IntakeData(
        client_id=world.employee.id, channel=Channel.PHONE, category="it", form="oral",
        body="Нужен доступ к общей папке отдела.", received_at=local(2026, 11, 3, 11)))
    data = {"messageId": encode_id("Message", m.id), "text": "По телефону доступ не выдать.",
            "outcome": "NOT_SERVED_ORALLY", "offeredChannels": ["EMAIL", "EDMS"],
            "chosenChannel": "POSTAL"}
    body = await gql(ORAL, {"input": data}, as_="executor", subject="exec-1")
    payload = body["data"]["recordOralAnswer"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", "chosenChannel")]
    data["chosenChannel"] = "EDMS"
    body = await gql(ORAL, {"input": data}, as_="executor", subject="exec-1")
    payload = body["data"]["recordOralAnswer"]
    assert payload["errors"] == [] and payload["answer"]["outcome"] == "NOT_SERVED_ORALLY"
    assert payload["message"] == {"status": "ANSWERED", "offeredChannels": ["EMAIL", "EDMS"],
                                  "chosenChannel": "EDMS"}
