"""Deliveries keep the front-end contract: Node by ID for whoever may see it, null for
anything else; ID inputs take global IDs only; references are typed; refusals and bad
pages fail only their own field."""

from __future__ import annotations

import base64
import uuid

import pytest

from api.relay import encode_id
from domain.deliveries import rendering
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose, Template
from tests.support.deliveries import make_client

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Delivery { subject } } }"
ANSWER = {"answer_text": "Ответ.", "message_number": "1",
          "survey_url": "https://okno.example/survey/t1"}


async def answer_to(person, source=("message", "5b7f9a52-3f0c-4c55-9d0e-1a2b3c4d5e6f")):
    [row] = await deliveries.send(person.id, Purpose.ANSWER, Template.ANSWER, ANSWER,
                                  source=source)
    return row


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_node_shows_a_delivery_to_its_client_and_staff_only(gql, settings):
    """node(id:) for Delivery: own → the delivery; foreign, forged, malformed → null, for
    the same caller, on both databases; staff see any (executors: only about messages they
    may see, test_delivery_scoping.py); anonymous callers none."""
    mine, other = await make_client(email="me@example.ru"), await make_client(email="o@x.ru")
    own, foreign = await answer_to(mine), await answer_to(other)
    own_id = encode_id("Delivery", own.id)
    as_mine = {"as_": "client", "subject": mine.id}
    body = await gql(NODE, {"id": own_id}, **as_mine)
    assert body["data"]["node"] == {"__typename": "Delivery", "id": own_id,
                                    "subject": own.subject}
    for bad in [encode_id("Delivery", foreign.id),  # foreign
                encode_id("Delivery", str(uuid.uuid4())),  # forged: names nothing
                encode_id("Delivery", "not-a-uuid"), _b64("Delivery:"),  # malformed
                encode_id("Delivery", "x" * 5000), str(own.id), "\u0000"]:
        assert await gql(NODE, {"id": bad}, **as_mine) == {"data": {"node": None}}, bad
    for role in ("operator", "supervisor", "admin"):
        found = (await gql(NODE, {"id": encode_id("Delivery", foreign.id)}, as_=role))
        assert found["data"]["node"]["id"] == encode_id("Delivery", foreign.id)
    found = await gql(NODE, {"id": encode_id("Delivery", foreign.id)}, as_="executor")
    assert found == {"data": {"node": None}}  # about no message the executor may see
    assert await gql(NODE, {"id": own_id}, as_=None) == {"data": {"node": None}}
    q = "query($id: ID!) { delivery(id: $id) { id } }"
    assert (await gql(q, {"id": own_id}, **as_mine))["data"]["delivery"] == {"id": own_id}
    for bad in [encode_id("Delivery", foreign.id), str(own.id), "garbage"]:
        assert (await gql(q, {"id": bad}, **as_mine))["data"]["delivery"] is None


async def test_source_is_a_typed_node_null_when_not_visible(gql, settings):
    """A delivery's cause is `source: Node` (here a Delivery), not a raw `kind:uuid`
    string; null when the record is unknown or the viewer may not see it."""
    mine, other = await make_client(email="me@example.ru"), await make_client(email="o@x.ru")
    first = await answer_to(mine)
    follow_up = await answer_to(mine, source=("delivery", first.id))
    foreign_cause = await answer_to(mine, source=("delivery", (await answer_to(other)).id))
    unknown = await answer_to(mine)  # a message that does not exist
    q = """query($id: ID!) { delivery(id: $id) { source { __typename id
        ... on Delivery { subject } } } }"""
    body = await gql(q, {"id": encode_id("Delivery", follow_up.id)}, as_="client",
                     subject=mine.id)
    assert body["data"]["delivery"]["source"] == {
        "__typename": "Delivery", "id": encode_id("Delivery", first.id),
        "subject": first.subject}
    for row, expected in [(foreign_cause, None), (unknown, None)]:
        body = await gql(q, {"id": encode_id("Delivery", row.id)}, as_="client",
                         subject=mine.id)
        assert body["data"]["delivery"]["source"] is expected
    staff = await gql(q, {"id": encode_id("Delivery", foreign_cause.id)}, as_="operator")
    assert staff["data"]["delivery"]["source"]["__typename"] == "Delivery"


async def test_id_filters_take_global_ids_only(gql, settings):
    """A raw UUID (or another type's ID) in `clientId`/`sourceId` is INVALID_ID on the
    `deliveries` field alone; the rest of the query still answers."""
    person = await make_client()
    row = await answer_to(person)
    q = """query($f: DeliveryFilter) { deliveries(filter: $f) { edges { node { id } } }
        deliveryTemplates }"""
    for flt, field in [({"clientId": str(person.id)}, "clientId"),
                       ({"clientId": encode_id("Delivery", row.id)}, "clientId"),
                       ({"sourceId": "5b7f9a52-3f0c-4c55-9d0e-1a2b3c4d5e6f"}, "sourceId"),
                       ({"sourceId": encode_id("Client", person.id)}, "sourceId")]:
        body = await gql(q, {"f": flt}, as_="operator", expect_errors=True)
        assert body["data"]["deliveries"] is None and body["data"]["deliveryTemplates"]
        [error] = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "reason": "INVALID_ID",
                                       "field": field}, flt
    by_source = await gql(q, {"f": {"sourceId": encode_id("Delivery", row.id)}},
                          as_="operator")
    assert by_source["data"]["deliveries"]["edges"] == []


async def test_bad_page_arguments_fail_only_their_field(gql, settings):
    """`first` outside 1–100 and a bad cursor are BAD_USER_INPUT on that connection only."""
    person = await make_client()
    await answer_to(person)
    for args in ["first: 0", "first: 101", 'after: "garbage"']:
        body = await gql(f"""query {{ deliveries({args}) {{ edges {{ node {{ id }} }} }}
            deliveryTemplates }}""", as_="operator", expect_errors=True)
        assert body["data"]["deliveries"] is None and body["data"]["deliveryTemplates"], args
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql("""query($id: ID!) { client(id: $id) { displayName
        deliveries(after: "garbage") { edges { node { id } } } } }""",
        {"id": encode_id("Client", person.id)}, as_="operator", expect_errors=True)
    assert body["data"]["client"]["deliveries"] is None
    assert body["data"]["client"]["displayName"]
    assert body["errors"][0]["path"] == ["client", "deliveries"]


@pytest.mark.parametrize("field", ["deliveries { edges { node { id } } }", "deliveryTemplates",
                                   ('previewTemplate(template: ANSWER, purpose: ANSWER, '
                                   'context: {}) { errors { code } }')])
async def test_clients_are_refused_staff_fields_alone(gql, settings, field):
    """R-1.2: a client asking for a staff field gets FORBIDDEN on it; `me` still answers."""
    person = await make_client()
    body = await gql(f"query {{ me {{ id }} {field} }}", as_="client", subject=person.id,
                     expect_errors=True)
    name = field.split("(")[0].split(" ")[0]
    assert body["data"][name] is None and body["data"]["me"]["id"]
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_template_enum_is_the_template_files():
    """Every enum member has its files and every template on disk is in the enum."""
    assert sorted(str(t) for t in Template) == rendering.available()
