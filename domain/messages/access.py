"""Who sees and does what with messages.

- A client (or an employee as an internal client) sees only their own messages.
- Operators, supervisors and admins see all messages.
- An executor sees the messages assigned to them and those of their department
  (the directory's ``StaffMember`` says which department that is).
"""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.expressions import Q

from domain.actor import Actor, Role
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode, not_found
from domain.messages.models import Message

ALL_SEEING = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
HANDLERS = frozenset({Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
REGISTRARS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
HEADS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


def parse_id(value: Any, field: str = "id", what: str = "Обращение") -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise not_found(what, field) from None


def forbid(text: str = "Недостаточно прав для этого действия.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, text)


async def department_of(actor: Actor) -> uuid.UUID | None:
    if actor.role != Role.EXECUTOR:
        return None
    member = await StaffMember.get_or_none(subject=actor.subject, active=True)
    return member.department_id if member else None


async def visibility(actor: Actor) -> Q | None:
    """A filter limiting messages to what ``actor`` may see; None means everything.
    A self-service actor without a client record sees nothing (``Q(pk=None)``)."""
    if actor.role in ALL_SEEING:
        return None
    if actor.role == Role.EXECUTOR:
        department = await department_of(actor)
        condition = Q(executor=actor.subject)
        if department is not None:
            condition |= Q(department_id=department)
        return condition
    if actor.client_id is None:
        return Q(id__isnull=True)
    try:
        return Q(client_id=uuid.UUID(str(actor.client_id)))
    except ValueError:
        return Q(id__isnull=True)


async def get_message_for(actor: Actor, message_id: Any, *, lock: bool = False) -> Message:
    """The message if it exists and ``actor`` may see it; both failures look the same."""
    mid = parse_id(message_id)
    query = Message.filter(id=mid)
    condition = await visibility(actor)
    if condition is not None:
        query = query.filter(condition)
    if lock:
        query = query.select_for_update()
    message = await query.first()
    if message is None:
        raise not_found("Обращение", "id")
    return message


def require(actor: Actor, roles: frozenset[Role]) -> None:
    if actor.role not in roles:
        raise forbid()


def require_handler(actor: Actor, message: Message) -> None:
    """The assigned executor works on a message; heads may step in."""
    if actor.role in HEADS:
        return
    if actor.role == Role.EXECUTOR and message.executor in (None, actor.subject):
        return
    raise forbid("С обращением работает назначенный исполнитель.")
