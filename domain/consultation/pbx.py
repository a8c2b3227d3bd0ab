"""Events from the telephone exchange (PBX): call started, answered, ended. Each is kept
as received (``pbx_event``, unique per PBX and event id: a replay changes nothing) and
folded into the one call of its PBX call id, in any order: an "ended" before "started"
still ends in one complete call. The operator's record joins on the same call id.

The signature and timestamp are checked by the HTTP route (``api/http/consultation.py``)
with ``rules.signature_ok`` and ``rules.fresh`` before anything here runs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError

from domain.calendar.service import load_calendar
from domain.consultation import rules
from domain.consultation.models import (
    Call,
    CallSource,
    ConsultationLine,
    PbxEvent,
    PbxEventKind,
)
from domain.consultation.service import (
    caller_number,
    client_by_phone,
    publish_after_commit,
    record_call_event,
)
from domain.errors import DomainError, ErrorCode, not_found
from domain.transaction import transaction

ID_MAX = 200


@dataclass(frozen=True)
class Event:
    event_id: str
    call_id: str
    kind: PbxEventKind
    occurred_at: dt.datetime
    caller_number: str | None
    line_number: str | None
    payload: dict[str, Any]


def _bad(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field)


def _text(data: dict[str, Any], name: str, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > ID_MAX \
            or any(ord(c) < 32 for c in value):
        raise _bad(f"{name}: a non-empty string of at most {ID_MAX} characters", name)
    return value.strip()


def parse(raw: bytes) -> Event:
    """The JSON body: eventId, callId, kind (started | answered | ended), occurredAt
    (ISO 8601 with offset), callerNumber and lineNumber (the dialled number), both optional.
    Anything else is kept in the payload as received."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad("the body is not JSON", "body") from None
    if not isinstance(data, dict):
        raise _bad("the body is not a JSON object", "body")
    kind = data.get("kind")
    if kind not in PbxEventKind._value2member_map_:
        raise _bad("kind: started, answered or ended", "kind")
    try:
        at = dt.datetime.fromisoformat(str(data.get("occurredAt")))
    except ValueError:
        raise _bad("occurredAt: ISO 8601 with an offset", "occurredAt") from None
    if at.tzinfo is None:
        raise _bad("occurredAt: ISO 8601 with an offset", "occurredAt")
    number = _text(data, "callerNumber", required=False)
    try:
        number = caller_number(number)
    except DomainError:
        number = None  # a hidden or foreign number the PBX spelled its own way: no match
    return Event(event_id=_text(data, "eventId"), call_id=_text(data, "callId"),
                 kind=PbxEventKind(kind), occurred_at=at.astimezone(dt.UTC),
                 caller_number=number, line_number=_text(data, "lineNumber", required=False),
                 payload=data)


@dataclass(frozen=True)
class Received:
    call_id: uuid.UUID | None
    duplicate: bool


async def _line_of(pbx_id: str, line_number: str | None) -> ConsultationLine:
    if line_number:
        try:
            number = caller_number(line_number, "lineNumber")
        except DomainError:
            number = None
        line = await ConsultationLine.get_or_none(number=number) if number else None
        if line is not None:
            return line
    line = await ConsultationLine.filter(pbx_id=pbx_id).order_by("position").first()
    if line is None:
        raise not_found("Линия", "lineNumber")
    return line


class _Replay(Exception):
    """Raised inside the transaction to roll all of it back: the event was seen before."""


async def receive(pbx_id: str, event: Event) -> Received:
    """Record one event and fold it into its call (one transaction). A replayed event id
    returns ``duplicate`` and writes nothing: its insert fails on the unique key, and the
    whole transaction (with a call it may have just created) rolls back."""
    try:
        return await _receive(pbx_id, event)
    except _Replay:
        return Received(None, True)


async def _receive(pbx_id: str, event: Event) -> Received:
    async with transaction():
        # The call row is the lock every event of the call (and its replays) queues on.
        call = await Call.select_for_update().get_or_none(pbx_id=pbx_id,
                                                          pbx_call_id=event.call_id)
        created = False
        if call is None:
            line = await _line_of(pbx_id, event.line_number)
            try:
                async with transaction():  # a savepoint: a parallel creator wins
                    call = await Call.create(
                        id=uuid.uuid4(), line_id=line.id, source=CallSource.PBX, pbx_id=pbx_id,
                        pbx_call_id=event.call_id, started_at=event.occurred_at,
                        caller_number=event.caller_number,
                        client_id=await client_by_phone(event.caller_number),
                        after_hours=not rules.is_open(await load_calendar(),
                                                      event.occurred_at))
                created = True
            except IntegrityError:  # another event of this call created it first
                call = await Call.select_for_update().get(pbx_id=pbx_id,
                                                          pbx_call_id=event.call_id)
        try:
            await PbxEvent.create(
                id=uuid.uuid4(), pbx_id=pbx_id, event_id=event.event_id,
                pbx_call_id=event.call_id, kind=event.kind, occurred_at=event.occurred_at,
                payload=event.payload, call_id=call.id)
        except IntegrityError:
            raise _Replay from None
        times = None if created else rules.CallTimes(
            call.status, call.started_at, call.answered_at, call.ended_at)
        folded = rules.fold(times, event.kind, event.occurred_at)
        call.status, call.started_at = folded.status, folded.started_at
        call.answered_at, call.ended_at = folded.answered_at, folded.ended_at
        call.caller_number = call.caller_number or event.caller_number
        await call.save(update_fields=("status", "started_at", "answered_at", "ended_at",
                                       "caller_number", "updated_at"))
        if created and call.client_id is not None:
            line = await ConsultationLine.get(id=call.line_id)
            await record_call_event(call, f"Звонок на линию консультаций {line.display_number}",
                                    None, {"pbx": pbx_id})
        publish_after_commit(call)
    return Received(call.id, False)
