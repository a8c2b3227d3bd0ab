"""The Node walk: ``node(id:)`` answers the object or null, never an error, for every type
that implements Node — found by introspecting the schema, so a new Node type is walked
without anyone remembering it (issue 8, "The same conventions everywhere in the schema").

- Malformed, unknown, forged IDs: ``{"data": {"node": null}}`` with no errors, as staff,
  as a client and without a token.
- Own and foreign: a real object of each type, made by ``tests/contract/factories.py``
  through okno's services, is returned exactly to the viewers its factory names (the owner,
  the staff who may see it…) and is null for every other viewer. A Node type without a
  factory fails here, with the message to add one.

Runs on SQLite and on PostgreSQL: a forged ID reaching PostgreSQL's UUID column is the
classic way a null became an internal error.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from api.auth import mint_token
from api.relay import encode_id
from api.schema import build_schema
from domain.actor import Role
from domain.settings import Settings
from tests.contract.factories import FACTORIES, VIEWERS, Scene

SCHEMA = build_schema(Settings(_env_file=None))._schema
NODE_TYPES = sorted(
    name for name, t in SCHEMA.type_map.items()
    if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces))
NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# IDs that name no object of any type.
MALFORMED = {
    "garbage base64": "////++++====",
    "base64 of garbage": _b64("\x01\x02no-colon"),
    "not base64 at all": "not base64 at all!",
    "empty": "",
    "10 000 characters": "x" * 10_000,
    "NUL byte": "\x00",
    "NUL byte inside the node id": _b64("Client:\x00"),
    "unknown type": _b64(f"NoSuchType:{uuid.uuid4()}"),
    "a root type": _b64("Query:1"),
    "an object type that is not a Node": _b64(f"UserError:{uuid.uuid4()}"),
}
# Well-formed global IDs of one type whose node id names nothing.
FORGED = {
    "not a UUID": "not-a-uuid",
    "a number": "123",
    "a random UUID": None,  # a fresh uuid4 per call
    "an upper-case random UUID": "upper",
}
# Who asks in the malformed/forged walk: staff, a client, nobody.
ASKERS = ("admin", "client", "anonymous")


async def _node(http: httpx.AsyncClient, settings: Settings, gid: str, bearer: str | None
                ) -> dict[str, Any]:
    headers = {"X-Client-App": "contract-tests"}
    if bearer:
        headers["Authorization"] = bearer
    response = await http.post("/graphql", json={"query": NODE, "variables": {"id": gid}},
                               headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _asker_bearer(settings: Settings, asker: str) -> str | None:
    if asker == "anonymous":
        return None
    if asker == "client":
        own = str(uuid.uuid4())
        return "Bearer " + mint_token(settings, Role.CLIENT, own, own)
    return "Bearer " + mint_token(settings, Role.ADMIN, "admin-1")


def _describe(body: dict[str, Any]) -> str:
    """What came back, short: the node's typename or null, and each error's code."""
    node = (body.get("data") or {}).get("node")
    got = "null" if node is None else node.get("__typename", "?")
    if body.get("data") is None:
        got = "data: null"
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code") or "internal (uncoded)"
        got += f" + error {code}: {error.get('message', '')[:70]}"
    return got


def test_the_schema_has_node_types():
    """The walk is only as good as its discovery: the core Node types must be found."""
    assert {"Client", "Message", "Delivery", "Survey"} <= set(NODE_TYPES)


def test_every_factory_names_a_type_of_the_schema():
    """A factory keyed by a misspelt name would silently never run. (Factories of types
    that are not Nodes yet — Answer, Attachment, … — are fine: they wait for the type.)"""
    assert not set(FACTORIES) - set(SCHEMA.type_map), set(FACTORIES) - set(SCHEMA.type_map)


async def test_malformed_and_unknown_ids_are_null(http, settings):
    """IDs that name no type of okno (garbage, empty, huge, a NUL byte, an unknown or
    non-Node type): null and no error, for staff, a client and anonymous alike."""
    failures = []
    for label, gid in MALFORMED.items():
        for asker in ASKERS:
            body = await _node(http, settings, gid, _asker_bearer(settings, asker))
            if body != {"data": {"node": None}}:
                failures.append(f"{label} as {asker}: {_describe(body)}")
    assert not failures, "node(id:) must be null without errors:\n" + "\n".join(failures)


@pytest.mark.parametrize("type_name", NODE_TYPES)
async def test_forged_ids_of_each_node_type_are_null(http, settings, type_name):
    """``Type:not-a-uuid``, ``Type:123``, ``Type:<random uuid>``: null and no error, for
    staff, a client and anonymous."""
    failures = []
    for label, node_id in FORGED.items():
        if node_id is None:
            node_id = str(uuid.uuid4())
        elif node_id == "upper":
            node_id = str(uuid.uuid4()).upper()
        gid = encode_id(type_name, node_id)
        for asker in ASKERS:
            body = await _node(http, settings, gid, _asker_bearer(settings, asker))
            if body != {"data": {"node": None}}:
                failures.append(f"{type_name}:{node_id[:12]} ({label}) as {asker}: "
                                f"{_describe(body)}")
    assert not failures, "node(id:) must be null without errors:\n" + "\n".join(failures)


@pytest.mark.parametrize("type_name", NODE_TYPES)
async def test_each_node_type_is_seen_exactly_by_its_viewers(http, settings, type_name):
    """A real object of the type: its owner and the roles the type allows get it back from
    ``node(id:)``; a foreign client, other roles and anonymous get null, never an error."""
    factory = FACTORIES.get(type_name)
    if factory is None:
        pytest.fail(
            f"{type_name} implements Node but has no factory: add one to FACTORIES in "
            "tests/contract/factories.py that creates a real {type_name} through okno's "
            "services (owned by client A where ownership applies) and names the viewers who "
            "may see it, so node(id:) is proven for it.".replace("{type_name}", type_name))
    scene = Scene(settings, http)
    await scene.base()
    made = await factory(scene)
    try:
        gid_type = relay.GlobalID.from_id(made.gid).type_name
    except (GlobalIDValueError, ValueError):
        gid_type = f"no global ID ({made.gid!r})"
    assert gid_type == type_name, f"the factory made a {gid_type} ID, not a {type_name} one"
    failures = []
    for viewer in VIEWERS:
        body = await _node(http, settings, made.gid, scene.bearer(viewer))
        expected = ({"__typename": type_name, "id": made.gid} if viewer in made.seen_by
                    else None)
        if body != {"data": {"node": expected}}:
            want = "the object" if expected else "null"
            failures.append(f"{viewer}: expected {want}, got {_describe(body)}")
    assert not failures, (f"node(id:) of a {type_name} (seen by {sorted(made.seen_by)}):\n"
                          + "\n".join(failures))
