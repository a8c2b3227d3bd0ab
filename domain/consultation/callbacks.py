"""Callbacks (R-3.8): promised on a call, due in the caller's windows inside working hours,
tried until the caller is reached or no window is left; every step in the client's history.

Reads (the operator's list, loaders) are in ``callback_queries``; the reminder and overdue
sweep in ``callback_alerts``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.consultation import after_call
from domain.consultation import callback_rules as rules
from domain.consultation.models import (
    Call,
    CallbackAttempt,
    CallbackOutcome,
    CallbackStatus,
    CallbackWindow,
    CallOutcome,
)
from domain.consultation.models import Callback as CallbackRow
from domain.directory.models import StaffMember
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import parse_uuid
from domain.settings import Settings, get_settings
from domain.transaction import transaction
from domain.validation import clean_text, normalise_phone

QUESTION_MAX = 2000
NOTE_MAX = 2000

OUTCOME_RU = {
    CallbackOutcome.ANSWERED: "ответ дан",
    CallbackOutcome.NO_ANSWER: "не ответил",
    CallbackOutcome.BUSY: "занято",
    CallbackOutcome.WRONG_NUMBER: "неверный номер",
    CallbackOutcome.DECLINED: "ответ больше не нужен",
}


def _forbid() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "Обратные звонки ведут только сотрудники.")


def _now() -> dt.datetime:
    # Full precision: two attempts in one second keep their order in the log.
    return dt.datetime.now(dt.UTC)


def local_label(moment: dt.datetime, settings: Settings) -> str:
    return moment.astimezone(ZoneInfo(settings.timezone)).strftime("%d.%m.%Y %H:%M")


async def _staff_id(subject: str) -> Any:
    return await StaffMember.filter(subject=subject).first().values_list("id", flat=True)


async def _assignee(assignee_id: Any, call: Call, actor: Actor) -> Any:
    """The named employee; else the call's operator; else whoever promised (if in the
    directory); else nobody, and the alerts go to the supervisors."""
    if assignee_id is not None:
        member = await StaffMember.get_or_none(
            id=parse_uuid(assignee_id, "assigneeId", "Сотрудник"), active=True)
        if member is None:
            raise not_found("Сотрудник", "assigneeId")
        return member.id
    return call.operator_id or await _staff_id(actor.subject)


async def promise(
    actor: Actor, call_id: Any, number: Any, promised_by: dt.datetime,
    windows: list[rules.Window], *, assignee_id: Any = None, question: Any = None,
    settings: Settings | None = None, now: dt.datetime | None = None,
) -> CallbackRow:
    """R-3.8: the caller's number, when the answer will be ready, their windows; due in the
    first working part of a window after the promised time."""
    if not actor.is_staff:
        raise _forbid()
    settings = settings or get_settings()
    now = (now or _now()).astimezone(dt.UTC)  # SQLite compares text
    call = await Call.get_or_none(id=parse_uuid(call_id, "callId", "Звонок"))
    if call is None:
        raise not_found("Звонок", "callId")
    # A number we call, so no premium-rate line (phone_countries, like contact points).
    phone = normalise_phone(number, "number", countries=settings.phone_countries)
    text = clean_text(question, "question", max_length=QUESTION_MAX, multiline=True) or ""
    calendar = await load_calendar(settings)
    slots = rules.check_windows(windows, promised_by, now, calendar)
    assignee = await _assignee(assignee_id, call, actor)
    first = slots[0]
    async with transaction():
        callback = await CallbackRow.create(
            call_id=call.id, client_id=call.client_id, number=phone, question=text,
            promised_by=promised_by.astimezone(dt.UTC), status=CallbackStatus.SCHEDULED,
            due_at=first.starts_at, due_until=first.ends_at, assignee_id=assignee,
            created_by=actor.subject,
        )
        await CallbackWindow.bulk_create([
            CallbackWindow(callback_id=callback.id, starts_at=w.starts_at.astimezone(dt.UTC),
                           ends_at=w.ends_at.astimezone(dt.UTC)) for w in windows])
        await Call.filter(id=call.id, outcome__isnull=True).update(
            outcome=CallOutcome.CALLBACK_PROMISED)
        if call.client_id is not None:
            await history.record(
                call.client_id, EventKind.CALL,
                f"Обещан обратный звонок на номер {phone}: ответ будет готов к "
                f"{local_label(promised_by, settings)}, звонок с "
                f"{local_label(first.starts_at, settings)}",
                direction=Direction.INTERNAL, channel=Channel.PHONE, actor=actor,
                source=("call", call.id),
                details={"event": "callback_promised", "callbackId": str(callback.id),
                         "dueAt": first.starts_at.isoformat(),
                         "dueUntil": first.ends_at.isoformat()},
            )
    return callback


def _outcome(value: Any) -> CallbackOutcome:
    try:
        return CallbackOutcome(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Укажите, чем закончилась попытка.",
                          "outcome") from None


async def record_attempt(
    actor: Actor, callback_id: Any, outcome: Any, note: Any = None, *,
    settings: Settings | None = None, now: dt.datetime | None = None,
) -> CallbackRow:
    """One try to call back, logged with its outcome (R-3.8). Reached: done. No answer or
    busy: due in the next slot, or failed when none is left. A wrong number: failed."""
    if not actor.is_staff:
        raise _forbid()
    settings = settings or get_settings()
    now = (now or _now()).astimezone(dt.UTC)  # SQLite compares text
    result = _outcome(outcome)
    text = clean_text(note, "note", max_length=NOTE_MAX, multiline=True) or ""
    key = parse_uuid(callback_id, "callbackId", "Обратный звонок")
    calendar = await load_calendar(settings)
    staff = await _staff_id(actor.subject)
    async with transaction():
        callback = await CallbackRow.select_for_update().get_or_none(id=key)
        if callback is None:
            raise not_found("Обратный звонок", "callbackId")
        if callback.status != CallbackStatus.SCHEDULED:
            raise DomainError(ErrorCode.INVALID_STATE, "Этот обратный звонок уже закрыт.",
                              "callbackId")
        if callback.attempts >= rules.MAX_ATTEMPTS:
            raise DomainError(ErrorCode.INVALID_STATE, "Слишком много попыток: обратитесь к "
                              "руководителю.", "callbackId")
        windows = [rules.Window(w["starts_at"], w["ends_at"]) for w in await CallbackWindow
                   .filter(callback_id=key).order_by("starts_at").values("starts_at", "ends_at")]
        slots = rules.all_slots(windows, callback.promised_by, calendar)
        step = rules.after_attempt(result, now, rules.current_slot(
            slots, callback.due_at, callback.due_until), slots)
        await CallbackAttempt.create(callback_id=key, staff_id=staff, outcome=result, note=text,
                                     attempted_at=now)
        callback.attempts += 1
        callback.last_attempt_at = now
        callback.outcome = result
        callback.outcome_note = text
        callback.status = step.status
        if step.step == rules.Step.MOVED:
            callback.due_at, callback.due_until = step.slot.starts_at, step.slot.ends_at
            callback.reminded_at = callback.overdue_alerted_at = None  # the new window's own
        if step.status != CallbackStatus.SCHEDULED:
            callback.done_at = now
        await callback.save(update_fields=(
            "attempts", "last_attempt_at", "outcome", "outcome_note", "status", "due_at",
            "due_until", "reminded_at", "overdue_alerted_at", "done_at", "updated_at"))
        if callback.client_id is not None:
            await history.record(
                callback.client_id, EventKind.CALL, _summary(step, result, callback, settings),
                direction=Direction.OUTBOUND, channel=Channel.PHONE, actor=actor,
                source=("call", callback.call_id),
                details={"event": "callback_attempt", "callbackId": str(callback.id),
                         "outcome": str(result), "status": str(callback.status),
                         "attempt": callback.attempts},
            )
        if callback.status != CallbackStatus.SCHEDULED:  # the survey waited for this
            await after_call.invite_after_call(callback.call_id, actor, settings, now)
    return callback


def _summary(step: rules.AfterAttempt, outcome: CallbackOutcome, callback: CallbackRow,
             settings: Settings) -> str:
    said = f"Обратный звонок на номер {callback.number}: {OUTCOME_RU[outcome]}"
    if step.step == rules.Step.MOVED:
        return f"{said}; следующая попытка с {local_label(callback.due_at, settings)}"
    if step.step == rules.Step.FAILED:
        return f"{said}; дозвониться не удалось"
    return said
