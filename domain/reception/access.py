"""Who may see or do what in the reception area, beyond the role table.

Points, officials, schedules and slots are public (self service lists free slots without a
token). A booking is seen by its client and by staff. Points, officials and schedules are
kept by supervisors and admins; bookings for a caller are made by staff who take calls."""

from __future__ import annotations

from typing import Any

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode

KEEPERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
BOOKERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


def forbid(message: str = "Недостаточно прав для этого действия.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)


def check_keeper(actor: Actor) -> None:
    """Points, officials, schedules and their exceptions are kept by supervisors and admins."""
    if actor.role not in KEEPERS:
        raise forbid("Расписание приёма ведут руководители и администраторы.")


def books_for_caller(actor: Actor) -> bool:
    """Staff who book for a caller on the consultation line (R-4.2)."""
    return actor.role in BOOKERS


def sees_booking(actor: Actor | None, client_id: Any) -> bool:
    return actor is not None and actor.can_see_client(client_id)
