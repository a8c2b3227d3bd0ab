"""Read side of the directory: spheres, external agencies, departments, staff.

``spheres`` and ``departments`` are short, admin-kept lists (bounded in
``domain/directory/queries.py``), so plain lists; agencies and staff grow, so connections
(see ``domain/directory/README.md``)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.directory.types import (
    Department,
    ExternalAgencyConnection,
    Sphere,
    StaffMemberConnection,
)
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    bad_input,
    decode_optional_id,
    page_size,
)
from domain.directory import queries
from domain.errors import DomainError

First = Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]
ActiveOnly = Annotated[bool, strawberry.argument(
    description="true (default): only active ones; false: retired ones too.")]


@strawberry.type
class DirectoryQueries:
    @strawberry.field(description="Spheres of activity in display order (R-2.3). A short, "
                      "admin-kept list (at most 200), so not paginated.")
    async def spheres(self, info: Info, active_only: ActiveOnly = True) -> list[Sphere] | None:
        return [Sphere.from_row(r) for r in await queries.spheres(active_only)]

    @strawberry.field(description="External agencies messages may be redirected to (R-2.6), by "
                      "name. `search` matches a part of the name; `sphereId` is a Sphere's "
                      "global ID (anything else is BAD_USER_INPUT, reason INVALID_ID).")
    async def external_agencies(
        self, info: Info, first: First = None, after: After = None,
        active_only: ActiveOnly = True,
        sphere_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only agencies serving this sphere (a Sphere's global ID).")] = None,
        search: Annotated[str | None, strawberry.argument(
            description="A part of the name, any case.")] = None,
    ) -> ExternalAgencyConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.agencies_page(
                size, after, active_only=active_only, search=search,
                sphere_id=decode_optional_id(sphere_id, "Sphere", "sphereId"))
        except DomainError as exc:
            raise bad_input(exc) from None
        return ExternalAgencyConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="Departments of the Government by name. A short list (at "
                      "most 1000), so not paginated.")
    async def departments(self, info: Info) -> list[Department] | None:
        return [Department.from_row(r) for r in await queries.departments()]

    @strawberry.field(description="Staff members by name, of one department (`departmentId`, a "
                      "Department's global ID) or everyone: whom to assign a message to.")
    async def staff_members(
        self, info: Info, first: First = None, after: After = None,
        department_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only this department's staff (a Department's global ID).")] = None,
    ) -> StaffMemberConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.staff_page(
                size, after, decode_optional_id(department_id, "Department", "departmentId"))
        except DomainError as exc:
            raise bad_input(exc) from None
        return StaffMemberConnection.from_rows(rows, has_next, after)
