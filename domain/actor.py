"""Who is acting: the authenticated subject, passed explicitly into services."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.ids import as_uuid


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

    def can_see_client(self, client_id: Any) -> bool:
        """Staff see every client; anyone else only the record their token names.

        Compares parsed UUIDs, so an upper-case subject still matches its own record and a
        non-UUID one matches nothing."""
        if self.is_staff:
            return True
        own = as_uuid(self.client_id)
        return own is not None and own == as_uuid(client_id)


SYSTEM = Actor(role=Role.SYSTEM, subject="system")
