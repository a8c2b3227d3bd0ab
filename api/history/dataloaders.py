"""History pages for many clients in one statement (a client list with nested history)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from strawberry.dataloader import DataLoader
from tortoise import Tortoise

from domain.history import exports
from domain.history import service as history
from domain.history.models import HistoryExport, InteractionEvent


@dataclass(frozen=True, slots=True)
class HistoryKey:
    client_id: str
    first: int
    after: str | None
    kinds: tuple[str, ...] | None
    channels: tuple[str, ...] | None
    since: datetime | None
    until: datetime | None

    def filter(self) -> history.HistoryFilter:
        return history.HistoryFilter(
            kinds=list(self.kinds) if self.kinds else None,
            channels=list(self.channels) if self.channels else None,
            since=self.since, until=self.until,
        )


class HistoryPageByClientLoader(DataLoader[HistoryKey, tuple[list[dict], bool]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[HistoryKey]) -> list[tuple[list[dict], bool]]:
        if len(keys) == 1 or any(k.after for k in keys):
            return [await history.page(k.client_id, k.first, k.after, k.filter()) for k in keys]
        # Same arguments for every client (one field in a list): one windowed statement
        # per distinct argument set, instead of one per client.
        groups: dict[HistoryKey, list[str]] = defaultdict(list)
        for k in keys:
            groups[HistoryKey("", k.first, None, k.kinds, k.channels, k.since, k.until)].append(
                k.client_id)
        pages: dict[tuple[str, HistoryKey], tuple[list[dict], bool]] = {}
        for shape, client_ids in groups.items():
            rows = await _windowed(client_ids, shape)
            by_client: dict[str, list[dict]] = defaultdict(list)
            for row in rows:
                by_client[str(row["client_id"])].append(row)
            for cid in client_ids:
                found = by_client.get(cid, [])
                pages[(cid, shape)] = (found[: shape.first], len(found) > shape.first)
        return [pages[(k.client_id, HistoryKey("", k.first, None, k.kinds, k.channels, k.since,
                                                k.until))] for k in keys]


async def _windowed(client_ids: list[str], shape: HistoryKey) -> list[dict]:
    """Two statements whatever the list length: rank ids per client, then read the rows."""
    inner = history.filtered(InteractionEvent.filter(client_id__in=client_ids), shape.filter())
    # Parameters are typed values (UUIDs, enum values, datetimes), safe to inline.
    inner_sql = inner.values("id", "client_id", "occurred_at").sql(params_inline=True)
    sql = (
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY client_id "
        f"ORDER BY occurred_at DESC, id DESC) AS rn FROM ({inner_sql}) AS page) AS ranked "
        f"WHERE rn <= {int(shape.first) + 1}"
    )
    ids = [row["id"] for row in await Tortoise.get_connection("default").execute_query_dict(sql)]
    if not ids:
        return []
    return await InteractionEvent.filter(id__in=ids).order_by(
        "client_id", "-occurred_at", "-id").values(*history.EVENT_COLUMNS)


@dataclass(frozen=True, slots=True)
class ExportsKey:
    client_id: str
    first: int
    after: str | None


class HistoryExportsByClientLoader(DataLoader[ExportsKey, tuple[list[dict], bool]]):
    """A page of exports per client; first pages of many clients in two statements."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[ExportsKey]) -> list[tuple[list[dict], bool]]:
        firsts = {k.first for k in keys if not k.after}
        pages: dict[ExportsKey, tuple[list[dict], bool]] = {}
        for first in firsts:
            client_ids = [k.client_id for k in keys if not k.after and k.first == first]
            found = await _first_exports(client_ids, first)
            for cid in client_ids:
                rows = found.get(cid, [])
                pages[ExportsKey(cid, first, None)] = (rows[:first], len(rows) > first)
        for k in keys:
            if k.after:
                pages[k] = await exports.exports_page(k.client_id, k.first, k.after)
        return [pages[k] for k in keys]


async def _first_exports(client_ids: list[str], first: int) -> dict[str, list[dict]]:
    inner = HistoryExport.filter(client_id__in=client_ids).values("id", "client_id", "created_at")
    # Parameters are typed values (UUIDs), safe to inline.
    sql = (
        "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY client_id "
        "ORDER BY created_at DESC, id DESC) AS rn FROM "
        f"({inner.sql(params_inline=True)}) AS page) AS ranked WHERE rn <= {int(first) + 1}"
    )
    ids = [r["id"] for r in await Tortoise.get_connection("default").execute_query_dict(sql)]
    grouped: dict[str, list[dict]] = defaultdict(list)
    if ids:
        for row in await HistoryExport.filter(id__in=ids).order_by(
                "client_id", "-created_at", "-id").values(*exports.EXPORT_COLUMNS):
            grouped[str(row["client_id"])].append(row)
    return grouped
