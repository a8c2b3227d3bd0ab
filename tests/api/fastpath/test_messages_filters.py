"""Every ``MessageFilter`` condition, every role's visibility and keyset paging give the
stock executor's bytes through the fast path (issue 14): both read the domain's one WHERE
(``domain.messages.queries.page_statement``), the fast path only the columns asked for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest

from domain import db
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.enums import Channel
from domain.messages import service
from domain.messages.intake import IntakeData
from domain.messages.models import AbuseStatus, Audience, Message
from tests.api.fastpath.conftest import post, served
from tests.domain.messages.messages_world import ADMIN, OPERATOR, build_world

LIST = """query List($f: MessageFilter, $n: Int, $after: String) {
  messages(first: $n, after: $after, filter: $f) {
    __typename
    edges { cursor node { __typename id registrationNumber status audience channel subject
      receivedAt registeredAt urgent extended abuseStatus answerDueDate closedAt
      deadline { kind date at overdue } later: deadlines { kind at overdue } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _world() -> Any:
    """Six messages of two clients with different states, executors and departments."""
    world = await build_world()
    world.other = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Мария"))
    sphere = await world.sphere("housing")
    ids = []
    for i, client in enumerate([world.client] * 4 + [world.other] * 2):
        message = await service.receive(OPERATOR, IntakeData(
            client_id=client.id, channel=Channel.EMAIL, subject=f"Тема {i}",
            body=f"Прошу отремонтировать подъезд номер {i} по улице Гончарова."))
        if i % 2:
            await service.register(OPERATOR, message.id)
        ids.append(message.id)
    # Who handles what, set directly: this test is about reading, not the workflow.
    await Message.filter(id=ids[0]).update(executor="exec-1", urgent=True, sphere_id=sphere.id)
    await Message.filter(id=ids[1]).update(department_id=world.department.id, urgent=False)
    await Message.filter(id=ids[2]).update(executor="exec-2", abuse_status=AbuseStatus.SUSPECTED,
                                           department_id=world.other_department.id)
    await Message.filter(id=ids[5]).update(audience=Audience.INTERNAL)
    return world, ids


def _cases(world: Any, ids: list[Any]
           ) -> list[tuple[str, dict[str, Any], str, str | None, int]]:
    """(name, variables, role, subject, how many messages the list holds)."""
    soon = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).isoformat()
    sphere = world.gid("Sphere", "00000000-0000-0000-0000-000000000000")
    return [
        ("everything", {}, "operator", None, 6),
        ("statuses", {"f": {"statuses": ["REGISTERED", "RECEIVED", "REGISTERED"]}}, "operator",
         None, 6),
        ("audience", {"f": {"audience": "INTERNAL"}}, "supervisor", None, 1),
        ("client", {"f": {"clientId": world.gid("Client", world.client.id)}}, "operator", None, 4),
        ("unknown sphere", {"f": {"sphereId": sphere}}, "operator", None, 0),
        ("department", {"f": {"departmentId": world.gid("Department", world.department.id)}},
         "operator", None, 1),
        ("executor subject", {"f": {"executorSubject": "exec-2"}}, "admin", None, 1),
        ("urgent", {"f": {"urgent": True}}, "operator", None, 1),
        ("not urgent", {"f": {"urgent": False}}, "operator", None, 1),
        ("abuse", {"f": {"abuseStatus": "SUSPECTED"}}, "operator", None, 1),
        ("overdue", {"f": {"overdue": True}}, "operator", None, 0),
        ("not overdue", {"f": {"overdue": False}}, "operator", None, 6),
        ("due before", {"f": {"dueBefore": soon}}, "operator", None, 6),
        ("registration number", {"f": {"registrationNumber": "ОГ-0000-000000"}}, "operator",
         None, 0),
        ("executor with a department", {}, "executor", "exec-1", 2),
        ("executor of another department", {}, "executor", "exec-2", 1),
        ("executor not in the directory", {}, "executor", "nobody", 0),
        ("small page", {"n": 2}, "operator", None, 2),
    ]


@pytest.mark.parametrize("index", range(18))
async def test_every_filter_and_role_answers_the_stock_bytes(index: int, apps, settings) -> None:
    """Issue 14, R-2.1: each filter and each role's visibility (clients their own,
    executors theirs and their department's, operators and heads all) is the same list, byte
    for byte, from the fast path and the stock executor."""
    on, off = apps
    world, ids = await _world()
    name, variables, role, subject, count = _cases(world, ids)[index]
    expected = await post(off, settings, LIST, variables, role, None, subject=subject)
    await post(on, settings, LIST, variables, role, None, subject=subject)  # compiles
    before = served()
    fast = await post(on, settings, LIST, variables, role, None, subject=subject)
    assert (fast.status_code, fast.content) == (expected.status_code, expected.content), name
    assert b'"errors"' not in expected.content
    assert len(orjson.loads(expected.content)["data"]["messages"]["edges"]) == count, name
    if db.is_postgres():
        assert served() - before == 1, name


async def test_cases_cover_the_whole_filter(apps, settings) -> None:
    """Issue 14: the corpus above names every MessageFilter field, so a new one is not
    left to the stock path's tests alone."""
    world, ids = await _world()
    used = {key for _, variables, _, _, _ in _cases(world, ids) for key in variables.get("f", {})}
    from api.schema import build_schema

    fields = build_schema(settings)._schema.get_type("MessageFilter").fields
    assert used == set(fields)


async def test_paging_through_the_list_answers_the_stock_bytes(apps, settings) -> None:
    """Issue 14: keyset pages (``after`` the previous ``endCursor``) are the same on both
    paths to the end of the list, and the pages together hold every message once."""
    on, off = apps
    _, ids = await _world()
    after, seen = None, []
    for _ in range(10):
        variables = {"n": 2, "after": after}
        expected = await post(off, settings, LIST, variables, "operator", None)
        await post(on, settings, LIST, variables, "operator", None)
        fast = await post(on, settings, LIST, variables, "operator", None)
        assert fast.content == expected.content
        page = orjson.loads(expected.content)["data"]["messages"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == len(ids)


async def test_a_client_sees_only_their_own(apps, settings) -> None:
    """R-2.1, issue 14: a client's list (with a filter naming someone else) holds only their
    own messages on both paths; a client token without a client record sees none."""
    on, off = apps
    world, _ = await _world()
    own = str(world.client.id)
    other = {"f": {"clientId": world.gid("Client", world.other.id)}}
    for variables, client_id, count in (({}, own, 4), (other, own, 0), ({}, None, 0)):
        expected = await post(off, settings, LIST, variables, "client", client_id,
                              subject="citizen-1")
        await post(on, settings, LIST, variables, "client", client_id, subject="citizen-1")
        fast = await post(on, settings, LIST, variables, "client", client_id, subject="citizen-1")
        assert fast.content == expected.content
        assert len(orjson.loads(expected.content)["data"]["messages"]["edges"]) == count
