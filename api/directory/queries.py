"""Read side of the directory: spheres, external agencies, departments, staff."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.clients.types import Department
from api.directory.types import ExternalAgency, Sphere, StaffMember
from api.relay import bad_input, decode_id
from domain.directory import service as directory
from domain.directory.models import StaffMember as StaffModel
from domain.errors import DomainError


@strawberry.type
class DirectoryQueries:
    @strawberry.field(description="Spheres of activity in display order (R-2.3). A short, "
                      "admin-kept list, so not paginated.")
    async def spheres(self, info: Info, active_only: bool = True) -> list[Sphere]:
        return [Sphere.from_row(r) for r in await directory.spheres(active_only)]

    @strawberry.field(description="External agencies messages may be redirected to (R-2.6), by "
                      "name; at most 500. `search` matches a part of the name.")
    async def external_agencies(
        self, info: Info, active_only: bool = True, sphere_id: strawberry.ID | None = None,
        search: str | None = None,
    ) -> list[ExternalAgency]:
        try:
            sphere = decode_id(sphere_id, "Sphere", "sphereId") if sphere_id else None
            rows = await directory.agencies(active_only, sphere, search)
        except DomainError as exc:
            raise bad_input(exc) from None
        return [ExternalAgency.from_row(r) for r in rows]

    @strawberry.field(description="Departments of the Government by name (at most 1000).")
    async def departments(self, info: Info) -> list[Department]:
        return [Department.from_row(r) for r in await directory.departments()]

    @strawberry.field(description="Staff members of one department, or everyone (at most 1000).")
    async def staff_members(self, info: Info, department_id: strawberry.ID | None = None
                            ) -> list[StaffMember]:
        query = StaffModel.all()
        if department_id is not None:
            try:
                query = query.filter(department_id=decode_id(department_id, "Department",
                                                              "departmentId"))
            except DomainError:
                return []
        rows = await query.order_by("full_name").limit(1000).values(*directory.STAFF_COLUMNS)
        return [StaffMember.from_row(r) for r in rows]
