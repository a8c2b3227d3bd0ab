"""The fast path answers byte for byte what the stock executor answers (issue 14).

Every case is asked over real HTTP of two apps on the same data: one with the fast path
(OKNO_FAST_PATH, the default) and one without. The first request to the fast app goes
through the stock path (it validates the document); the second is the fast path's, and
must be the same bytes. ``served`` says whether the fast path answers it: counted by
``okno_graphql_fast_path_total`` on PostgreSQL, so the corpus cannot pass by falling back
everywhere (SQLite always falls back, and still must give the same bytes)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest

from domain import db
from tests.api.clients.conftest import World, build_world
from tests.api.fastpath.conftest import post, served
from tests.conftest import count_queries, token

CARD = (
    "query Card($id: ID!) { client(id: $id) { id displayName kind "
    "contacts { id kind value verified primary } "
    "preference { preferredChannel additionalChannel } "
    "history(first: 20) { edges { node { id kind channel direction occurredAt summary } } } } }"
)
ALIASES = """query($id: ID!) { c: client(id: $id) { key: id name: displayName
  contacts { v: value id createdAt label } id
  h: history(first: 3) { edges { cursor node { id occurredAt anonymised actorRole } }
    pageInfo { hasNextPage endCursor startCursor hasPreviousPage } }
  h2: history { edges { node { id } } } } }"""
FRAGMENTS = """fragment C on Client { id kind ...P contacts { id } }
fragment P on Client { preference { preferredChannel additionalChannel chosenVia updatedAt } }
query Card($id: ID!) { client(id: $id) { ...C ... on Client { lastName contacts { kind } }
  ... on Node { id } ...C __typename } }"""
DIRECTIVES = """query($id: ID!, $with: Boolean!, $skip: Boolean = false) { client(id: $id) {
  id contacts @include(if: $with) { id kind label verified primary createdAt }
  history(first: 2) @skip(if: $skip) { edges { node { kind } } }
  kind @include(if: true) inn @skip(if: true) } }"""
TYPENAMES = """query($id: ID!) { __typename client(id: $id) { __typename contacts { __typename }
  preference { __typename } history(first: 1) { __typename edges { __typename
  node { __typename } } pageInfo { __typename } } } }"""
NULLS = """query($id: ID!) { client(id: $id) { lastName firstName middleName organisationName
  inn ogrn position createdAt updatedAt preference { preferredChannel } contacts { id } } }"""
ME = """{ me { id displayName history(first: 2) { edges { node { id summary } }
  pageInfo { hasNextPage } } } }"""
PAGE = """query Page($id: ID!, $after: String, $n: Int) { client(id: $id) {
  history(first: $n, after: $after) { edges { cursor node { id kind direction } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
TWO_OPERATIONS = """query A($id: ID!) { client(id: $id) { id } }
query B($id: ID!) { client(id: $id) { kind displayName } }"""


def gid(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


@dataclass
class Case:
    name: str
    query: str
    variables: Callable[[World, str], dict[str, Any]]  # (world, a cursor of Anna's history)
    served: bool
    role: str | None = "operator"
    operation: str | None = None
    own: str | None = None  # "anna"/"employee": a self-service token for that client


def anna(extra: dict[str, Any] | None = None) -> Callable[[World, str], dict[str, Any]]:
    return lambda w, cursor: {"id": w.anna.gid, **(extra or {})}


CASES = [
    Case("card", CARD, anna(), True, operation="Card"),
    Case("card as admin", CARD, anna(), True, role="admin"),
    Case("card as executor", CARD, anna(), True, role="executor"),
    Case("card of an organisation", CARD, lambda w, c: {"id": w.org.gid}, True),
    Case("aliases and merged fields", ALIASES, anna(), True),
    Case("fragments", FRAGMENTS, anna(), True),
    Case("directives on", DIRECTIVES, anna({"with": True}), True),
    Case("directives off", DIRECTIVES, anna({"with": False, "skip": True}), True),
    Case("typenames", TYPENAMES, anna(), True),
    Case("nulls", NULLS, lambda w, c: {"id": w.org.gid}, True),
    Case("literal id", "{ client(id: \"%s\") { id kind } }", anna(), True),
    Case("own card", ME, lambda w, c: {}, True, role="client", own="anna"),
    Case("own card by id", CARD, anna(), True, role="client", own="anna"),
    Case("employee's own card", ME, lambda w, c: {}, True, role="employee", own="employee"),
    Case("history page", PAGE, lambda w, c: {"id": w.anna.gid, "after": c, "n": 2}, True),
    Case("history first page", PAGE, lambda w, c: {"id": w.anna.gid, "after": None}, True),
    Case("two operations", TWO_OPERATIONS, anna(), True, operation="B"),
    # refusals, errors and everything else: the stock path answers
    Case("anonymous", CARD, anna(), False, role=None),
    Case("another client's card", CARD, lambda w, c: {"id": w.boris.gid}, False,
         role="client", own="anna"),
    Case("staff have no own card", ME, lambda w, c: {}, False),
    Case("unknown id", CARD, lambda w, c: {"id": gid("Client", str(uuid.uuid4()))}, False),
    Case("forged id", CARD, lambda w, c: {"id": gid("Client", "1 OR 1=1")}, False),
    Case("garbage id", CARD, lambda w, c: {"id": "%%%"}, False),
    Case("another type's id", CARD, lambda w, c: {"id": w.anna.contacts["email"]}, False),
    Case("number as id", CARD, lambda w, c: {"id": 5}, False),
    Case("missing variable", CARD, lambda w, c: {}, False),
    Case("wrong unused variable", "query($id: ID!, $x: Int) { client(id: $id) { id } }",
         anna({"x": "many"}), False),
    Case("page too large", PAGE, lambda w, c: {"id": w.anna.gid, "n": 101}, False),
    Case("page of zero", PAGE, lambda w, c: {"id": w.anna.gid, "n": 0}, False),
    Case("bad cursor", PAGE, lambda w, c: {"id": w.anna.gid, "after": "bm9wZQ=="}, False),
    Case("unsupported field", "query($id: ID!) { client(id: $id) { id segments } }",
         anna(), False),
    Case("unsupported relation", "query($id: ID!) { client(id: $id) { preference { "
         "preferredContact { id } } } }", anna(), False),
    Case("filtered history", "query($id: ID!) { client(id: $id) { history(kinds: "
         "[CLIENT_CREATED]) { edges { node { id } } } } }", anna(), False),
    Case("node", "query($id: ID!) { node(id: $id) { id } }", anna(), False),
    Case("two root fields", "query($id: ID!) { a: client(id: $id) { id } clients(first: 1) "
         "{ edges { node { id } } } }", anna(), False),
]


async def first_cursor(off: httpx.AsyncClient, settings, world: World) -> str:
    body = await post(off, settings, PAGE, {"id": world.anna.gid, "n": 2}, "operator", None)
    return orjson.loads(body.content)["data"]["client"]["history"]["pageInfo"]["endCursor"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fast_path_answers_the_stock_bytes(
        case: Case, apps: tuple[httpx.AsyncClient, httpx.AsyncClient], settings) -> None:
    """Issue 14: the same response body bytes with and without the fast path, and the fast
    path serves exactly the supported cases, each in one SQL statement."""
    on, off = apps
    world = await build_world()
    own = getattr(world, case.own).id if case.own else None
    variables = case.variables(world, await first_cursor(off, settings, world))
    query = case.query % world.anna.gid if "%s" in case.query else case.query

    async def ask(client: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return await post(client, settings, query, variables, case.role, own, case.operation)

    expected = await ask(off)
    warm = await ask(on)  # the stock path validates the document first
    before = served()
    with count_queries() as statements:
        fast = await ask(on)
    assert (warm.status_code, warm.content) == (expected.status_code, expected.content)
    assert (fast.status_code, fast.content) == (expected.status_code, expected.content)
    assert fast.headers["content-type"] == expected.headers["content-type"]
    if db.is_postgres():
        assert served() - before == (1 if case.served else 0), expected.content
        if case.served:  # the whole card, contacts and history page in one statement
            assert statements.count == 1, statements.statements
    else:
        assert served() == before
    if case.served:
        assert b'"errors"' not in expected.content


async def test_only_plain_posts_take_the_fast_path(apps, settings) -> None:
    """Issue 14: a GET, a request with an Idempotency-Key or with request extensions is the
    stock path's; the same POST without them is the fast path's (on PostgreSQL)."""
    on, _ = apps
    world = await build_world()
    variables = {"id": world.anna.gid}
    headers = {"Authorization": "Bearer " + token(settings, "operator")}
    await post(on, settings, CARD, variables, "operator", None)  # validated by the stock path
    before = served()
    get = await on.get("/graphql", params={"query": CARD, "variables": orjson.dumps(
        variables).decode()}, headers=headers)
    keyed = await on.post("/graphql", json={"query": CARD, "variables": variables},
                          headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    extended = await on.post("/graphql", json={"query": CARD, "variables": variables,
                                               "extensions": {"x": 1}}, headers=headers)
    assert served() == before
    plain = await post(on, settings, CARD, variables, "operator", None)
    assert served() - before == (1 if db.is_postgres() else 0)
    assert get.content == keyed.content == extended.content == plain.content
