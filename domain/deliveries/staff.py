"""Mail to employees (staff), through the same outbox as mail to clients.

Staff are not clients: a deadline alert is written as a ``Delivery`` with no client, to
the staff member's work email (``StaffMember.email``), route ``EMPLOYEE``. It is not a
client's interaction history, so no history event is written; the row itself (with its
snapshot of name and address) is the record. Call it inside the caller's transaction:
the rows commit or roll back with the change that caused them, and after the commit each
goes to the workers like any other delivery.

    await staff.send_to_staff([StaffMail(...), ...])

Idempotent by ``idempotency_key`` (unique with the channel): a key already written is
skipped, and a concurrent twin loses at a savepoint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import SYSTEM, Actor
from domain.deliveries import rendering
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose, RouteReason, Template
from domain.deliveries.outbox import _key, _purpose, hand_off, now
from domain.enums import Channel
from domain.errors import DomainError
from domain.transaction import transaction
from domain.validation import normalise_email


@dataclass(frozen=True, slots=True)
class StaffMail:
    """One email to one employee."""

    name: str  # the employee's full name (the greeting and the recipient snapshot)
    email: str
    purpose: Purpose
    template: Template | str
    context: dict[str, Any]
    source: tuple[str, Any]
    idempotency_key: str
    # Also used for mail to an address that is no client's (a mailing sign-up: FIXED).
    route: RouteReason = RouteReason.EMPLOYEE
    headers: dict[str, str] | None = None


async def send_to_staff(mails: list[StaffMail], actor: Actor = SYSTEM) -> list[Delivery]:
    """Write the outbox rows of ``mails`` (one bulk insert); returns the rows written now.

    A mail whose address is not a valid email becomes a failed row with the reason, like
    a client's unreachable channel: an alert is never dropped without a trace."""
    if not mails:
        return []
    keys = [_key(m.idempotency_key) for m in mails]
    async with transaction():
        done = set(await Delivery.filter(idempotency_key__in=keys, channel=Channel.EMAIL)
                   .values_list("idempotency_key", flat=True))
        rows: list[Delivery] = []
        at = now()
        for mail, key in zip(mails, keys, strict=True):
            if key in done:
                continue
            done.add(key)
            purpose = _purpose(mail.purpose)
            safe = rendering.json_safe(mail.context)
            rendered = rendering.render(mail.template, {"client_name": mail.name, **safe})
            delivery_id = uuid.uuid4()
            text, html = rendering.bodies(rendered, Channel.EMAIL, mail.name, mail.email,
                                          str(delivery_id))
            try:
                address, problem = normalise_email(mail.email, "email"), None
            except DomainError:  # the directory holds a bad address: a failed row says so
                address, problem = mail.email[:500], "Неверный адрес электронной почты сотрудника"
            rows.append(Delivery(
                id=delivery_id, client_id=None, channel=Channel.EMAIL, route=mail.route,
                address=address, recipient_name=mail.name[:800], purpose=str(purpose),
                template=str(mail.template), context=safe, subject=rendered.subject,
                body_text=text, body_html=html, headers=mail.headers,
                source_type=str(mail.source[0])[:60],
                source_id=str(mail.source[1])[:64] if mail.source[1] is not None else None,
                status=DeliveryStatus.FAILED if problem else DeliveryStatus.PENDING,
                last_error=problem, idempotency_key=key, created_by=actor.subject,
                next_attempt_at=at, finished_at=at if problem else None,
            ))
        if not rows:
            return []
        try:
            async with transaction():  # a savepoint: a concurrent twin with our keys wins
                await Delivery.bulk_create(rows)
        except IntegrityError:
            return []
        for row in rows:
            hand_off(row)  # after the commit: to the workers, and to subscribers
    return rows
