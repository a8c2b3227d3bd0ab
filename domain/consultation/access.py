"""Who may do what on the consultation line, beyond the role table.

Calls are staff records: operators take and record them, supervisors watch the wallboard
and keep the lines' scripts and who is competent for which sphere. A client never sees a
call record (their history shows that the call happened)."""

from __future__ import annotations

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode

TAKERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
KEEPERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


def forbid(message: str = "Недостаточно прав для этого действия.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)


def check_taker(actor: Actor) -> None:
    if actor.role not in TAKERS:
        raise forbid("Звонки линии консультаций записывают операторы и руководители.")


def check_keeper(actor: Actor) -> None:
    if actor.role not in KEEPERS:
        raise forbid("Линии и их сценарии ведут руководители и администраторы.")


def sees_calls(actor: Actor | None) -> bool:
    return actor is not None and actor.is_staff
