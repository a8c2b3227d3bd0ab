"""Request-scoped loaders of the history area: events, exports and retention runs by ID,
and history pages for many clients at once (a client list with nested history or exports:
the statement count does not grow with the list)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader

from api.dataloaders import RowLoader, rows_by_key
from domain.history import queries as history


class EventByIdLoader(RowLoader):
    """Events by their public (Node) ID."""

    async def fetch(self, ids):
        return await history.events_by_public_id(ids)

    def arrange(self, rows, keys):
        return rows_by_key(rows, keys, "public_id")


class HistoryExportByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await history.exports_by_id(ids)


class RetentionRunByIdLoader(RowLoader):
    """Runs have bigint IDs (staff-only records): keys are digits, not UUIDs."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        rows = await history.runs_by_id(keys)
        found = {str(r["id"]): r for r in rows}
        return [found.get(str(k)) for k in keys]


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

    def shape(self) -> HistoryKey:
        """The arguments without the client: keys of one shape load together."""
        return HistoryKey("", self.first, None, self.kinds, self.channels, self.since, self.until)


class HistoryPageByClientLoader(DataLoader[HistoryKey, tuple[list[dict], bool]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[HistoryKey]) -> list[tuple[list[dict], bool]]:
        if len(keys) == 1 or any(k.after for k in keys):
            # One client (a client card), or later pages: the plain keyset page.
            return [await history.page(k.client_id, k.first, k.after, k.filter()) for k in keys]
        groups: dict[HistoryKey, list[str]] = defaultdict(list)
        for k in keys:
            groups[k.shape()].append(k.client_id)
        pages: dict[tuple[str, HistoryKey], tuple[list[dict], bool]] = {}
        for shape, client_ids in groups.items():
            found = await history.first_pages(client_ids, shape.first, shape.filter())
            for cid in client_ids:
                pages[(cid, shape)] = found[cid]
        return [pages[(k.client_id, k.shape())] for k in keys]


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
        pages: dict[ExportsKey, tuple[list[dict], bool]] = {}
        for first in {k.first for k in keys if not k.after}:
            client_ids = [k.client_id for k in keys if not k.after and k.first == first]
            found = await history.export_first_pages(client_ids, first)
            for cid in client_ids:
                pages[ExportsKey(cid, first, None)] = found[cid]
        for k in keys:
            if k.after:
                pages[k] = await history.exports_page(k.client_id, k.first, k.after)
        return [pages[k] for k in keys]
