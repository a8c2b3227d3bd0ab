"""Deliveries through GraphQL: the outbox for staff, a client's own deliveries, staff
actions (retry, cancel, re-route, postal marks), template preview, bad input."""

from __future__ import annotations

import uuid

import pytest

from api.relay import encode_id
from domain import redis
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.enums import Channel
from jobs import deliveries as delivery_jobs
from tests.support.deliveries import make_client

ANSWER = {"answer_text": "Ответ по существу.", "message_number": "7",
          "survey_url": "https://okno.example/survey/t1"}
MESSAGE_ID = "5b7f9a52-3f0c-4c55-9d0e-1a2b3c4d5e6f"  # a message that caused the answer
FIELDS = """id channel route address status attempts lastError purpose template subject
  source { id } postalState sentAt text html client { displayName } contact { value }"""
PAYLOAD = f"delivery {{ {FIELDS} }} errors {{ code field message }}"


async def answer_to(person, **kw) -> list[Delivery]:
    return await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                 source=("message", MESSAGE_ID), **kw)


def gid(row) -> str:
    return encode_id("Delivery", row.id)


async def test_staff_list_filters_and_pages(gql, settings):
    """Failed deliveries are visible to staff with their reason."""
    ok = await make_client(email="a@example.ru")
    lost = await make_client(email=None, preferred=None)
    for _ in range(3):
        await answer_to(ok)
    [failed] = await answer_to(lost)
    body = await gql("""query { deliveries(filter: {statuses: [FAILED]}) { edges { node {
        id status lastError channel } } } }""", as_="operator")
    [edge] = body["data"]["deliveries"]["edges"]
    assert edge["node"]["id"] == gid(failed) and edge["node"]["channel"] is None
    assert "нет ни электронной почты" in edge["node"]["lastError"]
    page1 = (await gql("""query { deliveries(first: 2) { edges { node { id } }
        pageInfo { hasNextPage endCursor } } }""", as_="operator"))["data"]["deliveries"]
    assert len(page1["edges"]) == 2 and page1["pageInfo"]["hasNextPage"]
    page2 = (await gql("""query($a: String) { deliveries(first: 2, after: $a) { edges {
        node { id } } pageInfo { hasNextPage } } }""", {"a": page1["pageInfo"]["endCursor"]},
        as_="operator"))["data"]["deliveries"]
    assert len(page2["edges"]) == 2 and not page2["pageInfo"]["hasNextPage"]
    ids = {e["node"]["id"] for e in page1["edges"] + page2["edges"]}
    assert len(ids) == 4
    client_gid = encode_id("Client", ok.id)
    body = await gql("""query($c: ID, $s: ID) { deliveries(filter: {clientId: $c,
        channels: [EMAIL], purposes: [ANSWER], sourceId: $s}) { edges { node { id template
        } } } }""", {"c": client_gid, "s": encode_id("Message", MESSAGE_ID)}, as_="operator")
    assert len(body["data"]["deliveries"]["edges"]) == 3
    assert {e["node"]["template"] for e in body["data"]["deliveries"]["edges"]} == {"ANSWER"}


async def test_client_sees_own_deliveries_only(gql, settings):
    mine = await make_client(email="me@example.ru")
    other = await make_client(email="other@example.ru")
    [row] = await answer_to(mine)
    [theirs] = await answer_to(other)
    body = await gql("""query($id: ID!) { client(id: $id) { deliveries { edges { node {
        id subject text lastError } } } } }""", {"id": encode_id("Client", mine.id)},
        as_="client", subject=mine.id)
    [edge] = body["data"]["client"]["deliveries"]["edges"]
    assert edge["node"]["id"] == gid(row) and "Ответ по существу." in edge["node"]["text"]
    assert edge["node"]["lastError"] is None
    q = "query($id: ID!) { delivery(id: $id) { id } }"
    assert (await gql(q, {"id": gid(row)}, as_="client", subject=mine.id))["data"]["delivery"]
    assert (await gql(q, {"id": gid(theirs)}, as_="client", subject=mine.id)
            )["data"]["delivery"] is None
    denied = await gql("query { deliveries { edges { node { id } } } }", as_="client",
                       subject=mine.id, expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_client_list_with_nested_deliveries(gql, settings):
    people = [await make_client(email=f"p{i}@example.ru") for i in range(3)]
    for person in people:
        await answer_to(person)
    body = await gql("""query { clients(first: 10) { edges { node { deliveries(first: 5) {
        edges { node { subject client { displayName } } } } } } } }""", as_="operator")
    counts = [len(e["node"]["deliveries"]["edges"]) for e in body["data"]["clients"]["edges"]]
    assert counts == [1, 1, 1]


async def test_retry_a_failed_delivery(gql, settings):
    person = await make_client()
    [row] = await answer_to(person)
    await Delivery.filter(id=row.id).update(status=DeliveryStatus.FAILED, attempts=8,
                                            last_error="SMTP: 550 no such user")
    await redis.get_redis().delete(f"arq:job:{row.id}")
    body = await gql(f"mutation($id: ID!) {{ retryDelivery(input: {{id: $id}}) {{ {PAYLOAD} }} }}",
                     {"id": gid(row)}, as_="operator")
    payload = body["data"]["retryDelivery"]
    assert payload["errors"] == []
    assert payload["delivery"]["status"] == "PENDING" and payload["delivery"]["attempts"] == 0
    assert await redis.get_redis().exists(f"arq:job:{row.id}")
    again = await gql(f"mutation($id: ID!) {{ retryDelivery(input: {{id: $id}}) {{ {PAYLOAD} }} }}",
                      {"id": gid(row)}, as_="operator")
    assert again["data"]["retryDelivery"]["errors"][0]["code"] == "INVALID_STATE"


async def test_cancel_pending_but_not_sent(gql, settings):
    person = await make_client()
    [row] = await answer_to(person)
    q = f"""mutation($id: ID!, $r: String) {{ cancelDelivery(input: {{id: $id, reason: $r}}) {{
        {PAYLOAD} }} }}"""
    body = await gql(q, {"id": gid(row), "r": "клиент пришёл лично"}, as_="operator")
    assert body["data"]["cancelDelivery"]["delivery"]["status"] == "CANCELLED"
    # The queued job, if it runs now, sends nothing.
    assert await delivery_jobs.send_delivery({"settings": settings}, str(row.id)) == "skipped"
    [sent] = await answer_to(await make_client(email="x@example.ru"))
    await Delivery.filter(id=sent.id).update(status=DeliveryStatus.SENT)
    body = await gql(q, {"id": gid(sent), "r": None}, as_="operator")
    assert body["data"]["cancelDelivery"]["errors"][0]["code"] == "INVALID_STATE"


async def test_reroute_to_another_contact(gql, settings):
    """Staff re-route a failed email to the client's phone (SMS); the new delivery points
    back to the original."""
    person = await make_client(email="gone@example.ru", phone="+79021234567")
    [row] = await answer_to(person)
    await Delivery.filter(id=row.id).update(status=DeliveryStatus.FAILED)
    q = f"""mutation($id: ID!, $c: ID, $ch: Channel) {{ rerouteDelivery(input: {{id: $id,
        contactId: $c, channel: $ch}}) {{ {PAYLOAD} delivery {{ reroutedFrom {{ id }} }} }} }}"""
    body = await gql(q, {"id": gid(row), "c": encode_id("ContactPoint", person.contacts["phone"])},
                     as_="operator")
    payload = body["data"]["rerouteDelivery"]
    assert payload["errors"] == []
    new = payload["delivery"]
    assert (new["channel"], new["route"], new["address"], new["status"]) == (
        "SMS", "STAFF", "+79021234567", "PENDING")
    assert new["html"] is None and "Ответ по существу." in new["text"]
    assert new["reroutedFrom"]["id"] == gid(row)
    by_channel = await gql(q, {"id": gid(row), "ch": "POSTAL"}, as_="operator")
    assert by_channel["data"]["rerouteDelivery"]["errors"][0]["code"] == "CONTACT_REQUIRED"
    mismatch = await gql(q, {"id": gid(row), "ch": "EMAIL",
                             "c": encode_id("ContactPoint", person.contacts["phone"])},
                         as_="operator")
    assert mismatch["data"]["rerouteDelivery"]["errors"][0]["code"] == "CONTACT_KIND_MISMATCH"
    stranger = await make_client(email="s@example.ru")
    foreign = await gql(q, {"id": gid(row),
                            "c": encode_id("ContactPoint", stranger.contacts["email"])},
                        as_="operator")
    assert foreign["data"]["rerouteDelivery"]["errors"][0]["code"] == "NOT_FOUND"


async def test_postal_print_queue(gql, settings):
    """A paper letter waits in the print queue until an operator marks it printed, then
    posted (which completes it)."""
    person = await make_client(postal="432017, Ульяновск, ул. Гончарова, 1",
                               preferred=Channel.POSTAL, email=None)
    [row] = await answer_to(person)
    assert await delivery_jobs.send_delivery({"settings": settings}, str(row.id)) == "held"
    queue = await gql("""query { deliveries(filter: {channels: [POSTAL], statuses: [PENDING,
        SENDING]}) { edges { node { id postalState html } } } }""", as_="operator")
    [edge] = queue["data"]["deliveries"]["edges"]
    assert edge["node"]["postalState"] == "QUEUED" and "Гончарова" in edge["node"]["html"]
    q = f"""mutation($id: ID!, $s: PostalMark!) {{ markPostalDelivery(input: {{id: $id,
        state: $s}}) {{ {PAYLOAD} }} }}"""
    printed = (await gql(q, {"id": gid(row), "s": "PRINTED"}, as_="operator")
               )["data"]["markPostalDelivery"]
    assert printed["delivery"]["status"] == "SENDING"
    assert printed["delivery"]["postalState"] == "PRINTED"
    posted = (await gql(q, {"id": gid(row), "s": "POSTED"}, as_="operator")
              )["data"]["markPostalDelivery"]
    assert posted["delivery"]["status"] == "SENT" and posted["delivery"]["sentAt"]
    again = (await gql(q, {"id": gid(row), "s": "PRINTED"}, as_="operator")
             )["data"]["markPostalDelivery"]
    assert again["errors"][0]["code"] == "INVALID_STATE"
    [email] = await answer_to(await make_client())
    wrong = (await gql(q, {"id": gid(email), "s": "POSTED"}, as_="operator")
             )["data"]["markPostalDelivery"]
    assert wrong["errors"][0]["code"] == "INVALID_STATE"


PREVIEW = """query($t: DeliveryTemplate!, $c: JSON!, $id: ID) { previewTemplate(template: $t,
  purpose: ANSWER, context: $c, clientId: $id) { preview { subject text html shortText
  letterHtml } errors { code field message } } }"""


async def test_preview_template(gql, settings):
    person = await make_client(postal="432017, Ульяновск, ул. Гончарова, 1", last_name="Смирнова",
                               first_name="Анна")
    body = await gql(PREVIEW, {"t": "ANSWER", "c": {**ANSWER, "survey_url": "https://s/1"},
                               "id": encode_id("Client", person.id)}, as_="operator")
    preview = body["data"]["previewTemplate"]["preview"]
    assert preview["subject"] == "Ответ на ваше обращение № 7"
    assert "Смирнова Анна" in preview["text"] and "https://s/1" in preview["text"]
    assert 'href="https://s/1"' in preview["html"] and "Гончарова" in preview["letterHtml"]
    assert await Delivery.all().count() == 0
    names = (await gql("query { deliveryTemplates }", as_="operator"))["data"]
    assert "ANSWER" in names["deliveryTemplates"]


@pytest.mark.parametrize(("context", "client", "code"), [
    ({}, None, "TEMPLATE_ERROR"),
    ([1, 2], None, "INVALID"),
    ("text", None, "INVALID"),
    ({"answer_text": "\u0000"}, None, "FORBIDDEN_CHARACTERS"),
    ({f"part{i}": "x" * 50_000 for i in range(6)}, None, "TOO_LONG"),  # 300 KB > 256 KiB
    (ANSWER, "garbage", "INVALID_ID"),
    (ANSWER, "00000000-0000-0000-0000-000000000000", "INVALID_ID"),
    (ANSWER, encode_id("Client", "not-a-uuid"), "NOT_FOUND"),
    (ANSWER, encode_id("Client", "00000000-0000-0000-0000-000000000000"), "NOT_FOUND"),
])
async def test_preview_bad_input(gql, settings, context, client, code):
    """Bad values and IDs are UserErrors in the payload; a raw UUID is not a global ID."""
    body = await gql(PREVIEW, {"t": "ANSWER", "c": context, "id": client}, as_="operator")
    [error] = body["data"]["previewTemplate"]["errors"]
    assert error["code"] == code
    assert error["field"] == ("clientId" if client else "context")


@pytest.mark.parametrize("template", ["answer", "no_such_template", "../../etc/passwd"])
async def test_unknown_templates_are_refused_by_the_schema(gql, settings, template):
    """Templates are an enum: a name outside it never reaches the renderer."""
    body = await gql(PREVIEW, {"t": template, "c": ANSWER}, as_="operator", expect_errors=True)
    assert body["data"] is None and "DeliveryTemplate" in body["errors"][0]["message"]


# Not a Delivery global ID at all (a raw UUID included): INVALID_ID.
MALFORMED_IDS = ["", "abc", "\u0000", "x" * 50_000, encode_id("Client", "1"),
                 "00000000-0000-0000-0000-000000000000", str(uuid.uuid4())]
# A Delivery global ID that names nothing: NOT_FOUND, like an ID never issued.
FORGED_IDS = [encode_id("Delivery", "not-a-uuid"), encode_id("Delivery", "'; DROP TABLE x"),
              encode_id("Delivery", "00000000-0000-0000-0000-000000000000")]
MUTATIONS = [("retryDelivery", ""), ("cancelDelivery", ""),
             ("rerouteDelivery", ", channel: SMS"), ("markPostalDelivery", ", state: POSTED")]


@pytest.mark.parametrize(("bad", "code"), [(b, "INVALID_ID") for b in MALFORMED_IDS]
                         + [(b, "NOT_FOUND") for b in FORGED_IDS])
async def test_every_mutation_refuses_bad_ids_as_user_errors(gql, settings, bad, code):
    """Malformed IDs (raw UUIDs too) are INVALID_ID, forged ones NOT_FOUND: UserErrors on
    `id`, never a top-level error or a 500."""
    for mutation, extra in MUTATIONS:
        body = await gql(f"""mutation($id: ID!) {{ {mutation}(input: {{id: $id{extra}}}) {{
            delivery {{ id }} errors {{ code field }} }} }}""", {"id": bad}, as_="operator")
        assert body["data"][mutation] == {"delivery": None,
                                          "errors": [{"code": code, "field": "id"}]}, mutation


async def test_bad_values_are_user_errors(gql, settings):
    person = await make_client()
    [row] = await answer_to(person)
    for reason, code in [("\u0000", "FORBIDDEN_CHARACTERS"), ("x" * 50_000, "TOO_LONG")]:
        body = await gql("""mutation($id: ID!, $r: String) { cancelDelivery(input: {id: $id,
            reason: $r}) { delivery { id } errors { code field } } }""",
            {"id": gid(row), "r": reason}, as_="operator")
        assert body["data"]["cancelDelivery"]["errors"] == [{"code": code, "field": "reason"}]
    for contact, code in [("garbage", "INVALID_ID"), ("\u0000", "INVALID_ID"),
                          (person.contacts["email"], "INVALID_ID"),
                          (encode_id("Client", person.id), "INVALID_ID"),
                          (encode_id("ContactPoint", "1"), "NOT_FOUND")]:
        body = await gql("""mutation($id: ID!, $c: ID) { rerouteDelivery(input: {id: $id,
            contactId: $c}) { errors { code field } } }""", {"id": gid(row), "c": contact},
            as_="operator")
        assert body["data"]["rerouteDelivery"]["errors"] == [
            {"code": code, "field": "contactId"}]
    body = await gql("""mutation($id: ID!) { rerouteDelivery(input: {id: $id}) {
        errors { code field } } }""", {"id": gid(row)}, as_="operator")
    assert body["data"]["rerouteDelivery"]["errors"] == [{"code": "REQUIRED", "field": "contactId"}]
    body = await gql("""mutation($id: ID!) { rerouteDelivery(input: {id: $id, channel: SOCIAL})
        { errors { code field } } }""", {"id": gid(row)}, as_="operator")
    assert body["data"]["rerouteDelivery"]["errors"] == [{"code": "INVALID", "field": "channel"}]
    assert await Delivery.filter(status=DeliveryStatus.PENDING).count() == 1


async def test_staff_only_mutations(gql, settings):
    """A refusal is FORBIDDEN on that field alone: the payload is null, the rest answers."""
    person = await make_client()
    [row] = await answer_to(person)
    body = await gql("""mutation($id: ID!) { retryDelivery(input: {id: $id}) { errors { code }
        } }""", {"id": gid(row)}, as_="client", subject=person.id, expect_errors=True)
    assert body["data"] == {"retryDelivery": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["retryDelivery"]


async def test_mail_to_an_employee_has_no_client(gql, settings):
    """Deadline alerts mail staff (route EMPLOYEE): staff see the row with `client: null`,
    a client never does; the same key writes nothing twice; a bad directory address is a
    failed row with the reason; such a row cannot be re-routed (INVALID)."""
    from domain.deliveries import staff

    def mail(email: str, key: str) -> staff.StaffMail:
        return staff.StaffMail(
            name="Петров Пётр", email=email, purpose=Purpose.DEADLINE_ALERT,
            template="deadline_alert", source=("message", MESSAGE_ID), idempotency_key=key,
            context={"item": "обращение № 7: ответ на обращение",
                     "deadline": "2026-12-02T14:00:00+00:00", "overdue": True})

    from domain.transaction import transaction

    async with transaction():
        [row, bad] = await staff.send_to_staff([mail("Petrov@Ulgov.example", "k1"),
                                                mail("не почта", "k2")])
    async with transaction():
        assert await staff.send_to_staff([mail("petrov@ulgov.example", "k1")]) == []
    assert (row.client_id, row.address, row.status) == (
        None, "petrov@ulgov.example", DeliveryStatus.PENDING)
    assert bad.status == DeliveryStatus.FAILED and "адрес" in bad.last_error
    q = f"query($id: ID!) {{ delivery(id: $id) {{ {FIELDS} recipientName }} }}"
    got = (await gql(q, {"id": gid(row)}, as_="operator"))["data"]["delivery"]
    assert got["client"] is None and got["route"] == "EMPLOYEE"
    assert got["recipientName"] == "Петров Пётр" and "истёк" in got["text"]
    client = await make_client(email="me@example.ru")
    assert (await gql(q, {"id": gid(row)}, as_="client", subject=client.id)
            )["data"]["delivery"] is None
    body = await gql("""mutation($id: ID!) { rerouteDelivery(input: {id: $id,
        channel: PHONE}) { errors { code field } } }""", {"id": gid(bad)}, as_="operator")
    assert body["data"]["rerouteDelivery"]["errors"] == [{"code": "INVALID", "field": "id"}]
