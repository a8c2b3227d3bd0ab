"""Writing and reading the interaction timeline (R-1.5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.queryset import QuerySet

from domain import redis, sql
from domain.actor import Actor
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history.kinds import EventKind
from domain.history.models import Direction, InteractionEvent
from domain.pagination import decode_cursor
from domain.transaction import after_commit

TOPIC = "history"
MAX_BRANCHES = 200


async def record(
    client_id: Any,
    kind: EventKind,
    summary: str,
    *,
    direction: Direction = Direction.INTERNAL,
    channel: Channel | None = None,
    actor: Actor | None = None,
    source: tuple[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> InteractionEvent:
    """Append one event; call inside ``transaction()``. Subscribers hear of it after commit."""
    event = await InteractionEvent.create(
        client_id=client_id,
        kind=str(kind),
        summary=summary[:1000],
        direction=direction,
        channel=channel,
        occurred_at=as_utc(occurred_at) if occurred_at else datetime.now(UTC),
        source_type=source[0] if source else None,
        source_id=str(source[1]) if source else None,
        actor_subject=actor.subject if actor else None,
        actor_role=str(actor.role) if actor else None,
        details=details,
    )
    key = str(client_id)
    after_commit(lambda: redis.publish(TOPIC, key, {"id": event.id, "clientId": key}))
    return event


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    kinds: list[str] | None = None
    channels: list[str] | None = None
    since: datetime | None = None
    until: datetime | None = None


EVENT_COLUMNS = (
    "id",
    "client_id",
    "kind",
    "channel",
    "direction",
    "occurred_at",
    "summary",
    "source_type",
    "source_id",
    "actor_subject",
    "actor_role",
    "anonymised",
)


async def page(
    client_id: Any, first: int, after: str | None, flt: HistoryFilter
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first; index (client_id, occurred_at, id) serves every page.

    Plain SQL: this is the client card's hottest read (DESIGN.md, "Performance")."""
    params: list[Any] = [client_id]

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    where = ["client_id = $1"]
    for column, values in (("kind", flt.kinds), ("channel", flt.channels)):
        if values:
            clause, extra = sql.in_list(column, [str(v) for v in values], len(params) + 1)
            where.append(clause)
            params.extend(extra)
    if flt.since:
        where.append(f"occurred_at >= {param(as_utc(flt.since))}")
    if flt.until:
        where.append(f"occurred_at < {param(as_utc(flt.until))}")
    if after:
        at, raw_id = decode_cursor(after)
        try:
            event_id = int(raw_id)
        except ValueError:
            raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None
        a, b = param(at), param(event_id)
        # The redundant "<=" lets the index scan start at the cursor (see domain/pagination.py).
        where.append(f"occurred_at <= {a} AND (occurred_at < {a} OR (occurred_at = {a} AND id < {b}))")
    rows = await sql.fetch(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM interaction_event WHERE {' AND '.join(where)} "
        f"ORDER BY occurred_at DESC, id DESC LIMIT {int(first) + 1}",
        params, times=("occurred_at",), flags=("anonymised",))
    return rows[:first], len(rows) > first


async def first_pages(
    client_ids: list[str], first: int, flt: HistoryFilter
) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """The first page of many clients' timelines in two statements, each client's part an
    index-backed ``LIMIT`` scan (a list of clients with their history, R-1.5)."""
    conditions: list[tuple[str, str, Any]] = []
    if flt.kinds:
        conditions.append(("kind", "IN", list(flt.kinds)))
    if flt.channels:
        conditions.append(("channel", "IN", list(flt.channels)))
    if flt.since:
        conditions.append(("occurred_at", ">=", as_utc(flt.since)))
    if flt.until:
        conditions.append(("occurred_at", "<", as_utc(flt.until)))
    ids = await newest_ids_per_client(
        "interaction_event", "occurred_at", client_ids, first + 1, conditions)
    rows = await InteractionEvent.filter(id__in=ids).order_by(
        "client_id", "-occurred_at", "-id").values(*EVENT_COLUMNS) if ids else []
    return split_pages(rows, client_ids, first)


def split_pages(
    rows: list[dict[str, Any]], client_ids: list[str], first: int
) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    grouped: dict[str, list[dict[str, Any]]] = {cid: [] for cid in client_ids}
    for row in rows:
        grouped.setdefault(str(row["client_id"]), []).append(row)
    return {cid: (found[:first], len(found) > first) for cid, found in grouped.items()}


async def newest_ids_per_client(
    table: str, time_column: str, client_ids: list[str], limit: int,
    conditions: list[tuple[str, str, Any]] = (),  # type: ignore[assignment]
) -> list[Any]:
    """IDs of the newest ``limit`` rows of each client: one ``UNION ALL`` statement whose
    branches are each ``WHERE client_id = ? … ORDER BY time DESC, id DESC LIMIT n``, so every
    branch walks the (client_id, time, id) index and stops; no branch reads a client's
    whole history (a window function over all their rows would)."""
    if len(client_ids) > MAX_BRANCHES:  # SQLite allows 500 terms in one compound SELECT
        head = await newest_ids_per_client(
            table, time_column, client_ids[:MAX_BRANCHES], limit, conditions)
        return head + await newest_ids_per_client(
            table, time_column, client_ids[MAX_BRANCHES:], limit, conditions)
    if not client_ids:
        return []
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return f"${len(params)}" if postgres else "?"

    branches = []
    for n, cid in enumerate(client_ids):
        where = [f"client_id = {bind(uuid.UUID(str(cid)) if postgres else str(cid))}"]
        for column, op, value in conditions:
            rhs = f"({', '.join(bind(v) for v in value)})" if op == "IN" else bind(value)
            where.append(f"{column} {op} {rhs}")
        branches.append(
            f"SELECT id FROM (SELECT id FROM {table} WHERE {' AND '.join(where)} "
            f"ORDER BY {time_column} DESC, id DESC LIMIT {int(limit)}) AS b{n}")
    rows = await conn.execute_query_dict(" UNION ALL ".join(branches), params)
    return [row["id"] for row in rows]


def as_utc(moment: datetime) -> datetime:
    """A moment without an offset is taken as UTC, never as the server's local time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def filtered(query: QuerySet, flt: HistoryFilter) -> QuerySet:
    if flt.kinds:
        query = query.filter(kind__in=flt.kinds)
    if flt.channels:
        query = query.filter(channel__in=flt.channels)
    # UTC before comparing: SQLite compares the stored text, so +04:00 would sort wrongly.
    if flt.since:
        query = query.filter(occurred_at__gte=as_utc(flt.since))
    if flt.until:
        query = query.filter(occurred_at__lt=as_utc(flt.until))
    return query


async def export_ready(export: Any, settings: Any = None) -> None:
    """THE hook for "the client learns of it by their preferred channel" (R-1.5, R-1.4).

    Called once per export, inside the transaction that marks the ``HistoryExport``
    READY (after its HISTORY_EXPORT_READY event is recorded), so whatever is written here
    commits or rolls back with it: the deliveries area writes its outbox notice with the
    download links, addressed by the client's channel preference.
    """
    from domain.deliveries.service import notify_history_export  # deliveries imports history

    await notify_history_export(export, settings)
