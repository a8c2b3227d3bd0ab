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
    DeadlineAlertConnection,
    Message,
    MessageConnection,
    MessageStatusEnum,
    PlainLanguageFinding,
    SphereSuggestion,
    TextAudienceEnum,
    load_message,
)
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    bad_input,
    decode_id,
    decode_optional_id,
    page_size,
)
from domain.directory import queries as directory
from domain.errors import DomainError
from domain.messages import queries
from domain.texts import TextAudience, check_plain_language, classify, detect_abuse
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
    executor_subject: str | None = strawberry.field(
        default=None, description="The executor's token subject (`StaffMember.subject`).")
    urgent: bool | None = strawberry.field(default=None, description="Staff's urgency decision.")
    abuse_status: AbuseStatusEnum | None = strawberry.field(
        default=None, description="Abuse assessment state.")
    overdue: bool | None = strawberry.field(
        default=None, description="true: past the active deadline; false: not yet.")
    due_before: dt.datetime | None = strawberry.field(
        default=None, description="Active deadline earlier than this moment.")
    registration_number: str | None = strawberry.field(
        default=None, description="Exact registration number.")


def _filter(flt: MessageFilter | None) -> queries.MessageFilter:
    """The filter with its IDs decoded: a value that is not a global ID of its type is
    INVALID_ID (a BAD_USER_INPUT on the field); an unknown record simply matches nothing."""
    if flt is None:
        return queries.MessageFilter()
    return queries.MessageFilter(
        statuses=tuple(flt.statuses) if flt.statuses else None, audience=flt.audience,
        client_id=decode_optional_id(flt.client_id, "Client", "filter.clientId"),
        sphere_id=decode_optional_id(flt.sphere_id, "Sphere", "filter.sphereId"),
        department_id=decode_optional_id(flt.department_id, "Department", "filter.departmentId"),
        executor=flt.executor_subject, urgent=flt.urgent, abuse_status=flt.abuse_status,
        overdue=flt.overdue, due_before=flt.due_before,
        registration_number=flt.registration_number,
    )


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
    async def message(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(
            description="The message's global ID.")],
    ) -> Message | None:
        try:
            node_id = decode_id(id, "Message", "id")
        except DomainError:
            return None  # like node(id:): not a Message ID, so no such message
        return await load_message(info, node_id)

    @strawberry.field(description="Messages, newest received first. Clients get their own; "
                      "executors theirs and their department's; operators and heads all.")
    async def messages(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
        filter: Annotated[MessageFilter | None, strawberry.argument(
            description="Conditions, combined with AND; omit for all you may see.")] = None,
    ) -> MessageConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.page(actor_of(info), _filter(filter), size, after)
        except DomainError as exc:
            raise bad_input(exc) from None
        return MessageConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="Deadline alerts (warnings and escalations), newest first, "
                      "for the messages you may see.")
    async def deadline_alerts(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> DeadlineAlertConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.alerts_page(actor_of(info), size, after)
        except DomainError as exc:
            raise bad_input(exc) from None
        return DeadlineAlertConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="Run the checkers on a text while it is being written: plain "
                      "language (with the refusal rule when `refusal`, the stated-reason rule "
                      "when `reason`, fitted to `audience`), abuse, spheres.")
    async def check_text(
        self, info: Info,
        text: Annotated[str, strawberry.argument(description="The text being written.")],
        refusal: Annotated[bool, strawberry.argument(
            description="The text refuses: also check that it explains its grounds plainly "
            "(R-2.8).")] = False,
        audience: Annotated[TextAudienceEnum | None, strawberry.argument(
            description="R-2.8: who will read it; draftAnswer uses the client's segment. "
            "Defaults to PERSON.")] = None,
        reason: Annotated[bool, strawberry.argument(
            description="The text is a stated reason (a redirect or extension notice).")
        ] = False,
    ) -> TextCheck | None:
        try:
            clean = clean_text(text, "text", max_length=TEXT_MAX, multiline=True) or ""
        except DomainError as exc:
            raise bad_input(exc) from None
        settings = info.context.settings
        findings = check_plain_language(
            clean, refusal=refusal, reason=reason,
            audience=TextAudience(audience) if audience else TextAudience.PERSON,
            max_sentence_words=settings.message_max_sentence_words,
            simple_max_sentence_words=settings.message_simple_max_sentence_words)
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
    loader = info.context.loader(MessagesByClientLoader)
    loader.actor = actor_of(info)
    key = ClientMessagesKey(client_id, page_size(info, first), after)
    try:
        rows, has_next = await loader.load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    return MessageConnection.from_rows(rows, has_next, after)
