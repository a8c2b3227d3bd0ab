"""Request-scoped batch loaders for client relations: one query per relation per request.

Keys are whatever a global ID or a token carried; ``RowLoader`` drops keys that are not
UUIDs before the statement (they name no record). The statements are in
``domain/clients/queries.py``."""

from __future__ import annotations

from api.dataloaders import RowLoader, rows_by_key, rows_grouped
from domain.clients import queries


class ClientByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.clients_by_id(ids)


class ContactPointByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.contacts_by_id(ids)


class ContactsByClientLoader(RowLoader):
    """Grouped by kind, primary first, then oldest first."""

    async def fetch(self, ids):
        return await queries.contacts_by_client(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class PreferenceByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.preferences_by_client(ids)

    def arrange(self, rows, keys):
        return rows_by_key(rows, keys, "client_id")


class TagsByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.tags_by_client(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class RepresentativeByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.representatives_by_id(ids)


class RepresentativesByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.representatives_by_client(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")
