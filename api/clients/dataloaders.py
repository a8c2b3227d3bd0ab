"""Request-scoped batch loaders for client relations: one query per relation per request."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from domain.clients.models import ChannelPreference, Client, ClientTag, ContactPoint, Representative
from domain.clients.service import CLIENT_COLUMNS
from domain.directory.models import Department


def _grouped(rows: list[dict[str, Any]], keys: list[Any], by: str) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row[by])].append(row)
    return [groups.get(str(k), []) for k in keys]


def _by_id(rows: list[dict[str, Any]], keys: list[Any], by: str = "id") -> list[Any]:
    found = {str(row[by]): row for row in rows}
    return [found.get(str(k)) for k in keys]


CONTACT_COLUMNS = ("id", "client_id", "kind", "value", "label", "verified", "primary", "created_at")


class ClientByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await Client.filter(id__in=keys).values(*CLIENT_COLUMNS)
        return _by_id(rows, keys)


class ContactsByClientLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        rows = await ContactPoint.filter(client_id__in=keys).order_by("kind", "-primary",
                                                                      "created_at").values(
            *CONTACT_COLUMNS)
        return _grouped(rows, keys, "client_id")


class PreferenceByClientLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await ChannelPreference.filter(client_id__in=keys).values(
            "client_id", "preferred_channel", "preferred_contact_id", "additional_channel",
            "additional_contact_id", "chosen_via", "updated_at",
        )
        return _by_id(rows, keys, "client_id")


class TagsByClientLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        rows = await ClientTag.filter(client_id__in=keys).order_by("id").values(
            "client_id", "kind", "tag")
        return _grouped(rows, keys, "client_id")


class RepresentativesByClientLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        rows = await Representative.filter(client_id__in=keys).order_by("created_at").values(
            "id", "client_id", "representative_id", "basis", "document", "valid_until",
            "created_at",
        )
        return _grouped(rows, keys, "client_id")


class DepartmentByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await Department.filter(id__in=keys).values("id", "name", "parent_id")
        return _by_id(rows, keys)
