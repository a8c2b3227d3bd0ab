"""Request-scoped loaders for directory records (one query per relation per request)."""

from __future__ import annotations

from typing import Any

from api.dataloaders import NumberedRowLoader, RowLoader, rows_grouped
from domain.directory import queries


class SphereByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.spheres_by_ids(ids)


class KeywordByIdLoader(NumberedRowLoader):
    async def fetch(self, ids):
        return await queries.keywords_by_ids(ids)


class KeywordsBySphereLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.keywords_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "sphere_id")


class AgencyByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.agencies_by_ids(ids)


class DepartmentByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.departments_by_ids(ids)


class StaffByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.staff_by_ids(ids)


class StaffBySubjectLoader(RowLoader):
    """Keyed by token subject (text, not a UUID): the one loader whose keys are not IDs."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        subjects = [k for k in keys if isinstance(k, str) and 0 < len(k) <= 200]
        rows = await queries.staff_by_subjects(subjects) if subjects else []
        found = {row["subject"]: row for row in rows}
        return [found.get(k) for k in keys]


class SphereByCodeLoader(RowLoader):
    """Keyed by sphere code (the detector names spheres by code)."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        codes = [k for k in keys if isinstance(k, str) and 0 < len(k) <= 40]
        rows = await queries.spheres_by_codes(codes) if codes else []
        found = {row["code"]: row for row in rows}
        return [found.get(k) for k in keys]
