"""Writing and reading the interaction timeline (R-1.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.queryset import QuerySet

from domain import redis
from domain.actor import Actor
from domain.clients.models import Channel
from domain.history.kinds import EventKind
from domain.history.models import Direction, InteractionEvent
from domain.pagination import newest_first
from domain.transaction import after_commit

TOPIC = "history"


async def record(
    client_id: Any,
    kind: EventKind,
    summary: str,
    *,
    direction: Direction = Direction.INTERNAL,
    channel: Channel | None = None,
    actor: Actor | None = None,
    source: tuple[str, Any] | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> InteractionEvent:
    """Append one event; call inside ``transaction()``. Subscribers hear of it after commit."""
    event = await InteractionEvent.create(
        client_id=client_id,
        kind=str(kind),
        summary=summary[:1000],
        direction=direction,
        channel=channel,
        occurred_at=occurred_at or datetime.now(UTC),
        source_type=source[0] if source else None,
        source_id=str(source[1]) if source else None,
        actor_subject=actor.subject if actor else None,
        actor_role=str(actor.role) if actor else None,
        details=details,
    )
    key = str(client_id)
    after_commit(lambda: redis.publish(TOPIC, key, {"id": event.id, "clientId": key}))
    return event


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    kinds: list[str] | None = None
    channels: list[str] | None = None
    since: datetime | None = None
    until: datetime | None = None


EVENT_COLUMNS = (
    "id",
    "client_id",
    "kind",
    "channel",
    "direction",
    "occurred_at",
    "summary",
    "source_type",
    "source_id",
    "actor_subject",
    "actor_role",
    "anonymised",
)


async def page(
    client_id: Any, first: int, after: str | None, flt: HistoryFilter
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first; index (client_id, occurred_at, id) serves every page."""
    query = filtered(InteractionEvent.filter(client_id=client_id), flt)
    return await newest_first(query, "occurred_at", first, after, EVENT_COLUMNS, int)


def filtered(query: QuerySet, flt: HistoryFilter) -> QuerySet:
    if flt.kinds:
        query = query.filter(kind__in=flt.kinds)
    if flt.channels:
        query = query.filter(channel__in=flt.channels)
    if flt.since:
        query = query.filter(occurred_at__gte=flt.since)
    if flt.until:
        query = query.filter(occurred_at__lt=flt.until)
    return query


async def export_ready(export: Any) -> None:
    """THE hook for "the client learns of it by their preferred channel" (R-1.5, R-1.4).

    Called once per export, inside the transaction that marks the ``HistoryExport``
    READY (after its HISTORY_EXPORT_READY event is recorded), so whatever is written here
    commits or rolls back with it. The deliveries area writes its outbox notice here,
    addressed by the client's channel preference, with the link
    ``domain.history.links.download_url(settings, export.id, export.expires_at, "html")``.
    Until then the client finds the link in the export's status
    (``HistoryExport.downloadUrlHtml`` / ``downloadUrlJson`` in the API).
    """
    return None
