"""node(id:) for every Node type of the history area (InteractionEvent, HistoryExport,
RetentionRun), and the event's typed `source`: the object for whoever may see it, null,
never an error, for foreign, forged, unknown and malformed IDs, on both databases."""

from __future__ import annotations

import uuid

import pytest
from strawberry import relay

from api.relay import decode_id, encode_id
from domain.history.models import InteractionEvent
from jobs import history as history_jobs

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
CREATE = """mutation($name: String!) { createClient(input: {kind: PERSON, lastName: $name}) {
  client { id } errors { code } } }"""
ADD_CONTACT = """mutation($id: ID!, $value: String!) { addContactPoint(input: {clientId: $id,
  kind: EMAIL, value: $value}) { contact { id } errors { code } } }"""
REQUEST = """mutation($id: ID!) { requestHistoryExport(input: {clientId: $id}) {
  historyExport { id } errors { code } } }"""
HISTORY = """query($id: ID!) { client(id: $id) { history(first: 20) { edges { node {
  id kind actorRole source { __typename id } } } } } }"""


async def _client(gql, name: str) -> tuple[str, str]:
    gid = (await gql(CREATE, {"name": name}))["data"]["createClient"]["client"]["id"]
    return gid, decode_id(gid, "Client", "id")


async def _events(gql, gid: str, **who) -> list[dict]:
    body = await gql(HISTORY, {"id": gid}, **who)
    return [e["node"] for e in body["data"]["client"]["history"]["edges"]]


@pytest.fixture
async def two(gql, settings):
    """Two clients; the first with a contact, a history export and a retention run."""
    a_gid, a = await _client(gql, "Первая")
    b_gid, b = await _client(gql, "Второй")
    contact = (await gql(ADD_CONTACT, {"id": a_gid, "value": "a@example.org"}))["data"][
        "addContactPoint"]["contact"]["id"]
    export = (await gql(REQUEST, {"id": a_gid}))["data"]["requestHistoryExport"][
        "historyExport"]["id"]
    await history_jobs.sweep_retention({"settings": settings})
    run = (await gql("{ retentionRuns(first: 1) { edges { node { id } } } }"))["data"][
        "retentionRuns"]["edges"][0]["node"]["id"]
    events = await _events(gql, a_gid)
    return {"a": (a_gid, a), "b": (b_gid, b), "contact": contact, "export": export,
            "run": run, "event": events[0]["id"], "events": events}


def _bad_ids(type_name: str, gid: str) -> list[str]:
    node_id = relay.GlobalID.from_id(gid).node_id
    return [
        encode_id(type_name, uuid.uuid4()),
        encode_id(type_name, "12345"),
        encode_id(type_name, "99999999999999999999999"),
        encode_id(type_name, "' OR 1=1 --"),
        encode_id("Client" if type_name != "Client" else "HistoryExport", node_id),
        node_id,
        "not-a-global-id",
        "\x00",
    ]


async def _node(gql, gid: str, **who):
    return (await gql(NODE, {"id": gid}, **who))["data"]["node"]


async def test_event_and_export_are_returned_to_their_client_and_staff_only(gql, two):
    _, a = two["a"]
    _, b = two["b"]
    for key, type_name in (("event", "InteractionEvent"), ("export", "HistoryExport")):
        gid = two[key]
        expected = {"__typename": type_name, "id": gid}
        for who in ({"as_": "client", "subject": a}, {"as_": "operator"}, {"as_": "executor"},
                    {"as_": "admin"}):
            assert await _node(gql, gid, **who) == expected, (type_name, who)
        for who in ({"as_": "client", "subject": b}, {"as_": "employee", "subject": b},
                    {"as_": "client", "subject": str(uuid.uuid4())}, {"as_": None}):
            assert await _node(gql, gid, **who) is None, (type_name, who)


async def test_retention_run_is_for_supervisors_and_admins(gql, two):
    _, a = two["a"]
    gid = two["run"]
    for role in ("supervisor", "admin"):
        assert await _node(gql, gid, as_=role) == {"__typename": "RetentionRun", "id": gid}
    for who in ({"as_": "operator"}, {"as_": "executor"}, {"as_": "client", "subject": a},
                {"as_": None}):
        assert await _node(gql, gid, **who) is None, who


@pytest.mark.parametrize("key, type_name", [("event", "InteractionEvent"),
                                            ("export", "HistoryExport"),
                                            ("run", "RetentionRun")])
async def test_forged_and_malformed_ids_are_null_never_an_error(gql, two, key, type_name):
    for bad in _bad_ids(type_name, two[key]):
        for who in ({"as_": "admin"}, {"as_": "client", "subject": two["a"][1]}):
            assert await _node(gql, bad, **who) is None, (bad, who)


async def test_event_ids_are_random_not_sequential(gql, two):
    """An event's Node ID is a random UUID (v4): neither a counter nor derived from one, so
    one ID tells nothing about other events (its internal key is not an ID either)."""
    gids = [e["id"] for e in two["events"]]
    node_ids = [decode_id(g, "InteractionEvent", "id") for g in gids]
    assert len(set(node_ids)) == len(node_ids) >= 3
    assert all(uuid.UUID(n).version == 4 and not n.isdigit() for n in node_ids)
    internal = await InteractionEvent.filter(client_id=two["a"][1]).values_list("id", flat=True)
    for key in internal:
        assert await _node(gql, encode_id("InteractionEvent", key), as_="admin") is None


async def test_event_kind_and_role_are_enums_and_source_is_typed(gql, two):
    """Kinds and roles are enum values; `source` is the record the event is about, resolved
    by its own type (null when removed or not visible)."""
    a_gid, a = two["a"]
    events = {e["kind"]: e for e in two["events"]}
    assert events["CONTACT_ADDED"]["source"] == {"__typename": "ContactPoint",
                                                 "id": two["contact"]}
    assert events["CLIENT_CREATED"]["source"] == {"__typename": "Client", "id": a_gid}
    assert events["HISTORY_EXPORT_REQUESTED"]["source"] == {"__typename": "HistoryExport",
                                                            "id": two["export"]}
    assert events["CONTACT_ADDED"]["actorRole"] == "ADMIN"
    # The client sees the same sources in their own timeline.
    mine = {e["kind"]: e for e in await _events(gql, a_gid, as_="client", subject=a)}
    assert mine["CONTACT_ADDED"]["source"] == events["CONTACT_ADDED"]["source"]
    # A removed contact: its events stay, their source is gone.
    removed = await gql("""mutation($id: ID!) { removeContactPoint(input: {contactId: $id}) {
        removedId errors { code } } }""", {"id": two["contact"]})
    assert removed["data"]["removeContactPoint"]["errors"] == []
    after = await _events(gql, a_gid)
    assert [e["source"] for e in after if e["kind"] in ("CONTACT_ADDED", "CONTACT_REMOVED")] \
        == [None, None]


async def test_kind_filter_and_kind_output_are_one_enum(gql, two):
    a_gid, _ = two["a"]
    body = await gql("""query($id: ID!, $kinds: [EventKind!]) { client(id: $id) {
        history(first: 5, kinds: $kinds) { edges { node { kind } } } } }""",
                     {"id": a_gid, "kinds": ["CONTACT_ADDED"]})
    assert [e["node"]["kind"] for e in body["data"]["client"]["history"]["edges"]] == [
        "CONTACT_ADDED"]
