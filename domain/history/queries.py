"""Read side of the history area (R-1.5): the timeline, exports and retention runs.

Column lists live here; writes are in ``service.py`` (events), ``exports.py`` (building
exports) and ``retention.py`` (the sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise

from domain import sql
from domain.actor import Actor
from domain.errors import not_found
from domain.history.models import HistoryExport, InteractionEvent, RetentionRun
from domain.ids import as_uuid, parse_uuid, uuids
from domain.pagination import after_sql, newest_first

MAX_BRANCHES = 200

EVENT_COLUMNS = (
    "id",
    "public_id",
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
_EVENT_SELECT = ", ".join(EVENT_COLUMNS)
EXPORT_COLUMNS = (
    "id", "client_id", "requested_by", "status", "event_count", "json_bytes", "html_bytes",
    "created_at", "finished_at", "expires_at",
)
RUN_COLUMNS = ("id", "started_at", "finished_at", "action", "affected", "total", "exports_expired",
               "records", "cases")
_BIGINT_MAX = 2**63 - 1


def as_utc(moment: datetime) -> datetime:
    """A moment without an offset is taken as UTC, never as the server's local time."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _uuid_key(raw: str) -> Any:
    """A cursor's row ID for UUID-keyed lists; ValueError (a bad cursor) otherwise."""
    parsed = as_uuid(raw)
    if parsed is None:
        raise ValueError(raw)
    return parsed


# -- the timeline ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    kinds: list[str] | None = None
    channels: list[str] | None = None
    since: datetime | None = None
    until: datetime | None = None


async def events_by_public_id(public_ids: list[Any]) -> list[dict[str, Any]]:
    """Events by their public (Node) IDs; keys that are not UUIDs name no event."""
    ids = uuids(public_ids)
    if not ids:
        return []
    where, params = sql.in_list("public_id", ids, 1)
    return await sql.fetch(f"SELECT {_EVENT_SELECT} FROM interaction_event WHERE {where}",
                           params, times=("occurred_at",), flags=("anonymised",))


async def event_by_id(event_id: int) -> dict[str, Any] | None:
    """One event by its internal key (what the live feed publishes)."""
    rows = await sql.fetch(f"SELECT {_EVENT_SELECT} FROM interaction_event WHERE id = $1",
                           [int(event_id)], times=("occurred_at",), flags=("anonymised",))
    return rows[0] if rows else None


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
        where.append(after_sql(after, "occurred_at", "id", param, int))
    rows = await sql.fetch(
        f"SELECT {_EVENT_SELECT} FROM interaction_event WHERE {' AND '.join(where)} "
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
    whole history (a window function over all their rows would). Client IDs that are not
    UUIDs name no client and are skipped."""
    if len(client_ids) > MAX_BRANCHES:  # SQLite allows 500 terms in one compound SELECT
        head = await newest_ids_per_client(
            table, time_column, client_ids[:MAX_BRANCHES], limit, conditions)
        return head + await newest_ids_per_client(
            table, time_column, client_ids[MAX_BRANCHES:], limit, conditions)
    keys = uuids(client_ids)
    if not keys:
        return []
    conn = Tortoise.get_connection("default")
    postgres = conn.capabilities.dialect == "postgres"
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return f"${len(params)}" if postgres else "?"

    branches = []
    for n, cid in enumerate(keys):
        where = [f"client_id = {bind(cid if postgres else str(cid))}"]
        for column, op, value in conditions:
            rhs = f"({', '.join(bind(v) for v in value)})" if op == "IN" else bind(value)
            where.append(f"{column} {op} {rhs}")
        branches.append(
            f"SELECT id FROM (SELECT id FROM {table} WHERE {' AND '.join(where)} "
            f"ORDER BY {time_column} DESC, id DESC LIMIT {int(limit)}) AS b{n}")
    rows = await conn.execute_query_dict(" UNION ALL ".join(branches), params)
    return [row["id"] for row in rows]


# -- exports -------------------------------------------------------------------------------


async def exports_by_id(export_ids: list[Any]) -> list[dict[str, Any]]:
    ids = uuids(export_ids)
    return await HistoryExport.filter(id__in=ids).values(*EXPORT_COLUMNS) if ids else []


async def export_for(actor: Actor, export_id: Any) -> dict[str, Any]:
    """One export's row, if the actor may see its client; NOT_FOUND otherwise."""
    eid = parse_uuid(export_id, "id", "Выгрузка")
    rows = await HistoryExport.filter(id=eid).values(*EXPORT_COLUMNS)
    if not rows or not actor.can_see_client(rows[0]["client_id"]):
        raise not_found("Выгрузка", "id")
    return rows[0]


async def exports_page(
    client_id: Any, first: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """A client's exports, newest first (index client_id, created_at, id)."""
    return await newest_first(HistoryExport.filter(client_id=client_id), "created_at", first,
                              after, EXPORT_COLUMNS, _uuid_key)


async def export_first_pages(
    client_ids: list[str], first: int
) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """The newest exports of many clients in two statements."""
    ids = await newest_ids_per_client("history_export", "created_at", client_ids, first + 1)
    rows = await HistoryExport.filter(id__in=ids).order_by(
        "client_id", "-created_at", "-id").values(*EXPORT_COLUMNS) if ids else []
    return split_pages(rows, client_ids, first)


# -- retention runs ------------------------------------------------------------------------


def _run_id(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isdigit() and int(text) <= _BIGINT_MAX else None


async def runs_by_id(run_ids: list[Any]) -> list[dict[str, Any]]:
    """Runs by ID; keys that are not positive bigints name no run."""
    ids = [i for i in (_run_id(v) for v in run_ids) if i is not None]
    return await RetentionRun.filter(id__in=ids).values(*RUN_COLUMNS) if ids else []


async def runs_page(first: int, after: str | None) -> tuple[list[dict[str, Any]], bool]:
    """Sweeps, newest first (index started_at, id)."""
    return await newest_first(RetentionRun.all(), "started_at", first, after, RUN_COLUMNS, int)
