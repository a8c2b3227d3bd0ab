"""Request-scoped batch loaders for client relations: one query per relation per request.

Keys are whatever a global ID or a token carried; keys that are not UUIDs load as
"missing" without reaching the database (PostgreSQL would refuse them with an error).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from domain import sql
from domain.clients.access import as_uuid
from domain.clients.models import ClientTag, ContactPoint, Representative
from domain.clients.service import CLIENT_COLUMNS
from domain.directory.models import Department


def _uuids(keys: list[Any]) -> list[Any]:
    return [u for u in (as_uuid(k) for k in keys) if u is not None]


def _key(value: Any) -> str:
    parsed = as_uuid(value)
    return str(parsed) if parsed is not None else f"!{value}"


def _grouped(rows: list[dict[str, Any]], keys: list[Any], by: str) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[_key(row[by])].append(row)
    return [groups.get(_key(k), []) for k in keys]


def _by_id(rows: list[dict[str, Any]], keys: list[Any], by: str = "id") -> list[Any]:
    found = {_key(row[by]): row for row in rows}
    return [found.get(_key(k)) for k in keys]


CONTACT_COLUMNS = ("id", "client_id", "kind", "value", "label", "verified", "primary", "created_at")
PREFERENCE_COLUMNS = ("client_id", "preferred_channel", "preferred_contact_id",
                      "additional_channel", "additional_contact_id", "chosen_via", "updated_at")
_CONTACT_SELECT = ", ".join(f'"{c}"' for c in CONTACT_COLUMNS)
REPRESENTATIVE_COLUMNS = ("id", "client_id", "representative_id", "basis", "document",
                          "valid_until", "created_at")


class _Loader(DataLoader):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        ids = _uuids(keys)
        rows = await self.fetch(ids) if ids else []
        return self.arrange(rows, keys)

    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def arrange(self, rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
        return _by_id(rows, keys)


# The client card's loaders (client, contacts, preference) are the hottest reads: plain SQL
# through Tortoise's connection, not its query builder (DESIGN.md, "Performance").

class ClientByIdLoader(_Loader):
    async def fetch(self, ids):
        where, params = sql.in_list("id", ids, 1)
        return await sql.fetch(
            f"SELECT {', '.join(CLIENT_COLUMNS)} FROM client WHERE {where}", params,
            times=("created_at", "updated_at"))


class ContactPointByIdLoader(_Loader):
    async def fetch(self, ids):
        return await ContactPoint.filter(id__in=ids).values(*CONTACT_COLUMNS)


class ContactsByClientLoader(_Loader):
    """Grouped by kind, primary first, then oldest first."""

    async def fetch(self, ids):
        where, params = sql.in_list("client_id", ids, 1)
        return await sql.fetch(
            f"SELECT {_CONTACT_SELECT} FROM contact_point WHERE {where} "
            'ORDER BY kind, "primary" DESC, created_at', params,
            times=("created_at",), flags=("verified", "primary"))

    def arrange(self, rows, keys):
        return _grouped(rows, keys, "client_id")


class PreferenceByClientLoader(_Loader):
    async def fetch(self, ids):
        where, params = sql.in_list("client_id", ids, 1)
        return await sql.fetch(
            f"SELECT {', '.join(PREFERENCE_COLUMNS)} FROM channel_preference WHERE {where}",
            params, times=("updated_at",))

    def arrange(self, rows, keys):
        return _by_id(rows, keys, "client_id")


class TagsByClientLoader(_Loader):
    async def fetch(self, ids):
        return await ClientTag.filter(client_id__in=ids).order_by("id").values(
            "client_id", "kind", "tag")

    def arrange(self, rows, keys):
        return _grouped(rows, keys, "client_id")


class RepresentativeByIdLoader(_Loader):
    async def fetch(self, ids):
        return await Representative.filter(id__in=ids).values(*REPRESENTATIVE_COLUMNS)


class RepresentativesByClientLoader(_Loader):
    async def fetch(self, ids):
        return await Representative.filter(client_id__in=ids).order_by("created_at").values(
            *REPRESENTATIVE_COLUMNS)

    def arrange(self, rows, keys):
        return _grouped(rows, keys, "client_id")


class DepartmentByIdLoader(_Loader):
    async def fetch(self, ids):
        return await Department.filter(id__in=ids).values("id", "name", "parent_id")
