"""Reads of the deliveries area, and the column lists they return: the outbox for staff,
one client's deliveries, bodies on demand. Writes live in ``outbox``/``manage``/``dispatch``
(see README)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from domain.actor import Actor
from domain.clients.models import Channel
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.errors import DomainError, ErrorCode
from domain.history import service as history
from domain.ids import parse_uuid, uuids
from domain.pagination import newest_first

# What a Delivery shows (the bodies are loaded only when asked for: lists stay light).
LIST_COLUMNS = (
    "id", "client_id", "channel", "route", "contact_id", "address", "recipient_name", "purpose",
    "template", "subject", "source_type", "source_id", "status", "attempts", "last_error",
    "idempotency_key", "message_id", "external_link", "postal_state", "rerouted_from_id",
    "created_by", "created_at", "updated_at", "next_attempt_at", "sent_at", "printed_at",
    "finished_at",
)
BODY_COLUMNS = ("id", "body_text", "body_html")


def require_staff(actor: Actor | None) -> None:
    if actor is None or not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Недостаточно прав для этого действия.")


async def rows(ids: Iterable[Any]) -> list[dict[str, Any]]:
    """Deliveries by ID (malformed IDs name nothing); no access check: callers check."""
    found = uuids(ids)
    return await Delivery.filter(id__in=found).values(*LIST_COLUMNS) if found else []


async def row(delivery_id: Any) -> dict[str, Any] | None:
    found = await rows([delivery_id])
    return found[0] if found else None


async def bodies(ids: Iterable[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await Delivery.filter(id__in=found).values(*BODY_COLUMNS) if found else []


@dataclass(frozen=True, slots=True)
class DeliveryFilter:
    statuses: list[DeliveryStatus] | None = None
    channels: list[Channel] | None = None
    purposes: list[Purpose] | None = None
    client_id: Any = None
    # (source_type, source_id): the deliveries one record caused.
    source: tuple[str, str] | None = None
    since: datetime | None = None
    until: datetime | None = None


async def page(actor: Actor, flt: DeliveryFilter, first: int, after: str | None,
               scope: Q | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Staff: every delivery in ``scope`` (what the actor may see; None: all), newest
    first, narrowed by the filter."""
    require_staff(actor)
    query = Delivery.all() if scope is None else Delivery.filter(scope)
    if flt.statuses:
        query = query.filter(status__in=[str(s) for s in flt.statuses])
    if flt.channels:
        query = query.filter(channel__in=[str(c) for c in flt.channels])
    if flt.purposes:
        query = query.filter(purpose__in=[str(Purpose(p)) for p in flt.purposes])
    if flt.client_id is not None:
        query = query.filter(client_id=parse_uuid(flt.client_id, "clientId", "Клиент"))
    if flt.source is not None:
        query = query.filter(source_type=flt.source[0], source_id=flt.source[1])
    if flt.since:
        query = query.filter(created_at__gte=history.as_utc(flt.since))
    if flt.until:
        query = query.filter(created_at__lt=history.as_utc(flt.until))
    return await newest_first(query, "created_at", first, after, LIST_COLUMNS, uuid.UUID)


async def client_rows(client_id: Any, first: int, after: str | None, scope: Q | None = None
                      ) -> tuple[list[dict[str, Any]], bool]:
    """One client's deliveries in ``scope``, newest first, for callers that already checked
    the viewer may see this client (``Client.deliveries``)."""
    query = Delivery.filter(client_id=parse_uuid(client_id, "clientId", "Клиент"))
    if scope is not None:
        query = query.filter(scope)
    return await newest_first(query, "created_at", first, after, LIST_COLUMNS, uuid.UUID)


async def first_pages(client_ids: list[str], first: int
                      ) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """The newest deliveries of many clients in two statements (a client list's field)."""
    ids = await history.newest_ids_per_client("delivery", "created_at", client_ids, first + 1)
    found = await Delivery.filter(id__in=ids).order_by(
        "client_id", "-created_at", "-id").values(*LIST_COLUMNS) if ids else []
    return history.split_pages(found, client_ids, first)


async def of_sources(source_type: str, source_ids: Iterable[Any]) -> list[dict[str, Any]]:
    """The deliveries these records caused, with their bodies, oldest first (a client's
    history export shows each notice as sent: R-1.5)."""
    wanted = [str(i) for i in source_ids]
    return await Delivery.filter(source_type=source_type, source_id__in=wanted).order_by(
        "created_at", "id").values(*LIST_COLUMNS, "body_text") if wanted else []


async def backlog() -> tuple[dict[str, int], float]:
    """Deliveries not finished, per state (pending, sending), and the age in seconds of the
    oldest pending one already due: the worker's outbox metrics (index status+next_attempt_at)."""
    from tortoise.functions import Count

    rows = await (Delivery.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
                  .annotate(n=Count("id")).group_by("status").values("status", "n"))
    at = datetime.now(UTC)
    oldest = await (Delivery.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=at)
                    .order_by("next_attempt_at").first().values_list("next_attempt_at", flat=True))
    return ({str(r["status"]): r["n"] for r in rows},
            (at - oldest).total_seconds() if oldest else 0.0)
