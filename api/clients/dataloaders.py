"""Request-scoped batch loaders for client relations: one query per relation per request.

Keys are whatever a global ID or a token carried; keys that are not UUIDs load as
"missing" without reaching the database (PostgreSQL would refuse them with an error).
"""

from __future__ import annotations

from api.dataloaders import RowLoader, rows_by_key, rows_grouped
from domain import sql
from domain.clients.models import ClientTag, ContactPoint, Representative
from domain.clients.service import CLIENT_COLUMNS
from domain.directory.models import Department


CONTACT_COLUMNS = ("id", "client_id", "kind", "value", "label", "verified", "primary", "created_at")
PREFERENCE_COLUMNS = ("client_id", "preferred_channel", "preferred_contact_id",
                      "additional_channel", "additional_contact_id", "chosen_via", "updated_at")
_CONTACT_SELECT = ", ".join(f'"{c}"' for c in CONTACT_COLUMNS)
REPRESENTATIVE_COLUMNS = ("id", "client_id", "representative_id", "basis", "document",
                          "valid_until", "created_at")


# The client card's loaders (client, contacts, preference) are the hottest reads: plain SQL
# through Tortoise's connection, not its query builder (DESIGN.md, "Performance").

class ClientByIdLoader(RowLoader):
    async def fetch(self, ids):
        where, params = sql.in_list("id", ids, 1)
        return await sql.fetch(
            f"SELECT {', '.join(CLIENT_COLUMNS)} FROM client WHERE {where}", params,
            times=("created_at", "updated_at"))


class ContactPointByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await ContactPoint.filter(id__in=ids).values(*CONTACT_COLUMNS)


class ContactsByClientLoader(RowLoader):
    """Grouped by kind, primary first, then oldest first."""

    async def fetch(self, ids):
        where, params = sql.in_list("client_id", ids, 1)
        return await sql.fetch(
            f"SELECT {_CONTACT_SELECT} FROM contact_point WHERE {where} "
            'ORDER BY kind, "primary" DESC, created_at', params,
            times=("created_at",), flags=("verified", "primary"))

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class PreferenceByClientLoader(RowLoader):
    async def fetch(self, ids):
        where, params = sql.in_list("client_id", ids, 1)
        return await sql.fetch(
            f"SELECT {', '.join(PREFERENCE_COLUMNS)} FROM channel_preference WHERE {where}",
            params, times=("updated_at",))

    def arrange(self, rows, keys):
        return rows_by_key(rows, keys, "client_id")


class TagsByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await ClientTag.filter(client_id__in=ids).order_by("id").values(
            "client_id", "kind", "tag")

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class RepresentativeByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await Representative.filter(id__in=ids).values(*REPRESENTATIVE_COLUMNS)


class RepresentativesByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await Representative.filter(client_id__in=ids).order_by("created_at").values(
            *REPRESENTATIVE_COLUMNS)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class DepartmentByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await Department.filter(id__in=ids).values("id", "name", "parent_id")
