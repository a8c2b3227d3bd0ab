"""Who sees and does what with messages.

- A client (or an employee as an internal client) sees only their own messages.
- Operators, supervisors and admins see all messages.
- An executor sees the messages assigned to them and those of their department
  (the directory's ``StaffMember`` says which department that is).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from tortoise.expressions import Q, RawSQL, Subquery

from domain.actor import Actor, Role
from domain.directory import queries as directory
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import as_uuid, parse_uuid, uuids
from domain.messages.models import Message

ALL_SEEING = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
HANDLERS = frozenset({Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
REGISTRARS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})
HEADS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


def forbid(text: str = "Недостаточно прав для этого действия.") -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, text)


async def department_of(actor: Actor) -> uuid.UUID | None:
    if actor.role != Role.EXECUTOR:
        return None
    return await directory.department_of(actor.subject)


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
    own = as_uuid(actor.client_id)
    return Q(id__isnull=True) if own is None else Q(client_id=own)


def visibility_sql(actor: Actor, param: Callable[[Any], str], table: str = "message") -> str:
    """``visibility`` as a SQL condition on ``table`` (an alias) for pages read in plain
    SQL; ``param`` adds a value and returns its placeholder. The executor's department is a
    subquery (the directory's active record, as ``department_of`` reads it), so the page
    stays one statement. The same rule, exactly:
    ``tests/domain/messages/test_messages_page_sql.py`` compares the two for every role."""
    if actor.role in ALL_SEEING:
        return "1 = 1"
    if actor.role == Role.EXECUTOR:
        subject = param(actor.subject)
        return (f"({table}.executor = {subject} OR {table}.department_id = (SELECT "
                f"s.department_id FROM staff_member s WHERE s.subject = {subject} AND s.active))")
    own = as_uuid(actor.client_id)
    return "1 = 0" if own is None else f"{table}.client_id = {param(own)}"


async def visible_ids(actor: Actor, message_ids: list[Any]) -> set[str]:
    """Which of these messages ``actor`` may see (IDs as strings, as deliveries keep them)."""
    wanted = uuids(message_ids)
    if not wanted:
        return set()
    query = Message.filter(id__in=wanted)
    if (condition := await visibility(actor)) is not None:
        query = query.filter(condition)
    return {str(i) for i in await query.values_list("id", flat=True)}


async def delivery_scope(actor: Actor) -> Q | None:
    """The deliveries (outbox rows) ``actor`` may list, as a filter; None means all. An
    executor sees only what was sent about messages they may see (their own and their
    department's): a delivery's text is the message's answer, notices, clarifications."""
    if actor.role != Role.EXECUTOR:
        return None
    condition = await visibility(actor)
    ids = Message.filter(condition) if condition is not None else Message.all()
    # Deliveries keep the source's ID as text: compare text with text on both databases.
    return Q(source_type="message", source_id__in=Subquery(
        ids.annotate(text_id=RawSQL('CAST("message"."id" AS VARCHAR(36))')).values("text_id")))


def can_see(actor: Actor | None, row: Mapping[str, Any]) -> bool:
    """``visibility`` for one row already read, without a query: ``row`` carries the
    message's ``client_id``, ``executor``, and ``department_staff`` (the active staff
    subjects of its department, ``with_department_staff``). The same rule, exactly."""
    if actor is None:
        return False
    if actor.role in ALL_SEEING:
        return True
    if actor.role == Role.EXECUTOR:
        return (row["executor"] == actor.subject
                or actor.subject in row.get("department_staff", frozenset()))
    return not actor.is_staff and actor.can_see_client(row["client_id"])


async def with_department_staff(rows: list[dict[str, Any]], by: str = "department_id"
                                ) -> list[dict[str, Any]]:
    """Adds ``department_staff`` to rows that carry a message's department (in ``by``)."""
    staff = await directory.active_subjects_by_department([r[by] for r in rows if r[by]])
    for row in rows:
        row["department_staff"] = staff.get(str(row[by]), frozenset())
    return rows


async def get_message_for(actor: Actor, message_id: Any, *, lock: bool = False) -> Message:
    """The message if it exists and ``actor`` may see it; both failures look the same."""
    mid = parse_uuid(message_id, "messageId", "Обращение")
    query = Message.filter(id=mid)
    condition = await visibility(actor)
    if condition is not None:
        query = query.filter(condition)
    if lock:
        query = query.select_for_update()
    message = await query.first()
    if message is None:
        raise not_found("Обращение", "messageId")
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
