"""Live calls for supervisors' wallboards through Redis pub/sub (published after commit by
every call write, the PBX webhook's included), so any API process serves a subscriber."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.consultation.types import Call
from api.history.subscriptions import listen
from api.permissions import actor_of
from api.relay import bad_input, decode_id
from domain.consultation.events import ALL, TOPIC_ALL, TOPIC_LINE
from domain.consultation.models import Call as CallRow
from domain.consultation.models import ConsultationLine
from domain.consultation.queries import CALL_COLUMNS
from domain.errors import DomainError, not_found
from domain.ids import as_uuid, parse_uuid


@strawberry.type
class ConsultationSubscriptions:
    @strawberry.subscription(
        description="Each call as it changes (started, answered, transferred, ended, …), for "
        "supervisors' wallboards. With `lineId` only that line's calls; a malformed or unknown "
        "`lineId` is BAD_USER_INPUT (reason INVALID_ID or NOT_FOUND).")
    async def call_updated(
        self, info: Info,
        line_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only calls of this ConsultationLine (global ID).")] = None,
    ) -> AsyncGenerator[Call, None]:
        actor = actor_of(info)
        topic, key = TOPIC_ALL, ALL
        if line_id is not None:
            try:
                lid = parse_uuid(decode_id(line_id, "ConsultationLine", "lineId"), "lineId",
                                 "Линия")
                if not await ConsultationLine.exists(id=lid):
                    raise not_found("Линия", "lineId")
            except DomainError as exc:
                raise bad_input(exc) from None
            topic, key = TOPIC_LINE, str(lid)
        async for message in listen(topic, key):
            rows = await CallRow.filter(id=as_uuid(message.get("callId"))).values(*CALL_COLUMNS)
            if rows and Call.visible(actor, rows[0]):
                yield Call.from_row(rows[0])
