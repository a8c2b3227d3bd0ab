"""GraphQL types of the interaction history (R-1.5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.enums import ChannelEnum, DirectionEnum
from api.history.dataloaders import (
    ExportsKey,
    HistoryExportsByClientLoader,
    HistoryKey,
    HistoryPageByClientLoader,
)
from api.permissions import actor_of
from api.relay import Connection, bad_input, page_size
from domain.actor import Role
from domain.errors import DomainError
from domain.history import exports, links, retention
from domain.history.models import ExportStatus
from domain.pagination import encode_cursor

if TYPE_CHECKING:
    from api.clients.types import Client


@strawberry.type(description="One thing that happened between the client and the Government.")
class InteractionEvent(relay.Node):
    id: relay.NodeID[str]
    kind: str = strawberry.field(description="An `EventKind` value; new kinds may appear, so treat unknown ones as generic.")
    channel: ChannelEnum | None = strawberry.field(description="The channel it went through; null for internal steps.")
    direction: DirectionEnum = strawberry.field(description="From the client, to the client, or inside the Government.")
    occurred_at: dt.datetime = strawberry.field(description="When it happened (UTC, with offset).")
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


ExportStatusEnum = strawberry.enum(
    ExportStatus, name="HistoryExportStatus",
    description="PENDING: queued; RUNNING: being built; READY: download links work until "
    "`expiresAt`; FAILED: building failed, request a new one; EXPIRED: the links ran out and "
    "the files were removed, request a new one.",
)


@strawberry.type(
    description="A copy of a client's whole interaction history (R-1.5), built in the "
    "background as a JSON document and a readable HTML page. Poll `historyExport(id)` or "
    "watch `interactionAdded` for a `history_export_ready` event."
)
class HistoryExport(relay.Node):
    id: relay.NodeID[str]
    status: ExportStatusEnum = strawberry.field(description="PENDING and RUNNING: poll again; READY: download; FAILED or EXPIRED: request a new one.")
    event_count: int | None = strawberry.field(
        description="How many events the documents hold; null until READY.")
    json_bytes: int | None = strawberry.field(description="Size of the JSON document in bytes.")
    html_bytes: int | None = strawberry.field(description="Size of the HTML document in bytes.")
    created_at: dt.datetime = strawberry.field(description="When the export was requested.")
    finished_at: dt.datetime | None = strawberry.field(description="When it became READY.")
    expires_at: dt.datetime | None = strawberry.field(
        description="Until when the download links work; null until READY.")
    client_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> HistoryExport:
        return cls(
            id=str(row["id"]), status=row["status"], event_count=row["event_count"],
            json_bytes=row["json_bytes"], html_bytes=row["html_bytes"],
            created_at=row["created_at"], finished_at=row["finished_at"],
            expires_at=row["expires_at"], client_id=str(row["client_id"]),
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        actor = actor_of(info)
        result: list[HistoryExport | None] = []
        for node_id in node_ids:  # exports are fetched one by one, never listed by ID
            try:
                result.append(cls.from_row(await exports.get_export_for(actor, node_id)))
            except DomainError:
                result.append(None)
        return result

    def _url(self, info: Info, fmt: str) -> str | None:
        if self.status != ExportStatus.READY or self.expires_at is None:
            return None
        if self.expires_at <= dt.datetime.now(dt.UTC):
            return None
        return links.download_url(info.context.settings, self.id, self.expires_at, fmt)

    @strawberry.field(
        description="Signed link to the JSON document (machine-readable, every field); works "
        "without a login until `expiresAt`. Null unless READY.")
    def download_url_json(self, info: Info) -> str | None:
        return self._url(info, "json")

    @strawberry.field(
        description="Signed link to the readable HTML page (Russian, plain language); works "
        "without a login until `expiresAt`. Null unless READY.")
    def download_url_html(self, info: Info) -> str | None:
        return self._url(info, "html")

    @strawberry.field(description="Whose history this is.")
    async def client(
        self, info: Info
    ) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:
        from api.clients.dataloaders import ClientByIdLoader
        from api.clients.types import Client

        row = await info.context.loader(ClientByIdLoader).load(self.client_id)
        return Client.from_row(row) if row else None


HistoryExportConnection = Connection[HistoryExport]


async def load_history_exports(
    info: Info, client_id: str, first: int | None, after: str | None
) -> Connection[HistoryExport]:
    key = ExportsKey(client_id=client_id, first=page_size(info, first), after=after)
    try:
        rows, has_next = await info.context.loader(HistoryExportsByClientLoader).load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
    return Connection.of([HistoryExport.from_row(r) for r in rows], cursors, has_next, after)


@strawberry.type(description="How many events of one kind a retention sweep handled.")
class KindCount:
    kind: str = strawberry.field(description="An `EventKind` value.")
    count: int = strawberry.field(description="How many events of this kind.")


@strawberry.type(
    description="What one retention sweep did (R-1.5): events past their kind's retention "
    "period were anonymised or deleted, and expired export files removed."
)
class RetentionRun(relay.Node):
    id: relay.NodeID[str]
    started_at: dt.datetime = strawberry.field(description="When the sweep started.")
    finished_at: dt.datetime = strawberry.field(description="When the sweep finished.")
    action: str = strawberry.field(description="`anonymise` or `delete`.")
    total: int = strawberry.field(description="Events handled, all kinds together.")
    affected: list[KindCount] = strawberry.field(description="Events handled per kind.")
    exports_expired: int = strawberry.field(description="History exports whose files were removed.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> RetentionRun:
        return cls(
            id=str(row["id"]), started_at=row["started_at"], finished_at=row["finished_at"],
            action=row["action"], total=row["total"], exports_expired=row["exports_expired"],
            affected=[KindCount(kind=k, count=v)
                      for k, v in sorted((row["affected"] or {}).items())],
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        from domain.history.models import RetentionRun as Model

        if actor_of(info).role not in (Role.SUPERVISOR, Role.ADMIN):
            return [None for _ in node_ids]
        ids = [int(i) for i in node_ids if str(i).isdigit() and len(str(i)) < 19]
        rows = await Model.filter(id__in=ids).values(*retention.RUN_COLUMNS)
        found = {str(r["id"]): r for r in rows}
        return [cls.from_row(found[i]) if i in found else None for i in node_ids]
