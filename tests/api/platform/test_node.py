"""The root ``node`` field: any object by global ID, and null for IDs that name nothing."""

from __future__ import annotations

import base64

import pytest

NODE = "query($id: ID!) { node(id: $id) { __typename id ... on Client { displayName } } }"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_node_finds_a_client(gql):
    created = await gql("""mutation { createClient(input: {kind: PERSON, lastName: "Орлова"}) {
        client { id } errors { code } } }""")
    cid = created["data"]["createClient"]["client"]["id"]
    body = await gql(NODE, {"id": cid})
    assert body["data"]["node"] == {"__typename": "Client", "id": cid, "displayName": "Орлова"}


@pytest.mark.parametrize("bad_id", [
    "", "not base64 at all", _b64("no-colon"), _b64("NoSuchType:1"), _b64("Query:1"),
    _b64("Client:not-a-uuid"), _b64("Client:00000000-0000-0000-0000-000000000000"),
    "\x00", "x" * 10_000,
])
async def test_malformed_or_unknown_ids_are_null_not_errors(gql, bad_id):
    body = await gql(NODE, {"id": bad_id})
    assert body == {"data": {"node": None}}
