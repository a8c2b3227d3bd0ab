"""Working on a message until it is closed: clarification with the client (R-2.7),
deadline extension, redirect to a competent agency (R-2.6), the answer (R-2.8..R-2.10)
and internal oral answers (R-5.3).

Every outbound communication goes through ``deliveries.send`` inside the same
transaction (the outbox), by the client's channels: where the law fixes the channel
(``rules.legal_answer_channel``: the way the appeal came, to the address given in it) it is
used, and the client's chosen channels go too (``deliveries.rules.plan``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.actor import Actor
from domain.clients.models import ContactKind, ContactPoint
from domain.clients.rules import CHANNEL_RU
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose
from domain.directory import queries as directory_queries
from domain.directory import service as directory
from domain.directory.models import Sphere
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import parse_uuid
from domain.messages import access, deadlines, rules, wording
from domain.messages.models import (
    AbuseStatus,
    Answer,
    AnswerMethod,
    AnswerOutcome,
    Audience,
    Clarification,
    DeadlineKind,
    Message,
    RequestForm,
)
from domain.messages.service import Ctx, context, number_of, record
from domain.settings import Settings
from domain.surveys import service as surveys
from domain.surveys.models import SurveyPurpose
from domain.transaction import transaction
from domain.validation import TEXT_MAX, clean_text

CLARIFICATION_LOG_DAYS = 30  # a call is logged soon after it, not months later
CHANNEL_OF_CONTACT = {
    ContactKind.EMAIL: Channel.EMAIL, ContactKind.PHONE: Channel.PHONE,
    ContactKind.POSTAL: Channel.POSTAL, ContactKind.MESSENGER: Channel.MESSENGER,
}


async def clarify(
    actor: Actor, message_id: Any, contact_id: Any, note: str, *,
    occurred_at: dt.datetime | None = None, question: str | None = None,
    settings: Settings | None = None, now: dt.datetime | None = None,
) -> Clarification:
    """R-2.7: the executor contacted the client, with the client's own contacts, in working
    hours; logged with the contact used and the time. With ``question`` a written
    clarification request also goes to the client now (``now``: the clock, for tests)."""
    access.require(actor, access.HANDLERS)
    ctx = await context(settings, now)
    note = clean_text(note, "note", max_length=5000, multiline=True, required=True)
    question = clean_text(question, "question", max_length=5000, multiline=True)
    moment = occurred_at or ctx.now
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment = moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise DomainError(ErrorCode.INVALID, "Неверное время.", "occurredAt") from None
    if moment > ctx.now + dt.timedelta(minutes=5):
        raise DomainError(ErrorCode.INVALID, "Время разговора не может быть в будущем.",
                          "occurredAt")
    if moment < ctx.now - dt.timedelta(days=CLARIFICATION_LOG_DAYS):
        raise DomainError(ErrorCode.INVALID, f"Разговор записывают не позже чем через "
                          f"{CLARIFICATION_LOG_DAYS} дней.", "occurredAt")
    if question and occurred_at is not None:
        raise DomainError(ErrorCode.INVALID, "Письменный запрос уходит сейчас: не указывайте "
                          "время для него.", "occurredAt")
    if not rules.within_working_hours(moment, ctx.calendar):
        raise DomainError(
            ErrorCode.OUTSIDE_WORKING_HOURS,
            "Связываться с клиентом для уточнения можно только в рабочее время Правительства.",
            "occurredAt")
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        access.require_handler(actor, m)
        rules.next_status(m.status, "clarify")
        contact = await ContactPoint.get_or_none(
            id=parse_uuid(contact_id, "contactId", "Контакт"), client_id=m.client_id)
        if contact is None:  # only the contacts the client gave
            raise not_found("Контакт", "contactId")
        channel = CHANNEL_OF_CONTACT[contact.kind]
        findings = None
        if question:  # the client reads the question
            findings = wording.check(question, await wording.audience_of(m.client_id),
                                     ctx.settings)
            wording.refuse_blocking(findings, "question")
        row = await Clarification.create(
            message_id=m.id, contact_id=contact.id, channel=channel, contact_value=contact.value,
            occurred_at=moment.astimezone(dt.UTC), note=note, written_request=bool(question),
            actor_subject=actor.subject, findings=findings)
        await record(m, EventKind.MESSAGE_CLARIFIED, "Исполнитель уточнил вопрос у клиента",
                     actor, direction=Direction.OUTBOUND, channel=channel,
                     details={"contact": contact.value, "at": moment.isoformat(),
                              **(wording.summary(findings) if findings is not None else {})})
        if question:
            await deliveries.send(
                m.client_id, Purpose.CLARIFICATION_REQUEST, "clarification_request",
                {"message_number": number_of(m), "question": question},
                source=("message", m.id), idempotency_key=f"clarification:{row.id}",
                actor=actor)
    return row


async def extend(actor: Actor, message_id: Any, reason: str,
                 settings: Settings | None = None) -> Message:
    """59-FZ: the answer term is extended once, by N days, with a notice to the client."""
    access.require(actor, access.HEADS)
    ctx = await context(settings)
    reason = clean_text(reason, "extensionReason", max_length=1000, multiline=True, required=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        rules.next_status(m.status, "extend")
        if m.audience != Audience.EXTERNAL or m.urgent or not m.answer_due_date:
            raise DomainError(ErrorCode.INVALID, "Продлить можно только срок ответа на обычное "
                              "(несрочное) обращение гражданина или организации.", "messageId")
        if m.extended:
            raise DomainError(ErrorCode.ALREADY_EXTENDED, "Срок ответа уже продлевали: по закону "
                              "его продлевают только один раз.", "messageId")
        findings = await _notice_findings(m, "extension", reason, "extensionReason",
                                          ctx.settings)
        old = m.answer_due_date
        m.answer_due_date = rules.extended_due(old, ctx.calendar, ctx.settings)
        m.extended, m.extension_reason = True, reason
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        await record(m, EventKind.MESSAGE_EXTENDED,
                     f"Срок ответа продлён до {m.answer_due_date:%d.%m.%Y}", actor,
                     details={"from": str(old), "to": str(m.answer_due_date), "reason": reason,
                              **wording.summary(findings)})
        await deliveries.send(
            m.client_id, Purpose.EXTENSION_NOTICE, "extension_notice",
            {"message_number": number_of(m), "new_deadline": m.answer_due_date,
             "reason": reason},
            source=("message", m.id), idempotency_key=f"extension:{m.id}", actor=actor,
            **await _legal(m))
    return m


async def redirect(actor: Actor, message_id: Any, agency_id: Any, reason: str,
                   settings: Settings | None = None) -> Message:
    """R-2.6: send the message on to the competent agency; the client is told by their
    chosen channel, duplicated to the additional one where the law fixes the channel."""
    if not actor.is_staff:
        raise access.forbid()
    ctx = await context(settings)
    reason = clean_text(reason, "redirectReason", max_length=2000, multiline=True, required=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        m.status = rules.next_status(m.status, "redirect")
        if m.audience != Audience.EXTERNAL:
            raise DomainError(ErrorCode.INVALID, "Запросы сотрудников не переадресуются.",
                              "messageId")
        agency = await directory.get_agency(agency_id)
        if not agency.active:
            raise DomainError(ErrorCode.INVALID, "Это ведомство отключено в справочнике.",
                              "agencyId")
        findings = await _notice_findings(m, "redirect", reason, "redirectReason",
                                          ctx.settings)
        m.redirected_to_id, m.redirect_reason, m.closed_at = agency.id, reason, ctx.now
        late = bool(m.redirect_due_date and ctx.today > m.redirect_due_date)
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        await record(m, EventKind.MESSAGE_REDIRECTED, f"Обращение переадресовано: {agency.name}",
                     actor, details={"agencyId": str(agency.id), "late": late,
                                     "dueDate": str(m.redirect_due_date),
                                     **wording.summary(findings)})
        contacts = ", ".join(x for x in (agency.phone, agency.email, agency.website,
                                         agency.postal_address) if x)
        await deliveries.send(
            m.client_id, Purpose.REDIRECT_NOTICE, "redirect_notice",
            {"message_number": number_of(m), "agency_name": agency.name, "reason": reason,
             "agency_contacts": contacts},
            source=("message", m.id), idempotency_key=f"redirect:{m.id}", actor=actor,
            **await _legal(m))
    return m


async def _legal(m: Message) -> dict[str, Any]:
    """59-FZ art. 10 p. 4: the channel the law fixes for this message's answers and notices,
    and the address given in the appeal (its contact point) to send them to."""
    kind = (await ContactPoint.filter(id=m.contact_id).values_list("kind", flat=True)
            if m.contact_id else [])
    channel = rules.legal_answer_channel(m.channel, m.audience, kind[0] if kind else None)
    return {"legal_channel": channel,
            "legal_contact_id": m.contact_id if channel is not None else None}


async def _notice_findings(m: Message, notice: str, text: str, field: str,
                           settings: Settings) -> list[dict]:
    """R-2.2/R-2.8: a reason staff typed into a notice is checked like the answer, for the
    client's segment; a blocking finding refuses the step, advice is kept on the message."""
    findings = wording.check(text, await wording.audience_of(m.client_id), settings,
                             reason=True)
    wording.refuse_blocking(findings, field)
    m.notice_findings = {**(m.notice_findings or {}), notice: findings}
    return findings


async def _check_text(m: Message, text: str, outcome: AnswerOutcome,
                      settings: Settings) -> list[dict]:
    """R-2.2, and R-2.8 for a refusal, in words fitted to the client's segment."""
    return wording.check(text, await wording.audience_of(m.client_id), settings,
                         refusal=outcome == AnswerOutcome.REFUSAL)


async def draft_answer(actor: Actor, message_id: Any, text: str, outcome: AnswerOutcome,
                       settings: Settings | None = None) -> Answer:
    """The executor writes (or rewrites) the answer; the plain-language checker (R-2.2,
    R-2.8) reports on it at once. Advice may be weighed; blocking findings stop sending."""
    access.require(actor, access.HANDLERS)
    ctx = await context(settings)
    text = clean_text(text, "text", max_length=TEXT_MAX, multiline=True, required=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        access.require_handler(actor, m)
        rules.next_status(m.status, "draft_answer")
        if outcome == AnswerOutcome.NOT_SERVED_ORALLY:
            raise DomainError(ErrorCode.INVALID, "Этот итог только для устных запросов.",
                              "outcome")
        findings = await _check_text(m, text, outcome, ctx.settings)
        answer = await Answer.get_or_none(message_id=m.id)
        if answer is None:
            answer = await Answer.create(
                message_id=m.id, text=text, outcome=outcome, findings=findings,
                drafted_by=actor.subject, drafted_at=ctx.now)
        else:
            answer.text, answer.outcome, answer.findings = text, outcome, findings
            answer.drafted_by, answer.drafted_at = actor.subject, ctx.now
            await answer.save()
        await record(m, EventKind.MESSAGE_STATUS, "Подготовлен проект ответа", actor,
                     details={"outcome": str(outcome), "findings": len(findings),
                              "blocking": sum(f["severity"] == "blocking" for f in findings)})
    return answer


def _ready_to_close(m: Message) -> None:
    if m.abuse_status == AbuseStatus.SUSPECTED:
        raise DomainError(ErrorCode.ABUSE_UNRESOLVED, "Сначала решите, есть ли в обращении "
                          "оскорбления или угрозы.", "messageId")
    if m.audience == Audience.EXTERNAL and m.sphere_id is None:
        raise DomainError(ErrorCode.SPHERE_REQUIRED, "Перед ответом укажите сферу обращения.",
                          "sphereId")


async def _invite(m: Message, actor: Actor, ctx) -> surveys.Invitation:
    """R-2.10: every final communication carries the satisfaction-survey link."""
    sphere = await Sphere.get_or_none(id=m.sphere_id) if m.sphere_id else None
    purpose = (SurveyPurpose.WRITTEN_ANSWER if m.audience == Audience.EXTERNAL
               else SurveyPurpose.INTERNAL_REQUEST)
    return await surveys.invite(
        ("message", m.id), m.client_id, purpose, channel=m.channel,
        department_id=m.department_id, executor=m.executor,
        sphere=sphere.code if sphere else None, about=f"обращение № {number_of(m)}",
        actor=actor, settings=ctx.settings)


async def send_answer(actor: Actor, message_id: Any, settings: Settings | None = None) -> Answer:
    """R-2.9: the answer goes by the client's channels (legal channel + additional one),
    with the survey link (R-2.10); a refusal must explain its grounds plainly (R-2.8)."""
    access.require(actor, access.HANDLERS)
    ctx = await context(settings)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        access.require_handler(actor, m)
        # Judged before the status moves: an answered message has no open terms left.
        late = _answered_late(m, ctx)
        m.status = rules.next_status(m.status, "send_answer")
        answer = await Answer.get_or_none(message_id=m.id)
        if answer is None:
            raise DomainError(ErrorCode.REQUIRED, "Сначала подготовьте текст ответа.", "text")
        if answer.sent_at is not None:
            raise DomainError(ErrorCode.ALREADY_ANSWERED, "Ответ уже отправлен.", "messageId")
        _ready_to_close(m)
        answer.findings = await _check_text(m, answer.text, answer.outcome, ctx.settings)
        blocking = [f for f in answer.findings if f["severity"] == "blocking"]
        if blocking:
            await answer.save(update_fields=["findings", "updated_at"])
            raise DomainError(ErrorCode.REFUSAL_GROUNDS, blocking[0]["message"], "text")
        invitation = await _invite(m, actor, ctx)
        await deliveries.send(
            m.client_id, Purpose.ANSWER, "answer",
            {"message_number": number_of(m), "answer_text": answer.text,
             "executor_name": await directory_queries.staff_name(m.executor),
             "survey_url": invitation.link},
            source=("message", m.id), idempotency_key=f"answer:{m.id}", actor=actor,
            **await _legal(m))
        answer.sent_at, answer.sent_by = ctx.now, actor.subject
        answer.survey_invitation_id = invitation.id
        await answer.save()
        m.closed_at = ctx.now
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        await record(m, EventKind.MESSAGE_ANSWERED, f"Дан ответ на обращение № {number_of(m)}",
                     actor, direction=Direction.OUTBOUND,
                     details={"outcome": str(answer.outcome), "late": late})
    return answer


ANSWER_TERMS = frozenset({DeadlineKind.ANSWER, DeadlineKind.URGENT,
                          DeadlineKind.INTERNAL_ORAL, DeadlineKind.INTERNAL_WRITTEN})


def _answered_late(m: Message, ctx: Ctx) -> bool:
    """Whether a term the answer itself had to meet (not registration or redirect) passed."""
    return any(ctx.now > d.at for d in rules.open_deadlines(deadlines.inputs(m), ctx.calendar)
               if d.kind in ANSWER_TERMS)


def _offered(m: Message, outcome: AnswerOutcome, offered: list[Channel] | None,
             chosen: Channel | None) -> list[Channel]:
    """R-5.4: the other channels offered when an oral request could not be served orally,
    and the client's choice among them."""
    offered = list(dict.fromkeys(Channel(c) for c in offered or ()))
    if outcome != AnswerOutcome.NOT_SERVED_ORALLY:
        if offered or chosen is not None:
            raise DomainError(ErrorCode.INVALID, "Другие способы связи указывают, только если "
                              "запрос не удалось решить устно.",
                              "offeredChannels" if offered else "chosenChannel")
        return []
    if not offered:
        raise DomainError(ErrorCode.REQUIRED, "Укажите, какие другие способы связи предложили "
                          "сотруднику.", "offeredChannels")
    if m.channel in offered:
        raise DomainError(ErrorCode.INVALID, f"Предложите другой способ связи: запрос уже пришёл "
                          f"так ({CHANNEL_RU[m.channel]}).", "offeredChannels")
    if chosen is not None and Channel(chosen) not in offered:
        raise DomainError(ErrorCode.INVALID, "Выбранный способ связи должен быть среди "
                          "предложенных.", "chosenChannel")
    return offered


def _oral_summary(outcome: AnswerOutcome, offered: list[Channel], chosen: Channel | None) -> str:
    if outcome != AnswerOutcome.NOT_SERVED_ORALLY:
        return "Дан устный ответ на запрос"
    names = ", ".join(CHANNEL_RU[c] for c in offered)
    choice = f"выбран: {CHANNEL_RU[chosen]}" if chosen else "способ пока не выбран"
    return (f"Запрос не удалось решить устно. Предложены другие способы связи: {names}; "
            f"{choice}.")


async def answer_oral(actor: Actor, message_id: Any, text: str,
                      outcome: AnswerOutcome = AnswerOutcome.RESOLVED,
                      settings: Settings | None = None, *,
                      offered_channels: list[Channel] | None = None,
                      chosen_channel: Channel | None = None) -> Answer:
    """R-5.3: an internal oral request is answered orally, at once or by the end of the
    working day; the answer is recorded and the employee is invited to rate it. R-5.4: when
    it cannot be served orally (``NOT_SERVED_ORALLY``), the record names the other channels
    offered and the employee's choice."""
    if not actor.is_staff:
        raise access.forbid()
    ctx = await context(settings)
    text = clean_text(text, "text", max_length=TEXT_MAX, multiline=True, required=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        if m.form != RequestForm.ORAL:
            raise DomainError(ErrorCode.INVALID, "Устно отвечают только на устные запросы.",
                              "messageId")
        m.status = rules.next_status(m.status, "answer_oral")
        if await Answer.exists(message_id=m.id, sent_at__isnull=False):
            raise DomainError(ErrorCode.ALREADY_ANSWERED, "Ответ уже дан.", "messageId")
        offered = _offered(m, outcome, offered_channels, chosen_channel)
        chosen = Channel(chosen_channel) if chosen_channel is not None else None
        await Answer.filter(message_id=m.id).delete()
        answer = await Answer.create(
            message_id=m.id, text=text, outcome=outcome, method=AnswerMethod.ORAL,
            drafted_by=actor.subject, drafted_at=ctx.now, sent_at=ctx.now, sent_by=actor.subject)
        deadline_at = m.due_at
        m.closed_at = ctx.now
        m.executor = m.executor or actor.subject
        if offered:
            m.offered_channels, m.chosen_channel = [str(c) for c in offered], chosen
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        invitation = await surveys.invite_and_notify(
            ("message", m.id), m.client_id, SurveyPurpose.INTERNAL_REQUEST, actor=actor,
            settings=ctx.settings, channel=m.channel, department_id=m.department_id,
            executor=m.executor, about=f"запрос № {number_of(m)}")
        answer.survey_invitation_id = invitation.id
        await answer.save(update_fields=["survey_invitation_id", "updated_at"])
        details: dict[str, Any] = {"late": bool(deadline_at and ctx.now > deadline_at)}
        if offered:
            details |= {"offeredChannels": [str(c) for c in offered],
                        "chosenChannel": str(chosen) if chosen else None}
        await record(m, EventKind.MESSAGE_ANSWERED, _oral_summary(outcome, offered, chosen),
                     actor, direction=Direction.OUTBOUND, channel=m.channel, details=details)
    return answer
