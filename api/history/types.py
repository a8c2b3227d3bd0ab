"""GraphQL types of the interaction history (R-1.5)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.enums import ChannelEnum, DirectionEnum, EventKindEnum
from api.history.dataloaders import HistoryKey, HistoryPageByClientLoader
from api.relay import Connection, bad_input, page_size
from domain.errors import DomainError
from domain.pagination import encode_cursor


@strawberry.type(description="One thing that happened between the client and the Government.")
class InteractionEvent(relay.Node):
    id: relay.NodeID[str]
    kind: str = strawberry.field(description="An `EventKind` value; new kinds may appear, so treat unknown ones as generic.")
    channel: ChannelEnum | None
    direction: DirectionEnum
    occurred_at: dt.datetime
    summary: str = strawberry.field(description="One line in plain Russian.")
    source_type: str | None = strawberry.field(description="What kind of record this event is about (message, delivery, …).")
    source_id: str | None = strawberry.field(description="The global ID of that record, where it has one.")
    actor_role: str | None = strawberry.field(description="Role of whoever acted (client, operator, system, …).")
    anonymised: bool = strawberry.field(description="Personal details were removed after the retention period.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> InteractionEvent:
        return cls(
            id=str(row["id"]), kind=row["kind"], channel=row["channel"], direction=row["direction"],
            occurred_at=row["occurred_at"], summary=row["summary"],
            source_type=row["source_type"], source_id=row["source_id"],
            actor_role=row["actor_role"], anonymised=row["anonymised"],
        )


InteractionEventConnection = Connection[InteractionEvent]


async def load_history(
    info: Info, client_id: str, first: int | None, after: str | None,
    kinds: list[Any] | None, channels: list[Any] | None,
    since: dt.datetime | None, until: dt.datetime | None,
) -> Connection[InteractionEvent]:
    key = HistoryKey(
        client_id=client_id, first=page_size(info, first), after=after,
        kinds=tuple(str(k.value if hasattr(k, "value") else k) for k in kinds) if kinds else None,
        channels=tuple(str(c.value if hasattr(c, "value") else c) for c in channels) if channels else None,
        since=since, until=until,
    )
    try:
        rows, has_next = await info.context.loader(HistoryPageByClientLoader).load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    cursors = [encode_cursor(r["occurred_at"], r["id"]) for r in rows]
    return Connection.of([InteractionEvent.from_row(r) for r in rows], cursors, has_next, after)
