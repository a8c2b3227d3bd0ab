"""Write side of the history area: thin resolvers over domain.history."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.errors import UserError, attempt
from api.history.types import HistoryExport
from api.permissions import actor_of
from api.relay import decode_id
from domain.history import exports
from domain.history.queries import EXPORT_COLUMNS


@strawberry.input(description="Whose history to export: the signed-in client's own, or any "
                  "client's for staff.")
class RequestHistoryExportInput:
    client_id: strawberry.ID = strawberry.field(
        description="The Client's global ID (yourself, for a client token).")


@strawberry.type(description="Result of requesting a history export.")
class HistoryExportPayload:
    history_export: HistoryExport | None = strawberry.field(
        description="The export, PENDING at first; an export still being built for this client "
        "is returned instead of starting a second one. Null on errors.")
    errors: list[UserError] = strawberry.field(
        description="Why no export was started; empty on success.")


@strawberry.type
class HistoryMutations:
    @strawberry.mutation(
        description="R-1.5: build the client's whole interaction history as JSON and HTML "
        "documents. The client themselves or staff; for anyone else the client is NOT_FOUND.",
    )
    async def request_history_export(
        self, info: Info,
        input: Annotated[RequestHistoryExportInput, strawberry.argument(
            description="Whose history to export.")],
    ) -> HistoryExportPayload | None:
        obj, errors = await attempt(lambda: exports.request_export(
            actor_of(info), decode_id(input.client_id, "Client", "clientId")))
        if obj is None:
            return HistoryExportPayload(history_export=None, errors=errors)
        row = {c: getattr(obj, c) for c in EXPORT_COLUMNS}
        return HistoryExportPayload(history_export=HistoryExport.from_row(row), errors=errors)
