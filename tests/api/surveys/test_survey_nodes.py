"""node(id:) for every Node type of the surveys area: own, foreign, forged and malformed IDs
answer the object or null, never an internal error, on both databases."""

from __future__ import annotations

import base64

import pytest

from api.relay import encode_id

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
FORGED = "00000000-0000-4000-8000-000000000000"


def raw_global(type_name: str, node_id: str) -> str:
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


@pytest.mark.parametrize("type_name", ["Survey", "SurveyVersion", "SurveyInvitation",
                                       "SurveyResponse"])
async def test_forged_and_malformed_ids_are_null(gql, type_name):
    """A forged (unknown UUID) or malformed node ID of a survey type is null, not an
    internal error (PostgreSQL refuses a non-UUID in a UUID comparison)."""
    for node_id in (FORGED, "nope", "1' OR '1'='1", "💥"):
        body = await gql(NODE, {"id": raw_global(type_name, node_id)}, as_="admin")
        assert body["data"]["node"] is None, (type_name, node_id)
    assert encode_id(type_name, FORGED)
