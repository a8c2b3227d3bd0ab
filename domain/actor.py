"""Who is acting: the authenticated subject, passed explicitly into services."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CLIENT = "client"
    EMPLOYEE = "employee"
    OPERATOR = "operator"
    EXECUTOR = "executor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF_ROLES = frozenset({Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
SELF_SERVICE_ROLES = frozenset({Role.CLIENT, Role.EMPLOYEE})


@dataclass(frozen=True, slots=True)
class Actor:
    role: Role
    subject: str
    # For self-service roles: the client record the subject is (or acts for).
    client_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can_see_client(self, client_id: str) -> bool:
        return self.is_staff or (self.client_id is not None and self.client_id == str(client_id))


SYSTEM = Actor(role=Role.SYSTEM, subject="system")
