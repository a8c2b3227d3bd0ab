"""Read side of the history area: exports and retention runs (the timeline itself is
``Client.history``)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.history.types import HistoryExport, RetentionRun
from api.permissions import actor_of
from api.relay import FIRST_DESCRIPTION, Connection, bad_input, decode_id, page_size
from domain.errors import DomainError
from domain.history import exports, retention
from domain.pagination import encode_cursor


@strawberry.type
class HistoryQueries:
    @strawberry.field(
        description="One history export by ID, to poll its status. Null when it does not exist "
        "or belongs to another client (a client sees only their own).",
    )
    async def history_export(self, info: Info, id: strawberry.ID) -> HistoryExport | None:
        try:
            row = await exports.get_export_for(actor_of(info), decode_id(id, "HistoryExport", "id"))
        except DomainError:
            return None
        return HistoryExport.from_row(row)

    @strawberry.field(
        description="Retention sweeps (R-1.5), newest first: what each one anonymised or "
        "deleted. Supervisors and administrators only.",
    )
    async def retention_runs(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: str | None = None,
    ) -> Connection[RetentionRun]:
        try:
            rows, has_next = await retention.runs_page(page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["started_at"], r["id"]) for r in rows]
        return Connection.of([RetentionRun.from_row(r) for r in rows], cursors, has_next, after)
