"""ID inputs of the messages mutations take global IDs only: a raw UUID (what a front end
might have kept from elsewhere) is an INVALID_ID UserError naming the field, and a refused
role nulls only the mutation's own field."""

from __future__ import annotations

import uuid

import pytest

from api.relay import encode_id
from tests.domain.messages.messages_world import World

RAW = str(uuid.uuid4())


def some(type_name: str) -> str:
    return encode_id(type_name, uuid.uuid4())


# (mutation, input type, input with one raw UUID, the field named in the error)
CASES = [
    ("registerMessage", "RegisterMessageInput", {"messageId": RAW}, "messageId"),
    ("startMessageWork", "StartMessageWorkInput", {"messageId": RAW}, "messageId"),
    ("assignMessage", "AssignMessageInput", {"messageId": RAW}, "messageId"),
    ("assignMessage", "AssignMessageInput",
     {"messageId": some("Message"), "departmentId": RAW}, "departmentId"),
    ("classifyMessage", "ClassifyMessageInput",
     {"messageId": RAW, "sphereId": some("Sphere")}, "messageId"),
    ("classifyMessage", "ClassifyMessageInput",
     {"messageId": some("Message"), "sphereId": RAW}, "sphereId"),
    ("setMessageUrgency", "SetMessageUrgencyInput", {"messageId": RAW, "urgent": False},
     "messageId"),
    ("decideMessageAbuse", "DecideMessageAbuseInput", {"messageId": RAW, "confirmed": False},
     "messageId"),
    ("logClarification", "LogClarificationInput",
     {"messageId": RAW, "contactId": some("ContactPoint"), "note": "x"}, "messageId"),
    ("logClarification", "LogClarificationInput",
     {"messageId": some("Message"), "contactId": RAW, "note": "x"}, "contactId"),
    ("extendMessageDeadline", "ExtendMessageDeadlineInput",
     {"messageId": RAW, "extensionReason": "x"}, "messageId"),
    ("redirectMessage", "RedirectMessageInput",
     {"messageId": RAW, "agencyId": some("ExternalAgency"), "redirectReason": "x"}, "messageId"),
    ("redirectMessage", "RedirectMessageInput",
     {"messageId": some("Message"), "agencyId": RAW, "redirectReason": "x"}, "agencyId"),
    ("draftAnswer", "DraftAnswerInput", {"messageId": RAW, "text": "x", "outcome": "RESOLVED"},
     "messageId"),
    ("sendAnswer", "SendAnswerInput", {"messageId": RAW}, "messageId"),
    ("recordOralAnswer", "RecordOralAnswerInput", {"messageId": RAW, "text": "x"}, "messageId"),
    # a global ID of another type is no better than a raw UUID
    ("sendAnswer", "SendAnswerInput", {"messageId": some("Client")}, "messageId"),
]


@pytest.mark.parametrize(("mutation", "input_type", "data", "field"), CASES)
async def test_raw_uuids_are_invalid_id(gql, world: World, mutation, input_type, data, field):
    """Inputs that take IDs accept global IDs only, and say so (INVALID_ID, the field)."""
    body = await gql(f"""mutation($input: {input_type}!) {{ {mutation}(input: $input) {{
        errors {{ code field }} }} }}""", {"input": data}, as_="admin")
    assert body["data"][mutation]["errors"] == [{"code": "INVALID_ID", "field": field}]


async def test_receive_message_ids(gql, world: World):
    body = await gql("""mutation($input: ReceiveMessageInput!) { receiveMessage(input: $input) {
        message { id } errors { code field } } }""", {"input": {
        "clientId": encode_id("Client", world.client.id), "channel": "EMAIL", "body": "Вопрос",
        "contactId": str(world.email.id)}}, as_="operator")
    assert body["data"]["receiveMessage"] == {
        "message": None, "errors": [{"code": "INVALID_ID", "field": "contactId"}]}


async def test_refused_mutation_nulls_only_its_field(gql, world: World):
    """A client may not register; the refusal is FORBIDDEN on that field alone."""
    body = await gql("""mutation($id: ID!) {
        registerMessage(input: {messageId: $id}) { errors { code } } }""",
                     {"id": some("Message")}, as_="client", subject=str(world.client.id),
                     expect_errors=True)
    assert body["data"] == {"registerMessage": None}
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["registerMessage"], "FORBIDDEN")]


async def test_refused_query_field_leaves_the_others(gql, world: World):
    """`deadlineAlerts` and `checkText` are staff-only: a client's document still gets
    `messages`."""
    body = await gql("""query { messages { edges { node { id } } } deadlineAlerts { edges {
        node { id } } } checkText(text: "x") { findings { code } } }""",
                     as_="client", subject=str(world.client.id), expect_errors=True)
    assert body["data"] == {"messages": {"edges": []}, "deadlineAlerts": None, "checkText": None}
    assert sorted(e["path"][0] for e in body["errors"]) == ["checkText", "deadlineAlerts"]


@pytest.mark.parametrize("field", ["messages", "deadlineAlerts"])
@pytest.mark.parametrize("first", [0, -1, 101])
async def test_first_out_of_range_is_bad_user_input(gql, world: World, field, first):
    """Pagination: `first` outside 1–100 is BAD_USER_INPUT on that field only."""
    body = await gql(f"""query($first: Int) {{ {field}(first: $first) {{ edges {{ cursor }} }}
        spheres {{ code }} }}""", {"first": first}, as_="operator", expect_errors=True)
    assert body["data"][field] is None and body["data"]["spheres"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["path"] == [field]


async def test_bad_cursor_fails_only_its_field(gql, world: World):
    body = await gql("""query { deadlineAlerts(after: "garbage") { edges { cursor } }
        messages { edges { cursor } } }""", as_="operator", expect_errors=True)
    assert body["data"] == {"deadlineAlerts": None, "messages": {"edges": []}}
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
