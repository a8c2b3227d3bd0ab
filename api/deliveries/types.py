"""GraphQL types of the deliveries area (the outbox), built from plain rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.deliveries.dataloaders import (
    DeliveriesKey,
    DeliveriesPageByClientLoader,
    DeliveryBodyByIdLoader,
    DeliveryByIdLoader,
)
from api.enums import ChannelEnum
from api.permissions import actor_of
from api.relay import Connection, bad_input, page_size
from domain.actor import Actor, Role
from domain.deliveries import queries
from domain.deliveries.models import DeliveryStatus, PostalState, Purpose, RouteReason, Template
from domain.deliveries.queries import LIST_COLUMNS
from domain.errors import DomainError
from domain.ids import as_uuid
from domain.messages import access as message_access
from domain.pagination import encode_cursor
from domain.surveys import tokens as link_tokens

DeliveryStatusEnum = strawberry.enum(
    DeliveryStatus, description="Where a delivery stands: PENDING (waiting for a worker or "
    "its next try), SENDING (being sent; postal/EDMS: in the operator's queue), SENT, FAILED "
    "(see lastError; staff may retry or re-route), CANCELLED.")
PostalStateEnum = strawberry.enum(
    PostalState, description="A paper letter's progress: QUEUED to print, PRINTED, POSTED.")
DeliveryRouteEnum = strawberry.enum(
    RouteReason, name="DeliveryRoute", description="Why the delivery took its channel "
    "(R-1.4): the client's PREFERRED one, the LEGAL one the law fixes, the client's "
    "ADDITIONAL one duplicating it, the FALLBACK order when no choice was made, or STAFF "
    "re-routing.")
DeliveryPurposeEnum = strawberry.enum(
    Purpose, name="DeliveryPurpose", description="Why a communication was sent.")
DeliveryTemplateEnum = strawberry.enum(
    Template, name="DeliveryTemplate", description="A template communications are rendered "
    "from (`deliveryTemplates` lists them; `previewTemplate` shows one).")


# api/clients refers to this area (Client.deliveries): its types are named lazily, by string,
# so no import runs from here to there.
ClientRef = Annotated["Client", strawberry.lazy("api.clients.types")]  # noqa: F821
ContactPointRef = Annotated["ContactPoint", strawberry.lazy("api.clients.types")]  # noqa: F821


def _describe(enum_type: Any, descriptions: dict[Any, str]) -> None:
    """Value descriptions for enums defined in domain/ (which must not import strawberry)."""
    for value in enum_type.__strawberry_definition__.values:
        value.description = descriptions[enum_type(value.value)]


_describe(DeliveryStatus, {
    DeliveryStatus.PENDING: "Waiting for a worker, or for its next try (`nextAttemptAt`).",
    DeliveryStatus.SENDING: "Being sent; paper letters and EDMS: in the operator's queue.",
    DeliveryStatus.SENT: "Handed over (email accepted, SMS sent, letter posted).",
    DeliveryStatus.FAILED: "Gave up: see `lastError`; staff may retry or re-route it.",
    DeliveryStatus.CANCELLED: "Stopped by staff (or replaced by a re-routed delivery).",
})
_describe(PostalState, {
    PostalState.QUEUED: "In the print queue.",
    PostalState.PRINTED: "Printed, not yet handed to the post.",
    PostalState.POSTED: "Handed to the post (the delivery is SENT).",
})
_describe(RouteReason, {
    RouteReason.PREFERRED: "The client's chosen channel (also beside a legal one: R-1.4).",
    RouteReason.LEGAL: "The channel the law fixes for this communication.",
    RouteReason.ADDITIONAL: "The client's additional channel, duplicating the legal one.",
    RouteReason.FIXED: "The procedure fixes the channel for this purpose: mailings go by "
    "email only (R-6.2).",
    RouteReason.FALLBACK: "No usable choice: the default order (email, SMS, post, messenger).",
    RouteReason.STAFF: "Re-routed by staff.",
    RouteReason.EMPLOYEE: "To an employee's work email from the staff directory (deadline "
    "alerts); such a delivery has no client.",
})
_describe(Purpose, {
    Purpose.ANSWER: "The answer on the merits of a message (final: carries the survey link).",
    Purpose.INFORMATION: "Requested information (final).",
    Purpose.SERVICE_RESULT: "A service's result (final).",
    Purpose.RECEIPT_NOTICE: "The message is registered: its number and deadline.",
    Purpose.REDIRECT_NOTICE: "The message went to another authority.",
    Purpose.ABUSE_NOTICE: "The message was left unanswered for abusive content.",
    Purpose.CLARIFICATION_REQUEST: "More details are needed from the client.",
    Purpose.EXTENSION_NOTICE: "The deadline was extended.",
    Purpose.BOOKING_CONFIRMATION: "An appointment is booked.",
    Purpose.BOOKING_CANCELLED: "An appointment is cancelled.",
    Purpose.BOOKING_CHANGED: "An appointment's official, date or time changed (R-4.4).",
    Purpose.REMINDER: "A reminder of something due.",
    Purpose.SURVEY_INVITATION: "An invitation to a satisfaction survey.",
    Purpose.SURVEY_REMINDER: "A reminder of an unanswered survey.",
    Purpose.HISTORY_EXPORT_READY: "The client's history export is ready to download.",
    Purpose.MAILING: "A mailing the client subscribed to.",
    Purpose.MAILING_CONFIRMATION: "Confirm a mailing subscription (double opt-in).",
    Purpose.CONTACT_VERIFICATION: "A code confirming a contact point.",
    Purpose.DEADLINE_ALERT: "To an employee: a deadline is near or passed.",
    Purpose.NOTICE: "Any other notice.",
})
_describe(Template, {
    Template.ABUSE_NOTICE: "No answer for abusive content.",
    Template.ANSWER: "The answer on the merits (`answer_text`, optional `survey_url`).",
    Template.BOOKING_CANCELLED: "An appointment is cancelled.",
    Template.BOOKING_CHANGED: "An appointment's official, date or time changed (R-4.4), "
    "with accept and cancel links.",
    Template.BOOKING_CONFIRMATION: "An appointment is booked.",
    Template.CLARIFICATION_REQUEST: "A request for more details.",
    Template.CONTACT_VERIFICATION: "A contact point's confirmation code.",
    Template.DEADLINE_ALERT: "To an employee: a deadline is near or passed.",
    Template.EXTENSION_NOTICE: "The deadline was extended.",
    Template.HISTORY_EXPORT_READY: "The history export's download links.",
    Template.INFORMATION: "Requested information (final).",
    Template.MAILING: "A mailing issue.",
    Template.MAILING_CONFIRMATION: "Confirm a mailing subscription.",
    Template.NOTICE: "A free-form notice (`title`, `text`).",
    Template.RECEIPT_NOTICE: "The message is registered: number and deadline.",
    Template.REDIRECT_NOTICE: "The message went to another authority.",
    Template.REGISTRATION_NOTICE: "The message is registered (internal requests).",
    Template.REMINDER: "A reminder of something due.",
    Template.SERVICE_RESULT: "A service's result (final).",
    Template.SURVEY_INVITATION: "An invitation to a satisfaction survey.",
    Template.SURVEY_REMINDER: "A reminder of an unanswered survey.",
})


# What caused a delivery (``source_type`` as other areas pass it to ``send``) → its Node type.
SOURCE_NODES: dict[str, str] = {
    "message": "Message",
    "survey_invitation": "SurveyInvitation",
    "survey_response": "SurveyResponse",
    "history_export": "HistoryExport",
    "delivery": "Delivery",
    "booking": "Booking",
}


@strawberry.type(description="One outbound communication to one client by one channel "
                 "(an outbox row). Written with the change that caused it, then sent by a "
                 "worker; its status changes arrive through `deliveryUpdated`.")
class Delivery(RowNode, relay.Node):
    node_loader = DeliveryByIdLoader

    id: relay.NodeID[str]
    channel: ChannelEnum | None = strawberry.field(
        description="How it goes; null when no channel could reach the client (see lastError).")
    route: DeliveryRouteEnum = strawberry.field(description="Why it took this channel.")
    address: str | None = strawberry.field(
        description="Where it went, as it was at sending time (email, E.164 phone, postal "
        "address, network:handle); null for the personal account and the EDMS.")
    recipient_name: str = strawberry.field(description="The client's name at sending time.")
    purpose: DeliveryPurposeEnum = strawberry.field(description="Why it was sent.")
    template: DeliveryTemplateEnum = strawberry.field(
        description="The template it was rendered from.")
    subject_line: strawberry.Private[str]
    status: DeliveryStatusEnum = strawberry.field(description="Where it stands now.")
    attempts: int = strawberry.field(description="Sending attempts so far.")
    external_reference: str | None = strawberry.field(
        description="The receiving system's handle, to look it up there: for email the "
        "Message-ID header, for SMS and messengers the gateway's message id, for the EDMS "
        "the outgoing registration number (R-8, once registered).")
    postal_state: PostalStateEnum | None = strawberry.field(
        description="Paper letters only: print-queue progress.")
    created_at: dt.datetime = strawberry.field(description="When it was written (queued).")
    updated_at: dt.datetime = strawberry.field(description="Last change of any kind.")
    next_attempt_at: dt.datetime = strawberry.field(
        description="PENDING: when the next try is due.")
    sent_at: dt.datetime | None = strawberry.field(
        description="When it left (paper letters: when posted).")
    printed_at: dt.datetime | None = strawberry.field(
        description="Paper letters: when marked printed.")
    finished_at: dt.datetime | None = strawberry.field(
        description="When it failed or was cancelled.")
    client_id: strawberry.Private[str | None]
    contact_id: strawberry.Private[str | None]
    rerouted_from_id: strawberry.Private[str | None]
    source_type: strawberry.Private[str | None]
    source_id: strawberry.Private[str | None]
    error: strawberry.Private[str | None]
    link: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Staff see every delivery; a client (or employee) only those sent to them."""
        return actor is not None and actor.can_see_client(row["client_id"])

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        rows = await info.context.loader(cls.node_loader).load_many(list(node_ids))
        shown = await visible_rows(info.context.actor, rows)
        return [cls.from_row(r) if r is not None and ok else None for r, ok in zip(rows, shown)]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Delivery:
        return cls(
            id=str(row["id"]), channel=row["channel"], route=row["route"],
            address=row["address"], recipient_name=row["recipient_name"],
            purpose=row["purpose"], template=Template(row["template"]),
            subject_line=row["subject"], source_type=row["source_type"],
            source_id=row["source_id"], status=row["status"],
            attempts=row["attempts"], external_reference=row["message_id"],
            postal_state=row["postal_state"], created_at=row["created_at"],
            updated_at=row["updated_at"], next_attempt_at=row["next_attempt_at"],
            sent_at=row["sent_at"], printed_at=row["printed_at"],
            finished_at=row["finished_at"],
            client_id=str(row["client_id"]) if row["client_id"] else None,
            contact_id=str(row["contact_id"]) if row["contact_id"] else None,
            rerouted_from_id=str(row["rerouted_from_id"]) if row["rerouted_from_id"] else None,
            error=row["last_error"], link=row["external_link"],
        )

    @classmethod
    def from_model(cls, obj: Any) -> Delivery:
        return cls.from_row({c: getattr(obj, c) for c in LIST_COLUMNS})

    @strawberry.field(description="Subject line (emails; a title elsewhere).")
    def subject(self, info: Info) -> str:
        return _shown(info, self.subject_line)

    @strawberry.field(description="What caused it: a Message, SurveyInvitation, "
                      "SurveyResponse, HistoryExport, Delivery or Booking "
                      "(`... on Message { number }`); "
                      "null when nothing did, or the viewer may not see it.")
    async def source(self, info: Info) -> relay.Node | None:
        type_name = SOURCE_NODES.get(self.source_type or "")
        if type_name is None or as_uuid(self.source_id) is None:
            return None
        return await relay.GlobalID(type_name, str(self.source_id)).resolve_node(info)

    @strawberry.field(description="Why it failed, or the last transient error while it is "
                      "retried (staff only; null for clients).")
    def last_error(self, info: Info) -> str | None:
        return self.error if actor_of(info).is_staff else None

    @strawberry.field(description="R-8: the document's link in the EDMS, once registered "
                      "there (staff only; null for clients and other channels).")
    def external_link(self, info: Info) -> str | None:
        return self.link if actor_of(info).is_staff else None

    @strawberry.field(description="The plain-text body as sent (SMS/messenger: the short text). "
                      "Staff see link tokens (survey, unsubscribe) replaced by [скрыто].")
    async def text(self, info: Info) -> str:
        row = await info.context.loader(DeliveryBodyByIdLoader).load(self.id)
        return _shown(info, row["body_text"] if row else "")

    @strawberry.field(description="The HTML as sent: a whole email document, or for paper "
                      "letters the printable A4 page; null for SMS and messengers. Staff see "
                      "link tokens replaced by [скрыто].")
    async def html(self, info: Info) -> str | None:
        row = await info.context.loader(DeliveryBodyByIdLoader).load(self.id)
        return _shown(info, row["body_html"]) if row and row["body_html"] is not None else None

    @strawberry.field(description="The recipient; null for mail to an employee (route "
                      "EMPLOYEE: see recipientName and address).")
    async def client(self, info: Info) -> ClientRef | None:
        if self.client_id is None:
            return None
        # Through the Client type's own resolve_nodes (its loader and visibility check), so
        # this area imports nothing of api/clients, which imports us (Client.deliveries).
        return await relay.GlobalID("Client", self.client_id).resolve_node(info)

    @strawberry.field(
        description="The contact point it was addressed to (null if since removed).")
    async def contact(self, info: Info) -> ContactPointRef | None:
        if not self.contact_id:
            return None
        return await relay.GlobalID("ContactPoint", self.contact_id).resolve_node(info)

    @strawberry.field(description="The delivery this one re-routes, if staff re-routed it.")
    async def rerouted_from(self, info: Info) -> Delivery | None:
        if not self.rerouted_from_id:
            return None
        [found] = await Delivery.resolve_nodes(info=info, node_ids=[self.rerouted_from_id])
        return found


@strawberry.type(description="A page of deliveries, newest first. Continue with "
                 "`after: pageInfo.endCursor`.")
class DeliveryConnection(Connection[Delivery]):
    """Concrete, so other areas' types can refer to it lazily (strawberry.lazy)."""


def connection(rows: list[dict[str, Any]], has_next: bool, after: str | None
               ) -> DeliveryConnection:
    cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
    return DeliveryConnection.of([Delivery.from_row(r) for r in rows], cursors, has_next, after)


def _shown(info: Info, text: str) -> str:
    """What was sent, as this viewer may read it: the recipient sees their own links; staff
    never see a usable link token (an executor could answer the survey on their own work)."""
    actor = info.context.actor
    return link_tokens.redact(text) if actor is not None and actor.is_staff else text


async def visible_rows(actor: Actor | None, rows: list[dict[str, Any] | None]) -> list[bool]:
    """``Delivery.visible`` per row, and for an executor only what was sent about messages
    they may see (``messages.access.delivery_scope``, row by row)."""
    shown = [r is not None and Delivery.visible(actor, r) for r in rows]
    if actor is None or actor.role != Role.EXECUTOR:
        return shown
    sources = [r["source_id"] if r and r["source_type"] == "message" else None for r in rows]
    allowed = await message_access.visible_ids(actor, [s for s in sources if s])
    return [ok and source in allowed for ok, source in zip(shown, sources, strict=True)]


async def load_client_deliveries(info: Info, client_id: str, first: int | None,
                                 after: str | None) -> DeliveryConnection:
    """For ``Client.deliveries``: the parent Client is already visible to the viewer. A bad
    cursor is a BAD_USER_INPUT error on that field alone."""
    key = DeliveriesKey(client_id, page_size(info, first), after)
    actor = info.context.actor
    try:
        if (scope := await message_access.delivery_scope(actor) if actor else None) is not None:
            rows, has_next = await queries.client_rows(client_id, key.first, after, scope)
        else:
            rows, has_next = await info.context.loader(DeliveriesPageByClientLoader).load(key)
    except DomainError as exc:
        raise bad_input(exc) from None
    return connection(rows, has_next, after)
