"""Read side of messages: one message, lists with filters, deadline alerts, and the
checkers executors use while writing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.messages.dataloaders import ClientMessagesKey, MessagesByClientLoader
from api.messages.types import (
    AbuseFlag,
    AbuseStatusEnum,
    AudienceEnum,
    DeadlineAlert,
    Message,
    MessageConnection,
    MessageStatusEnum,
    PlainLanguageFinding,
    SphereSuggestion,
    load_message,
)
from api.permissions import actor_of
from api.relay import FIRST_DESCRIPTION, Connection, bad_input, decode_id, page_size
from domain.directory import service as directory
from domain.errors import DomainError
from domain.messages import queries
from domain.pagination import encode_cursor
from domain.texts import check_plain_language, classify, detect_abuse
from domain.validation import TEXT_MAX, clean_text


@strawberry.input(description="Narrow a message list; conditions combine with AND.")
class MessageFilter:
    statuses: list[MessageStatusEnum] | None = strawberry.field(
        default=None, description="Any of these states.")
    audience: AudienceEnum | None = strawberry.field(
        default=None, description="Appeals or internal requests only.")
    client_id: strawberry.ID | None = strawberry.field(
        default=None, description="One client's messages (global ID).")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="Confirmed sphere (global ID).")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Assigned department (global ID).")
    executor: str | None = strawberry.field(default=None, description="A staff subject.")
    urgent: bool | None = strawberry.field(default=None, description="Staff's urgency decision.")
    abuse_status: AbuseStatusEnum | None = strawberry.field(
        default=None, description="Abuse assessment state.")
    overdue: bool | None = strawberry.field(
        default=None, description="true: past the active deadline; false: not yet.")
    due_before: dt.datetime | None = strawberry.field(
        default=None, description="Active deadline earlier than this moment.")
    registration_number: str | None = strawberry.field(
        default=None, description="Exact registration number.")


def _decode(value: strawberry.ID | None, type_name: str, field: str) -> str | None:
    if value is None:
        return None
    try:
        return decode_id(value, type_name, field)
    except DomainError:
        return "invalid"  # matches nothing


def _filter(flt: MessageFilter | None) -> queries.MessageFilter:
    if flt is None:
        return queries.MessageFilter()
    return queries.MessageFilter(
        statuses=tuple(flt.statuses) if flt.statuses else None, audience=flt.audience,
        client_id=_decode(flt.client_id, "Client", "clientId"),
        sphere_id=_decode(flt.sphere_id, "Sphere", "sphereId"),
        department_id=_decode(flt.department_id, "Department", "departmentId"),
        executor=flt.executor, urgent=flt.urgent, abuse_status=flt.abuse_status,
        overdue=flt.overdue, due_before=flt.due_before,
        registration_number=flt.registration_number,
    )


def connection(rows: list[dict], has_next: bool, after: str | None, staff: bool
               ) -> MessageConnection:
    cursors = [encode_cursor(r["received_at"], r["id"]) for r in rows]
    return MessageConnection.of([Message.from_row(r, staff) for r in rows], cursors, has_next, after)


@strawberry.type(description="What the checkers say about a text.")
class TextCheck:
    findings: list[PlainLanguageFinding] = strawberry.field(
        description="R-2.2/R-2.8 plain-language findings, by position.")
    abuse_flags: list[AbuseFlag] = strawberry.field(description="R-2.5 detector evidence.")
    spheres: list[SphereSuggestion] = strawberry.field(description="R-2.3 suggestions.")


@strawberry.type
class MessageQueries:
    @strawberry.field(description="One message by ID; null when missing or not visible (clients "
                      "see their own, executors their department's).")
    async def message(self, info: Info, id: strawberry.ID) -> Message | None:
        try:
            return await load_message(info, decode_id(id, "Message", "id"))
        except DomainError:
            return None

    @strawberry.field(description="Messages, newest received first. Clients get their own; "
                      "executors theirs and their department's; operators and heads all.")
    async def messages(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: str | None = None, filter: MessageFilter | None = None,
    ) -> MessageConnection:
        actor = actor_of(info)
        try:
            rows, has_next = await queries.page(actor, _filter(filter), page_size(info, first),
                                                after)
        except DomainError as exc:
            raise bad_input(exc) from None
        return connection(rows, has_next, after, actor.is_staff)

    @strawberry.field(description="Deadline alerts (warnings and escalations), newest first, "
                      "for the messages you may see.")
    async def deadline_alerts(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: str | None = None,
    ) -> Connection[DeadlineAlert]:
        try:
            rows, has_next = await queries.alerts_page(actor_of(info), page_size(info, first),
                                                       after)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
        return Connection.of([DeadlineAlert.from_row(r) for r in rows], cursors, has_next, after)

    @strawberry.field(description="Run the checkers on a text while it is being written: plain "
                      "language (with the refusal rule when `refusal`), abuse, spheres.")
    async def check_text(self, info: Info, text: str, refusal: bool = False) -> TextCheck:
        try:
            clean = clean_text(text, "text", max_length=TEXT_MAX, multiline=True) or ""
        except DomainError as exc:
            raise bad_input(exc) from None
        limit = info.context.settings.message_max_sentence_words
        findings = check_plain_language(clean, refusal=refusal, max_sentence_words=limit)
        ranked = classify(clean, await directory.dictionaries())
        return TextCheck(
            findings=[PlainLanguageFinding.from_dict(f.as_dict()) for f in findings],
            abuse_flags=[AbuseFlag.from_dict(f.as_dict()) for f in detect_abuse(clean).flags],
            spheres=[SphereSuggestion(code=r.sphere, confidence=r.confidence,
                                      matched=list(r.matched)) for r in ranked],
        )


async def client_messages(
    client_id: str, info: Info, first: int | None, after: str | None,
) -> MessageConnection:
    """``Client.messages``: the client's messages, newest first, batched across clients."""
    actor = actor_of(info)
    loader = info.context.loader(MessagesByClientLoader)
    loader.actor = actor
    key = ClientMessagesKey(client_id, page_size(info, first), after)
    try:
        rows, has_next = await loader.load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    return connection(rows, has_next, after, actor.is_staff)
