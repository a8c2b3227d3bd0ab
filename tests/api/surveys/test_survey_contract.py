"""The front-end contract in the surveys area: global IDs only in ID inputs (INVALID_ID),
typed references (subject, sphere, executor), the survey token only for the invited client,
`first` checked, a bad cursor failing only its field, refusals nulling only their field."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from api.relay import encode_id
from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import Channel, Client, ClientKind
from domain.directory.models import Department, StaffMember
from domain.messages import service as messages
from domain.messages.intake import IntakeData
from domain.surveys import service
from domain.surveys.models import SurveyInvitation
from domain.surveys.rules import AnswerDraft as A

RAW = str(uuid.uuid4())
INVITE = """mutation($in: InviteToSurveyInput!) { inviteToSurvey(input: $in) {
  invitation { id token link } errors { code field } } }"""


async def _client() -> Client:
    return await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")


async def test_raw_uuids_in_id_inputs_are_invalid_id(gql, settings):
    """ID inputs take global IDs only: a raw UUID (or another type's ID) is an INVALID_ID
    UserError naming the field, in the payload, never a top-level error."""
    client = await _client()
    base = {"clientId": encode_id("Client", client.id), "purpose": "RECEPTION",
            "externalSubject": {"kind": "reception", "reference": "R-1"}}
    for change, field in [({"clientId": str(client.id)}, "clientId"),
                          ({"clientId": encode_id("Department", client.id)}, "clientId"),
                          ({"departmentId": RAW}, "departmentId"),
                          ({"sphereId": RAW}, "sphereId"),
                          ({"subjectId": RAW, "externalSubject": None}, "subjectId")]:
        body = await gql(INVITE, {"in": {**base, **change}}, as_="operator")
        payload = body["data"]["inviteToSurvey"]
        assert payload["invitation"] is None
        assert payload["errors"] == [{"code": "INVALID_ID", "field": field}], change
    for mutation, variables in [
        (("publishSurveyVersion(input: {surveyId: $id, title: \"t\", questions: "
         "[{kind: FREE_TEXT, text: \"q\"}]})"), {"id": RAW}),
        ("setDefaultSurvey(input: {surveyId: $id})", {"id": RAW}),
    ]:
        body = await gql(f"mutation($id: ID!) {{ {mutation} {{ errors {{ code field }} }} }}",
                         variables, as_="supervisor")
        [payload] = body["data"].values()
        assert payload["errors"] == [{"code": "INVALID_ID", "field": "surveyId"}]
    body = await gql("""mutation($f: SatisfactionFilter) { exportSurveyResponses(input: {
        from: "2025-01-01", to: "2025-01-31", filter: $f}) { url errors { code field } } }""",
                     {"f": {"departmentIds": [RAW]}}, as_="supervisor")
    assert body["data"]["exportSurveyResponses"]["errors"] == [
        {"code": "INVALID_ID", "field": "departmentIds"}]
    body = await gql("""query($f: SatisfactionFilter) { satisfactionReport(from: "2025-01-01",
        to: "2025-01-31", filter: $f) { truncated } }""", {"f": {"departmentIds": [RAW]}},
                     as_="supervisor", expect_errors=True)
    assert body["errors"][0]["extensions"]["reason"] == "INVALID_ID"
    assert body["data"] == {"satisfactionReport": None}


async def test_answers_name_questions_by_global_id(gql, settings):
    """A raw question key is INVALID_ID naming the answer; a question of another version is
    no question of this survey."""
    client = await _client()
    inv = await service.invite(("reception", "R-2"), client.id, "reception", settings=settings)
    submit = """mutation($t: String!, $a: [SurveyAnswerInput!]!) { submitSurveyResponse(
        input: {token: $t, answers: $a}) { accepted errors { code field } } }"""
    body = await gql(submit, {"t": inv.token, "a": [{"questionId": "satisfaction", "value": 5}]},
                     as_=None)
    assert body["data"]["submitSurveyResponse"]["errors"] == [
        {"code": "INVALID_ID", "field": "answers.0.questionId"}]
    foreign = encode_id("SurveyQuestion", f"{uuid.uuid4()}:satisfaction")
    body = await gql(submit, {"t": inv.token, "a": [{"questionId": foreign, "value": 5}]},
                     as_=None)
    errors = body["data"]["submitSurveyResponse"]["errors"]
    assert {"code": "INVALID", "field": "answers.0.questionId"} in errors


async def test_staff_never_see_a_usable_survey_token(gql, settings):
    """Staff (any role, any path) read an invitation's `token` and `link` as null; the invited
    client reads both, and the token works on the public page."""
    client = await _client()
    inv = await service.invite(("reception", "R-3"), client.id, "reception", settings=settings)
    gid = encode_id("SurveyInvitation", inv.id)
    node = "query($id: ID!) { node(id: $id) { ... on SurveyInvitation { token link } } }"
    listing = """query($c: ID) { surveyInvitations(clientId: $c) { edges { node {
        token link } } } }"""
    for role in ("operator", "executor", "supervisor", "admin"):
        assert (await gql(node, {"id": gid}, as_=role))["data"]["node"] == {
            "token": None, "link": None}, role
        edges = (await gql(listing, {"c": encode_id("Client", client.id)}, as_=role)
                 )["data"]["surveyInvitations"]["edges"]
        assert edges == [{"node": {"token": None, "link": None}}], role
    own = (await gql(node, {"id": gid}, as_="client", subject=str(client.id)))["data"]["node"]
    assert own["token"] == inv.token and own["link"] == inv.link
    # Once answered there is nothing left to open: null for the client too.
    await service.submit_response(inv.token, [A("satisfaction", 4)], settings=settings)
    own = (await gql(node, {"id": gid}, as_="client", subject=str(client.id)))["data"]["node"]
    assert own == {"token": None, "link": None}


@pytest.mark.parametrize("field", ["surveys", "surveyInvitations", "surveyComments"])
async def test_first_out_of_range_is_bad_user_input(gql, settings, field):
    client = await _client()
    args = f'clientId: "{encode_id("Client", client.id)}", ' if field == "surveyInvitations" else ""
    for first in (0, -1, 101, 10_000):
        body = await gql(f"{{ {field}({args}first: {first}) {{ edges {{ cursor }} }} }}",
                         as_="supervisor", expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", first
        assert body["data"] == {field: None}


async def test_a_bad_cursor_fails_only_its_field(gql, settings):
    body = await gql("""{ surveys(after: "garbage") { edges { cursor } }
        satisfactionReport(from: "2025-01-01", to: "2025-01-31") { truncated } }""",
                     as_="supervisor", expect_errors=True)
    assert body["data"]["surveys"] is None
    assert body["data"]["satisfactionReport"] == {"truncated": False}
    assert body["errors"][0]["path"] == ["surveys"]


async def test_a_role_refusal_nulls_only_its_field(gql, settings):
    body = await gql("""{ satisfactionReport(from: "2025-01-01", to: "2025-01-31") { truncated }
        workingCalendar(from: "2025-01-09", to: "2025-01-09") { working } }""",
                     as_="operator", expect_errors=True)
    assert body["data"] == {"satisfactionReport": None,
                            "workingCalendar": [{"working": True}]}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_subject_sphere_and_executor_are_typed(gql, settings):
    """The rated Message resolves through the messages area (null for a reader who may not
    see it); the executor is the directory's StaffMember, for staff readers only."""
    admin = Actor(Role.ADMIN, "admin-1")
    owner = await clients.create_client(admin, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Иванов", first_name="Иван"))
    other = await _client()
    when = dt.datetime(2026, 11, 2, 10, tzinfo=dt.UTC)
    message = await messages.receive(Actor(Role.OPERATOR, "op-1"), IntakeData(
        client_id=owner.id, channel=Channel.EDMS, body="Прошу отремонтировать дорогу.",
        edms_number="73-ОГ/1", received_at=when, edms_registered_at=when))
    dep = await Department.create(name="Дорожный департамент")
    await StaffMember.create(subject="exec-1", full_name="Петров Пётр", department=dep)
    inv = await service.invite(("message", message.id), owner.id, "written_answer",
                               executor="exec-1", settings=settings)
    query = """query($id: ID!) { node(id: $id) { ... on SurveyInvitation {
        subject { __typename ... on Message { id } } executor { fullName } executorSubject } } }"""
    gid = encode_id("SurveyInvitation", inv.id)
    staff = (await gql(query, {"id": gid}, as_="supervisor"))["data"]["node"]
    assert staff == {"subject": {"__typename": "Message", "id": encode_id("Message", message.id)},
                     "executor": {"fullName": "Петров Пётр"}, "executorSubject": "exec-1"}
    own = (await gql(query, {"id": gid}, as_="client", subject=str(owner.id)))["data"]["node"]
    assert own["subject"]["__typename"] == "Message"
    assert (own["executor"], own["executorSubject"]) == (None, None)
    # A forged subject row (a message that does not exist) resolves to null, not an error.
    await SurveyInvitation.filter(id=inv.id).update(subject_id=str(uuid.uuid4()))
    forged = (await gql(query, {"id": gid}, as_="supervisor"))["data"]["node"]
    assert forged["subject"] is None
    assert (await gql(query, {"id": gid}, as_="client", subject=str(other.id))
            )["data"]["node"] is None
