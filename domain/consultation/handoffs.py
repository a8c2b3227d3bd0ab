"""When the operator cannot finish the call alone: a transfer to a competent employee
(R-3.7), a referral to an agency outside the Government (R-3.10), another channel with the
written message or the reception booking opened from the call in one step (R-5.4).

Each runs in one transaction with the call locked, so two clicks cannot both make the
third transfer; the unique (call, seq) key holds the limit even without the lock (SQLite)."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.consultation import rules
from domain.consultation.models import Call, CallOutcome, CallTransfer, StaffSphere
from domain.consultation.service import (
    locked_call,
    now,
    publish_after_commit,
    record_call_event,
    staff_id_of,
)
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose, Template
from domain.directory.models import ExternalAgency, Sphere, StaffMember
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.messages import service as messages
from domain.messages.intake import WRITTEN_CHANNELS, IntakeData
from domain.reception import service as reception
from domain.transaction import transaction
from domain.validation import SHORT_MAX, clean_text

REASON_MAX = 2000
BODY_MAX = 20_000
# Written channels a caller may move to; EDMS is the Government's own.
WRITTEN = WRITTEN_CHANNELS - {Channel.EDMS}


def transfer_limit() -> DomainError:
    return DomainError(ErrorCode.TRANSFER_LIMIT, "Звонок уже переводили два раза. Третий "
                       "перевод невозможен: ответьте сами или предложите обратный звонок.",
                       "callId")


async def transfer(actor: Actor, call_id: Any, *, to_staff_id: Any, sphere_id: Any,
                   reason: str | None, caller_told: bool) -> CallTransfer:
    """R-3.7: to an employee competent for the sphere, after telling the caller; at most
    two per call, each with from, to and the reason."""
    reason = clean_text(reason, "reason", max_length=REASON_MAX, required=True,
                        multiline=True)
    to_id = parse_uuid(to_staff_id, "toStaffMemberId", "Сотрудник")
    sphere = parse_uuid(sphere_id, "sphereId", "Сфера")
    if not caller_told:
        raise DomainError(ErrorCode.CALLER_NOT_TOLD, "Сначала скажите звонящему, что "
                          "переводите звонок, и кому.", "callerTold")
    from_id = await staff_id_of(actor)
    try:
        async with transaction():
            call = await locked_call(actor, call_id)
            if not rules.transfer_allowed(call.transfer_count):
                raise transfer_limit()
            if not await Sphere.exists(id=sphere):
                raise not_found("Сфера", "sphereId")
            if not await StaffMember.exists(id=to_id, active=True):
                raise not_found("Сотрудник", "toStaffMemberId")
            if not await StaffSphere.exists(staff_id=to_id, sphere_id=sphere):
                raise DomainError(ErrorCode.NOT_COMPETENT, "Этот сотрудник не отвечает за "
                                  "выбранную сферу. Выберите другого.", "toStaffMemberId")
            moment = now()
            row = await CallTransfer.create(
                id=uuid.uuid4(), call_id=call.id, seq=call.transfer_count + 1,
                from_staff_id=from_id, to_staff_id=to_id, sphere_id=sphere, reason=reason,
                caller_told_at=moment)
            call.transfer_count += 1
            call.outcome = CallOutcome.TRANSFERRED
            await call.save(update_fields=("transfer_count", "outcome", "updated_at"))
            await record_call_event(call, "Звонок переведён специалисту", actor,
                                    {"transfer": row.seq, "reason": reason})
            publish_after_commit(call)
    except IntegrityError:  # a parallel transfer took this number
        raise transfer_limit() from None
    return row


async def refer(actor: Actor, call_id: Any, *, agency_id: Any, note: str | None,
                send_to_caller: bool) -> Call:
    """R-3.10: the question is outside the Government's competence: the agency from the
    directory is recorded and, if the caller wants, its contacts are sent by their
    channel (through deliveries, in the same transaction)."""
    note = clean_text(note, "note", max_length=REASON_MAX, multiline=True)
    aid = parse_uuid(agency_id, "agencyId", "Организация")
    async with transaction():
        call = await locked_call(actor, call_id)
        agency = await ExternalAgency.get_or_none(id=aid, active=True)
        if agency is None:
            raise not_found("Организация", "agencyId")
        if send_to_caller and call.client_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Чтобы отправить контакты, укажите "
                              "звонящего: найдите его карточку или создайте новую.", "callId")
        call.referral_agency_id, call.referral_note = agency.id, note or ""
        call.outcome = CallOutcome.OUT_OF_COMPETENCE
        if send_to_caller:
            await deliveries.send(
                call.client_id, Purpose.NOTICE, Template.NOTICE,
                {"title": "Куда обратиться с вашим вопросом", "text": referral_text(agency, note)},
                source=("call", call.id), idempotency_key=f"call-referral:{call.id}:{agency.id}",
                actor=actor)
            call.referral_sent_at = now()
        await call.save()
        await record_call_event(call, f"Вопрос вне компетенции Правительства: дана справка о "
                                f"«{agency.name[:200]}»", actor, {"agencyId": str(agency.id)})
        publish_after_commit(call)
    return call


def referral_text(agency: ExternalAgency, note: str | None) -> str:
    lines = [f"Ваш вопрос решает: {agency.name}."]
    for label, value in (("Телефон", agency.phone), ("Электронная почта", agency.email),
                         ("Адрес", agency.postal_address), ("Сайт", agency.website)):
        if value:
            lines.append(f"{label}: {value}")
    if note:
        lines.append(note)
    return "\n".join(lines)


async def move_to_channel(actor: Actor, call_id: Any, *, offered: list[Channel],
                          chosen: Channel | None, subject: str | None = None,
                          body: str | None = None, slot_id: Any = None,
                          sphere_id: Any = None) -> Call:
    """R-5.4: the channels offered and the one chosen are recorded. A written channel with
    ``body`` opens the written message in that channel; IN_PERSON with
    ``slot_id`` books the reception. Both in this one step, or nothing."""
    offered_values = list(dict.fromkeys(Channel(c) for c in offered))
    if not offered_values:
        raise DomainError(ErrorCode.REQUIRED, "Укажите, какие способы обращения предложены.",
                          "channelsOffered")
    if chosen is not None and Channel(chosen) not in offered_values:
        raise DomainError(ErrorCode.INVALID, "Выбранный способ должен быть среди "
                          "предложенных.", "channelChosen")
    body = clean_text(body, "body", max_length=BODY_MAX, multiline=True)
    subject = clean_text(subject, "subject", max_length=SHORT_MAX)
    async with transaction():
        call = await locked_call(actor, call_id)
        call.channels_offered = [str(c) for c in offered_values]
        call.channel_chosen = chosen
        if (body or slot_id) and call.client_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Укажите звонящего: найдите его карточку "
                              "или создайте новую.", "callId")
        if chosen == Channel.IN_PERSON and slot_id is not None:
            booking = await reception.book(
                actor, slot_id=slot_id, client_id=call.client_id,
                topic=body or subject or "Вопрос со звонка на линию консультаций",
                sphere_id=sphere_id)
            call.booking_id, call.outcome = booking.id, CallOutcome.RECEPTION_BOOKED
        elif chosen in WRITTEN and body:
            message = await messages.receive(actor, IntakeData(
                client_id=call.client_id, channel=chosen, body=body, subject=subject))
            call.message_id, call.outcome = message.id, CallOutcome.WRITTEN_CHANNEL
        elif chosen is not None and (body or slot_id):
            raise DomainError(ErrorCode.INVALID, "Письменное обращение открывается для "
                              "письменного способа, запись на приём — для личного приёма.",
                              "channelChosen")
        await call.save()
        await record_call_event(call, "Звонившему предложены другие способы обращения", actor,
                                {"offered": call.channels_offered,
                                 "chosen": str(chosen) if chosen else None})
        publish_after_commit(call)
    return call
