"""node(id:) for every Node type of the surveys area: own, foreign, forged and malformed IDs
answer the object or null, never an internal error, on both databases."""

from __future__ import annotations

import base64

import pytest

from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.surveys import service
from domain.surveys.models import SurveyInvitation, SurveyResponse
from domain.surveys.rules import AnswerDraft as A

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
FORGED = "00000000-0000-4000-8000-000000000000"


def raw_global(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


@pytest.mark.parametrize("type_name", ["Survey", "SurveyVersion", "SurveyInvitation",
                                       "SurveyResponse", "SurveyQuestion", "SurveyComment"])
async def test_forged_and_malformed_ids_are_null(gql, type_name):
    """A forged (unknown UUID) or malformed node ID of a survey type is null, not an
    internal error (PostgreSQL refuses a non-UUID in a UUID comparison)."""
    for node_id in (FORGED, f"{FORGED}:satisfaction", "nope", "nope:satisfaction",
                    "1' OR '1'='1", "💥", ":"):
        body = await gql(NODE, {"id": raw_global(type_name, node_id)}, as_="admin")
        assert body["data"]["node"] is None, (type_name, node_id)


@pytest.fixture
async def answered(settings):
    """One client's answered invitation with a comment, and another client."""
    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    other = await Client.create(kind=ClientKind.PERSON, last_name="Кузнецов")
    inv = await service.invite(("reception", "R-1"), client.id, "reception", settings=settings)
    await service.submit_response(inv.token, [A("satisfaction", 5), A("comment", text="Хорошо")],
                                  settings=settings)
    record = await SurveyInvitation.get(id=inv.id)
    response = await SurveyResponse.get(invitation_id=inv.id)
    ids = {
        "Survey": encode_id("Survey", record.survey_id),
        "SurveyVersion": encode_id("SurveyVersion", record.version_id),
        "SurveyQuestion": encode_id("SurveyQuestion", f"{record.version_id}:satisfaction"),
        "SurveyInvitation": encode_id("SurveyInvitation", inv.id),
        "SurveyResponse": encode_id("SurveyResponse", response.id),
        "SurveyComment": encode_id("SurveyComment", f"{response.id}:comment"),
    }
    return client, other, ids


# Who sees each type through node(id:): (caller, sees it).
WHO = {
    "Survey": [("supervisor", True), ("admin", True), ("operator", False), ("client", False),
               (None, False)],
    "SurveyVersion": [("supervisor", True), ("executor", False), ("client", False)],
    "SurveyQuestion": [("supervisor", True), ("operator", False), ("client", False),
                       (None, False)],
    "SurveyComment": [("admin", True), ("operator", False), ("client", False)],
    "SurveyResponse": [("operator", True), ("supervisor", True), ("client", False),
                       ("employee", False)],
    "SurveyInvitation": [("operator", True), ("client", True), ("other", False), (None, False)],
}


@pytest.mark.parametrize("type_name", sorted(WHO))
async def test_own_and_foreign_ids(gql, answered, type_name):
    """Each survey Node answers its object to whoever may see it and null to anyone else
    (the invited client sees their invitation; another client does not)."""
    client, other, ids = answered
    for caller, sees in WHO[type_name]:
        role, subject = caller, None
        if caller == "client":
            subject = str(client.id)
        elif caller == "other":
            role, subject = "client", str(other.id)
        elif caller == "employee":
            subject = str(client.id)
        body = await gql(NODE, {"id": ids[type_name]}, as_=role, subject=subject,
                         expect_errors=role is None)
        node = body["data"]["node"]
        if sees:
            assert node == {"__typename": type_name, "id": ids[type_name]}, caller
        else:
            assert node is None, caller


async def test_question_and_comment_ids_resolve_to_the_same_question(gql, answered):
    """A comment names its question by global ID, and that ID resolves through node(id:)."""
    _, _, ids = answered
    body = await gql("""query($id: ID!) { node(id: $id) { ... on SurveyComment { text
        questionId question { id key kind } } } }""", {"id": ids["SurveyComment"]},
                     as_="supervisor")
    comment = body["data"]["node"]
    assert comment["text"] == "Хорошо"
    assert comment["question"]["id"] == comment["questionId"]
    assert comment["question"]["key"] == "comment"
    again = await gql("query($id: ID!) { node(id: $id) { ... on SurveyQuestion { key } } }",
                      {"id": comment["questionId"]}, as_="supervisor")
    assert again["data"]["node"] == {"key": "comment"}
