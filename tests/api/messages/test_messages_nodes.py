"""Every Node of the messages area through `node(id:)` and the message's own fields: the object
for whoever sees the message, null for anyone else and for forged, unknown or malformed IDs —
never an error — on both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from api.relay import encode_id
from domain.clients.models import Channel
from domain.messages import handling, service, uploads
from domain.messages.intake import AttachmentData, IntakeData
from domain.messages.models import (
    AlertKind,
    AnswerOutcome,
    Attachment,
    Clarification,
    DeadlineAlert,
    DeadlineKind,
)
from domain.settings import get_settings
from tests.domain.messages.messages_world import EXECUTOR, OPERATOR, World

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
PLAIN = ("Мы проверили ваш дом. Управляющая компания включит отопление завтра до 12:00. "
         "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")


@dataclass
class Ids:
    message: str
    answer: str
    attachment: str
    clarification: str
    alert: str
    message_pk: uuid.UUID


async def build(world: World) -> Ids:
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EMAIL, body="Нет отопления третий день.",
        contact_id=world.email.id,
        attachments=[AttachmentData("фото.jpg", "image/jpeg", 10,
                                    uploads.issue_key(OPERATOR, get_settings().link_secret))]))
    await service.register(OPERATOR, m.id)
    await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    await service.start_work(EXECUTOR, m.id)
    answer = await handling.draft_answer(EXECUTOR, m.id, PLAIN, AnswerOutcome.RESOLVED)
    attachment = await Attachment.get(message_id=m.id)
    clarification = await Clarification.create(
        message_id=m.id, contact_id=world.phone.id, channel=Channel.PHONE,
        contact_value=world.phone.value, occurred_at=dt.datetime.now(dt.UTC), note="Уточнил",
        actor_subject="exec-1")
    alert = await DeadlineAlert.create(
        message_id=m.id, kind=AlertKind.WARNING, due_kind=DeadlineKind.ANSWER,
        due_at=dt.datetime.now(dt.UTC), recipients=["exec-1"],
        department_id=world.department.id, created_at=dt.datetime.now(dt.UTC))
    return Ids(encode_id("Message", m.id), encode_id("Answer", answer.id),
               encode_id("Attachment", attachment.id), encode_id("Clarification", clarification.id),
               encode_id("DeadlineAlert", alert.id), m.id)


async def node(gql, gid: str, **who) -> dict | None:
    body = await gql(NODE, {"id": gid}, **who)
    return body["data"]["node"]


def viewers(world: World) -> dict[str, dict]:
    return {
        "operator": {"as_": "operator"},
        "head": {"as_": "supervisor", "subject": "head-1"},
        "executor": {"as_": "executor", "subject": "exec-1"},
        "other_executor": {"as_": "executor", "subject": "exec-2"},
        "client": {"as_": "client", "subject": str(world.client.id)},
        "stranger": {"as_": "client", "subject": str(uuid.uuid4())},
        "anonymous": {"as_": None},
    }


# Who sees each type (R-2.x visibility: clients their own messages, executors their
# department's, operators and heads all; clarifications and alerts are staff-only; a draft
# answer is staff-only until sent).
SEES = {
    "message": {"operator", "head", "executor", "client"},
    "attachment": {"operator", "head", "executor", "client"},
    "answer": {"operator", "head", "executor"},
    "clarification": {"operator", "head", "executor"},
    "alert": {"operator", "head", "executor"},
}
TYPE = {"message": "Message", "answer": "Answer", "attachment": "Attachment",
        "clarification": "Clarification", "alert": "DeadlineAlert"}


async def test_nodes_own_and_foreign(gql, world: World):
    """Each Node answers its object to whoever sees the message, null to anyone else."""
    ids = await build(world)
    for field, seers in SEES.items():
        gid = getattr(ids, field)
        for who, auth in viewers(world).items():
            found = await node(gql, gid, **auth)
            if who in seers:
                assert found == {"__typename": TYPE[field], "id": gid}, (field, who)
            else:
                assert found is None, (field, who)


async def test_sent_answer_reaches_the_client(gql, world: World):
    ids = await build(world)
    housing = await world.sphere("housing")
    await service.classify_message(EXECUTOR, ids.message_pk, housing.id)
    await handling.send_answer(EXECUTOR, ids.message_pk)
    client = viewers(world)["client"]
    assert await node(gql, ids.answer, **client) == {"__typename": "Answer", "id": ids.answer}
    body = await gql("query($id: ID!) { node(id: $id) { ... on Answer { text findings { code }"
                     " } } }",
                     {"id": ids.answer}, **client)
    assert body["data"]["node"] == {"text": PLAIN, "findings": []}


@pytest.mark.parametrize("type_name", sorted(TYPE.values()))
async def test_forged_and_malformed_ids_are_null(gql, world: World, type_name):
    """Unknown, forged and malformed IDs of every type are null, never an error."""
    await build(world)
    forged = [encode_id(type_name, uuid.uuid4()), encode_id(type_name, "x' OR 1=1 --"),
              encode_id(type_name, "99999999999999999999999"), encode_id(type_name, "-1"),
              encode_id(type_name, "123456"), encode_id(type_name, ""),
              "garbage", str(uuid.uuid4()), "TWVzc2FnZQ=="]
    for gid in forged:
        assert await node(gql, gid, as_="admin") is None, gid


async def test_message_fields_reference_typed_objects(gql, world: World):
    """References are typed: executor and clarification actor are StaffMembers, the alert's
    recipients StaffMembers, suggested spheres Spheres; urgency reasons are an enum."""
    ids = await build(world)
    body = await gql("""query($id: ID!) { message(id: $id) {
        executor { id fullName } executorSubject department { name }
        sphereSuggestions { code sphere { code } } urgencyReasons { code }
        clarifications { id actor { fullName } actorSubject }
        alerts { id recipients { subject } recipientSubjects toSupervisors department { name } }
        attachments { id } answer { id } } }""", {"id": ids.message},
                     as_="executor", subject="exec-1")
    m = body["data"]["message"]
    assert m["executor"]["fullName"] == "Петров Пётр Петрович"
    assert m["executorSubject"] == "exec-1"
    assert m["sphereSuggestions"][0]["sphere"]["code"] == m["sphereSuggestions"][0]["code"]
    assert m["urgencyReasons"][0]["code"] == "UTILITIES_OUTAGE"
    assert m["clarifications"] == [{"id": ids.clarification,
                                    "actor": {"fullName": "Петров Пётр Петрович"},
                                    "actorSubject": "exec-1"}]
    assert m["alerts"] == [{"id": ids.alert, "recipients": [{"subject": "exec-1"}],
                            "recipientSubjects": ["exec-1"], "toSupervisors": False,
                            "department": {"name": world.department.name}}]
    assert m["attachments"] == [{"id": ids.attachment}] and m["answer"] == {"id": ids.answer}
    body = await gql("""query($id: ID!) { message(id: $id) { executor { id } executorSubject
        clarifications { id } alerts { id } urgencyReasons { code } } }""", {"id": ids.message},
                     as_="client", subject=str(world.client.id))
    assert body["data"]["message"] == {"executor": None, "executorSubject": None,
                                       "clarifications": [], "alerts": [], "urgencyReasons": []}


async def test_deadline_alerts_list_by_viewer(gql, world: World):
    """Executors list the alerts of their department's messages only; operators all."""
    ids = await build(world)
    query = "query { deadlineAlerts(first: 10) { edges { node { id message { id } } } } }"
    for who, expected in (("operator", [ids.alert]), ("executor", [ids.alert]),
                          ("other_executor", [])):
        body = await gql(query, **viewers(world)[who])
        edges = body["data"]["deadlineAlerts"]["edges"]
        assert [e["node"]["id"] for e in edges] == expected, who
        assert all(e["node"]["message"]["id"] == ids.message for e in edges)
