"""Deliveries use cases (the writes; reads are in ``queries``). ``send`` is what every other
area calls to reach a client.

Contract (stable; surveys, messages, appointments, mailings, history depend on it)::

    deliveries = await send(client_id, Purpose.ANSWER, "answer", {"answer_text": ...},
                            source=("message", message.id), legal_channel=None,
                            idempotency_key=f"answer:{message.id}", actor=actor)

Call it inside your ``transaction()``: it writes one outbox row per channel of the routing
plan (``rules.plan``), renders the template, records a history event per row, and after the
commit hands each row to a worker (arq job ``send_delivery``, ``_job_id`` = delivery id). If
Redis is down then, the cron sweep enqueues the rows later; nothing is lost. A route that
cannot reach the client is written as a *failed* row with the reason, for staff to re-route.
The same ``idempotency_key`` again returns the first call's rows and sends nothing.
A final communication without its survey link (R-2.10) or a mailing without its unsubscribe
link (R-6.4) is refused (``rules.check_required_links``) before anything is written.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import SYSTEM, Actor
from domain.clients.models import Client
from domain.deliveries import rendering, rules
from domain.deliveries.manage import (  # noqa: F401 (re-exported: writes go through service)
    Preview,
    cancel,
    mark_edms_registered,
    mark_postal,
    preview,
    reroute,
    retry,
)
from domain.deliveries.models import Delivery, Purpose, Template
from domain.deliveries.outbox import (  # noqa: F401 (re-exported)
    ALL,
    ANONYMOUS_NAME,
    JOB,
    PURPOSE_RU,
    TOPIC,
    _key,
    _purpose,
    enqueue,
    hand_off,
    routing_inputs,
    with_defaults,
    write_row,
)
from domain.enums import Channel
from domain.errors import not_found
from domain.ids import parse_uuid
from domain.settings import Settings, get_settings
from domain.transaction import transaction
from domain.validation import clean_text


async def send(
    client_id: Any,
    purpose: Purpose,
    template: Template | str,
    context: dict[str, Any],
    *,
    source: tuple[str, Any],
    legal_channel: Channel | None = None,
    legal_contact_id: Any = None,
    idempotency_key: str | None = None,
    actor: Actor | None = None,
    attachments: list[rules.Attachment] | None = None,
) -> list[Delivery]:
    """Write the outbox rows of one communication (see the module docstring).
    ``legal_contact_id``: the address the law sends to (the one given in the appeal), used
    for the legal channel when it is one of the client's contacts of the fitting kind.
    ``attachments``: text files an email carries (other channels ignore them)."""
    purpose = _purpose(purpose)
    files = rules.clean_attachments(attachments)
    key = _key(idempotency_key)
    safe = rendering.json_safe(context)
    rules.check_required_links(purpose, safe)  # refused before any row
    source_type = clean_text(str(source[0]), "source", max_length=60, required=True)
    source_id = (clean_text(str(source[1]), "source", max_length=64)
                 if source[1] is not None else None)
    async with transaction():
        if key is not None:
            existing = await Delivery.filter(idempotency_key=key).order_by("created_at", "id")
            if existing:
                return existing
        client = await Client.get_or_none(id=parse_uuid(client_id, "clientId", "Клиент"))
        if client is None:
            raise not_found("Клиент", "clientId")
        preference, contacts = await routing_inputs(client.id)
        routes = rules.plan(
            preference, contacts, legal_channel, purpose=purpose,
            legal_contact_id=str(legal_contact_id) if legal_contact_id is not None else None)
        full_context = with_defaults(safe, client)
        rendered = rendering.render(template, full_context)
        anonymous = None
        rows: list[Delivery] = []
        try:
            async with transaction():  # a savepoint: a concurrent twin with our key wins
                for route in routes:
                    shown = rendered
                    if route.contact is not None and not route.contact.verified:
                        # An address nobody confirmed may be anyone's: nothing the citizen
                        # typed (their name) goes there (README, "Government mail to anyone").
                        anonymous = anonymous or rendering.render(
                            template, {**full_context, "client_name": ANONYMOUS_NAME})
                        shown = anonymous
                    rows.append(await write_row(
                        client, route, shown, purpose=purpose, template=template,
                        context=safe, source=(source_type, source_id), key=key, actor=actor,
                        attachments=files, named=shown is rendered))
        except IntegrityError:
            if key is None:
                raise
            return await Delivery.filter(idempotency_key=key).order_by("created_at", "id")
        for row in rows:
            hand_off(row)
    return rows


async def notify_history_export(export: Any, settings: Settings | None = None) -> list[Delivery]:
    """R-1.5, R-1.4: the client learns by their channel that their history export is ready,
    with the signed download links. The history export job passes it to ``exports.build``."""
    from domain.history import links

    settings = settings or get_settings()
    context = {
        "links": [
            {"title": "Открыть в браузере",
             "url": links.download_url(settings, export.id, export.expires_at, "html")},
            {"title": "Файл с данными (JSON)",
             "url": links.download_url(settings, export.id, export.expires_at, "json")},
        ],
        "expires_at": export.expires_at,
    }
    return await send(export.client_id, Purpose.HISTORY_EXPORT_READY, "history_export_ready",
                      context, source=("history_export", export.id),
                      idempotency_key=f"history_export_ready:{export.id}", actor=SYSTEM)
