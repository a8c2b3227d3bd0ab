"""GraphQL types of the directory: spheres (R-2.3) with keyword dictionaries, external
agencies (R-2.6, R-3.10), departments and staff members. All are Nodes (``RowNode``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.directory.dataloaders import (
    AgencyByIdLoader,
    DepartmentByIdLoader,
    KeywordByIdLoader,
    KeywordsBySphereLoader,
    SphereByCodeLoader,
    SphereByIdLoader,
    StaffByIdLoader,
    StaffBySubjectLoader,
)
from api.relay import Connection
from domain.actor import Actor
from domain.directory import queries
from domain.pagination import encode_name_cursor


def _signed_in(actor: Actor | None) -> bool:
    return actor is not None


def _staff(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff


@strawberry.type(description="One term of a sphere's keyword dictionary (staff only). Terms "
                 "match by stem: «детский сад» finds «в детском саду»; upper-case "
                 "abbreviations match whole words only.")
class SphereKeyword(RowNode, relay.Node):
    node_loader = KeywordByIdLoader

    id: relay.NodeID[str]
    term: str = strawberry.field(description="A word or short phrase (up to six words).")
    weight: float = strawberry.field(description="How much one match counts (0.1–10, default 1).")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return _staff(actor)

    @classmethod
    def from_row(cls, row: dict) -> SphereKeyword:
        return cls(id=str(row["id"]), term=row["term"], weight=row["weight"])


@strawberry.type(description="A sphere of the Government's activity (R-2.3). Every message "
                 "answered on the merits is classified by one.")
class Sphere(RowNode, relay.Node):
    node_loader = SphereByIdLoader

    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable identifier (health, education, housing…); "
                                 "switch on it, show `name`. Admins may add spheres, so the set "
                                 "is open.")
    name: str = strawberry.field(description="Russian name to show.")
    description: str | None = strawberry.field(
        description="What belongs to the sphere, in Russian.")
    position: int = strawberry.field(description="Display order, ascending.")
    active: bool = strawberry.field(description="Inactive spheres are not suggested or chosen.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return _signed_in(actor)

    @classmethod
    def from_row(cls, row: dict) -> Sphere:
        return cls(id=str(row["id"]), code=row["code"], name=row["name"],
                   description=row["description"], position=row["position"],
                   active=row["active"])

    @classmethod
    def from_model(cls, obj: Any) -> Sphere:
        return cls.from_row(queries.row_of(obj, queries.SPHERE_COLUMNS))

    @strawberry.field(description="The keyword dictionary used to suggest this sphere (staff; "
                      "empty for others).")
    async def keywords(self, info: Info) -> list[SphereKeyword]:
        if not _staff(info.context.actor):
            return []
        rows = await info.context.loader(KeywordsBySphereLoader).load(self.id)
        return [SphereKeyword.from_row(r) for r in rows]


async def load_sphere(info: Info, sphere_id: Any) -> Sphere | None:
    if not sphere_id:
        return None
    row = await info.context.loader(SphereByIdLoader).load(str(sphere_id))
    return Sphere.from_row(row) if row else None


async def load_sphere_by_code(info: Info, code: str) -> Sphere | None:
    row = await info.context.loader(SphereByCodeLoader).load(code)
    return Sphere.from_row(row) if row else None


@strawberry.type(description="A body outside the Government competent for some questions: "
                 "messages may be redirected there (R-2.6); the consultation line names its "
                 "contacts (R-3.10).")
class ExternalAgency(RowNode, relay.Node):
    node_loader = AgencyByIdLoader

    id: relay.NodeID[str]
    name: str = strawberry.field(description="Official name.")
    competence: str = strawberry.field(description="What questions it handles, in plain words.")
    email: str | None = strawberry.field(description="Email for enquiries.")
    phone: str | None = strawberry.field(description="E.164, e.g. +78002008000.")
    postal_address: str | None = strawberry.field(description="Postal address.")
    website: str | None = strawberry.field(description="http(s) address.")
    active: bool = strawberry.field(description="Inactive agencies are not offered for redirects.")
    created_at: dt.datetime = strawberry.field(description="When it was added.")
    sphere_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return _signed_in(actor)

    @classmethod
    def from_row(cls, row: dict) -> ExternalAgency:
        return cls(id=str(row["id"]), name=row["name"], competence=row["competence"],
                   email=row["email"], phone=row["phone"], postal_address=row["postal_address"],
                   website=row["website"], active=row["active"], created_at=row["created_at"],
                   sphere_id=str(row["sphere_id"]) if row["sphere_id"] else None)

    @classmethod
    def from_model(cls, obj: Any) -> ExternalAgency:
        return cls.from_row(queries.row_of(obj, queries.AGENCY_COLUMNS))

    @strawberry.field(description="The sphere it mostly serves, if set.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.sphere_id)


async def load_agency(info: Info, agency_id: Any) -> ExternalAgency | None:
    if not agency_id:
        return None
    row = await info.context.loader(AgencyByIdLoader).load(str(agency_id))
    return ExternalAgency.from_row(row) if row else None


@strawberry.type(description="A department of the Government.")
class Department(RowNode, relay.Node):
    node_loader = DepartmentByIdLoader

    id: relay.NodeID[str]
    name: str = strawberry.field(description="The department's official name.")
    parent_id: strawberry.Private[str | None] = None

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        # The Government's structure is public; anonymous callers get nothing at all.
        return _signed_in(actor)

    @classmethod
    def from_row(cls, row: dict) -> Department:
        parent = row.get("parent_id")
        return cls(id=str(row["id"]), name=row["name"],
                   parent_id=str(parent) if parent else None)

    @classmethod
    def from_model(cls, obj: Any) -> Department:
        return cls.from_row(queries.row_of(obj, queries.DEPARTMENT_COLUMNS))

    @strawberry.field(description="The department it belongs to, if any.")
    async def parent(self, info: Info) -> Department | None:
        return await load_department(info, self.parent_id)


async def load_department(info: Info, department_id: Any) -> Department | None:
    if not department_id:
        return None
    row = await info.context.loader(DepartmentByIdLoader).load(str(department_id))
    return Department.from_row(row) if row else None


@strawberry.type(description="Someone who works in okno (staff only), known by their "
                 "identity-provider subject: their department (access and routing) and whether "
                 "they head it (overdue messages are escalated to heads).")
class StaffMember(RowNode, relay.Node):
    node_loader = StaffByIdLoader

    id: relay.NodeID[str]
    subject: str = strawberry.field(description="The token's `sub` of this employee; what "
                                    "`executorSubject` inputs take.")
    full_name: str = strawberry.field(description="Name to show.")
    email: str | None = strawberry.field(description="Work email, if recorded.")
    supervisor: bool = strawberry.field(description="Heads the department: gets escalations.")
    active: bool = strawberry.field(
        description="Inactive members are not assigned and get no alerts.")
    department_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return _staff(actor)

    @classmethod
    def from_row(cls, row: dict) -> StaffMember:
        return cls(id=str(row["id"]), subject=row["subject"], full_name=row["full_name"],
                   email=row["email"], supervisor=row["supervisor"], active=row["active"],
                   department_id=str(row["department_id"]) if row["department_id"] else None)

    @classmethod
    def from_model(cls, obj: Any) -> StaffMember:
        return cls.from_row(queries.row_of(obj, queries.STAFF_COLUMNS))

    @strawberry.field(description="Their department (access and routing).")
    async def department(self, info: Info) -> Department | None:
        return await load_department(info, self.department_id)


async def load_staff(info: Info, subject: str | None) -> StaffMember | None:
    """The staff member a subject names, for staff viewers only (null for anyone else)."""
    if not subject or not _staff(info.context.actor):
        return None
    row = await info.context.loader(StaffBySubjectLoader).load(subject)
    return StaffMember.from_row(row) if row else None


@strawberry.type(description="A page of external agencies by name. Continue with "
                 "`after: pageInfo.endCursor`.")
class ExternalAgencyConnection(Connection[ExternalAgency]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> ExternalAgencyConnection:
        return cls.of([ExternalAgency.from_row(r) for r in rows],
                      [encode_name_cursor(r["name"], r["id"]) for r in rows], has_next, after)


@strawberry.type(description="A page of staff members by name. Continue with "
                 "`after: pageInfo.endCursor`.")
class StaffMemberConnection(Connection[StaffMember]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> StaffMemberConnection:
        return cls.of([StaffMember.from_row(r) for r in rows],
                      [encode_name_cursor(r["full_name"], r["id"]) for r in rows], has_next,
                      after)
