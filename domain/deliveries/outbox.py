"""Writing outbox rows and handing them off after commit: shared by ``send`` and the
staff use cases (``manage``), and read by the worker side (``dispatch``)."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from domain import redis
from domain.actor import Actor
from domain.clients.models import ChannelPreference, Client, ContactPoint
from domain.clients.rules import display_name
from domain.deliveries import rendering, rules
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.transaction import after_commit
from domain.validation import clean_text

log = logging.getLogger(__name__)
# Printable ASCII only: no header injection.
_HEADER_URL = re.compile(r"\Ahttps?://[\x21-\x7e]{1,1800}\Z")

TOPIC = "deliveries"
ALL = "all"  # pub/sub key every staff subscriber listens on
JOB = "send_delivery"

PURPOSE_RU: dict[str, str] = {
    Purpose.ANSWER: "Ответ на обращение",
    Purpose.INFORMATION: "Запрошенная информация",
    Purpose.SERVICE_RESULT: "Результат услуги",
    Purpose.RECEIPT_NOTICE: "Уведомление о регистрации обращения",
    Purpose.REDIRECT_NOTICE: "Уведомление о переадресации",
    Purpose.ABUSE_NOTICE: "Уведомление об оскорбительном обращении",
    Purpose.CLARIFICATION_REQUEST: "Запрос уточнения",
    Purpose.EXTENSION_NOTICE: "Уведомление о продлении срока",
    Purpose.BOOKING_CONFIRMATION: "Подтверждение записи на приём",
    Purpose.BOOKING_CANCELLED: "Отмена записи на приём",
    Purpose.BOOKING_CHANGED: "Изменение записи на приём",
    Purpose.REMINDER: "Напоминание",
    Purpose.SURVEY_INVITATION: "Приглашение к опросу",
    Purpose.SURVEY_REMINDER: "Напоминание об опросе",
    Purpose.HISTORY_EXPORT_READY: "История обращений готова",
    Purpose.MAILING: "Рассылка",
    Purpose.MAILING_CONFIRMATION: "Подтверждение подписки",
    Purpose.CONTACT_VERIFICATION: "Код подтверждения контакта",
    Purpose.DEADLINE_ALERT: "Предупреждение о сроке",
    Purpose.NOTICE: "Уведомление",
}


def now() -> datetime:
    return datetime.now(UTC)


def _purpose(value: Any) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неизвестное назначение сообщения.",
                          "purpose") from None


def _key(value: str | None) -> str | None:
    return clean_text(value, "idempotencyKey", max_length=200) if value is not None else None


async def routing_inputs(client_id: Any) -> tuple[rules.Preference | None, list[rules.Contact]]:
    pref = await ChannelPreference.get_or_none(client_id=client_id)
    contacts = await ContactPoint.filter(client_id=client_id).order_by("created_at").values(
        "id", "kind", "value", "verified", "primary")
    return (
        rules.Preference(
            pref.preferred_channel,
            str(pref.preferred_contact_id) if pref.preferred_contact_id else None,
            pref.additional_channel,
            str(pref.additional_contact_id) if pref.additional_contact_id else None,
        ) if pref else None,
        [rules.Contact(str(c["id"]), c["kind"], c["value"], c["verified"], c["primary"])
         for c in contacts],
    )


def client_name(client: Client) -> str:
    return display_name(client.kind, client.last_name, client.first_name, client.middle_name,
                        client.organisation_name)


ANONYMOUS_NAME = "уважаемый заявитель"


def with_defaults(context: dict[str, Any], client: Client | None) -> dict[str, Any]:
    name = client_name(client) if client is not None else "Иван Иванович Иванов"
    return {"client_name": name, **context}


async def write_row(
    client: Client, route: rules.Route, rendered: rendering.Rendered, *, purpose: str,
    template: str, context: dict[str, Any], source: tuple[str, str | None], key: str | None,
    actor: Actor | None, rerouted_from: Delivery | None = None,
    attachments: list[dict[str, str]] | None = None, named: bool = True,
) -> Delivery:
    """``named=False``: the recipient's name stays off the row and the letter (an address
    nobody confirmed: ``service.send``)."""
    at = now()
    delivery_id = uuid.uuid4()
    name = client_name(client) if named else ""
    address = route.contact.value if route.contact else None
    text, html = rendering.bodies(rendered, route.channel, name, address, str(delivery_id))
    headers = None
    unsubscribe = context.get("unsubscribe_url")
    if isinstance(unsubscribe, str) and _HEADER_URL.match(unsubscribe) \
            and route.channel == Channel.EMAIL:
        # RFC 8058 one-click unsubscribe for bulk mail.
        headers = {"List-Unsubscribe": f"<{unsubscribe}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    delivery = await Delivery.create(
        id=delivery_id, client_id=client.id, channel=route.channel, route=route.reason,
        contact_id=route.contact.id if route.contact else None, address=address,
        recipient_name=name[:800], purpose=str(purpose), template=str(template), context=context,
        subject=rendered.subject, body_text=text, body_html=html, headers=headers,
        attachments=attachments or None,
        source_type=source[0], source_id=source[1],
        status=DeliveryStatus.PENDING if route.reachable else DeliveryStatus.FAILED,
        last_error=route.problem, idempotency_key=key,
        created_by=actor.subject if actor else None, next_attempt_at=at,
        finished_at=None if route.reachable else at,
        rerouted_from_id=rerouted_from.id if rerouted_from else None,
    )
    label = PURPOSE_RU.get(purpose, purpose)
    where = rules.CHANNEL_RU[route.channel] if route.channel else "канал не найден"
    details = {"deliveryId": str(delivery.id), "purpose": str(purpose), "route": str(route.reason),
               "status": str(delivery.status)}
    if route.reachable:
        await history.record(
            client.id, EventKind.DELIVERY, f"{label}: «{rendered.subject}» ({where})",
            direction=Direction.OUTBOUND, channel=route.channel, actor=actor,
            source=("delivery", delivery.id), details=details,
        )
    else:
        await history.record(
            client.id, EventKind.DELIVERY_FAILED,
            f"{label} не отправлено: {route.problem}", direction=Direction.OUTBOUND,
            channel=route.channel, actor=actor, source=("delivery", delivery.id),
            details=details,
        )
    return delivery


def hand_off(delivery: Delivery) -> None:
    """After commit: a pending row goes to the workers; subscribers hear of every row."""
    if delivery.status == DeliveryStatus.PENDING:
        delivery_id = delivery.id
        after_commit(lambda: enqueue(delivery_id))
    announce(delivery)


async def enqueue(delivery_id: Any, job_id: str | None = None) -> bool:
    """Hand one row to the workers; False if arq already holds a job with that id."""
    job = await redis.get_redis().enqueue_job(JOB, str(delivery_id),
                                              _job_id=job_id or str(delivery_id))
    return job is not None


def announce(delivery: Delivery) -> None:
    """After commit, tell ``deliveryUpdated`` subscribers (staff) about the new state."""
    client_id, delivery_id, status = delivery.client_id, delivery.id, delivery.status
    after_commit(lambda: publish(delivery_id, client_id, status))


async def publish(delivery_id: Any, client_id: Any, status: Any) -> None:
    """One round trip: staff watching everything, and those watching this client."""
    data = orjson.dumps({"id": str(delivery_id),
                         "clientId": str(client_id) if client_id is not None else None,
                         "status": str(status)})
    pipe = redis.get_redis().pipeline(transaction=False)
    pipe.publish(redis.channel(TOPIC, ALL), data)
    if client_id is not None:  # mail to an employee has no client to tell
        pipe.publish(redis.channel(TOPIC, str(client_id)), data)
    await pipe.execute()
