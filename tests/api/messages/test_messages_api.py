"""The messages API over real HTTP: mutations with UserErrors, lists with filters, access by
role, constant SQL per list."""

from __future__ import annotations

import pytest

from tests.conftest import count_queries
from tests.domain.messages.messages_world import World

FIELDS = """id registrationNumber status audience channel subject receivedAt
  replyChannel urgencySuggested urgencyReasons { code text } abuseStatus
  abuseFlags { kind fragment masked } sphereSuggestions { code confidence matched }
  suggestedSphere { code name } sphere { code } deadline { kind date overdue }
  client { displayName } department { name } executor { fullName } executorSubject
  answer { text sentAt findings { code } } attachments { fileName } alerts { kind }"""
RECEIVE = f"""mutation($input: ReceiveMessageInput!) {{ receiveMessage(input: $input) {{
  message {{ {FIELDS} }} errors {{ code field message }} }} }}"""
REGISTER = """mutation($id: ID!) { registerMessage(input: {messageId: $id}) {
  message { status registrationNumber
  deadline { kind } } errors { code field message } } }"""
ASSIGN = """mutation($input: AssignMessageInput!) { assignMessage(input: $input) {
  message { status executorSubject } errors { code field message } } }"""
START = """mutation($id: ID!) { startMessageWork(input: {messageId: $id}) { message { status }
  errors { code message } } }"""
DRAFT = """mutation($input: DraftAnswerInput!) { draftAnswer(input: $input) {
  answer { text findings { code severity fragment message } } message { status }
  errors { code field message } } }"""
SEND = """mutation($id: ID!) { sendAnswer(input: {messageId: $id}) { answer { sentAt }
  message { status deadline { kind } } errors { code field message } } }"""
LIST = f"""query($filter: MessageFilter, $first: Int, $after: String) {{
  messages(filter: $filter, first: $first, after: $after) {{
  edges {{ cursor node {{ {FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }}"""
HEATING = "Третий день нет отопления в доме. Управляющая компания не отвечает."


def email_appeal(world: World, body: str = HEATING, **extra) -> dict:
    return {"clientId": world.gid("Client", world.client.id), "channel": "EMAIL", "body": body,
            "subject": "Отопление", "contactId": world.gid("ContactPoint", world.email.id),
            **extra}


async def receive(gql, world: World, **extra) -> dict:
    body = await gql(RECEIVE, {"input": email_appeal(world, **extra)}, as_="operator")
    payload = body["data"]["receiveMessage"]
    assert payload["errors"] == [], payload["errors"]
    return payload["message"]


async def test_intake_over_graphql(gql, world: World):
    """R-1.4, R-2.3, R-2.4, R-2.5: intake returns the assessed message: sphere suggestion,
    urgency reasons, abuse status, the registration deadline, the channel choice."""
    issued = await gql("""mutation { issueAttachmentKey(input: {fileName: "фото.jpg"}) {
        storageKey fileName errors { code } } }""", as_="operator")
    key = issued["data"]["issueAttachmentKey"]["storageKey"]
    message = await receive(gql, world, reply={
        "preferredChannel": "EMAIL",
        "preferredContactId": world.gid("ContactPoint", world.email.id)},
        attachments=[{"fileName": "фото.jpg", "contentType": "image/jpeg", "sizeBytes": 2048,
                      "storageKey": key}])
    assert message["status"] == "RECEIVED" and message["replyChannel"] == "EMAIL"
    assert message["suggestedSphere"]["code"] == "housing"
    assert message["sphereSuggestions"][0]["matched"] == ["отопление", "управляющая компания"]
    assert message["urgencySuggested"] is True
    assert message["urgencyReasons"][0]["code"] == "UTILITIES_OUTAGE"
    assert message["abuseStatus"] == "NONE" and message["deadline"]["kind"] == "REGISTRATION"
    assert message["client"]["displayName"] == "Иванов Иван Иванович"
    assert message["attachments"] == [{"fileName": "фото.jpg"}]


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"body": "bad\u0000text"}, "FORBIDDEN_CHARACTERS", "body"),
    ({"body": "x" * 50_000}, "TOO_LONG", "body"),  # the longest a variable may hold
    ({"clientId": "forged"}, "INVALID_ID", "clientId"),
    ({"clientId": "00000000-0000-0000-0000-000000000000"}, "INVALID_ID", "clientId"),
    ({"contactId": "00000000-0000-0000-0000-000000000000"}, "INVALID_ID", "contactId"),
    ({"reply": {"preferredChannel": "EMAIL",
                "preferredContactId": "00000000-0000-0000-0000-000000000000"}}, "INVALID_ID",
     "reply.preferredContactId"),
    ({"clientId": "Q2xpZW50OjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA=="}, "NOT_FOUND",
     "clientId"),
    ({"contactId": "Q29udGFjdFBvaW50OnNvbWV0aGluZw=="}, "NOT_FOUND", "contactId"),
    ({"channel": "SOCIAL"}, "INVALID", "channel"),
    ({"receivedAt": "2099-01-01T00:00:00+00:00"}, "INVALID", "receivedAt"),
    ({"channel": "EDMS"}, "REQUIRED", "edmsNumber"),
    ({"attachments": [{"fileName": "a", "contentType": "bad type", "sizeBytes": 1,
                       "storageKey": "k"}]}, "INVALID", "attachments.0.contentType"),
])
async def test_bad_input_comes_back_as_user_errors(gql, world: World, change, code, field):
    body = await gql(RECEIVE, {"input": {**email_appeal(world), **change}}, as_="operator")
    payload = body["data"]["receiveMessage"]
    assert payload["message"] is None
    assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == (code, field)
    listed = await gql(LIST, {}, as_="operator")
    assert listed["data"]["messages"]["edges"] == []


async def test_lifecycle_over_graphql_with_illegal_steps(gql, world: World):
    """Illegal transitions are UserErrors; legal ones move the status."""
    message = await receive(gql, world)
    mid = message["id"]
    body = await gql(START, {"id": mid}, as_="supervisor", subject="head-1")
    assert body["data"]["startMessageWork"]["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    body = await gql(REGISTER, {"id": mid}, as_="operator")
    reg = body["data"]["registerMessage"]["message"]
    assert reg["status"] == "REGISTERED" and reg["deadline"]["kind"] == "REDIRECT"
    body = await gql(REGISTER, {"id": mid}, as_="operator")
    assert body["data"]["registerMessage"]["errors"][0]["code"] == "ILLEGAL_TRANSITION"
    body = await gql(ASSIGN, {"input": {"messageId": mid, "executorSubject": "exec-1"}},
                     as_="operator")
    assert body["data"]["assignMessage"]["message"] == {"status": "ASSIGNED",
                                                        "executorSubject": "exec-1"}
    body = await gql(START, {"id": mid}, as_="executor", subject="exec-2")  # another department
    assert body["data"]["startMessageWork"]["errors"][0]["code"] == "NOT_FOUND"
    body = await gql(START, {"id": mid}, as_="executor", subject="exec-1")
    assert body["data"]["startMessageWork"]["message"]["status"] == "IN_WORK"
    body = await gql(DRAFT, {"input": {
        "messageId": mid, "outcome": "REFUSAL",
        "text": "В соответствии с вышеизложенным вам отказано на основании ст. 11 "
                "Федерального закона № 59-ФЗ."}}, as_="executor", subject="exec-1")
    codes = [f["code"] for f in body["data"]["draftAnswer"]["answer"]["findings"]]
    assert {"CLICHE", "PASSIVE", "LEGAL_REFERENCE", "REFUSAL_LEGAL_ONLY"} <= set(codes)
    body = await gql(SEND, {"id": mid}, as_="executor", subject="exec-1")
    assert body["data"]["sendAnswer"]["errors"][0]["code"] == "SPHERE_REQUIRED"
    housing = await world.sphere("housing")
    body = await gql("""mutation($id: ID!, $s: ID!) {
        classifyMessage(input: {messageId: $id, sphereId: $s}) {
        message { sphere { code } } errors { code } } }""",
                     {"id": mid, "s": world.gid("Sphere", housing.id)}, as_="executor",
                     subject="exec-1")
    assert body["data"]["classifyMessage"]["message"]["sphere"]["code"] == "housing"
    body = await gql(SEND, {"id": mid}, as_="executor", subject="exec-1")
    error = body["data"]["sendAnswer"]["errors"][0]
    assert error["code"] == "REFUSAL_GROUNDS" and "своими словами" in error["message"]


async def test_client_sees_only_their_own(gql, world: World):
    """Self-service: a client lists their own messages with status, deadline and the sent
    answer; staff-only fields stay empty; someone else's message is null."""
    mine = await receive(gql, world)
    from domain.clients import service as clients
    from domain.clients.models import ClientKind
    from tests.domain.messages.messages_world import ADMIN

    stranger = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Мария"))
    body = await gql(RECEIVE, {"input": {"clientId": world.gid("Client", stranger.id),
                                         "channel": "POSTAL", "body": "Прошу починить дорогу."}},
                     as_="operator")
    theirs = body["data"]["receiveMessage"]["message"]["id"]
    as_client = {"as_": "client", "subject": str(world.client.id)}
    listed = await gql(LIST, {}, **as_client)
    nodes = [e["node"] for e in listed["data"]["messages"]["edges"]]
    assert [n["id"] for n in nodes] == [mine["id"]]
    assert nodes[0]["urgencyReasons"] == [] and nodes[0]["executorSubject"] is None
    assert nodes[0]["deadline"]["kind"] == "REGISTRATION"
    body = await gql("query($id: ID!) { message(id: $id) { id } }", {"id": theirs}, **as_client)
    assert body["data"]["message"] is None
    body = await gql("""query($id: ID!) { client(id: $id) {
        messages { edges { node { id } } } } }""",
                     {"id": world.gid("Client", world.client.id)}, **as_client)
    assert [e["node"]["id"] for e in body["data"]["client"]["messages"]["edges"]] == [mine["id"]]
    body = await gql(RECEIVE, {"input": {"clientId": world.gid("Client", world.client.id),
                                         "channel": "WEB", "body": "Спасибо!"}}, **as_client)
    assert body["data"]["receiveMessage"]["errors"] == []
    body = await gql(RECEIVE, {"input": {"clientId": world.gid("Client", stranger.id),
                                         "channel": "WEB", "body": "Чужое"}}, **as_client)
    assert body["data"]["receiveMessage"]["errors"][0]["code"] == "NOT_FOUND"
    body = await gql(REGISTER, {"id": mine["id"]}, expect_errors=True, **as_client)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_filters_and_pages(gql, world: World):
    """Lists filter by status, sphere, urgency, overdue and due date, and page by cursor."""
    ids = [(await receive(gql, world))["id"] for _ in range(3)]
    await gql(REGISTER, {"id": ids[0]}, as_="operator")
    page = (await gql(LIST, {"first": 2}, as_="operator"))["data"]["messages"]
    assert [e["node"]["id"] for e in page["edges"]] == ids[::-1][:2]
    assert page["pageInfo"]["hasNextPage"]
    rest = (await gql(LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]},
                      as_="operator"))["data"]["messages"]
    assert [e["node"]["id"] for e in rest["edges"]] == [ids[0]]
    registered = await gql(LIST, {"filter": {"statuses": ["REGISTERED"]}}, as_="operator")
    assert [e["node"]["id"] for e in registered["data"]["messages"]["edges"]] == [ids[0]]
    overdue = await gql(LIST, {"filter": {"overdue": True}}, as_="operator")
    assert overdue["data"]["messages"]["edges"] == []
    soon = await gql(LIST, {"filter": {"dueBefore": "2099-01-01T00:00:00Z"}}, as_="operator")
    assert len(soon["data"]["messages"]["edges"]) == 3
    unknown = await gql(LIST, {"filter": {"sphereId": world.gid("Sphere", world.client.id)}},
                        as_="operator")
    assert unknown["data"]["messages"]["edges"] == []
    for raw in ("nonsense", str(world.client.id)):  # not a global ID: said so, on this field
        bad = await gql(LIST, {"filter": {"sphereId": raw}}, as_="operator", expect_errors=True)
        assert bad["data"]["messages"] is None
        assert bad["errors"][0]["extensions"]["reason"] == "INVALID_ID"
    bad = await gql(LIST, {"after": "garbage"}, as_="operator", expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for flt in ({"executorSubject": "a\u0000b"},
                {"registrationNumber": "x" * 1000}):
        bad = await gql(LIST, {"filter": flt}, as_="operator", expect_errors=True)
        assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", flt


async def test_sql_count_does_not_grow_with_the_list(gql, world: World):
    """DataLoaders: a page of messages with nested relations costs the same SQL at 2 and 8."""
    for _ in range(2):
        await receive(gql, world)
    with count_queries() as small:
        await gql(LIST, {"first": 20}, as_="operator")
    for _ in range(6):
        await receive(gql, world)
    with count_queries() as large:
        body = await gql(LIST, {"first": 20}, as_="operator")
    assert len(body["data"]["messages"]["edges"]) == 8
    assert large.count == small.count


async def test_check_text_for_writers(gql, world: World):
    """R-2.2, R-2.5, R-2.3: the checkers are available while writing."""
    body = await gql("""query($t: String!) { checkText(text: $t, refusal: true) {
        findings { code severity } abuseFlags { kind } spheres { code } } }""",
                     {"t": "Вам отказано на основании ст. 5 Закона № 59-ФЗ. Отопление, ЖКХ."},
                     as_="executor", subject="exec-1")
    check = body["data"]["checkText"]
    assert {"code": "REFUSAL_LEGAL_ONLY", "severity": "BLOCKING"} in check["findings"]
    assert check["spheres"][0]["code"] == "housing" and check["abuseFlags"] == []
    body = await gql('query { checkText(text: "x") { findings { code } } }', as_="client",
                     subject=str(world.client.id), expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


TERMS = """query($id: ID!) { message(id: $id) { deadline { kind date }
  deadlines { kind date at overdue } alerts { kind dueKind } } }"""


async def test_every_open_term_over_graphql(gql, world: World):
    """R-2.4, R-2.5, 59-FZ: `deadlines` lists every open term, nearest first, next to the
    nearest `deadline`; a SUSPECTED flag hides none (registration beside the abuse notice),
    and each alert names its term (`dueKind`)."""
    from domain.messages import deadlines
    from tests.domain.messages.messages_world import local

    message = await receive(gql, world, body="Вы там все м*даки, когда включите отопление?!",
                            receivedAt="2026-11-02T10:00:00+04:00")
    assert message["abuseStatus"] == "SUSPECTED"
    body = await gql(TERMS, {"id": message["id"]}, as_="operator")
    got = body["data"]["message"]
    assert got["deadline"] == {"kind": "REGISTRATION", "date": "2026-11-05"}
    assert [(d["kind"], d["date"], d["overdue"]) for d in got["deadlines"]] == [
        ("REGISTRATION", "2026-11-05", True), ("ABUSE_NOTICE", "2026-11-12", True)]
    assert got["deadlines"][0]["at"] == "2026-11-05T14:00:00+00:00"  # 18:00 in Ulyanovsk
    await deadlines.sweep(local(2026, 11, 12, 18, 5))
    body = await gql(TERMS, {"id": message["id"]}, as_="operator")
    assert sorted((a["kind"], a["dueKind"]) for a in body["data"]["message"]["alerts"]) == [
        ("OVERDUE", "ABUSE_NOTICE"), ("OVERDUE", "REGISTRATION")]
