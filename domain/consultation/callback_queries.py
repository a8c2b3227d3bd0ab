"""Reads of callbacks: the operator's list (soonest due first, keyset pages on the
``(status, due_at)`` and ``(assignee_id, status, due_at)`` indexes) and the loaders' reads."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from tortoise.expressions import Q

from domain.actor import Actor
from domain.consultation.models import Callback, CallbackAttempt, CallbackStatus, CallbackWindow
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode
from domain.ids import as_uuid, parse_uuid

CALLBACK_COLUMNS = (
    "id", "call_id", "client_id", "number", "question", "promised_by", "status", "due_at",
    "due_until", "assignee_id", "attempts", "last_attempt_at", "outcome", "outcome_note",
    "done_at", "reminded_at", "overdue_alerted_at", "escalated_at", "created_by", "created_at",
)
WINDOW_COLUMNS = ("id", "callback_id", "starts_at", "ends_at")
ATTEMPT_COLUMNS = ("id", "callback_id", "staff_id", "outcome", "note", "attempted_at")


def encode_due_cursor(due_at: dt.datetime, row_id: Any) -> str:
    raw = f"{due_at.astimezone(dt.UTC).isoformat()}|{row_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_due_cursor(cursor: str) -> tuple[dt.datetime, Any]:
    try:
        at, sep, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        row_id = as_uuid(raw)
        if not sep or row_id is None:
            raise ValueError
        return dt.datetime.fromisoformat(at).astimezone(dt.UTC), row_id
    except (ValueError, UnicodeError):
        raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None


async def page(
    actor: Actor, first: int, after: str | None, *, assignee_id: Any = None, mine: bool = False,
    statuses: list[Any] | None = None, overdue_only: bool = False,
    due_before: dt.datetime | None = None, now: dt.datetime | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Callbacks soonest due first (default: the scheduled ones). ``mine``: assigned to the
    caller's own directory record; ``overdue_only``: the window closed with no answer;
    ``due_before``: due to start before that moment."""
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Обратные звонки видят только сотрудники.")
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)  # SQLite compares text
    try:
        wanted = [CallbackStatus(s) for s in statuses] if statuses else [
            CallbackStatus.SCHEDULED]
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неизвестное состояние.", "statuses") from None
    query = Callback.filter(status__in=wanted)
    if assignee_id is not None:
        query = query.filter(assignee_id=parse_uuid(assignee_id, "assigneeId", "Сотрудник"))
    if mine:
        own = await StaffMember.filter(subject=actor.subject).values_list("id", flat=True)
        if not own:
            return [], False  # not in the directory: nothing can be assigned to them
        query = query.filter(assignee_id=own[0])
    if overdue_only:
        query = query.filter(status=CallbackStatus.SCHEDULED, due_until__lte=now)
    if due_before is not None:
        query = query.filter(due_at__lt=due_before.astimezone(dt.UTC))
    if after:
        at, row_id = _decode_due_cursor(after)
        # The redundant bound lets the index scan start at the cursor (domain/pagination).
        query = query.filter(Q(due_at__gte=at), Q(due_at__gt=at) | Q(due_at=at, id__gt=row_id))
    rows = await query.order_by("due_at", "id").limit(first + 1).values(*CALLBACK_COLUMNS)
    return rows[:first], len(rows) > first


async def callbacks_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await Callback.filter(id__in=ids).values(*CALLBACK_COLUMNS)


async def windows_by_callback(ids: list[Any]) -> list[dict[str, Any]]:
    return await CallbackWindow.filter(callback_id__in=ids).order_by(
        "starts_at", "id").values(*WINDOW_COLUMNS)


async def attempts_by_callback(ids: list[Any]) -> list[dict[str, Any]]:
    return await CallbackAttempt.filter(callback_id__in=ids).order_by(
        "attempted_at", "id").values(*ATTEMPT_COLUMNS)
