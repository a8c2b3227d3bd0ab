"""The hot reads front ends poll, besides the client card, for ``bench/client_card.py --read``:
each as okno asks it and as PostGraphile (amber preset) asks it on the same tables, and one
comparable shape of both answers (the equality check runs before anything is measured).

- ``history``: a client's history page (20 newest events with cursors and pageInfo);
- ``own_messages``: a client's messages, newest received first (staff's view of one client:
  the load generator sends one staff token for every request);
- ``open_messages``: the registered messages with their deadlines, newest received first
  (the same page for every request; the client id the load generator sends is unused).

Messages are generated once (one per client, four statuses in turn) when the bench
database has none.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import asyncpg

HISTORY = (
    "query History($id: ID!) { client(id: $id) { history(first: 20) { edges { cursor "
    "node { id kind channel direction occurredAt summary } } pageInfo { hasNextPage } } } }"
)
PEER_HISTORY = (
    "query History($id: UUID!) { clientByRowId(rowId: $id) { "
    "interactionEventsByClientId(first: 20, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) "
    "{ nodes { publicId kind channel direction occurredAt summary } "
    "pageInfo { hasNextPage } } } }"
)
MESSAGE = "id registrationNumber status subject receivedAt deadline { kind date at }"
PEER_MESSAGE = "rowId registrationNumber status subject receivedAt dueKind dueDate dueAt"
OWN = (
    "query Own($id: ID!) { messages(first: 20, filter: {clientId: $id}) "
    f"{{ edges {{ node {{ {MESSAGE} }} }} }} }}"
)
PEER_OWN = (
    "query Own($id: UUID!) { clientByRowId(rowId: $id) { messagesByClientId(first: 20, "
    f"orderBy: [RECEIVED_AT_DESC, ROW_ID_DESC]) {{ nodes {{ {PEER_MESSAGE} }} }} }} }}"
)
OPEN = (
    "query Open { messages(first: 20, filter: {statuses: [REGISTERED]}) "
    f"{{ edges {{ node {{ {MESSAGE} }} }} }} }}"
)
PEER_OPEN = (
    "query Open { allMessages(first: 20, condition: {status: \"registered\"}, "
    f"orderBy: [RECEIVED_AT_DESC, ROW_ID_DESC]) {{ nodes {{ {PEER_MESSAGE} }} }} }}"
)


def _uuid(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _utc(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(microsecond=0)


def history_of_okno(answer: dict) -> dict | None:
    c = answer["data"]["client"]
    if c is None:
        return None
    page = c["history"]
    return {"events": [(_uuid(e["node"]["id"]), _lower(e["node"]["kind"]),
                        _lower(e["node"]["channel"]), _lower(e["node"]["direction"]),
                        _utc(e["node"]["occurredAt"]), e["node"]["summary"])
                       for e in page["edges"]],
            "more": page["pageInfo"]["hasNextPage"]}


def history_of_peer(answer: dict) -> dict | None:
    c = answer["data"]["clientByRowId"]
    if c is None:
        return None
    page = c["interactionEventsByClientId"]
    return {"events": [(e["publicId"], _lower(e["kind"]), _lower(e["channel"]),
                        _lower(e["direction"]), _utc(e["occurredAt"]), e["summary"])
                       for e in page["nodes"]],
            "more": page["pageInfo"]["hasNextPage"]}


def _okno_messages(edges: list[dict[str, Any]]) -> dict:
    out = []
    for edge in edges:
        m, due = edge["node"], edge["node"]["deadline"]
        out.append((_uuid(m["id"]), m["registrationNumber"], _lower(m["status"]), m["subject"],
                    _utc(m["receivedAt"]), _lower(due and due["kind"]), due and due["date"],
                    _utc(due and due["at"])))
    return {"events": out}


def _peer_messages(nodes: list[dict[str, Any]]) -> dict:
    return {"events": [(m["rowId"], m["registrationNumber"], _lower(m["status"]), m["subject"],
                        _utc(m["receivedAt"]), _lower(m["dueKind"]), m["dueDate"],
                        _utc(m["dueAt"])) for m in nodes]}


READS: dict[str, tuple[str, str, Any, Any]] = {
    "history": (HISTORY, PEER_HISTORY, history_of_okno, history_of_peer),
    "own_messages": (OWN, PEER_OWN, lambda a: _okno_messages(a["data"]["messages"]["edges"]),
                     lambda a: _peer_messages(
                         a["data"]["clientByRowId"]["messagesByClientId"]["nodes"])),
    "open_messages": (OPEN, PEER_OPEN, lambda a: _okno_messages(a["data"]["messages"]["edges"]),
                      lambda a: _peer_messages(a["data"]["allMessages"]["nodes"])),
}


async def ensure_messages(dsn: str) -> None:
    """One message per client, statuses in turn; registered ones with their answer term."""
    conn = await asyncpg.connect(dsn)
    try:
        if await conn.fetchval("SELECT count(*) FROM message"):
            return
        await conn.execute("""
            INSERT INTO message (id, audience, form, channel, subject, body, received_at,
                registered_at, registration_number, status, urgency_suggested, abuse_status,
                extended, answer_due_date, due_kind, due_date, due_at, created_at, updated_at,
                client_id)
            SELECT gen_random_uuid(), 'external', 'written', 'email', 'Обращение ' || n,
                   'Прошу отремонтировать подъезд ' || n, now() - make_interval(mins => n::int),
                   CASE WHEN n % 4 > 0 THEN now() - make_interval(mins => n::int) END,
                   CASE WHEN n % 4 > 0 THEN 'ОГ-2026-' || lpad(n::text, 6, '0') END,
                   (ARRAY['received', 'registered', 'in_work', 'answered'])[1 + n % 4],
                   false, 'none', false,
                   CASE WHEN n % 4 IN (1, 2) THEN (now() + interval '30 days')::date END,
                   CASE WHEN n % 4 IN (1, 2) THEN 'answer' END,
                   CASE WHEN n % 4 IN (1, 2) THEN (now() + interval '30 days')::date END,
                   CASE WHEN n % 4 IN (1, 2) THEN date_trunc('second', now())
                        + interval '30 days' END,
                   now(), now(), id
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM client) AS c;
            ANALYZE message;
        """)
    finally:
        await conn.close()
