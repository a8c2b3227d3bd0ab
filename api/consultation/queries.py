"""Consultation line queries: the lines with their hours (public, R-3.3), one call (the
operator's screen) and the calls page (the supervisors' wallboard)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.consultation.dataloaders import CallByIdLoader
from api.consultation.types import Call, CallConnection, CallStatusEnum, ConsultationLine
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    bad_input,
    decode_id,
    decode_optional_id,
    page_size,
)
from domain.consultation import queries
from domain.errors import DomainError


@strawberry.type
class ConsultationQueries:
    @strawberry.field(description="The consultation line's numbers (R-3.2), each with whether "
                      "it is open now and when it next opens (R-3.3). Public.")
    async def consultation_lines(self, info: Info) -> list[ConsultationLine]:
        return [ConsultationLine.from_row(r) for r in await queries.lines()]

    @strawberry.field(description="One call: the operator's screen in one query. Null when "
                      "the ID names no call.")
    async def call(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The Call's global ID.")],
    ) -> Call | None:
        try:
            call_id = decode_id(id, "Call", "id")
        except DomainError as exc:
            raise bad_input(exc) from None
        row = await info.context.loader(CallByIdLoader).load(call_id)
        return Call.from_row(row) if row and Call.visible(actor_of(info), row) else None

    @strawberry.field(description="Calls, newest started first (the wallboard). Filters "
                      "combine with AND. Null (with an error on this field) for a bad `first`, "
                      "`after` or ID.")
    async def calls(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(
            description=AFTER_DESCRIPTION)] = None,
        line_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only calls of this ConsultationLine.")] = None,
        statuses: Annotated[list[CallStatusEnum] | None, strawberry.argument(
            description="Only calls in these states.")] = None,
        client_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only calls of this Client.")] = None,
    ) -> CallConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.calls_page(
                size, after,
                line_id=decode_optional_id(line_id, "ConsultationLine", "lineId"),
                statuses=statuses,
                client_id=decode_optional_id(client_id, "Client", "clientId"))
        except DomainError as exc:
            raise bad_input(exc) from None
        return CallConnection.from_rows(rows, has_next, after)
