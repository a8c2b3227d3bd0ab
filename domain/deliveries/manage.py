"""Staff use cases on deliveries: retry, cancel, re-route, postal marks, and the template
preview (which writes nothing). Re-exported by ``service``; reads are in ``queries``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.actor import Actor
from domain.clients.models import Client, ContactKind, ContactPoint
from domain.clients.rules import CONTACT_FOR_CHANNEL, CONTACT_KIND_RU
from domain.deliveries import rendering, rules
from domain.deliveries.models import Delivery, DeliveryStatus, PostalState, RouteReason
from domain.deliveries.outbox import _purpose, announce, hand_off, now, with_defaults, write_row
from domain.deliveries.queries import require_staff
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import parse_uuid
from domain.transaction import transaction
from domain.validation import SHORT_MAX, clean_text


async def _locked(delivery_id: Any) -> Delivery:
    row = await Delivery.select_for_update().get_or_none(
        id=parse_uuid(delivery_id, "id", "Отправление"))
    if row is None:
        raise not_found("Отправление")
    return row


async def _note(row: Delivery, summary: str, actor: Actor) -> None:
    if row.client_id is None:  # mail to an employee: no client history to write
        return
    await history.record(
        row.client_id, EventKind.DELIVERY, summary[:1000], direction=Direction.OUTBOUND,
        channel=row.channel, actor=actor, source=("delivery", row.id),
        details={"deliveryId": str(row.id), "status": str(row.status)},
    )


async def retry(actor: Actor, delivery_id: Any) -> Delivery:
    """Send a failed or cancelled delivery again, by the same route, with fresh attempts."""
    require_staff(actor)
    async with transaction():
        row = await _locked(delivery_id)
        if not rules.can_retry(row.status):
            raise DomainError(ErrorCode.INVALID_STATE, "Повторить можно только неудачную или "
                              "отменённую отправку.", "id")
        if row.channel is None or (CONTACT_FOR_CHANNEL.get(row.channel) and not row.address):
            raise DomainError(ErrorCode.INVALID_STATE, "У отправки нет адреса. Перенаправьте её "
                              "на другой контакт.", "id")
        row.status = DeliveryStatus.PENDING
        row.attempts = 0
        row.next_attempt_at = now()
        row.finished_at = None
        row.postal_state = None
        await row.save()
        await _note(row, f"Повторная отправка: «{row.subject}»", actor)
        hand_off(row)
    return row


async def cancel(actor: Actor, delivery_id: Any, reason: str | None = None) -> Delivery:
    require_staff(actor)
    reason = clean_text(reason, "reason", max_length=SHORT_MAX)
    async with transaction():
        row = await _locked(delivery_id)
        if not rules.can_cancel(row.status, row.channel):
            raise DomainError(ErrorCode.INVALID_STATE, "Эту отправку уже нельзя отменить.", "id")
        row.status = DeliveryStatus.CANCELLED
        row.finished_at = now()
        row.last_error = f"Отменено: {reason}" if reason else "Отменено сотрудником"
        await row.save()
        await _note(row, f"Отправка отменена: «{row.subject}»" + (f" ({reason})" if reason else ""),
                    actor)
        announce(row)
    return row


CHANNEL_FOR_KIND = rules.CHANNEL_FOR_CONTACT


async def reroute(actor: Actor, delivery_id: Any, contact_id: Any = None,
                  channel: Channel | None = None) -> Delivery:
    """A new delivery of the same content to another contact point or channel; a still
    pending original is cancelled. Returns the new delivery."""
    require_staff(actor)
    if contact_id is None and channel is None:
        raise DomainError(ErrorCode.REQUIRED, "Выберите контакт или способ связи.", "contactId")
    async with transaction():
        row = await _locked(delivery_id)
        if row.client_id is None:
            raise DomainError(ErrorCode.INVALID, "Письмо сотруднику уходит на его рабочую почту "
                              "из справочника: исправьте адрес там и повторите отправку.", "id")
        if not rules.can_reroute(row.status, row.channel):
            raise DomainError(ErrorCode.INVALID_STATE, "Отправка сейчас выполняется; "
                              "перенаправить её можно после результата.", "id")
        contact = None
        if contact_id is not None:
            contact = await ContactPoint.get_or_none(
                id=parse_uuid(contact_id, "contactId", "Контакт"), client_id=row.client_id)
            if contact is None:
                raise not_found("Контакт", "contactId")
        target = rules.carrier(channel or CHANNEL_FOR_KIND[ContactKind(contact.kind)])
        if target not in rules.DELIVERABLE:
            raise DomainError(ErrorCode.INVALID, "Этим способом нельзя доставить письменное "
                              "сообщение.", "channel")
        fixed = rules.FIXED_CHANNEL.get(row.purpose)
        if fixed is not None and target != fixed:  # mailings go by email only
            raise DomainError(ErrorCode.INVALID, "Рассылка отправляется только по электронной "
                              "почте.", "channel")
        needed = CONTACT_FOR_CHANNEL.get(target)
        contacts = await ContactPoint.filter(client_id=row.client_id).order_by("created_at")
        if needed is not None and contact is None:
            contact = next((c for c in sorted(contacts, key=lambda c: (not c.primary,
                            not c.verified)) if c.kind == needed), None)
            if contact is None:
                raise DomainError(ErrorCode.CONTACT_REQUIRED, "Для этого способа связи нужен "
                                  f"контакт: {CONTACT_KIND_RU[needed]}.", "contactId")
        if contact is not None and contact.kind != needed:
            raise DomainError(ErrorCode.CONTACT_KIND_MISMATCH, "Контакт не подходит к способу "
                              "связи.", "contactId")
        client = await Client.get(id=row.client_id)
        rendered = rendering.render(row.template, with_defaults(row.context or {}, client))
        route = rules.Route(target, RouteReason.STAFF, rules.Contact(
            str(contact.id), contact.kind, contact.value, contact.verified, contact.primary
        ) if contact else None)
        new = await write_row(
            client, route, rendered, purpose=row.purpose, template=row.template,
            context=row.context or {}, source=(row.source_type or "delivery", row.source_id),
            key=None, actor=actor, rerouted_from=row, attachments=row.attachments,
        )
        if row.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING):
            row.status = DeliveryStatus.CANCELLED
            row.finished_at = now()
            row.last_error = "Перенаправлено сотрудником"
            await row.save()
            announce(row)
        hand_off(new)
    return new


async def mark_postal(actor: Actor, delivery_id: Any, mark: PostalState) -> Delivery:
    """An operator printed the letter, or handed it to the post (which completes it)."""
    require_staff(actor)
    async with transaction():
        row = await _locked(delivery_id)
        if row.channel not in rules.MANUAL:
            raise DomainError(ErrorCode.INVALID_STATE, "Это не бумажное письмо.", "id")
        change = rules.postal_transition(row.status, row.postal_state, mark)
        if change is None:
            raise DomainError(ErrorCode.INVALID_STATE, "Такую отметку сейчас поставить нельзя.",
                              "state")
        at = now()
        row.status, row.postal_state = change
        row.printed_at = row.printed_at or at
        if row.status == DeliveryStatus.SENT:
            row.sent_at = at
        row.last_error = None
        await row.save()
        await _note(row, ("Письмо напечатано" if mark == PostalState.PRINTED
                          else "Письмо передано на почту") + f": «{row.subject}»", actor)
        announce(row)
    return row


async def mark_edms_registered(actor: Actor, delivery_id: Any, number: str | None,
                               link: str | None) -> Delivery:
    """R-8: an operator (or the EDMS integration) registered the queued document in the
    EDMS: its outgoing number and link are kept (``externalReference``, ``externalLink``)
    and the delivery is complete (SENT). Callers that keep the number elsewhere too (the
    answer: ``domain.messages.edms``) call this inside their transaction."""
    require_staff(actor)
    number, link = rules.clean_edms_registration(number, link)
    async with transaction():
        row = await _locked(delivery_id)
        if not rules.can_register_edms(row.status, row.channel):
            raise DomainError(ErrorCode.INVALID_STATE, "Регистрацию в СЭД отмечают только у "
                              "отправки через СЭД, которая ещё не завершена.", "id")
        at = now()
        row.status = DeliveryStatus.SENT
        row.message_id, row.external_link = number, link
        row.sent_at = at
        row.last_error = None
        await row.save()
        await _note(row, f"Документ зарегистрирован в СЭД, № {number}: «{row.subject}»", actor)
        announce(row)
    return row


@dataclass(frozen=True, slots=True)
class Preview:
    subject: str
    text: str
    html: str
    short: str
    letter_html: str


async def preview(actor: Actor, template: str, purpose: Any, context: Any,
                  client_id: Any = None) -> Preview:
    """Render a template as it would go out, without writing anything (staff)."""
    require_staff(actor)
    _purpose(purpose)
    safe = rendering.json_safe(context)
    client = None
    address = "432017, г. Ульяновск, ул. Спасская, д. 3"
    if client_id is not None:
        client = await Client.get_or_none(id=parse_uuid(client_id, "clientId", "Клиент"))
        if client is None:
            raise not_found("Клиент", "clientId")
        postal = await ContactPoint.filter(client_id=client.id, kind=ContactKind.POSTAL
                                           ).order_by("-primary", "created_at").first()
        address = postal.value if postal else ""
    full = with_defaults(safe, client)
    rendered = rendering.render(template, full)
    text, html = rendering.email_parts(rendered)
    letter = rendering.letter_html(rendered, full["client_name"], address, "предпросмотр")
    return Preview(rendered.subject, text, html, rendered.short, letter)
