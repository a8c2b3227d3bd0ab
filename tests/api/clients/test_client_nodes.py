"""node(id:) for every Node type of the clients area (Client, ContactPoint, Representative):
the object for whoever may see its client, null, never an error, for foreign, forged,
unknown and malformed IDs, on both databases."""

from __future__ import annotations

import uuid

import pytest
from strawberry import relay

from api.relay import encode_id

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"


def _gid(world, type_name: str) -> str:
    """Anna's object of each type (the link says Boris acts for Anna)."""
    return {
        "Client": world.anna.gid,
        "ContactPoint": world.anna.contacts["email"],
        "Representative": world.representative_gid,
    }[type_name]


TYPES = ("Client", "ContactPoint", "Representative")


def _bad_ids(type_name: str, gid: str) -> list[str]:
    node_id = relay.GlobalID.from_id(gid).node_id
    other = "Client" if type_name != "Client" else "ContactPoint"
    return [
        encode_id(type_name, uuid.uuid4()),  # forged: well-formed, names nothing
        encode_id(type_name, "12345"),  # not a UUID inside
        encode_id(type_name, "' OR 1=1 --"),
        encode_id(type_name, node_id.upper() + "0"),
        encode_id(other, node_id),  # the right row's UUID under another type
        node_id,  # a raw UUID is not a global ID
        "not-a-global-id",
        "\x00",
        "",
    ]


async def _node(gql, gid: str, **who):
    body = await gql(NODE, {"id": gid}, **who)
    return body["data"]["node"]


@pytest.mark.parametrize("type_name", TYPES)
async def test_own_object_is_returned_to_its_client_and_to_staff(world, gql, type_name):
    gid = _gid(world, type_name)
    for who in ({"as_": "client", "subject": world.anna.id}, {"as_": "operator"},
                {"as_": "admin"}):
        assert await _node(gql, gid, **who) == {"__typename": type_name, "id": gid}, who


@pytest.mark.parametrize("type_name", TYPES)
async def test_foreign_object_is_null(world, gql, type_name):
    """Another client's object, even the representative's own view of the link, is null."""
    gid = _gid(world, type_name)
    for subject in (world.boris.id, world.org.id, str(uuid.uuid4())):
        for role in ("client", "employee"):
            assert await _node(gql, gid, as_=role, subject=subject) is None


@pytest.mark.parametrize("type_name", TYPES)
async def test_forged_and_malformed_ids_are_null_never_an_error(world, gql, type_name):
    for bad in _bad_ids(type_name, _gid(world, type_name)):
        for who in ({"as_": "admin"}, {"as_": "client", "subject": world.anna.id},
                    {"as_": None}):
            assert await _node(gql, bad, **who) is None, (bad, who)


async def test_client_field_agrees_with_node(world, gql):
    """`client(id:)` answers like `node` (one visibility rule), malformed IDs included."""
    query = "query($id: ID!) { client(id: $id) { id } }"
    for bad in _bad_ids("Client", world.anna.gid):
        assert (await gql(query, {"id": bad}))["data"]["client"] is None
    assert (await gql(query, {"id": world.anna.gid}, as_="client", subject=world.boris.id))[
        "data"]["client"] is None
