"""Reading the timeline (R-1.5): newest first, keyset pages, filters, constant SQL."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tortoise import Tortoise

from api.relay import decode_id, encode_id
from domain import db
from domain.clients.models import Client, ClientKind
from domain.enums import Channel
from domain.history import queries as history
from domain.history.kinds import EventKind
from domain.history.models import Direction, InteractionEvent
from domain.pagination import encode_cursor
from tests.conftest import count_queries

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PAGE = """query($id: ID!, $first: Int, $after: String, $kinds: [EventKind!],
  $channels: [Channel!], $from: DateTime, $to: DateTime) { client(id: $id) {
  history(first: $first, after: $after, kinds: $kinds, channels: $channels, from: $from, to: $to) {
    edges { cursor node { id kind channel summary occurredAt } }
    pageInfo { hasNextPage hasPreviousPage endCursor } } } }"""


def gid(client_id) -> str:
    return encode_id("Client", client_id)


async def make_clients(n: int) -> list[str]:
    clients = [Client(id=uuid.uuid4(), kind=ClientKind.PERSON, last_name=f"Клиент {i}",
                      search_name=f"клиент {i}") for i in range(n)]
    await Client.bulk_create(clients)
    return [str(c.id) for c in clients]


def event(client_id, at, kind=EventKind.MESSAGE_RECEIVED, channel=Channel.EMAIL, summary="—"):
    return InteractionEvent(client_id=client_id, kind=str(kind), channel=channel,
                            direction=Direction.INBOUND, occurred_at=at, summary=summary)


async def read_all(gql, cid, first, **variables) -> list[dict]:
    seen, after = [], None
    while True:
        body = await gql(PAGE, {"id": gid(cid), "first": first, "after": after, **variables})
        conn = body["data"]["client"]["history"]
        seen += [e["node"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not conn["pageInfo"]["hasNextPage"]:
            return seen
        after = conn["pageInfo"]["endCursor"]


async def test_newest_first_and_paging_through_equal_timestamps(gql, settings):
    """R-1.5: newest first; a cursor continues exactly, even where many events share a time."""
    [cid] = await make_clients(1)
    # 3 instants x 5 events each: every page boundary falls inside a run of equal times.
    await InteractionEvent.bulk_create([
        event(cid, T0 + timedelta(hours=h), summary=f"{h}-{i}") for h in range(3) for i in range(5)
    ])
    nodes = await read_all(gql, cid, 4)
    assert len(nodes) == 15 and len({n["id"] for n in nodes}) == 15
    # The page key is (occurred_at, internal id); the Node ID is the event's public UUID.
    internal = {str(r["public_id"]): r["id"] for r in
                await InteractionEvent.filter(client_id=cid).values("public_id", "id")}
    keys = [(n["occurredAt"], internal[decode_id(n["id"], "InteractionEvent", "id")])
            for n in nodes]
    assert keys == sorted(keys, reverse=True)
    assert nodes[0]["summary"] == "2-4" and nodes[-1]["summary"] == "0-0"


async def test_filters_by_kind_channel_and_period(gql, settings):
    """R-1.5: kinds, channels, from (inclusive) and to (exclusive) combine with AND."""
    [cid] = await make_clients(1)
    await InteractionEvent.bulk_create([
        event(cid, T0, EventKind.CALL, Channel.PHONE, "звонок"),
        event(cid, T0 + timedelta(days=1), EventKind.MESSAGE_RECEIVED, Channel.EMAIL, "письмо"),
        event(cid, T0 + timedelta(days=2), EventKind.MESSAGE_RECEIVED, Channel.WEB, "с сайта"),
        event(cid, T0 + timedelta(days=3), EventKind.RECEPTION, Channel.IN_PERSON, "приём"),
    ])

    async def summaries(**variables) -> list[str]:
        return [n["summary"] for n in await read_all(gql, cid, 10, **variables)]

    assert await summaries(kinds=["MESSAGE_RECEIVED"]) == ["с сайта", "письмо"]
    assert await summaries(channels=["PHONE", "IN_PERSON"]) == ["приём", "звонок"]
    assert await summaries(kinds=["MESSAGE_RECEIVED"], channels=["EMAIL"]) == ["письмо"]
    day1, day3 = (T0 + timedelta(days=1)).isoformat(), (T0 + timedelta(days=3)).isoformat()
    assert await summaries(**{"from": day1, "to": day3}) == ["с сайта", "письмо"]
    # An offset other than UTC means the same instant.
    local = (T0 + timedelta(days=3)).astimezone(ZoneInfo("Europe/Ulyanovsk")).isoformat()
    assert await summaries(**{"from": local}) == ["приём"]
    assert await summaries(kinds=["SURVEY"]) == []


async def test_page_size_outside_1_to_100_is_bad_user_input_on_that_field(gql, settings):
    [cid] = await make_clients(1)
    await InteractionEvent.bulk_create([event(cid, T0 + timedelta(minutes=i)) for i in range(130)])
    body = await gql(PAGE, {"id": gid(cid), "first": 100})
    conn = body["data"]["client"]["history"]
    assert len(conn["edges"]) == 100 and conn["pageInfo"]["hasNextPage"]
    body = await gql(PAGE, {"id": gid(cid), "first": None})
    assert len(body["data"]["client"]["history"]["edges"]) == 20
    for first in (0, -5, 101, 1000):
        body = await gql(PAGE, {"id": gid(cid), "first": first}, expect_errors=True)
        assert body["data"] == {"client": {"history": None}}, first  # the card stays
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["path"] == ["client", "history"]


@pytest.mark.parametrize("after", ["garbage", "", "\x00", "MjAyNXw=", "bm90LWEtZGF0ZXwx",
                                   "MjAyNS0wMS0wMVQwMDowMDowMCswMDowMHxhYmM="])
async def test_invalid_cursor_is_bad_user_input(gql, settings, after):
    [cid] = await make_clients(1)
    body = await gql(PAGE, {"id": gid(cid), "after": after}, expect_errors=True)
    if after == "":  # an empty cursor means "from the start"
        assert "errors" not in body
        return
    assert body["data"]["client"] == {"history": None}  # a bad cursor fails its field only
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "Неверный курсор страницы."


NESTED = """query($n: Int) { clients(first: $n) { edges { node { id
  history(first: 3) { edges { node { kind summary } } pageInfo { hasNextPage } }
  historyExports(first: 2) { edges { node { id } } } } } } }"""


async def test_nested_history_costs_constant_sql(gql, settings):
    """R-1.5 with DataLoaders: 2 or 20 clients with their history, the same statement count."""
    ids = await make_clients(20)
    await InteractionEvent.bulk_create([
        event(cid, T0 + timedelta(minutes=m), summary=f"{i}:{m}")
        for i, cid in enumerate(ids) for m in range(5)
    ])
    counts = {}
    for n in (2, 20):
        with count_queries() as q:
            body = await gql(NESTED, {"n": n})
        edges = body["data"]["clients"]["edges"]
        assert len(edges) == n
        for edge in edges:
            page = edge["node"]["history"]
            assert len(page["edges"]) == 3 and page["pageInfo"]["hasNextPage"]
            i = ids.index(decode_id(edge["node"]["id"], "Client", "id"))
            assert [e["node"]["summary"] for e in page["edges"]] == [f"{i}:4", f"{i}:3", f"{i}:2"]
        counts[n] = q.count
    assert counts[2] == counts[20], counts
    assert counts[20] <= 6, counts


async def test_nested_history_with_filters(gql, settings):
    """The batched first pages honour every filter exactly like a single client's page."""
    ids = await make_clients(3)
    await InteractionEvent.bulk_create([
        event(cid, T0 + timedelta(days=d), kind, channel, f"{i}:{d}")
        for i, cid in enumerate(ids)
        for d, kind, channel in ((0, EventKind.CALL, Channel.PHONE),
                                 (1, EventKind.MESSAGE_RECEIVED, Channel.EMAIL),
                                 (2, EventKind.MESSAGE_RECEIVED, Channel.WEB),
                                 (3, EventKind.MESSAGE_RECEIVED, Channel.EMAIL))
    ])
    query = """query($from: DateTime, $to: DateTime) { clients(first: 10) { edges { node { id
      history(first: 5, kinds: [MESSAGE_RECEIVED], channels: [EMAIL, WEB], from: $from, to: $to)
      { edges { node { summary } } } } } } }"""
    local = ZoneInfo("Europe/Ulyanovsk")
    body = await gql(query, {"from": (T0 + timedelta(days=1)).astimezone(local).isoformat(),
                             "to": (T0 + timedelta(days=3)).isoformat()})
    for edge in body["data"]["clients"]["edges"]:
        i = ids.index(decode_id(edge["node"]["id"], "Client", "id"))
        assert [e["node"]["summary"] for e in edge["node"]["history"]["edges"]] == [
            f"{i}:2", f"{i}:1"]


async def test_page_query_uses_the_client_time_index(settings):
    """R-1.5 "a page costs the same with 100 or 1,000,000 events": PostgreSQL walks the
    (client_id, occurred_at, id) index instead of scanning and sorting."""
    if not db.is_postgres():
        pytest.skip("EXPLAIN plans are PostgreSQL's")
    ids = await make_clients(200)
    conn = Tortoise.get_connection("default")
    # 200 clients x 200 events = 40,000 rows, written by the database itself.
    await conn.execute_query(
        "INSERT INTO interaction_event (public_id, client_id, kind, channel, direction,"
        " occurred_at, summary, anonymised) SELECT gen_random_uuid(), c.id, 'message_received',"
        " 'email', 'inbound',"
        " TIMESTAMPTZ '2020-01-01' + (g * INTERVAL '1 hour'), 'x', false"
        " FROM client c CROSS JOIN generate_series(1, 200) g")
    await conn.execute_query("ANALYZE interaction_event")
    [index] = [r["indexname"] for r in (await conn.execute_query(
        "SELECT indexname FROM pg_indexes WHERE tablename = 'interaction_event'"
        " AND indexdef LIKE '%(client_id, occurred_at, id)'"))[1]]
    rows, _ = await history.page(ids[7], 20, None, history.HistoryFilter())
    cursor = encode_cursor(rows[-1]["occurred_at"], rows[-1]["id"])
    for after in (None, cursor):
        with count_queries() as q:
            page, _ = await history.page(ids[7], 20, after, history.HistoryFilter())
        assert len(page) == 20
        [(sql, params)] = q.statements
        _, plan = await conn.execute_query("EXPLAIN " + sql, list(params))
        text = "\n".join(r["QUERY PLAN"] for r in plan)
        assert f"Index Scan Backward using {index} on interaction_event" in text, text
        assert "Seq Scan" not in text and "Sort" not in text, text
        if after:  # the scan starts at the cursor instead of filtering from the newest row
            cond = text.split("Index Cond:", 1)[1].split("\n", 1)[0]
            assert "occurred_at <=" in cond, text
