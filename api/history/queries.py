"""Read side of the history area: exports and retention runs (the timeline itself is
``Client.history``)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.history.types import HistoryExport, RetentionRun
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    Connection,
    bad_input,
    decode_id,
    page_size,
)
from domain.errors import DomainError
from domain.history import queries as history
from domain.pagination import encode_cursor


@strawberry.type
class HistoryQueries:
    @strawberry.field(
        description="One history export by ID, to poll its status. Null when the ID is "
        "malformed, names no export, or the export belongs to another client (a client sees "
        "only their own).",
    )
    async def history_export(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(
            description="The HistoryExport's global ID.")],
    ) -> HistoryExport | None:
        try:
            node_id = decode_id(id, "HistoryExport", "id")
        except DomainError:
            return None
        return await HistoryExport.resolve_node(node_id, info=info, required=False)

    @strawberry.field(
        description="Retention sweeps (R-1.5), newest first: what each one anonymised or "
        "deleted.",
    )
    async def retention_runs(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Connection[RetentionRun] | None:
        try:
            rows, has_next = await history.runs_page(page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["started_at"], r["id"]) for r in rows]
        return Connection.of([RetentionRun.from_row(r) for r in rows], cursors, has_next, after)

