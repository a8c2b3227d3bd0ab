"""Calls (R-3.1, R-3.3, R-3.4): the operator starts a call (or joins the one the PBX
reported), records its topics and notes, and ends it with an outcome. Each use case runs in
one transaction, writes the caller's history and publishes the change after commit.

Transfers, referrals and other channels are in ``handoffs.py``; the PBX webhook in ``pbx.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.clients import rules as client_rules
from domain.clients.access import get_client_for
from domain.clients.models import Client, ClientKind, ContactKind, ContactPoint
from domain.consultation import lines
from domain.consultation.access import check_taker
from domain.consultation.events import publish_call_updated
from domain.consultation.models import (
    Call,
    CallOutcome,
    CallSource,
    CallStatus,
    CallTopic,
    ConsultationLine,
    LineScript,
    ScriptKind,
)
from domain.directory.models import StaffMember
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.history.models import Direction
from domain.ids import as_uuid, parse_uuid
from domain.transaction import after_commit, transaction
from domain.validation import NAME_MAX, clean_text, normalise_phone

NOTES_MAX = 10_000
PBX_CALL_ID_MAX = 200

OUTCOME_RU = {
    CallOutcome.ANSWERED: "дан ответ",
    CallOutcome.TRANSFERRED: "звонок переведён специалисту",
    CallOutcome.CALLBACK_PROMISED: "обещан обратный звонок",
    CallOutcome.OUT_OF_COMPETENCE: "вопрос вне компетенции Правительства, дана справка",
    CallOutcome.WRITTEN_CHANNEL: "вопрос принят письменно",
    CallOutcome.RECEPTION_BOOKED: "запись на личный приём",
}


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Caller:
    """What the operator heard: the number, and a name when a new card is needed."""

    number: str | None = None
    client_id: Any = None
    first_name: str | None = None
    last_name: str | None = None
    middle_name: str | None = None


def line_closed() -> DomainError:
    return DomainError(
        ErrorCode.LINE_CLOSED, "Линия консультаций сейчас не работает: звонки принимаются в "
        "рабочее время Правительства.", "lineId")


async def staff_id_of(actor: Actor) -> Any:
    return await StaffMember.filter(subject=actor.subject).first().values_list("id", flat=True)


async def current_version(line_id: Any, kind: ScriptKind) -> int | None:
    return await LineScript.filter(line_id=line_id, kind=kind).order_by(
        "-version").first().values_list("version", flat=True)


def caller_number(raw: str | None, field: str = "callerNumber") -> str | None:
    """The number in any spelling, as E.164; None when not given."""
    if raw is None or not str(raw).strip():
        return None
    return normalise_phone(str(raw), field)


async def client_by_phone(number: str | None) -> Any:
    """The one client with this phone among their contacts; None when none or several
    (then the operator picks the card)."""
    if number is None:
        return None
    found = set(await ContactPoint.filter(kind=ContactKind.PHONE, value=number).limit(2)
                .values_list("client_id", flat=True))
    return next(iter(found)) if len(found) == 1 else None


async def resolve_caller(actor: Actor, caller: Caller) -> Any:
    """The caller's client: the card named, else the one found by the number, else a new
    card from the name said (with the number as its phone), else none yet."""
    number = caller_number(caller.number)
    if caller.client_id is not None:
        return (await get_client_for(actor, caller.client_id, "clientId")).id
    found = await client_by_phone(number)
    if found is not None:
        return found
    first = clean_text(caller.first_name, "callerFirstName", max_length=NAME_MAX)
    last = clean_text(caller.last_name, "callerLastName", max_length=NAME_MAX)
    middle = clean_text(caller.middle_name, "callerMiddleName", max_length=NAME_MAX)
    if not first and not last:
        return None
    client = await Client.create(
        id=uuid.uuid4(), kind=ClientKind.PERSON, first_name=first, last_name=last,
        middle_name=middle, search_name=client_rules.search_key(client_rules.display_name(
            ClientKind.PERSON, last, first, middle, None)))
    await history.record(client.id, EventKind.CLIENT_CREATED,
                         "Карточка клиента создана по звонку на линию консультаций",
                         actor=actor, source=(SourceType.CLIENT, client.id))
    if number is not None:
        contact = await ContactPoint.create(client_id=client.id, kind=ContactKind.PHONE,
                                            value=number, primary=True)
        await history.record(client.id, EventKind.CONTACT_ADDED, "Добавлен контакт: телефон",
                             actor=actor, source=(SourceType.CONTACT, contact.id))
    return client.id


def clean_topics(topics: list[CallTopic] | None) -> list[str] | None:
    if topics is None:
        return None
    return list(dict.fromkeys(str(CallTopic(t)) for t in topics))


async def record_call_event(call: Call, summary: str, actor: Actor | None,
                            details: dict[str, Any] | None = None) -> None:
    """The call in the caller's interaction history (R-1.5), when the caller is known."""
    if call.client_id is None:
        return
    await history.record(call.client_id, EventKind.CALL, summary, actor=actor,
                         direction=Direction.INBOUND, channel=Channel.PHONE,
                         source=(SourceType.CALL, call.id),
                         details={"callId": str(call.id), **(details or {})})


def publish_after_commit(call: Call) -> None:
    call_id, line_id, status = call.id, call.line_id, str(call.status)
    after_commit(lambda: publish_call_updated(call_id, line_id, status))


async def locked_call(actor: Actor, call_id: Any) -> Call:
    check_taker(actor)
    cid = as_uuid(call_id)
    call = await Call.select_for_update().get_or_none(id=cid) if cid else None
    if call is None:
        raise not_found("Звонок", "callId")
    return call


async def start_call(actor: Actor, *, line_id: Any, caller: Caller,
                     topics: list[CallTopic] | None = None,
                     pbx_call_id: str | None = None) -> Call:
    """The operator takes a call: on an open line only (R-3.3); the greeting version in use
    is recorded (R-3.4). With ``pbx_call_id`` the call the PBX already reported is joined."""
    check_taker(actor)
    lid = parse_uuid(line_id, "lineId", "Линия")
    pbx_call_id = clean_text(pbx_call_id, "pbxCallId", max_length=PBX_CALL_ID_MAX)
    topic_values = clean_topics(topics) or []
    moment = now()
    line = await ConsultationLine.get_or_none(id=lid, active=True)
    if line is None:
        raise not_found("Линия", "lineId")
    if not await lines.line_is_open(moment):
        raise line_closed()
    staff_id = await staff_id_of(actor)
    for _ in range(2):
        try:
            async with transaction():
                client_id = await resolve_caller(actor, caller)
                number = caller_number(caller.number)
                call = None
                if pbx_call_id and line.pbx_id:
                    call = await Call.select_for_update().get_or_none(
                        pbx_id=line.pbx_id, pbx_call_id=pbx_call_id)
                if call is None:
                    call = Call(id=uuid.uuid4(), line_id=line.id, source=CallSource.OPERATOR,
                                started_at=moment, status=CallStatus.ANSWERED,
                                answered_at=moment,
                                pbx_id=line.pbx_id if pbx_call_id else None,
                                pbx_call_id=pbx_call_id)
                elif call.status == CallStatus.STARTED:
                    call.status, call.answered_at = CallStatus.ANSWERED, moment
                had_client = call.client_id is not None
                call.client_id = call.client_id or client_id
                call.caller_number = call.caller_number or number
                call.operator_id, call.operator_subject = staff_id, actor.subject[:200]
                call.topics = list(dict.fromkeys([*call.topics, *topic_values]))
                call.greeting_version = await current_version(line.id, ScriptKind.GREETING)
                await call.save()
                if call.client_id is not None and not had_client:
                    await record_call_event(call, f"Звонок на линию консультаций "
                                            f"{line.display_number}", actor)
                publish_after_commit(call)
            return call
        except IntegrityError:
            continue  # the PBX created the call at the same moment: join it now
    raise DomainError(ErrorCode.DUPLICATE, "Звонок уже записан. Обновите экран.", "pbxCallId")


async def update_call(actor: Actor, call_id: Any, *, topics: list[CallTopic] | None = None,
                      notes: str | None = None, caller: Caller | None = None,
                      survey_consent: bool | None = None) -> Call:
    """What the operator learns during the call: topics (R-3.1), notes, who the caller is,
    their consent to a survey after the call (R-9)."""
    notes = clean_text(notes, "notes", max_length=NOTES_MAX, multiline=True)
    topic_values = clean_topics(topics)
    async with transaction():
        call = await locked_call(actor, call_id)
        if topic_values is not None:
            call.topics = topic_values
        if notes is not None:
            call.notes = notes
        if survey_consent is not None:
            call.survey_consent = survey_consent
        if caller is not None and call.client_id is None:
            call.caller_number = call.caller_number or caller_number(caller.number)
            call.client_id = await resolve_caller(actor, caller)
            line = await ConsultationLine.get(id=call.line_id)
            await record_call_event(call, f"Звонок на линию консультаций "
                                    f"{line.display_number}", actor)
        await call.save()
        publish_after_commit(call)
    return call


async def end_call(actor: Actor, call_id: Any, outcome: CallOutcome,
                   notes: str | None = None) -> Call:
    """The operator closes the call with its outcome; the farewell version in use is
    recorded (R-3.4). Ending an ended call again sets the outcome only."""
    notes = clean_text(notes, "notes", max_length=NOTES_MAX, multiline=True)
    async with transaction():
        call = await locked_call(actor, call_id)
        call.outcome = CallOutcome(outcome)
        if notes is not None:
            call.notes = notes
        call.farewell_version = await current_version(call.line_id, ScriptKind.FAREWELL)
        if call.status != CallStatus.ENDED:
            call.status, call.ended_at = CallStatus.ENDED, now()
        await call.save()
        await record_call_event(call, f"Звонок завершён: {OUTCOME_RU[call.outcome]}", actor,
                                {"outcome": str(call.outcome)})
        publish_after_commit(call)
    return call
