"""Write side of the directory (admins): spheres, keyword dictionaries, agencies, departments,
staff. Thin resolvers over ``domain.directory.service``."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.clients.types import Department
from api.directory.types import ExternalAgency, Sphere, SphereKeyword, StaffMember
from api.errors import UserError, attempt
from api.permissions import IsAdmin, actor_of
from api.relay import decode_id
from domain.directory import service as directory


def _v(value: Any) -> Any:
    return directory.UNSET if value is strawberry.UNSET else value


def _id(value: Any, type_name: str, field: str) -> Any:
    """A global ID decoded; a malformed one goes on as-is for the service to refuse."""
    if value is None or value is strawberry.UNSET:
        return _v(value)
    try:
        return decode_id(value, type_name, field)
    except Exception:
        return "invalid"


@strawberry.input(description="A new sphere of activity.")
class CreateSphereInput:
    code: str = strawberry.field(description="Latin lower case, digits, «_»; 2–40 characters.")
    name: str
    description: str | None = None
    position: int | None = 0


@strawberry.input(description="Changes to a sphere; omitted fields stay.")
class UpdateSphereInput:
    id: strawberry.ID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    position: int | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type(description="Result of a sphere mutation.")
class SpherePayload:
    sphere: Sphere | None
    errors: list[UserError]


@strawberry.input(description="One dictionary term and its weight.")
class KeywordInput:
    term: str
    weight: float | None = 1.0


@strawberry.input(description="Replace a sphere's whole keyword dictionary (at most 500 terms).")
class SetSphereKeywordsInput:
    sphere_id: strawberry.ID
    keywords: list[KeywordInput]


@strawberry.input(description="Add one term to a sphere's dictionary.")
class AddSphereKeywordInput:
    sphere_id: strawberry.ID
    term: str
    weight: float | None = 1.0


@strawberry.type(description="Result of adding a keyword.")
class SphereKeywordPayload:
    keyword: SphereKeyword | None
    errors: list[UserError]


@strawberry.type(description="Result of removing something: its ID, or errors.")
class RemovedPayload:
    removed_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.input(description="A new external agency; name and competence are required.")
class CreateExternalAgencyInput:
    name: str
    competence: str
    email: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    website: str | None = None
    sphere_id: strawberry.ID | None = None


@strawberry.input(description="Changes to an agency; omitted fields stay, null clears.")
class UpdateExternalAgencyInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    competence: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    postal_address: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    sphere_id: strawberry.ID | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type(description="Result of an agency mutation.")
class ExternalAgencyPayload:
    agency: ExternalAgency | None
    errors: list[UserError]


@strawberry.input(description="Create a department, or rename/move one (give `id`).")
class SaveDepartmentInput:
    id: strawberry.ID | None = None
    name: str
    parent_id: strawberry.ID | None = None


@strawberry.type(description="Result of saving a department.")
class DepartmentPayload:
    department: Department | None
    errors: list[UserError]


@strawberry.input(description="Record a staff member by their token subject (creates or updates).")
class SaveStaffMemberInput:
    subject: str
    full_name: str
    email: str | None = None
    department_id: strawberry.ID | None = None
    supervisor: bool = False
    active: bool = True


@strawberry.type(description="Result of saving a staff member.")
class StaffMemberPayload:
    staff_member: StaffMember | None
    errors: list[UserError]


def _agency_data(data: Any) -> directory.AgencyData:
    return directory.AgencyData(
        name=_v(data.name), competence=_v(data.competence), email=_v(data.email),
        phone=_v(data.phone), postal_address=_v(data.postal_address), website=_v(data.website),
        sphere_id=_id(data.sphere_id, "Sphere", "sphereId"),
        active=_v(getattr(data, "active", strawberry.UNSET)),
    )


@strawberry.type
class DirectoryMutations:
    @strawberry.mutation(permission_classes=[IsAdmin], description="Add a sphere (admins).")
    async def create_sphere(self, info: Info, input: CreateSphereInput) -> SpherePayload:
        result, errors = await attempt(directory.create_sphere(actor_of(info), directory.SphereData(
            code=input.code, name=input.name, description=input.description,
            position=input.position)))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Edit a sphere; `active: false` retires it (admins).")
    async def update_sphere(self, info: Info, input: UpdateSphereInput) -> SpherePayload:
        result, errors = await attempt(directory.update_sphere(
            actor_of(info), _id(input.id, "Sphere", "id"), directory.SphereData(
                code=_v(input.code), name=_v(input.name), description=_v(input.description),
                position=_v(input.position), active=_v(input.active))))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Add a term to a sphere's keyword dictionary (admins).")
    async def add_sphere_keyword(self, info: Info, input: AddSphereKeywordInput
                                 ) -> SphereKeywordPayload:
        result, errors = await attempt(directory.add_keyword(
            actor_of(info), _id(input.sphere_id, "Sphere", "sphereId"), input.term, input.weight))
        keyword = SphereKeyword.from_row(
            {"id": result.id, "term": result.term, "weight": result.weight}) if result else None
        return SphereKeywordPayload(keyword=keyword, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Remove a term from a dictionary (admins).")
    async def remove_sphere_keyword(self, info: Info, keyword_id: strawberry.ID) -> RemovedPayload:
        result, errors = await attempt(directory.remove_keyword(actor_of(info), keyword_id))
        return RemovedPayload(removed_id=strawberry.ID(str(result)) if result else None,
                              errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Replace a sphere's whole dictionary at once (admins).")
    async def set_sphere_keywords(self, info: Info, input: SetSphereKeywordsInput
                                  ) -> SpherePayload:
        result, errors = await attempt(directory.set_keywords(
            actor_of(info), _id(input.sphere_id, "Sphere", "sphereId"),
            [(k.term, k.weight) for k in input.keywords]))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin], description="Add an external agency.")
    async def create_external_agency(self, info: Info, input: CreateExternalAgencyInput
                                     ) -> ExternalAgencyPayload:
        result, errors = await attempt(directory.create_agency(actor_of(info),
                                                               _agency_data(input)))
        return ExternalAgencyPayload(
            agency=ExternalAgency.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Edit an agency; `active: false` hides it from redirects.")
    async def update_external_agency(self, info: Info, input: UpdateExternalAgencyInput
                                     ) -> ExternalAgencyPayload:
        result, errors = await attempt(directory.update_agency(
            actor_of(info), _id(input.id, "ExternalAgency", "id"), _agency_data(input)))
        return ExternalAgencyPayload(
            agency=ExternalAgency.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Delete an agency no message was redirected to "
                         "(otherwise INVALID_STATE: deactivate it instead).")
    async def delete_external_agency(self, info: Info, id: strawberry.ID) -> RemovedPayload:
        result, errors = await attempt(directory.delete_agency(
            actor_of(info), _id(id, "ExternalAgency", "id")))
        return RemovedPayload(removed_id=strawberry.ID(id) if result else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin], description="Create or edit a department.")
    async def save_department(self, info: Info, input: SaveDepartmentInput) -> DepartmentPayload:
        result, errors = await attempt(directory.save_department(
            actor_of(info), input.name, _id(input.parent_id, "Department", "parentId"),
            _id(input.id, "Department", "id")))
        department = Department.from_row({"id": result.id, "name": result.name}) if result else None
        return DepartmentPayload(department=department, errors=errors)

    @strawberry.mutation(permission_classes=[IsAdmin],
                         description="Record who works in which department and who heads it.")
    async def save_staff_member(self, info: Info, input: SaveStaffMemberInput
                                ) -> StaffMemberPayload:
        result, errors = await attempt(directory.upsert_staff_member(
            actor_of(info), input.subject, input.full_name, input.email,
            _id(input.department_id, "Department", "departmentId"), input.supervisor,
            input.active))
        return StaffMemberPayload(
            staff_member=StaffMember.from_model(result) if result else None, errors=errors)
