"""Reading the directory: column lists, lists for pickers, rows by ID for loaders.

Everything here is a cheap dict read; writes are in ``service.py``. Other areas (messages,
surveys) read the directory through this module: the directory never reads them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from domain.directory.models import Department, ExternalAgency, Sphere, SphereKeyword, StaffMember
from domain.ids import parse_uuid, uuids
from domain.pagination import alphabetical
from domain.texts.keywords import Term
from domain.validation import clean_text

SPHERE_COLUMNS = ("id", "code", "name", "description", "position", "active", "created_at",
                  "updated_at")
KEYWORD_COLUMNS = ("id", "sphere_id", "term", "weight", "created_at")
AGENCY_COLUMNS = ("id", "name", "competence", "email", "phone", "postal_address", "website",
                  "sphere_id", "active", "created_at", "updated_at")
STAFF_COLUMNS = ("id", "subject", "full_name", "email", "department_id", "supervisor", "active",
                 "created_at")
DEPARTMENT_COLUMNS = ("id", "name", "parent_id")
# Bounded lists (see README): past these something is wrong, not merely long.
MAX_SPHERES = 200
MAX_DEPARTMENTS = 1000


def row_of(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """A saved model as the same dict a read returns (for mutation payloads)."""
    return {c: getattr(obj, c) for c in columns}


# -- spheres and dictionaries --------------------------------------------------------------


async def spheres(active_only: bool = False) -> list[dict]:
    query = Sphere.filter(active=True) if active_only else Sphere.all()
    return await query.order_by("position", "name").limit(MAX_SPHERES).values(*SPHERE_COLUMNS)


async def spheres_by_ids(ids: list[Any]) -> list[dict]:
    return await Sphere.filter(id__in=ids).values(*SPHERE_COLUMNS)


async def spheres_by_codes(codes: list[str]) -> list[dict]:
    return await Sphere.filter(code__in=codes).values(*SPHERE_COLUMNS)


async def keywords_of(sphere_ids: list[Any]) -> list[dict]:
    return await SphereKeyword.filter(sphere_id__in=sphere_ids).order_by("term").values(
        *KEYWORD_COLUMNS)


async def keywords_by_ids(ids: list[int]) -> list[dict]:
    return await SphereKeyword.filter(id__in=ids).values(*KEYWORD_COLUMNS)


async def dictionaries() -> dict[str, list[Term]]:
    """Every active sphere's terms, for ``domain.texts.keywords.classify``."""
    rows = await SphereKeyword.filter(sphere__active=True).values("sphere__code", "term", "weight")
    out: dict[str, list[Term]] = {}
    for row in rows:
        out.setdefault(row["sphere__code"], []).append(Term(row["term"], row["weight"]))
    return out


# -- external agencies ---------------------------------------------------------------------


async def agencies_page(
    first: int, after: str | None, *, active_only: bool = True, sphere_id: Any = None,
    search: str | None = None,
) -> tuple[list[dict], bool]:
    """Agencies by name; ``search`` matches a part of the name."""
    query = ExternalAgency.filter(active=True) if active_only else ExternalAgency.all()
    if sphere_id is not None:
        query = query.filter(sphere_id=parse_uuid(sphere_id, "sphereId", "Сфера"))
    text = clean_text(search, "search", max_length=200)
    if text:
        query = query.filter(name__icontains=text)
    return await alphabetical(query, "name", first, after, AGENCY_COLUMNS, uuid.UUID)


async def agencies_by_ids(ids: list[Any]) -> list[dict]:
    return await ExternalAgency.filter(id__in=ids).values(*AGENCY_COLUMNS)


# -- departments and staff -----------------------------------------------------------------


async def departments() -> list[dict]:
    return await Department.all().order_by("name").limit(MAX_DEPARTMENTS).values(
        *DEPARTMENT_COLUMNS)


async def departments_by_ids(ids: list[Any]) -> list[dict]:
    return await Department.filter(id__in=ids).values(*DEPARTMENT_COLUMNS)


async def staff_page(first: int, after: str | None, department_id: Any = None
                     ) -> tuple[list[dict], bool]:
    """Staff by name, of one department or everyone."""
    query = StaffMember.all()
    if department_id is not None:
        query = query.filter(department_id=parse_uuid(department_id, "departmentId",
                                                       "Подразделение"))
    return await alphabetical(query, "full_name", first, after, STAFF_COLUMNS, uuid.UUID)


async def staff_by_ids(ids: list[Any]) -> list[dict]:
    return await StaffMember.filter(id__in=ids).values(*STAFF_COLUMNS)


async def staff_by_subjects(subjects: list[str]) -> list[dict]:
    return await StaffMember.filter(subject__in=subjects).values(*STAFF_COLUMNS)


async def active_member(subject: str) -> dict | None:
    """The active staff record of a token subject (its department decides what an executor
    sees), or None."""
    rows = await StaffMember.filter(subject=subject, active=True).limit(1).values(*STAFF_COLUMNS)
    return rows[0] if rows else None


async def department_of(subject: str) -> uuid.UUID | None:
    member = await active_member(subject)
    return member["department_id"] if member else None


async def active_subjects_by_department(department_ids: list[Any]) -> dict[str, frozenset[str]]:
    """The active staff of each department, by department ID (as text)."""
    ids = uuids(department_ids)
    if not ids:
        return {}
    found: dict[str, set[str]] = defaultdict(set)
    for row in await StaffMember.filter(department_id__in=ids, active=True).values(
            "department_id", "subject"):
        found[str(row["department_id"])].add(row["subject"])
    return {k: frozenset(v) for k, v in found.items()}


async def heads_by_department(department_ids: list[Any]) -> dict[str, list[str]]:
    """The active heads (``supervisor``) of each department, by department ID (as text)."""
    ids = uuids(department_ids)
    heads: dict[str, list[str]] = {}
    if ids:
        for member in await StaffMember.filter(
            department_id__in=ids, supervisor=True, active=True
        ).values("department_id", "subject"):
            heads.setdefault(str(member["department_id"]), []).append(member["subject"])
    return heads


async def staff_name(subject: str | None) -> str | None:
    if not subject:
        return None
    rows = await staff_by_subjects([subject])
    return rows[0]["full_name"] if rows else None
