"""GraphQL types of the directory: spheres (R-2.3) with keyword dictionaries, external
agencies (R-2.6, R-3.10) and staff members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients.dataloaders import DepartmentByIdLoader
from api.clients.types import Department
from api.directory.dataloaders import (
    AgencyByIdLoader,
    KeywordsBySphereLoader,
    SphereByIdLoader,
)
from api.permissions import actor_of


def _row(obj: Any, columns: Iterable[str]) -> dict[str, Any]:
    return {c: getattr(obj, c) for c in columns}


@strawberry.type(description="One term of a sphere's keyword dictionary. Terms match by stem: "
                 "«детский сад» finds «в детском саду»; upper-case abbreviations match whole "
                 "words only.")
class SphereKeyword:
    id: strawberry.ID = strawberry.field(description="Pass to removeSphereKeyword.")
    term: str = strawberry.field(description="A word or short phrase (up to six words).")
    weight: float = strawberry.field(description="How much one match counts (0.1–10, default 1).")

    @classmethod
    def from_row(cls, row: dict) -> SphereKeyword:
        return cls(id=strawberry.ID(str(row["id"])), term=row["term"], weight=row["weight"])


@strawberry.type(description="A sphere of the Government's activity (R-2.3). Every message "
                 "answered on the merits is classified by one.")
class Sphere(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable identifier (health, education, housing…); "
                                 "switch on it, show `name`.")
    name: str = strawberry.field(description="Russian name to show.")
    description: str | None = strawberry.field(
        description="What belongs to the sphere, in Russian.")
    position: int = strawberry.field(description="Display order, ascending.")
    active: bool = strawberry.field(description="Inactive spheres are not suggested or chosen.")

    @classmethod
    def from_row(cls, row: dict) -> Sphere:
        return cls(id=str(row["id"]), code=row["code"], name=row["name"],
                   description=row["description"], position=row["position"],
                   active=row["active"])

    @classmethod
    def from_model(cls, obj: Any) -> Sphere:
        from domain.directory.service import SPHERE_COLUMNS

        return cls.from_row(_row(obj, SPHERE_COLUMNS))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        actor_of(info)
        rows = await info.context.loader(SphereByIdLoader).load_many(list(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The keyword dictionary used to suggest this sphere (staff).")
    async def keywords(self, info: Info) -> list[SphereKeyword]:
        if not actor_of(info).is_staff:
            return []
        rows = await info.context.loader(KeywordsBySphereLoader).load(self.id)
        return [SphereKeyword.from_row(r) for r in rows]


async def load_sphere(info: Info, sphere_id: Any) -> Sphere | None:
    if not sphere_id:
        return None
    row = await info.context.loader(SphereByIdLoader).load(str(sphere_id))
    return Sphere.from_row(row) if row else None


@strawberry.type(description="A body outside the Government competent for some questions: "
                 "messages may be redirected there (R-2.6); the consultation line names its "
                 "contacts (R-3.10).")
class ExternalAgency(relay.Node):
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
    def from_row(cls, row: dict) -> ExternalAgency:
        return cls(id=str(row["id"]), name=row["name"], competence=row["competence"],
                   email=row["email"], phone=row["phone"], postal_address=row["postal_address"],
                   website=row["website"], active=row["active"], created_at=row["created_at"],
                   sphere_id=str(row["sphere_id"]) if row["sphere_id"] else None)

    @classmethod
    def from_model(cls, obj: Any) -> ExternalAgency:
        from domain.directory.service import AGENCY_COLUMNS

        return cls.from_row(_row(obj, AGENCY_COLUMNS))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        actor_of(info)
        rows = await info.context.loader(AgencyByIdLoader).load_many(list(node_ids))
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(description="The sphere it mostly serves, if set.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.sphere_id)


@strawberry.type(description="Someone who works in okno, by their identity-provider subject: "
                 "their department (access and routing) and whether they head it (overdue "
                 "messages are escalated to heads).")
class StaffMember:
    subject: str = strawberry.field(description="The token's `sub` of this employee.")
    full_name: str = strawberry.field(description="Name to show.")
    email: str | None = strawberry.field(description="Work email, if recorded.")
    supervisor: bool = strawberry.field(description="Heads the department: gets escalations.")
    active: bool = strawberry.field(
        description="Inactive members are not assigned and get no alerts.")
    department_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: dict) -> StaffMember:
        return cls(subject=row["subject"], full_name=row["full_name"], email=row["email"],
                   supervisor=row["supervisor"], active=row["active"],
                   department_id=str(row["department_id"]) if row["department_id"] else None)

    @classmethod
    def from_model(cls, obj: Any) -> StaffMember:
        from domain.directory.service import STAFF_COLUMNS

        return cls.from_row(_row(obj, STAFF_COLUMNS))

    @strawberry.field(description="Their department (access and routing).")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        row = await info.context.loader(DepartmentByIdLoader).load(self.department_id)
        return Department.from_row(row) if row else None
