"""Message intake and handling up to the answer: receive, register, assign, start work,
classify (R-2.3), decide urgency (R-2.4) and abuse (R-2.5).

Every use case runs in one transaction, checks the transition (rules.next_status),
recomputes the active deadline and writes a history event (R-1.5). Answers, redirects,
clarifications and extensions are in ``domain.messages.handling``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Q

from domain.actor import Actor, Role
from domain.calendar.service import load_calendar
from domain.calendar.work_calendar import WorkCalendar
from domain.clients import service as clients
from domain.clients.models import ClientKind, ClientTag, ContactPoint, TagKind
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose
from domain.directory import queries as directory_queries
from domain.directory import service as directory
from domain.directory.models import Department, Sphere, StaffMember
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import parse_uuid
from domain.messages import access, deadlines, rules
from domain.messages.intake import IntakeData, clean_intake
from domain.messages.models import (
    AbuseStatus,
    Attachment,
    Audience,
    Message,
    MessageStatus,
    RegistrationCounter,
    RequestForm,
)
from domain.settings import Settings, get_settings
from domain.texts import classify, detect_abuse
from domain.transaction import transaction
from domain.validation import clean_text

__all__ = [
    "IntakeData",
    "assign",
    "classify_message",
    "context",
    "decide_abuse",
    "receive",
    "register",
    "set_urgency",
    "start_work",
]


@dataclass
class Ctx:
    """What every use case needs besides the actor: terms and the working calendar."""

    settings: Settings
    calendar: WorkCalendar
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def today(self) -> dt.date:
        return rules.local_date(self.now, self.calendar)


async def context(settings: Settings | None = None, now: dt.datetime | None = None) -> Ctx:
    settings = settings or get_settings()
    calendar = await load_calendar(settings)
    return Ctx(settings, calendar, now or dt.datetime.now(dt.UTC))


async def record(m: Message, kind: EventKind, summary: str, actor: Actor | None, *,
                 direction: Direction = Direction.INTERNAL, channel: Channel | None = None,
                 details: dict[str, Any] | None = None) -> None:
    await history.record(m.client_id, kind, summary, direction=direction, channel=channel,
                         actor=actor, source=("message", m.id), details=details)


def number_of(m: Message) -> str:
    return m.registration_number or str(m.id)[:8]


async def _next_number(prefix: str, year: int) -> str:
    """The next registration number of the year, safe under concurrent registrations."""
    counter = await RegistrationCounter.filter(year=year).select_for_update().first()
    if counter is None:
        await RegistrationCounter.get_or_create(year=year, defaults={"value": 0})
        counter = await RegistrationCounter.filter(year=year).select_for_update().first()
    while True:  # skip a number an EDMS import already took
        counter.value += 1
        number = rules.registration_number(prefix, year, counter.value)
        if not await Message.exists(registration_number=number):
            break
    await counter.save(update_fields=["value"])
    return number


async def _repeated(client_id: Any, sphere_id: Any, since: dt.datetime) -> int:
    """R-2.4 history: the client's earlier appeals on the same subject (sphere)."""
    if sphere_id is None:
        return 0
    return await Message.filter(client_id=client_id, received_at__gte=since).filter(
        sphere_id=sphere_id).count() + await Message.filter(
        client_id=client_id, received_at__gte=since, sphere_id__isnull=True,
        suggested_sphere_id=sphere_id).count()


async def assess(m: Message, ctx: Ctx) -> None:
    """Run the detectors: sphere suggestion (R-2.3), abuse (R-2.5), urgency (R-2.4)."""
    text = f"{m.subject or ''}\n{m.body}"
    ranked = classify(text, await directory_queries.dictionaries())
    m.sphere_suggestions = [
        {"code": r.sphere, "confidence": r.confidence, "matched": list(r.matched)} for r in ranked]
    if ranked:
        best = await Sphere.get_or_none(code=ranked[0].sphere)
        m.suggested_sphere_id = best.id if best else None
        m.sphere_confidence = ranked[0].confidence
    report = detect_abuse(text)
    m.abuse_flags = [f.as_dict() for f in report.flags]
    if report.abusive:
        m.abuse_status = AbuseStatus.SUSPECTED
        m.abuse_notice_due_date = rules.abuse_notice_due(
            rules.local_date(m.received_at, ctx.calendar), ctx.calendar, ctx.settings)
    tags = await ClientTag.filter(client_id=m.client_id).values("kind", "tag")
    window = m.received_at - dt.timedelta(days=ctx.settings.message_repeat_window_days)
    repeated = await _repeated(m.client_id, m.suggested_sphere_id, window)
    suggestion = rules.suggest_urgency(
        text, [t["tag"] for t in tags if t["kind"] == TagKind.SEGMENT],
        [t["tag"] for t in tags if t["kind"] == TagKind.LIFE_SITUATION], repeated)
    m.urgency_suggested = suggestion.urgent
    m.urgency_reasons = [r.as_dict() for r in suggestion.reasons]


async def receive(actor: Actor, data: IntakeData, settings: Settings | None = None) -> Message:
    """Take in a message from any channel (R-8 EDMS imports included)."""
    ctx = await context(settings)
    clean = clean_intake(actor, data, ctx.now, ctx.settings.link_secret)
    async with transaction():
        client = await clients.get_client_for(actor, clean.client_id)
        audience = Audience.INTERNAL if client.kind == ClientKind.EMPLOYEE else Audience.EXTERNAL
        if clean.form == RequestForm.ORAL and audience != Audience.INTERNAL:
            raise DomainError(ErrorCode.INVALID,
                              "Устно принимаются только запросы сотрудников Правительства.", "form")
        if audience == Audience.INTERNAL and clean.category is None:
            raise DomainError(ErrorCode.REQUIRED, "Укажите вид запроса: ИТ, бухгалтерия или "
                              "хозяйственные вопросы.", "category")
        if clean.contact_id is not None and not await ContactPoint.exists(
                id=clean.contact_id, client_id=client.id):
            raise not_found("Контакт", "contactId")
        if clean.edms_number and await Message.filter(
                Q(edms_number=clean.edms_number) | Q(registration_number=clean.edms_number)
        ).exists():
            raise DomainError(ErrorCode.DUPLICATE, "Документ с этим номером СЭД уже загружен.",
                              "edmsNumber")
        m = Message(
            id=uuid.uuid4(), client_id=client.id, audience=audience, form=clean.form,
            category=clean.category if audience == Audience.INTERNAL else None,
            channel=clean.channel, contact_id=clean.contact_id, subject=clean.subject,
            body=clean.body, received_at=clean.received_at, edms_number=clean.edms_number,
            edms_link=clean.edms_link, status=MessageStatus.RECEIVED, created_by=actor.subject,
        )
        received_on = rules.local_date(m.received_at, ctx.calendar)
        await assess(m, ctx)
        if clean.reply is not None:  # the choice offered at intake, recorded
            pref = await clients.set_channel_preference(
                actor, client.id, clean.reply.preferred_channel, clean.reply.preferred_contact_id,
                clean.reply.additional_channel, clean.reply.additional_contact_id,
                chosen_via=clean.channel)
            m.reply_channel, m.reply_additional_channel = (pref.preferred_channel,
                                                           pref.additional_channel)
        if audience == Audience.INTERNAL:
            # Internal requests need no 59-FZ registration step: numbered at once.
            m.status = MessageStatus.REGISTERED
            m.registered_at = m.received_at
            m.registration_number = await _next_number(rules.INTERNAL_PREFIX, received_on.year)
            if clean.form == RequestForm.WRITTEN:
                m.answer_due_date = rules.internal_written_due(
                    received_on, clean.category, ctx.calendar, ctx.settings)
            elif actor.role == Role.EXECUTOR:
                # whoever takes an oral request answers it.
                m.executor = actor.subject
                m.department_id = await access.department_of(actor)
        elif clean.edms_number:
            # an EDMS document is already registered there; its number is ours too.
            m.status = MessageStatus.REGISTERED
            m.registered_at = clean.edms_registered_at or m.received_at
            m.registration_number = clean.edms_number
            _set_answer_terms(m, ctx)
        else:
            m.registration_due_date = rules.registration_due(received_on, ctx.calendar,
                                                             ctx.settings)
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        if clean.attachments:
            await Attachment.bulk_create([
                Attachment(message_id=m.id, file_name=a.file_name, content_type=a.content_type,
                           size_bytes=a.size_bytes, storage_key=a.storage_key)
                for a in clean.attachments])
        await record(m, EventKind.MESSAGE_RECEIVED, _received_summary(m), actor,
                     direction=Direction.INBOUND, channel=m.channel,
                     details={"status": str(m.status), "abuse": str(m.abuse_status),
                              "urgencySuggested": m.urgency_suggested,
                              "registrationNumber": m.registration_number})
    return m


def _received_summary(m: Message) -> str:
    what = "Запрос сотрудника" if m.audience == Audience.INTERNAL else "Обращение"
    summary = f"{what} получено" + (f": «{m.subject[:200]}»" if m.subject else "")
    if m.registration_number:
        summary += f", № {m.registration_number}"
    return summary


def _set_answer_terms(m: Message, ctx: Ctx) -> None:
    registered_on = rules.local_date(m.registered_at, ctx.calendar)
    m.answer_due_date = rules.answer_due(registered_on, ctx.calendar, ctx.settings)
    m.redirect_due_date = rules.redirect_due(registered_on, ctx.calendar, ctx.settings)


async def _register(m: Message, actor: Actor, ctx: Ctx, *, notify: bool = True) -> None:
    m.status = rules.next_status(m.status, "register")
    m.registered_at = ctx.now
    received_on = rules.local_date(m.received_at, ctx.calendar)
    m.registration_number = await _next_number(ctx.settings.message_number_prefix,
                                               received_on.year)
    _set_answer_terms(m, ctx)
    late = bool(m.registration_due_date and ctx.today > m.registration_due_date)
    deadlines.refresh(m, ctx.calendar, ctx.settings)
    await m.save()
    await record(m, EventKind.MESSAGE_REGISTERED,
                 f"Обращение зарегистрировано, № {m.registration_number}", actor,
                 details={"registrationNumber": m.registration_number, "late": late,
                          "answerDueDate": str(m.answer_due_date)})
    if notify and m.abuse_status not in (AbuseStatus.SUSPECTED, AbuseStatus.CONFIRMED):
        await deliveries.send(
            m.client_id, Purpose.RECEIPT_NOTICE, "registration_notice",
            {"message_number": m.registration_number, "received_on": received_on,
             "deadline": m.urgent_due_date if m.urgent else m.answer_due_date,
             "channel_chosen": m.reply_channel is not None},
            source=("message", m.id), idempotency_key=f"registration:{m.id}", actor=actor)


async def register(actor: Actor, message_id: Any, settings: Settings | None = None) -> Message:
    """59-FZ: register within 3 days of receipt; the client is told the number and term."""
    access.require(actor, access.REGISTRARS)
    ctx = await context(settings)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        await _register(m, actor, ctx)
    return m


async def assign(actor: Actor, message_id: Any, department_id: Any = None,
                 executor: str | None = None, settings: Settings | None = None) -> Message:
    """Route to a department and (optionally) an executor from the staff directory."""
    access.require(actor, access.REGISTRARS)
    ctx = await context(settings)
    executor = clean_text(executor, "executorSubject", max_length=200)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        status = rules.next_status(m.status, "assign")
        member = None
        if executor:
            member = await StaffMember.get_or_none(subject=executor, active=True)
            if member is None:
                raise not_found("Исполнитель", "executorSubject")
        dep_id = None
        if department_id is not None:
            dep_id = parse_uuid(department_id, "departmentId", "Подразделение")
            if not await Department.exists(id=dep_id):
                raise not_found("Подразделение", "departmentId")
        elif member is not None:
            dep_id = member.department_id
        if dep_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Укажите подразделение.", "departmentId")
        m.status, m.department_id, m.executor = status, dep_id, executor
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        who = f", исполнитель: {member.full_name}" if member else ""
        await record(m, EventKind.MESSAGE_ASSIGNED, f"Обращение передано в работу{who}", actor,
                     details={"departmentId": str(dep_id), "executor": executor})
    return m


async def start_work(actor: Actor, message_id: Any, settings: Settings | None = None) -> Message:
    """Taken into work: the message is accepted as the Government's to answer, so the
    redirect term (59-FZ art. 8) is no longer watched."""
    access.require(actor, access.HANDLERS)
    ctx = await context(settings)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        access.require_handler(actor, m)
        m.status = rules.next_status(m.status, "start_work")
        if m.executor is None and actor.role == Role.EXECUTOR:
            m.executor = actor.subject
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        await record(m, EventKind.MESSAGE_STATUS, "Исполнитель взял обращение в работу", actor,
                     details={"status": str(m.status)})
    return m


async def classify_message(actor: Actor, message_id: Any, sphere_id: Any,
                           settings: Settings | None = None) -> Message:
    """R-2.3: staff confirm the suggested sphere or choose another."""
    if not actor.is_staff:
        raise access.forbid()
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        rules.next_status(m.status, "classify")
        sphere = await directory.get_sphere(sphere_id)
        if not sphere.active:
            raise DomainError(ErrorCode.INVALID, "Эта сфера отключена.", "sphereId")
        m.sphere_id, m.sphere_confirmed_by = sphere.id, actor.subject
        await m.save()
        agreed = m.suggested_sphere_id == sphere.id
        await record(m, EventKind.MESSAGE_CLASSIFIED, f"Сфера: {sphere.name}", actor,
                     details={"sphere": sphere.code, "agreedWithSuggestion": agreed})
    return m


async def set_urgency(actor: Actor, message_id: Any, urgent: bool, due_date: dt.date | None = None,
                      note: str | None = None, settings: Settings | None = None) -> Message:
    """R-2.4: staff decide; an urgent message's deadline is theirs to set, at most N working
    days from receipt."""
    if not actor.is_staff:
        raise access.forbid()
    ctx = await context(settings)
    note = clean_text(note, "urgencyNote", max_length=1000, multiline=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        rules.next_status(m.status, "set_urgency")
        if m.audience != Audience.EXTERNAL:
            raise DomainError(ErrorCode.INVALID, "Срочность решается для обращений граждан и "
                              "организаций; у запросов сотрудников свои сроки.", "urgent")
        if urgent:
            if due_date is None:
                raise DomainError(ErrorCode.REQUIRED, "Укажите срок ответа на срочное обращение.",
                                  "urgentDueDate")
            rules.check_urgent_due(due_date, rules.local_date(m.received_at, ctx.calendar),
                                   ctx.today, ctx.calendar, ctx.settings)
        m.urgent, m.urgent_due_date = urgent, due_date if urgent else None
        m.urgency_decided_by, m.urgency_note = actor.subject, note
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        summary = (f"Обращение признано срочным, срок ответа {due_date:%d.%m.%Y}" if urgent
                   else "Обращение признано несрочным")
        await record(m, EventKind.MESSAGE_URGENCY, summary, actor,
                     details={"urgent": urgent, "dueDate": str(due_date) if due_date else None,
                              "suggested": m.urgency_suggested})
    return m


async def decide_abuse(actor: Actor, message_id: Any, confirmed: bool, note: str | None = None,
                       settings: Settings | None = None) -> Message:
    """R-2.5: staff confirm or reject the detector's flag. A confirmed message is not
    considered on the merits: it is closed and the notice that abuse of right is
    inadmissible goes out at once (its term: N working days of receipt)."""
    if not actor.is_staff:
        raise access.forbid()
    ctx = await context(settings)
    note = clean_text(note, "note", max_length=1000, multiline=True)
    async with transaction():
        m = await access.get_message_for(actor, message_id, lock=True)
        rules.next_status(m.status, "decide_abuse")
        m.abuse_decided_by = actor.subject
        if not confirmed:
            m.abuse_status = AbuseStatus.REJECTED
            deadlines.refresh(m, ctx.calendar, ctx.settings)
            await m.save()
            await record(m, EventKind.MESSAGE_ABUSE, "Оскорблений не найдено, обращение "
                         "рассматривается по существу", actor, details={"note": note})
            return m
        m.abuse_status = AbuseStatus.CONFIRMED
        received_on = rules.local_date(m.received_at, ctx.calendar)
        m.abuse_notice_due_date = m.abuse_notice_due_date or rules.abuse_notice_due(
            received_on, ctx.calendar, ctx.settings)
        if m.status == MessageStatus.RECEIVED:
            await _register(m, actor, ctx, notify=False)
        m.status = rules.next_status(m.status, "close_abusive")
        m.closed_at = m.abuse_notice_sent_at = ctx.now
        deadlines.refresh(m, ctx.calendar, ctx.settings)
        await m.save()
        late = ctx.today > m.abuse_notice_due_date
        await record(m, EventKind.MESSAGE_ABUSE, "Обращение содержит оскорбления или угрозы: "
                     "по существу не рассматривается", actor,
                     details={"note": note, "noticeDueDate": str(m.abuse_notice_due_date),
                              "late": late})
        await deliveries.send(
            m.client_id, Purpose.ABUSE_NOTICE, "abuse_notice",
            {"message_number": m.registration_number, "reason": rules.ABUSE_NOTICE_TEXT},
            source=("message", m.id), idempotency_key=f"abuse-notice:{m.id}", actor=actor)
    return m

