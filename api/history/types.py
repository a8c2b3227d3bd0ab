"""GraphQL types of the interaction history (R-1.5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.enums import ChannelEnum, DirectionEnum, EventKindEnum, describe_values
from api.history.dataloaders import (
    EventByIdLoader,
    ExportsKey,
    HistoryExportByIdLoader,
    HistoryExportsByClientLoader,
    HistoryKey,
    HistoryPageByClientLoader,
    RetentionRunByIdLoader,
)
from api.relay import Connection, bad_input, page_size, resolve_node_of
from domain.actor import Actor, Role
from domain.errors import DomainError
from domain.history import links
from domain.history.kinds import ArchiveRecord, EventKind, RecordType, RetentionAction, SourceType
from domain.history.models import ExportStatus
from domain.pagination import encode_cursor

ActorRoleEnum = strawberry.enum(
    Role, name="ActorRole",
    description="Who acted: the client themselves (CLIENT, EMPLOYEE as an internal client), "
    "a member of staff, or SYSTEM (the server on its own, e.g. a scheduled job).")
RetentionActionEnum = strawberry.enum(
    RetentionAction, name="RetentionAction",
    description="ANONYMISE: the summary was replaced and personal details cleared (kind, "
    "channel and time kept for statistics); DELETE: the events were removed.")

describe_values(ActorRoleEnum, {
    Role.CLIENT: "The client themselves.",
    Role.EMPLOYEE: "An employee acting as an internal client.",
    Role.OPERATOR: "A contact-centre operator.",
    Role.EXECUTOR: "An executor in a department.",
    Role.SUPERVISOR: "A supervisor.",
    Role.ADMIN: "An administrator.",
    Role.SYSTEM: "The server on its own (a scheduled job, an automatic notice).",
})
ArchiveRecordEnum = strawberry.enum(
    ArchiveRecord, name="ArchiveRecord",
    description="A kind of record the retention sweep handles besides events.")
describe_values(ArchiveRecordEnum, {
    ArchiveRecord.MESSAGE: "A message (an appeal or an internal request).",
    ArchiveRecord.ANSWER: "The answer to a message.",
    ArchiveRecord.CLARIFICATION: "A clarification logged under a message (R-2.7).",
    ArchiveRecord.ATTACHMENT: "An attachment's metadata (name, type, size).",
    ArchiveRecord.DELIVERY: "A delivery (a notice, an answer as sent), with its body.",
})
RecordTypeEnum = strawberry.enum(
    RecordType, name="ArchiveRecordType",
    description="A record type of the archive list: each has its retention period "
    "(`OKNO_RETENTION_PERIODS`), counted from 1 January after the case was closed.")
describe_values(RecordTypeEnum, {
    RecordType.APPEAL: "A citizen's or organisation's appeal with everything handled under it.",
    RecordType.INTERNAL_REQUEST: "An employee's internal request with everything handled "
    "under it.",
    RecordType.CORRESPONDENCE: "A notice sent outside any case (one delivery).",
})
describe_values(RetentionActionEnum, {
    RetentionAction.ANONYMISE: "Personal details removed; kind, channel and time kept.",
    RetentionAction.DELETE: "The events were deleted.",
})

# The Node type each kind of source record is shown as (every SourceType has one).
SOURCE_NODE_TYPES: dict[str, str] = {
    SourceType.CLIENT: "Client",
    SourceType.CONTACT: "ContactPoint",
    SourceType.REPRESENTATIVE: "Representative",
    SourceType.HISTORY_EXPORT: "HistoryExport",
    SourceType.DELIVERY: "Delivery",
    SourceType.MESSAGE: "Message",
    SourceType.SURVEY_INVITATION: "SurveyInvitation",
    SourceType.SURVEY_RESPONSE: "SurveyResponse",
    SourceType.BOOKING: "Booking",
    SourceType.SOCIAL_ITEM: "SocialItem",
    SourceType.CALL: "Call",
}


def sees_client(actor: Actor | None, row: dict[str, Any]) -> bool:
    return actor is not None and actor.can_see_client(row["client_id"])


@strawberry.type(description="One thing that happened between the client and the Government.")
class InteractionEvent(RowNode, relay.Node):
    node_loader = EventByIdLoader

    id: relay.NodeID[str]
    kind: EventKindEnum = strawberry.field(
        description="What happened. New kinds may be added: show unknown ones as a generic "
        "event.")
    channel: ChannelEnum | None = strawberry.field(description="The channel it went through; null "
                                                               "for internal steps.")
    direction: DirectionEnum = strawberry.field(description="From the client, to the client, or "
                                                            "inside the Government.")
    occurred_at: dt.datetime = strawberry.field(description="When it happened.")
    summary: str = strawberry.field(description="One line in plain Russian.")
    actor_role: ActorRoleEnum | None = strawberry.field(
        description="Who acted; null when not recorded or anonymised.")
    anonymised: bool = strawberry.field(description="Personal details were removed after the "
                                                    "retention period.")
    source_type: strawberry.Private[str | None]
    source_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Whoever may see the event's client (the client themselves, or staff)."""
        return sees_client(actor, row)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> InteractionEvent:
        return cls(
            id=str(row["public_id"]), kind=EventKind(row["kind"]), channel=row["channel"],
            direction=row["direction"], occurred_at=row["occurred_at"], summary=row["summary"],
            source_type=row["source_type"], source_id=row["source_id"],
            actor_role=Role(row["actor_role"]) if row["actor_role"] else None,
            anonymised=row["anonymised"],
        )

    @strawberry.field(
        description="The record this event is about (a Message, Delivery, ContactPoint, …). "
        "Null when there is none, it was removed (a deleted contact), the event was "
        "anonymised, or you may not see it.")
    async def source(self, info: Info) -> relay.Node | None:
        type_name = SOURCE_NODE_TYPES.get(self.source_type or "")
        if type_name is None or not self.source_id:
            return None
        return await resolve_node_of(info, type_name, self.source_id)


InteractionEventConnection = Connection[InteractionEvent]


async def load_history(
    info: Info, client_id: str, first: int | None, after: str | None,
    kinds: list[Any] | None, channels: list[Any] | None,
    since: dt.datetime | None, until: dt.datetime | None,
) -> Connection[InteractionEvent]:
    key = HistoryKey(
        client_id=client_id, first=page_size(info, first), after=after,
        kinds=tuple(str(k.value if hasattr(k, "value") else k) for k in kinds) if kinds else None,
        channels=(tuple(str(c.value if hasattr(c, "value") else c) for c in channels)
                  if channels else None),
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
    description="Where an export stands: poll while PENDING or RUNNING.",
)
describe_values(ExportStatusEnum, {
    ExportStatus.PENDING: "Queued.",
    ExportStatus.RUNNING: "Being built.",
    ExportStatus.READY: "The download links work until `expiresAt`.",
    ExportStatus.FAILED: "Building failed: request a new one.",
    ExportStatus.EXPIRED: "The links ran out and the files were removed: request a new one.",
})


@strawberry.type(
    description="A copy of a client's whole interaction history (R-1.5), built in the "
    "background as a JSON document and a readable HTML page. Poll `historyExport(id)` or "
    "watch `interactionAdded` for a HISTORY_EXPORT_READY event."
)
class HistoryExport(RowNode, relay.Node):
    node_loader = HistoryExportByIdLoader

    id: relay.NodeID[str]
    status: ExportStatusEnum = strawberry.field(description="PENDING and RUNNING: poll again; "
                                                            "READY: download; FAILED or EXPIRED: "
                                                            "request a new one.")
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
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """The client themselves, or staff."""
        return sees_client(actor, row)

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
    ) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:  # noqa: F821
        # Through the Client type's own node resolution: the history area's API imports
        # nothing of the clients area's (which sits above it and shows its history).
        return await resolve_node_of(info, "Client", self.client_id)


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
    kind: EventKindEnum = strawberry.field(description="The kind of the events counted.")
    count: int = strawberry.field(description="How many events of this kind.")


@strawberry.type(description="How many records of one kind a retention sweep handled.")
class RecordCount:
    record: ArchiveRecordEnum = strawberry.field(description="The kind of record counted.")
    count: int = strawberry.field(description="How many records of this kind.")


@strawberry.type(description="How many cases of one record type a retention sweep handled.")
class CaseCount:
    record_type: RecordTypeEnum = strawberry.field(description="The record type counted.")
    count: int = strawberry.field(description="How many cases of this type.")


@strawberry.type(
    description="What one retention sweep did (R-1.5): closed cases (a message and everything "
    "handled under it) and events outside cases past their retention period were anonymised "
    "or deleted, and expired export files removed."
)
class RetentionRun(RowNode, relay.Node):
    node_loader = RetentionRunByIdLoader

    id: relay.NodeID[str]
    started_at: dt.datetime = strawberry.field(description="When the sweep started.")
    finished_at: dt.datetime = strawberry.field(description="When the sweep finished.")
    action: RetentionActionEnum = strawberry.field(description="What was done to the events.")
    total: int = strawberry.field(description="Events handled, all kinds together.")
    affected: list[KindCount] = strawberry.field(description="Events handled per kind.")
    records: list[RecordCount] = strawberry.field(
        description="Messages, answers, clarifications, attachments and deliveries handled, "
        "per kind of record.")
    cases: list[CaseCount] = strawberry.field(
        description="Cases handled per record type of the archive list.")
    exports_expired: int = strawberry.field(description="History exports whose files were removed.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> RetentionRun:
        return cls(
            id=str(row["id"]), started_at=row["started_at"], finished_at=row["finished_at"],
            action=RetentionAction(row["action"]), total=row["total"],
            exports_expired=row["exports_expired"],
            # Only kinds the product knows: a kind dropped from EventKind stays in `total`.
            affected=[KindCount(kind=EventKind(k), count=v)
                      for k, v in sorted((row["affected"] or {}).items())
                      if k in EventKind._value2member_map_],
            records=[RecordCount(record=ArchiveRecord(k), count=v)
                     for k, v in sorted((row.get("records") or {}).items())
                     if k in ArchiveRecord._value2member_map_],
            cases=[CaseCount(record_type=RecordType(k), count=v)
                   for k, v in sorted((row.get("cases") or {}).items())
                   if k in RecordType._value2member_map_],
        )

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Supervisors and administrators (as `retentionRuns`)."""
        return actor is not None and actor.role in (Role.SUPERVISOR, Role.ADMIN)
