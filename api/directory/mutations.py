"""Write side of the directory (admins): spheres, keyword dictionaries, agencies, departments,
staff. Thin resolvers over ``domain.directory.service``."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.directory.types import Department, ExternalAgency, Sphere, SphereKeyword, StaffMember
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id, encode_id
from domain.directory import service as directory


def _v(value: Any) -> Any:
    return directory.UNSET if value is strawberry.UNSET else value


def _opt_id(value: Any, type_name: str, field: str) -> Any:
    """An optional global ID: unset stays unset (no change), null clears, else decoded
    (INVALID_ID when it is not a global ID of ``type_name``)."""
    if value is strawberry.UNSET:
        return directory.UNSET
    return decode_optional_id(value, type_name, field)


@strawberry.input(description="A new sphere of activity.")
class CreateSphereInput:
    code: str = strawberry.field(description="Latin lower case, digits, «_»; 2–40 characters.")
    name: str = strawberry.field(description="Russian name (unique).")
    description: str | None = strawberry.field(default=None, description="What belongs to it.")
    position: int | None = strawberry.field(default=0, description="Display order.")


@strawberry.input(description="Changes to a sphere; omitted fields stay.")
class UpdateSphereInput:
    sphere_id: strawberry.ID = strawberry.field(description="The sphere (global ID).")
    code: str | None = strawberry.field(default=strawberry.UNSET, description="New code.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="New name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="New description; null clears.")
    position: int | None = strawberry.field(default=strawberry.UNSET, description="Display order.")
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="false retires the sphere.")


@strawberry.type(description="Result of a sphere mutation.")
class SpherePayload:
    sphere: Sphere | None = strawberry.field(description="The sphere; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="One dictionary term and its weight.")
class KeywordInput:
    term: str = strawberry.field(description="A word or short phrase.")
    weight: float | None = strawberry.field(default=1.0, description="0.1–10, default 1.")


@strawberry.input(description="Replace a sphere's whole keyword dictionary (at most 500 terms).")
class SetSphereKeywordsInput:
    sphere_id: strawberry.ID = strawberry.field(description="The sphere (global ID).")
    keywords: list[KeywordInput] = strawberry.field(description="The whole new dictionary.")


@strawberry.input(description="Add one term to a sphere's dictionary.")
class AddSphereKeywordInput:
    sphere_id: strawberry.ID = strawberry.field(description="The sphere (global ID).")
    term: str = strawberry.field(description="A word or short phrase.")
    weight: float | None = strawberry.field(default=1.0, description="0.1–10, default 1.")


@strawberry.type(description="Result of adding a keyword.")
class SphereKeywordPayload:
    keyword: SphereKeyword | None = strawberry.field(description="The added term; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="Remove one term from a sphere's dictionary.")
class RemoveSphereKeywordInput:
    keyword_id: strawberry.ID = strawberry.field(description="The term (SphereKeyword global ID).")


@strawberry.type(description="Result of removing something: its ID, or errors.")
class RemovedPayload:
    removed_id: strawberry.ID | None = strawberry.field(
        description="ID of what was removed; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="A new external agency; name and competence are required.")
class CreateExternalAgencyInput:
    name: str = strawberry.field(description="Official name (unique).")
    competence: str = strawberry.field(description="What questions it handles.")
    email: str | None = strawberry.field(default=None, description="Email.")
    phone: str | None = strawberry.field(default=None, description="Phone in any common spelling.")
    postal_address: str | None = strawberry.field(default=None, description="Postal address.")
    website: str | None = strawberry.field(default=None, description="http(s) address.")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="The sphere it mostly serves (global ID).")


@strawberry.input(description="Changes to an agency; omitted fields stay, null clears.")
class UpdateExternalAgencyInput:
    agency_id: strawberry.ID = strawberry.field(description="The agency (global ID).")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="Official name.")
    competence: str | None = strawberry.field(
        default=strawberry.UNSET, description="What questions it handles.")
    email: str | None = strawberry.field(
        default=strawberry.UNSET, description="Email; null clears.")
    phone: str | None = strawberry.field(
        default=strawberry.UNSET, description="Phone; null clears.")
    postal_address: str | None = strawberry.field(
        default=strawberry.UNSET, description="Postal address; null clears.")
    website: str | None = strawberry.field(
        default=strawberry.UNSET, description="http(s) address; null clears.")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Sphere (global ID); null clears.")
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="false hides it from redirects.")


@strawberry.input(description="Delete an agency no message was redirected to.")
class DeleteExternalAgencyInput:
    agency_id: strawberry.ID = strawberry.field(description="The agency (global ID).")


@strawberry.type(description="Result of an agency mutation.")
class ExternalAgencyPayload:
    agency: ExternalAgency | None = strawberry.field(description="The agency; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="Create a department, or rename/move one (give `departmentId`).")
class SaveDepartmentInput:
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department to change (global ID); omit to create one.")
    name: str = strawberry.field(description="Department name (unique).")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The parent department (global ID).")


@strawberry.type(description="Result of saving a department.")
class DepartmentPayload:
    department: Department | None = strawberry.field(description="The department; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="Record a staff member by their token subject (creates or updates).")
class SaveStaffMemberInput:
    subject: str = strawberry.field(description="The identity provider's subject (token `sub`).")
    full_name: str = strawberry.field(description="Name to show.")
    email: str | None = strawberry.field(default=None, description="Work email.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Their department (global ID).")
    supervisor: bool = strawberry.field(
        default=False, description="Heads the department: gets escalations.")
    active: bool = strawberry.field(default=True, description="false stops assignments and alerts.")


@strawberry.type(description="Result of saving a staff member.")
class StaffMemberPayload:
    staff_member: StaffMember | None = strawberry.field(description="The member; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


def _agency_data(data: Any) -> directory.AgencyData:
    return directory.AgencyData(
        name=_v(data.name), competence=_v(data.competence), email=_v(data.email),
        phone=_v(data.phone), postal_address=_v(data.postal_address), website=_v(data.website),
        sphere_id=_opt_id(data.sphere_id, "Sphere", "sphereId"),
        active=_v(getattr(data, "active", strawberry.UNSET)),
    )


@strawberry.type
class DirectoryMutations:
    @strawberry.mutation(description="Add a sphere.")
    async def create_sphere(self, info: Info, input: CreateSphereInput) -> SpherePayload | None:
        result, errors = await attempt(lambda: directory.create_sphere(
            actor_of(info), directory.SphereData(code=input.code, name=input.name,
                                                 description=input.description,
                                                 position=input.position)))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Edit a sphere; `active: false` retires it.")
    async def update_sphere(self, info: Info, input: UpdateSphereInput) -> SpherePayload | None:
        result, errors = await attempt(lambda: directory.update_sphere(
            actor_of(info), decode_id(input.sphere_id, "Sphere", "sphereId"), directory.SphereData(
                code=_v(input.code), name=_v(input.name), description=_v(input.description),
                position=_v(input.position), active=_v(input.active))))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Add a term to a sphere's keyword dictionary.")
    async def add_sphere_keyword(self, info: Info, input: AddSphereKeywordInput
                                 ) -> SphereKeywordPayload | None:
        result, errors = await attempt(lambda: directory.add_keyword(
            actor_of(info), decode_id(input.sphere_id, "Sphere", "sphereId"), input.term,
            input.weight))
        keyword = SphereKeyword.from_row(
            {"id": result.id, "term": result.term, "weight": result.weight}) if result else None
        return SphereKeywordPayload(keyword=keyword, errors=errors)

    @strawberry.mutation(description="Remove a term from a dictionary.")
    async def remove_sphere_keyword(self, info: Info, input: RemoveSphereKeywordInput
                                    ) -> RemovedPayload | None:
        result, errors = await attempt(lambda: directory.remove_keyword(
            actor_of(info), decode_id(input.keyword_id, "SphereKeyword", "keywordId")))
        return RemovedPayload(removed_id=encode_id("SphereKeyword", result) if result else None,
                              errors=errors)

    @strawberry.mutation(description="Replace a sphere's whole dictionary at once.")
    async def set_sphere_keywords(self, info: Info, input: SetSphereKeywordsInput
                                  ) -> SpherePayload | None:
        result, errors = await attempt(lambda: directory.set_keywords(
            actor_of(info), decode_id(input.sphere_id, "Sphere", "sphereId"),
            [(k.term, k.weight) for k in input.keywords]))
        return SpherePayload(sphere=Sphere.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Add an external agency.")
    async def create_external_agency(self, info: Info, input: CreateExternalAgencyInput
                                     ) -> ExternalAgencyPayload | None:
        result, errors = await attempt(lambda: directory.create_agency(
            actor_of(info), _agency_data(input)))
        return ExternalAgencyPayload(
            agency=ExternalAgency.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Edit an agency; `active: false` hides it from redirects.")
    async def update_external_agency(self, info: Info, input: UpdateExternalAgencyInput
                                     ) -> ExternalAgencyPayload | None:
        result, errors = await attempt(lambda: directory.update_agency(
            actor_of(info), decode_id(input.agency_id, "ExternalAgency", "agencyId"),
            _agency_data(input)))
        return ExternalAgencyPayload(
            agency=ExternalAgency.from_model(result) if result else None, errors=errors)

    @strawberry.mutation(description="Delete an agency no message was redirected to "
                         "(otherwise INVALID_STATE: deactivate it instead).")
    async def delete_external_agency(self, info: Info, input: DeleteExternalAgencyInput
                                     ) -> RemovedPayload | None:
        result, errors = await attempt(lambda: directory.delete_agency(
            actor_of(info), decode_id(input.agency_id, "ExternalAgency", "agencyId")))
        return RemovedPayload(removed_id=encode_id("ExternalAgency", result) if result else None,
                              errors=errors)

    @strawberry.mutation(description="Create or edit a department.")
    async def save_department(self, info: Info, input: SaveDepartmentInput
                              ) -> DepartmentPayload | None:
        result, errors = await attempt(lambda: directory.save_department(
            actor_of(info), input.name,
            decode_optional_id(input.parent_id, "Department", "parentId"),
            decode_optional_id(input.department_id, "Department", "departmentId")))
        return DepartmentPayload(department=Department.from_model(result) if result else None,
                                 errors=errors)

    @strawberry.mutation(description="Record who works in which department and who heads it "
                         "(by token subject: creates or updates).")
    async def save_staff_member(self, info: Info, input: SaveStaffMemberInput
                                ) -> StaffMemberPayload | None:
        result, errors = await attempt(lambda: directory.upsert_staff_member(
            actor_of(info), input.subject, input.full_name, input.email,
            decode_optional_id(input.department_id, "Department", "departmentId"),
            input.supervisor, input.active))
        return StaffMemberPayload(
            staff_member=StaffMember.from_model(result) if result else None, errors=errors)
