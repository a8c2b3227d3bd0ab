"""The answer's channels and records end to end, through GraphQL over HTTP, a real arq worker
and a real SMTP server (aiosmtpd): an electronic appeal is answered electronically to the
address given in it (59-FZ art. 10 p. 4), the client's chosen channel goes too (R-1.4), the
answer carries the survey link (R-2.10), and an answer that goes through the EDMS queue
records its outgoing EDMS number and link (R-8)."""

from __future__ import annotations

import re

from domain.clients import service as clients
from domain.clients.models import ChannelPreference, ContactKind
from domain.enums import Channel
from tests.domain.messages.messages_world import ADMIN, World
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

EXECUTOR = {"as_": "executor", "subject": "exec-1"}
OPERATOR = {"as_": "operator", "subject": "op-1"}
ANSWER = ("Мы проверили ваш дом. Управляющая компания включит отопление завтра до 12:00. "
          "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")
BODY = ("Здравствуйте! В доме на ул. Гончарова, 5 третий день нет отопления. "
        "Управляющая компания не отвечает.")
DELIVERIES = """query($src: ID!) { deliveries(filter: {sourceId: $src}, first: 20) {
    edges { node { id channel route address purpose status externalReference externalLink } } } }"""


async def ok(gql, query: str, variables: dict, field: str, **who) -> dict:
    payload = (await gql(query, variables, **who))["data"][field]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def answered(gql, world: World, mid: str) -> None:
    """Registration, assignment, sphere, the answer: as staff drive it."""
    await ok(gql, """mutation($id: ID!) { registerMessage(input: {messageId: $id}) {
        message { status } errors { code } } }""", {"id": mid}, "registerMessage", **OPERATOR)
    await ok(gql, """mutation($in: AssignMessageInput!) { assignMessage(input: $in) {
        message { status } errors { code } } }""",
        {"in": {"messageId": mid, "executorSubject": "exec-1"}}, "assignMessage", **OPERATOR)
    await ok(gql, """mutation($id: ID!) { startMessageWork(input: {messageId: $id}) {
        message { status } errors { code } } }""", {"id": mid}, "startMessageWork", **EXECUTOR)
    sphere = await world.sphere("housing")
    await ok(gql, """mutation($id: ID!, $s: ID!) {
        classifyMessage(input: {messageId: $id, sphereId: $s}) {
        message { status } errors { code } } }""", {"id": mid, "s": world.gid("Sphere", sphere.id)},
        "classifyMessage", **EXECUTOR)
    await ok(gql, """mutation($in: DraftAnswerInput!) { draftAnswer(input: $in) {
        answer { id } errors { code } } }""",
        {"in": {"messageId": mid, "text": ANSWER, "outcome": "RESOLVED"}}, "draftAnswer",
        **EXECUTOR)
    await ok(gql, """mutation($id: ID!) { sendAnswer(input: {messageId: $id}) {
        answer { sentAt } errors { code message } } }""", {"id": mid}, "sendAnswer", **EXECUTOR)


async def answer_rows(gql, mid: str) -> list[dict]:
    edges = (await gql(DELIVERIES, {"src": mid}, **OPERATOR))["data"]["deliveries"]["edges"]
    return [e["node"] for e in edges if e["node"]["purpose"] == "ANSWER"]


async def test_web_form_appeal_is_answered_to_the_email_given_in_it(gql, world: World,
                                                                    settings):
    """59-FZ art. 10 p. 4, R-1.4, R-2.9, R-2.10: a citizen's web-form appeal that gives an
    email address is answered by email to that address (not to the client's other email),
    the client's preferred channel (SMS) gets the answer too, and the email that reaches the
    SMTP server carries the survey link."""
    client_id = str(world.client.id)
    given = await clients.add_contact(ADMIN, world.client.id, ContactKind.EMAIL,
                                      "zayavlenie@example.ru")
    await ChannelPreference.create(client_id=world.client.id, preferred_channel=Channel.PHONE,
                                   preferred_contact_id=world.phone.id)
    received = await ok(gql, """mutation($input: ReceiveMessageInput!) {
        receiveMessage(input: $input) { message { id channel } errors { code field } } }""",
        {"input": {"clientId": world.gid("Client", client_id), "channel": "WEB",
                   "subject": "Нет отопления", "body": BODY,
                   "contactId": world.gid("ContactPoint", given.id)}},
        "receiveMessage", as_="client", subject=client_id)
    mid = received["message"]["id"]
    assert received["message"]["channel"] == "WEB"
    await answered(gql, world, mid)

    rows = await answer_rows(gql, mid)
    assert sorted((r["channel"], r["route"], r["address"]) for r in rows) == [
        ("EMAIL", "LEGAL", "zayavlenie@example.ru"),
        ("SMS", "PREFERRED", "+79171234567"),
    ]
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    answers = [m for m in server.handler.messages if m["Subject"].startswith("Ответ")]
    assert [m["To"].addresses[0].addr_spec for m in answers] == ["zayavlenie@example.ru"]
    text = answers[0].get_body(("plain",)).get_content()
    assert "включит отопление завтра" in text
    assert re.search(r"http://localhost:3000/survey/\S+", text), text
    assert {r["status"] for r in await answer_rows(gql, mid)} == {"SENT"}


async def test_app_appeal_without_an_email_is_answered_in_the_personal_account(
        gql, world: World, settings):
    """59-FZ art. 10 p. 4: a mobile-app appeal that gave no email is answered electronically
    in the app's personal account (it had no legal channel before); the client's preferred
    email goes too (R-1.4)."""
    client_id = str(world.client.id)
    await ChannelPreference.create(client_id=world.client.id, preferred_channel=Channel.EMAIL,
                                   preferred_contact_id=world.email.id)
    received = await ok(gql, """mutation($input: ReceiveMessageInput!) {
        receiveMessage(input: $input) { message { id } errors { code field } } }""",
        {"input": {"clientId": world.gid("Client", client_id), "channel": "MOBILE_APP",
                   "subject": "Нет отопления", "body": BODY}},
        "receiveMessage", as_="client", subject=client_id)
    mid = received["message"]["id"]
    await answered(gql, world, mid)
    rows = await answer_rows(gql, mid)
    assert sorted((r["channel"], r["route"], r["address"]) for r in rows) == [
        ("EMAIL", "PREFERRED", "ivanov@example.ru"),
        ("MOBILE_APP", "LEGAL", None),
    ]


MARK = """mutation($in: MarkEdmsDeliveryRegisteredInput!) {
    markEdmsDeliveryRegistered(input: $in) {
      delivery { id status externalReference externalLink
                 source { ... on Message { answer { outgoingEdmsNumber outgoingEdmsLink } } } }
      errors { code field } } }"""


async def test_answer_through_the_edms_records_its_outgoing_number_and_link(
        gql, world: World, settings):
    """R-8: an answer that goes out through the EDMS queue is registered there by an operator;
    the delivery is complete and the answer shows its outgoing EDMS number and link (the link
    to staff only); bad numbers and links are user errors, a second registration and a
    non-EDMS delivery are refused, a client may not call it."""
    await ChannelPreference.create(client_id=world.client.id, preferred_channel=Channel.EDMS)
    received = await ok(gql, """mutation($input: ReceiveMessageInput!) {
        receiveMessage(input: $input) { message { id } errors { code field } } }""",
        {"input": {"clientId": world.gid("Client", world.client.id), "channel": "EMAIL",
                   "contactId": world.gid("ContactPoint", world.email.id),
                   "subject": "Нет отопления", "body": BODY}}, "receiveMessage", **OPERATOR)
    mid = received["message"]["id"]
    await answered(gql, world, mid)
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    by_channel = {r["channel"]: r for r in await answer_rows(gql, mid)}
    email, row = by_channel["EMAIL"], by_channel["EDMS"]
    assert (email["channel"], email["route"], email["status"]) == ("EMAIL", "LEGAL", "SENT")
    assert (row["channel"], row["route"], row["status"]) == ("EDMS", "PREFERRED", "SENDING")

    for bad, code, field in (
        ({"number": "ИСХ\x00-1"}, "FORBIDDEN_CHARACTERS", "number"),
        ({"number": "1" * 5000}, "TOO_LONG", "number"),
        ({"number": "  "}, "REQUIRED", "number"),
        ({"number": "73-ИСХ-1", "link": "http://edms.example/doc/1"}, "INVALID", "link"),
        ({"number": "73-ИСХ-1", "link": "javascript:alert(1)"}, "INVALID", "link"),
        ({"number": "73-ИСХ-1", "link": "https://edms.example/" + "x" * 2000}, "TOO_LONG",
         "link"),
        ({"number": "73-ИСХ-1", "link": "https://edms.example/\x00"}, "FORBIDDEN_CHARACTERS",
         "link"),
    ):
        refused = (await gql(MARK, {"in": {"id": row["id"], **bad}}, **OPERATOR)
                   )["data"]["markEdmsDeliveryRegistered"]
        assert (refused["delivery"], refused["errors"]) == (
            None, [{"code": code, "field": field}]), bad
    forbidden = await gql(MARK, {"in": {"id": row["id"], "number": "73-ИСХ-1"}},
                          as_="client", subject=str(world.client.id), expect_errors=True)
    assert forbidden["data"]["markEdmsDeliveryRegistered"] is None
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    link = "https://edms.ulgov.example/doc/73-1234"
    done = await ok(gql, MARK, {"in": {"id": row["id"], "number": "73-ИСХ-1234",
                                       "link": link}}, "markEdmsDeliveryRegistered", **OPERATOR)
    delivery = done["delivery"]
    assert (delivery["status"], delivery["externalReference"], delivery["externalLink"]) == (
        "SENT", "73-ИСХ-1234", link)
    assert delivery["source"]["answer"] == {"outgoingEdmsNumber": "73-ИСХ-1234",
                                            "outgoingEdmsLink": link}
    again = (await gql(MARK, {"in": {"id": row["id"], "number": "73-ИСХ-9"}}, **OPERATOR)
             )["data"]["markEdmsDeliveryRegistered"]
    assert again["errors"] == [{"code": "INVALID_STATE", "field": "id"}]
    not_edms = (await gql(MARK, {"in": {"id": email["id"], "number": "73-ИСХ-9"}},
                          **OPERATOR))["data"]["markEdmsDeliveryRegistered"]
    assert not_edms["errors"] == [{"code": "INVALID_STATE", "field": "id"}]
    bad_id = (await gql(MARK, {"in": {"id": mid, "number": "73-ИСХ-9"}}, **OPERATOR)
              )["data"]["markEdmsDeliveryRegistered"]
    assert bad_id["errors"] == [{"code": "INVALID_ID", "field": "id"}]

    mine = (await gql("""query($id: ID!) { message(id: $id) { answer {
        outgoingEdmsNumber outgoingEdmsLink } } }""", {"id": mid}, as_="client",
                      subject=str(world.client.id)))["data"]["message"]
    assert mine["answer"] == {"outgoingEdmsNumber": "73-ИСХ-1234", "outgoingEdmsLink": None}
