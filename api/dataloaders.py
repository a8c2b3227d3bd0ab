"""The one base for request-scoped batch loaders and for loading Nodes by ID.

Keys are whatever a global ID or a token carried; keys that are not UUIDs load as
"missing" without reaching the database (PostgreSQL would refuse them with an error,
which is how a forged ID once became an internal error). Every area's loaders derive
from ``RowLoader``; every Node type's ``resolve_nodes`` is ``RowNode``'s, so the
visibility check is written once per type as ``visible`` and never skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, ClassVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from domain.actor import Actor
from domain.ids import as_row_number, as_uuid, row_numbers, uuids


def key_of(value: Any) -> str:
    """One spelling of a key, so rows and keys match whatever case or type each came in."""
    parsed = as_uuid(value)
    return str(parsed) if parsed is not None else f"!{value}"


def rows_by_key(rows: list[dict[str, Any]], keys: list[Any], by: str = "id") -> list[Any]:
    found = {key_of(row[by]): row for row in rows}
    return [found.get(key_of(k)) for k in keys]


def rows_grouped(rows: list[dict[str, Any]], keys: list[Any], by: str) -> list[list[dict]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[key_of(row[by])].append(row)
    return [groups.get(key_of(k), []) for k in keys]


class RowLoader(DataLoader):
    """Loads rows by UUID keys: override ``fetch`` (and ``arrange`` for one-to-many)."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        ids = uuids(keys)
        rows = await self.fetch(ids) if ids else []
        return self.arrange(rows, keys)

    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def arrange(self, rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
        return rows_by_key(rows, keys)


class NumberedRowLoader(RowLoader):
    """``RowLoader`` for tables keyed by a BIGINT (log rows): keys that are not such numbers
    load as missing without reaching the database."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        ids = row_numbers(keys)
        rows = await self.fetch(ids) if ids else []
        found = {row["id"]: row for row in rows}
        return [found.get(as_row_number(k)) for k in keys]


class RowNode:
    """Mixin for a ``relay.Node`` built from one row of ``node_loader``.

    A type sets ``node_loader`` and defines ``from_row(row)`` and ``visible(actor, row)``;
    ``node(id:)`` then returns the object, or null for an unknown, forged, malformed or
    foreign ID, for every type alike. Put it before ``relay.Node`` in the bases.
    """

    node_loader: ClassVar[type[RowLoader]]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        raise NotImplementedError(f"{cls.__name__} must say who may see it")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Any:
        raise NotImplementedError

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        actor = info.context.actor
        rows = await info.context.loader(cls.node_loader).load_many(list(node_ids))
        return [cls.from_row(r) if r is not None and cls.visible(actor, r) else None
                for r in rows]
