"""Request-scoped loaders for directory records (one query per relation per request)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from domain.ids import as_uuid
from domain.directory import service as directory
from domain.directory.models import ExternalAgency, Sphere, StaffMember


def _by(rows: list[dict[str, Any]], keys: list[Any], by: str = "id") -> list[Any]:
    found = {str(row[by]): row for row in rows}
    return [found.get(str(k)) for k in keys]


def _valid(keys: list[str]) -> list[str]:
    """The keys that spell UUIDs, canonical; forged ones never reach the database."""
    return [str(u) for u in (as_uuid(k) for k in keys) if u is not None]


class SphereByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        ids = _valid(keys)
        rows = await Sphere.filter(id__in=ids).values(*directory.SPHERE_COLUMNS) if ids else []
        return _by(rows, keys)


class KeywordsBySphereLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in await directory.keywords_of(_valid(keys)):
            groups[str(row["sphere_id"])].append(row)
        return [groups.get(str(k), []) for k in keys]


class AgencyByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        ids = _valid(keys)
        rows = (await ExternalAgency.filter(id__in=ids).values(*directory.AGENCY_COLUMNS)
                if ids else [])
        return _by(rows, keys)


class StaffBySubjectLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await StaffMember.filter(subject__in=keys).values(*directory.STAFF_COLUMNS)
        return _by(rows, keys, "subject")
