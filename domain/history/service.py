"""Writing the interaction timeline (R-1.5): every area appends through ``record``.

Reads are in ``queries.py``. History never imports the areas that write to it (they
import history), so it stays at the bottom of the area graph."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain import redis
from domain.actor import Actor
from domain.enums import Channel
from domain.history.kinds import EventKind
from domain.history.models import Direction, InteractionEvent

# Read helpers other areas page with (deliveries, messages); new code imports them from
# ``domain.history.queries``.
from domain.history.queries import as_utc, newest_ids_per_client, split_pages  # noqa: F401
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
        occurred_at=as_utc(occurred_at) if occurred_at else datetime.now(UTC),
        source_type=source[0] if source else None,
        source_id=str(source[1]) if source else None,
        actor_subject=actor.subject if actor else None,
        actor_role=str(actor.role) if actor else None,
        details=details,
    )
    key = str(client_id)
    after_commit(lambda: redis.publish(TOPIC, key, {"id": event.id, "clientId": key}))
    return event
