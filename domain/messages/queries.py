"""Reading messages: pages for lists (staff by role and department, clients their own)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Subquery

from domain import sql
from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.history.service import newest_ids_per_client, split_pages
from domain.ids import as_uuid
from domain.messages import access
from domain.messages.models import (
    AbuseStatus,
    Answer,
    Attachment,
    Audience,
    Clarification,
    DeadlineAlert,
    Message,
    MessageStatus,
)
from domain.pagination import after_sql, newest_first
from domain.validation import clean_text

MESSAGE_COLUMNS = (
    "id", "client_id", "audience", "form", "category", "channel", "contact_id", "reply_channel",
    "reply_additional_channel", "subject", "body", "received_at", "registered_at",
    "registration_number", "edms_number", "edms_link", "status", "department_id", "executor",
    "suggested_sphere_id", "sphere_confidence", "sphere_suggestions", "sphere_id",
    "urgency_suggested", "urgency_reasons", "urgent", "urgent_due_date", "urgency_note",
    "abuse_status", "abuse_flags", "abuse_notice_due_date", "abuse_notice_sent_at",
    "registration_due_date", "answer_due_date", "redirect_due_date", "extended",
    "extension_reason", "terms", "due_kind", "due_date", "due_at", "escalated_at",
    "redirected_to_id", "redirect_reason", "notice_findings", "offered_channels",
    "chosen_channel", "closed_at", "created_at", "updated_at",
)
ANSWER_COLUMNS = ("id", "message_id", "text", "outcome", "method", "findings", "drafted_by",
                  "drafted_at", "sent_at", "sent_by", "survey_invitation_id", "edms_number",
                  "edms_link")
ATTACHMENT_COLUMNS = ("id", "message_id", "file_name", "content_type", "size_bytes",
                      "storage_key", "created_at")
CLARIFICATION_COLUMNS = ("id", "message_id", "contact_id", "channel", "contact_value",
                         "occurred_at", "note", "written_request", "actor_subject", "findings")
ALERT_COLUMNS = ("id", "message_id", "kind", "due_kind", "due_at", "recipients",
                 "department_id", "created_at")


@dataclass(frozen=True)
class MessageFilter:
    statuses: tuple[MessageStatus, ...] | None = None
    audience: Audience | None = None
    client_id: Any = None
    sphere_id: Any = None
    department_id: Any = None
    executor: str | None = None
    urgent: bool | None = None
    abuse_status: AbuseStatus | None = None
    overdue: bool | None = None
    due_before: dt.datetime | None = None
    registration_number: str | None = None


def page_statement(actor: Actor, flt: MessageFilter, first: int, after: str | None,
                   select: str, table: str = "message", now: dt.datetime | None = None
                   ) -> tuple[str, list[Any]] | None:
    """The SELECT of one page: ``first`` + 1 rows of ``select`` (expressions on ``table``,
    an alias of ``message``), newest received first, of what ``actor`` may see; None when
    nothing can match. Plain SQL: the stock list and the fast path (api/fastpath) share it.
    Every filter has an index ending in (received_at, id)."""
    params: list[Any] = []

    def param(value: Any) -> str:
        params.append(value)
        return f"${len(params)}"

    where = [access.visibility_sql(actor, param, table)]
    for value, name in ((flt.client_id, "client_id"), (flt.sphere_id, "sphere_id"),
                        (flt.department_id, "department_id")):
        if value is not None:
            parsed = as_uuid(value)
            if parsed is None:  # an unknown or forged ID matches nothing, like an ID of nothing
                return None
            where.append(f"{table}.{name} = {param(parsed)}")
    if flt.statuses:
        marks = ", ".join(param(str(s)) for s in dict.fromkeys(flt.statuses))
        where.append(f"{table}.status IN ({marks})")
    for value, name in ((flt.audience, "audience"), (flt.abuse_status, "abuse_status")):
        if value:
            where.append(f"{table}.{name} = {param(str(value))}")
    if flt.executor:
        subject = clean_text(flt.executor, "executorSubject", max_length=200)
        where.append(f"{table}.executor = {param(subject)}")
    if flt.urgent is not None:
        where.append(f"{table}.urgent = {param(flt.urgent)}")
    if flt.overdue is not None:
        moment = param(now or dt.datetime.now(dt.UTC))
        where.append(f"{table}.due_at < {moment}" if flt.overdue else
                     f"{table}.due_at >= {moment}")
    if flt.due_before is not None:
        before = flt.due_before if flt.due_before.tzinfo else flt.due_before.replace(tzinfo=dt.UTC)
        try:
            before = before.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            raise DomainError(ErrorCode.INVALID, "Неверная дата.", "dueBefore") from None
        where.append(f"{table}.due_at < {param(before)}")
    if flt.registration_number:
        number = clean_text(flt.registration_number, "registrationNumber", max_length=100)
        where.append(f"{table}.registration_number = {param(number)}")
    if after:
        where.append(after_sql(after, f"{table}.received_at", f"{table}.id", param, uuid.UUID))
    return (f"SELECT {select} FROM message {table} WHERE {' AND '.join(where)} "
            f"ORDER BY {table}.received_at DESC, {table}.id DESC LIMIT {int(first) + 1}"), params


_MESSAGE_SELECT = ", ".join(f"message.{c}" for c in MESSAGE_COLUMNS)


async def page(actor: Actor, flt: MessageFilter, first: int, after: str | None,
               now: dt.datetime | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Newest received first, as dicts of ``MESSAGE_COLUMNS``, plus whether more follow."""
    statement = page_statement(actor, flt, first, after, _MESSAGE_SELECT, now=now)
    if statement is None:
        return [], False
    rows = await sql.fetch_values(Message, *statement, MESSAGE_COLUMNS)
    return rows[:first], len(rows) > first


async def first_pages_of_clients(client_ids: list[str], first: int
                                 ) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """The first page of each client's messages in two statements (for viewers who see
    them all: no visibility filter here)."""
    found_ids = await newest_ids_per_client("message", "received_at", client_ids, first + 1)
    rows = (await Message.filter(id__in=found_ids).order_by(
        "client_id", "-received_at", "-id").values(*MESSAGE_COLUMNS) if found_ids else [])
    return split_pages(rows, client_ids, first)


# What a row that hangs off a message carries so that ``access.can_see`` can judge it.
_MESSAGE_ACCESS = {"client_id": "message__client_id", "executor": "message__executor",
                   "message_department_id": "message__department_id"}


async def by_ids(ids: list[Any]) -> list[dict[str, Any]]:
    """Messages by ID, each with ``department_staff`` for ``access.can_see``."""
    rows = await Message.filter(id__in=ids).values(*MESSAGE_COLUMNS)
    return await access.with_department_staff(rows)


async def _parts_by_ids(model: Any, columns: tuple[str, ...], ids: list[Any]
                        ) -> list[dict[str, Any]]:
    rows = await model.filter(id__in=ids).values(*columns, **_MESSAGE_ACCESS)
    return await access.with_department_staff(rows, "message_department_id")


async def answers_by_ids(ids: list[Any]) -> list[dict[str, Any]]:
    return await _parts_by_ids(Answer, ANSWER_COLUMNS, ids)


async def attachments_by_ids(ids: list[Any]) -> list[dict[str, Any]]:
    return await _parts_by_ids(Attachment, ATTACHMENT_COLUMNS, ids)


async def clarifications_by_ids(ids: list[Any]) -> list[dict[str, Any]]:
    return await _parts_by_ids(Clarification, CLARIFICATION_COLUMNS, ids)


async def alerts_by_ids(ids: list[Any]) -> list[dict[str, Any]]:
    return await _parts_by_ids(DeadlineAlert, ALERT_COLUMNS, ids)


async def answers_of(message_ids: list[Any]) -> list[dict[str, Any]]:
    return await Answer.filter(message_id__in=message_ids).values(*ANSWER_COLUMNS)


async def attachments_of(message_ids: list[Any]) -> list[dict[str, Any]]:
    return await Attachment.filter(message_id__in=message_ids).order_by("created_at").values(
        *ATTACHMENT_COLUMNS)


async def clarifications_of(message_ids: list[Any]) -> list[dict[str, Any]]:
    return await Clarification.filter(message_id__in=message_ids).order_by(
        "occurred_at").values(*CLARIFICATION_COLUMNS)


async def alerts_of(message_ids: list[Any]) -> list[dict[str, Any]]:
    return await DeadlineAlert.filter(message_id__in=message_ids).order_by("created_at").values(
        *ALERT_COLUMNS)


async def alerts_page(actor: Actor, first: int, after: str | None
                      ) -> tuple[list[dict[str, Any]], bool]:
    """Deadline alerts, newest first: all for heads, an executor's own and their
    department's for executors."""
    query = DeadlineAlert.all()
    condition = await access.visibility(actor)
    if condition is not None:
        query = query.filter(message_id__in=Subquery(Message.filter(condition).values("id")))
    return await newest_first(query, "created_at", first, after, ALERT_COLUMNS, int)
