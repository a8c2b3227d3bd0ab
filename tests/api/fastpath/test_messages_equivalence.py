"""The messages lists front ends poll (issue 14): staff's open messages with their deadlines
and a client's own messages give the stock executor's bytes through the fast path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from domain import db
from domain.enums import Channel
from domain.messages import service
from domain.messages.intake import IntakeData
from tests.api.fastpath.conftest import post, served
from tests.domain.messages.messages_world import OPERATOR, build_world

NODE = """id registrationNumber status audience form category channel replyChannel subject body
receivedAt registeredAt sphereConfidence urgencySuggested urgent urgentDueDate abuseStatus
registrationDueDate answerDueDate extended closedAt createdAt
deadline { kind date at overdue __typename } deadlines { kind at }"""
OPEN = f"""query Open($f: MessageFilter, $n: Int) {{ messages(first: $n, filter: $f) {{
  edges {{ cursor node {{ {NODE} }} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }}"""
LITERAL = f"""{{ messages(first: 2, filter: {{statuses: [REGISTERED, RECEIVED]}}) {{
  __typename edges {{ node {{ ... on Message {{ {NODE} }} }} }} }} }}"""
FRAGMENTS = """query F($with: Boolean!, $without: Boolean!) { messages(first: 3) {
  edges { node { ...M subject @include(if: $without) body @include(if: $with)
    deadline @skip(if: $without) { ...D } } } } }
fragment M on Message { id status __typename }
fragment D on MessageDeadline { at overdue }"""
OWN = """{ messages { edges { node { id status subject body receivedAt deadline { date } } } } }"""


@dataclass
class Case:
    name: str
    query: str
    variables: dict[str, Any]
    served: bool
    role: str | None = "operator"
    own: bool = False


CASES = [
    Case("open messages", OPEN, {"f": {"statuses": ["RECEIVED", "REGISTERED"]}, "n": 10}, True),
    Case("all messages, small page", OPEN, {"n": 1}, True),
    Case("literal filter", LITERAL, {}, True),
    Case("fragments and directives", FRAGMENTS, {"with": True, "without": False}, True),
    Case("null filter", OPEN, {"f": None, "n": 2}, True),
    Case("as supervisor", OPEN, {"f": {"overdue": False}}, True, role="supervisor"),
    Case("as executor", OPEN, {}, True, role="executor"),
    Case("own messages", OWN, {}, True, role="client", own=True),
    Case("anonymous", OWN, {}, False, role=None),
    Case("bad filter", OPEN, {"f": {"statuses": ["NOPE"]}}, False),
    Case("bad page", OPEN, {"n": 500}, False),
    Case("staff-only field", "{ messages { edges { node { id edmsLink } } } }", {}, False),
    Case("async field", "{ messages { edges { node { id client { id } } } } }", {}, False),
    Case("bad cursor", "{ messages(after: \"x\") { edges { node { id } } } }", {}, False),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_messages_lists_answer_the_stock_bytes(case: Case, apps, settings) -> None:
    """Issue 14: byte-identical messages lists, served by the fast path where supported."""
    on, off = apps
    world = await build_world()
    for i in range(3):
        message = await service.receive(OPERATOR, IntakeData(
            client_id=world.client.id, channel=Channel.EMAIL, subject=f"Тема {i}",
            body=f"Прошу отремонтировать подъезд номер {i} по улице Гончарова."))
        if i == 1:
            await service.register(OPERATOR, message.id, settings)
    own = str(world.client.id) if case.own else None

    async def ask(client):
        return await post(client, settings, case.query, case.variables, case.role, own)

    expected = await ask(off)
    warm = await ask(on)
    before = served()
    fast = await ask(on)
    assert (warm.status_code, warm.content) == (expected.status_code, expected.content)
    assert (fast.status_code, fast.content) == (expected.status_code, expected.content)
    if db.is_postgres():
        assert served() - before == (1 if case.served else 0), expected.content
    if case.served:
        assert b'"errors"' not in expected.content
