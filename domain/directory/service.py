"""Directory use cases (writes): spheres and their keyword dictionaries, external agencies,
departments, staff. Admin-only, one transaction each; reads are in ``queries.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor, Role
from domain.directory import rules
from domain.directory.defaults import SPHERES
from domain.directory.models import Department, ExternalAgency, Sphere, SphereKeyword, StaffMember
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.ids import as_row_number, parse_uuid
from domain.transaction import transaction
from domain.validation import SHORT_MAX, clean_text, normalise_email, normalise_phone

UNSET: Any = object()

AGENCY_COLUMNS = ("id", "name", "competence", "email", "phone", "postal_address", "website",
                  "sphere_id", "active", "created_at", "updated_at")
STAFF_COLUMNS = ("id", "subject", "full_name", "email", "department_id", "supervisor", "active",
                 "created_at")


def _admin(actor: Actor) -> None:
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise DomainError(ErrorCode.FORBIDDEN, "Справочники меняет только администратор.")


def _collect(errors: list[DomainError], fn, *args) -> Any:
    try:
        return fn(*args)
    except DomainError as exc:
        errors.append(exc)
        return None


# -- spheres and keyword dictionaries (R-2.3) ----------------------------------------------


async def ensure_spheres() -> int:
    """Create the default spheres that are missing (by code), with their starting keywords.
    Existing spheres are left as admins made them. Returns how many were created."""
    existing = set(await Sphere.all().values_list("code", flat=True))
    created = 0
    async with transaction():
        for position, seed in enumerate(SPHERES):
            if seed.code in existing:
                continue
            sphere = await Sphere.create(code=seed.code, name=seed.name,
                                         description=seed.description, position=position)
            await SphereKeyword.bulk_create(
                [SphereKeyword(sphere_id=sphere.id, term=t, weight=1.0) for t in seed.keywords])
            created += 1
    return created


async def get_sphere(value: Any, field: str = "sphereId") -> Sphere:
    sphere = await Sphere.get_or_none(id=parse_uuid(value, field, "Сфера"))
    if sphere is None:
        raise not_found("Сфера", field)
    return sphere


@dataclass
class SphereData:
    code: Any = UNSET
    name: Any = UNSET
    description: Any = UNSET
    position: Any = UNSET
    active: Any = UNSET


def _apply_sphere(sphere: Sphere, data: SphereData) -> None:
    errors: list[DomainError] = []
    if data.code is not UNSET:
        sphere.code = _collect(errors, rules.sphere_code, data.code) or sphere.code
    if data.name is not UNSET:
        sphere.name = _collect(
            errors, lambda v: clean_text(v, "name", max_length=200, required=True), data.name
        ) or sphere.name
    if data.description is not UNSET:
        sphere.description = _collect(
            errors, lambda v: clean_text(v, "description", max_length=1000, multiline=True),
            data.description)
    if data.position is not UNSET and data.position is not None:
        if not -10_000 <= data.position <= 10_000:
            errors.append(DomainError(ErrorCode.INVALID, "Неверный порядковый номер.", "position"))
        else:
            sphere.position = data.position
    if data.active is not UNSET and data.active is not None:
        sphere.active = bool(data.active)
    if errors:
        raise ValidationFailed(errors)


async def _save_unique(obj: Any, message: str, field: str) -> None:
    try:
        async with transaction():
            await obj.save()
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE, message, field) from None


async def create_sphere(actor: Actor, data: SphereData) -> Sphere:
    _admin(actor)
    if data.code is UNSET or data.name is UNSET:
        raise ValidationFailed([
            DomainError(ErrorCode.REQUIRED, "Поле обязательно для заполнения.", f)
            for f, v in (("code", data.code), ("name", data.name)) if v is UNSET
        ])
    sphere = Sphere()
    _apply_sphere(sphere, data)
    await _save_unique(sphere, "Сфера с таким кодом или названием уже есть.", "code")
    return sphere


async def update_sphere(actor: Actor, sphere_id: Any, data: SphereData) -> Sphere:
    _admin(actor)
    sphere = await get_sphere(sphere_id, "sphereId")
    _apply_sphere(sphere, data)
    await _save_unique(sphere, "Сфера с таким кодом или названием уже есть.", "code")
    return sphere


async def add_keyword(actor: Actor, sphere_id: Any, term: str, weight: float | None = None
                      ) -> SphereKeyword:
    _admin(actor)
    errors: list[DomainError] = []
    clean = _collect(errors, rules.keyword_term, term)
    value = _collect(errors, rules.keyword_weight, weight)
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        sphere = await get_sphere(sphere_id)
        if await SphereKeyword.filter(sphere_id=sphere.id).count() >= rules.MAX_KEYWORDS:
            raise DomainError(ErrorCode.INVALID,
                              f"В словаре сферы не больше {rules.MAX_KEYWORDS} слов.", "term")
        if await SphereKeyword.exists(sphere_id=sphere.id, term=clean):
            raise DomainError(ErrorCode.DUPLICATE, "Это слово уже есть в словаре.", "term")
        return await SphereKeyword.create(sphere_id=sphere.id, term=clean, weight=value)


async def remove_keyword(actor: Actor, keyword_id: Any) -> int:
    _admin(actor)
    kid = as_row_number(keyword_id)
    if kid is None:
        raise not_found("Ключевое слово", "keywordId")
    async with transaction():
        found = await SphereKeyword.get_or_none(id=kid)
        if found is None:
            raise not_found("Ключевое слово", "keywordId")
        await found.delete()
    return kid


async def set_keywords(actor: Actor, sphere_id: Any, terms: list[tuple[str, float | None]]
                       ) -> Sphere:
    """Replace a sphere's whole dictionary (a front end's bulk editor)."""
    _admin(actor)
    if len(terms) > rules.MAX_KEYWORDS:
        raise DomainError(ErrorCode.INVALID,
                          f"В словаре сферы не больше {rules.MAX_KEYWORDS} слов.", "keywords")
    errors: list[DomainError] = []
    clean: dict[str, float] = {}
    for i, (term, weight) in enumerate(terms):
        t = _collect(errors, rules.keyword_term, term, f"keywords.{i}.term")
        w = _collect(errors, rules.keyword_weight, weight, f"keywords.{i}.weight")
        if t is not None and w is not None:
            clean[t] = w
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        sphere = await get_sphere(sphere_id)
        await SphereKeyword.filter(sphere_id=sphere.id).delete()
        await SphereKeyword.bulk_create(
            [SphereKeyword(sphere_id=sphere.id, term=t, weight=w) for t, w in clean.items()])
    return sphere


# -- external agencies (R-2.6, R-3.10) -----------------------------------------------------


@dataclass
class AgencyData:
    name: Any = UNSET
    competence: Any = UNSET
    email: Any = UNSET
    phone: Any = UNSET
    postal_address: Any = UNSET
    website: Any = UNSET
    sphere_id: Any = UNSET
    active: Any = UNSET


async def _apply_agency(agency: ExternalAgency, data: AgencyData) -> None:
    errors: list[DomainError] = []

    def put(name: str, fn) -> None:
        raw = getattr(data, name)
        if raw is UNSET:
            return
        try:
            setattr(agency, name, fn(raw) if raw not in (None, "") else None)
        except DomainError as exc:
            errors.append(exc)

    put("name", lambda v: clean_text(v, "name", max_length=500, required=True))
    put("competence", lambda v: clean_text(v, "competence", max_length=5000, multiline=True,
                                           required=True))
    put("email", lambda v: normalise_email(v, "email"))
    put("phone", lambda v: normalise_phone(v, "phone"))
    put("postal_address", lambda v: clean_text(v, "postalAddress", max_length=SHORT_MAX))
    put("website", rules.website)
    if data.sphere_id is not UNSET:
        if data.sphere_id is None:
            agency.sphere_id = None
        else:
            try:
                agency.sphere_id = (await get_sphere(data.sphere_id)).id
            except DomainError as exc:
                errors.append(exc)
    if data.active is not UNSET and data.active is not None:
        agency.active = bool(data.active)
    for name, field in (("name", "name"), ("competence", "competence")):
        if not getattr(agency, name) and not any(e.field == field for e in errors):
            errors.append(DomainError(ErrorCode.REQUIRED, "Поле обязательно для заполнения.",
                                      field))
    if errors:
        raise ValidationFailed(errors)


async def create_agency(actor: Actor, data: AgencyData) -> ExternalAgency:
    _admin(actor)
    agency = ExternalAgency()
    await _apply_agency(agency, data)
    await _save_unique(agency, "Ведомство с таким названием уже есть.", "name")
    return agency


async def get_agency(value: Any, field: str = "agencyId") -> ExternalAgency:
    agency = await ExternalAgency.get_or_none(id=parse_uuid(value, field, "Ведомство"))
    if agency is None:
        raise not_found("Ведомство", field)
    return agency


async def update_agency(actor: Actor, agency_id: Any, data: AgencyData) -> ExternalAgency:
    _admin(actor)
    agency = await get_agency(agency_id, "agencyId")
    await _apply_agency(agency, data)
    await _save_unique(agency, "Ведомство с таким названием уже есть.", "name")
    return agency


async def delete_agency(actor: Actor, agency_id: Any) -> uuid.UUID:
    """Delete an agency nothing refers to; otherwise deactivate it instead.

    The references (messages redirected there, and whatever later areas add) are
    ``RESTRICT`` foreign keys, so the database says whether it is in use: the directory
    never reads the areas above it."""
    _admin(actor)
    agency = await get_agency(agency_id, "agencyId")
    try:
        async with transaction():
            await agency.delete()
    except IntegrityError:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            "В это ведомство уже переадресовывали обращения. Отключите его вместо удаления.",
            "agencyId",
        ) from None
    return agency.id


# -- staff ---------------------------------------------------------------------------------


async def upsert_staff_member(
    actor: Actor, subject: str, full_name: str, email: str | None = None,
    department_id: Any = None, supervisor: bool = False, active: bool = True,
) -> StaffMember:
    """Admins record who works in which department and who heads it."""
    _admin(actor)
    errors: list[DomainError] = []
    subj = _collect(errors, lambda v: clean_text(v, "subject", max_length=200, required=True),
                    subject)
    name = _collect(errors, lambda v: clean_text(v, "fullName", max_length=300, required=True),
                    full_name)
    mail = _collect(errors, lambda v: normalise_email(v, "email"), email) if email else None
    dep = None
    if department_id is not None:
        dep = _collect(errors, parse_uuid, department_id, "departmentId", "Подразделение")
        if dep is not None and not await Department.exists(id=dep):
            errors.append(not_found("Подразделение", "departmentId"))
    if errors:
        raise ValidationFailed(errors)
    async with transaction():
        member = await StaffMember.get_or_none(subject=subj)
        values = {"full_name": name, "email": mail, "department_id": dep,
                  "supervisor": supervisor, "active": active}
        if member is None:
            member = await StaffMember.create(subject=subj, **values)
        else:
            await member.update_from_dict(values).save()
    return member


# -- departments ---------------------------------------------------------------------------


async def save_department(actor: Actor, name: str, parent_id: Any = None,
                          department_id: Any = None) -> Department:
    """Create a department, or rename/move one when ``department_id`` is given."""
    _admin(actor)
    clean = clean_text(name, "name", max_length=300, required=True)
    parent = None
    if parent_id is not None:
        parent = parse_uuid(parent_id, "parentId", "Подразделение")
        if not await Department.exists(id=parent):
            raise not_found("Подразделение", "parentId")
    if department_id is None:
        department = Department(name=clean, parent_id=parent)
    else:
        department = await Department.get_or_none(
            id=parse_uuid(department_id, "departmentId", "Подразделение"))
        if department is None:
            raise not_found("Подразделение", "departmentId")
        if parent == department.id:
            raise DomainError(ErrorCode.INVALID, "Подразделение не может входить в себя.",
                              "parentId")
        department.name, department.parent_id = clean, parent
    await _save_unique(department, "Подразделение с таким названием уже есть.", "name")
    return department
