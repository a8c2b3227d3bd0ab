"""Read side of the deliveries area: the outbox for staff, one delivery, template preview.
Who may call each root field is ``api/access.py`` ``ROLES``; the services check again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.deliveries.types import (
    SOURCE_NODES,
    Delivery,
    DeliveryConnection,
    DeliveryPurposeEnum,
    DeliveryStatusEnum,
    DeliveryTemplateEnum,
    connection,
)
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    bad_input,
    decode_id,
    decode_optional_id,
    page_size,
)
from domain.deliveries import manage, queries, rendering
from domain.errors import DomainError, invalid_id
from domain.ids import as_uuid
from domain.messages import access as message_access

SOURCE_TYPES = {type_name: source for source, type_name in SOURCE_NODES.items()}


@strawberry.input(description="Narrow the outbox; every given condition must hold.")
class DeliveryFilter:
    statuses: list[DeliveryStatusEnum] | None = strawberry.field(
        default=None, description="Any of these statuses, e.g. [FAILED] for the failure list.")
    channels: list[ChannelEnum] | None = strawberry.field(
        default=None, description="Any of these channels, e.g. [POSTAL] with "
        "statuses [PENDING, SENDING] for the print queue.")
    purposes: list[DeliveryPurposeEnum] | None = strawberry.field(
        default=None, description="Any of these purposes.")
    client_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this client's (a Client global ID).")
    source_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the deliveries one record caused: the global ID of "
        "a Message, SurveyInvitation, SurveyResponse, HistoryExport or Delivery (what "
        "`Delivery.source` shows).")
    from_: dt.datetime | None = strawberry.field(
        default=None, name="from", description="Created at or after (inclusive).")
    to: dt.datetime | None = strawberry.field(default=None, description="Created before.")


@strawberry.type(description="A template rendered as it would go out (nothing is sent).")
class TemplatePreview:
    subject: str = strawberry.field(description="The subject line, one line.")
    text: str = strawberry.field(description="Email plain-text part, with the signature.")
    html: str = strawberry.field(description="Email HTML document.")
    short_text: str = strawberry.field(description="What SMS and messengers get.")
    letter_html: str = strawberry.field(description="The printable paper letter (A4).")


@strawberry.type(description="Result of previewTemplate: the preview, or errors (unknown "
                 "template, a value the template needs but the context lacks, …).")
class TemplatePreviewPayload:
    preview: TemplatePreview | None = strawberry.field(description="Null when errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


def decode_source(value: Any) -> tuple[str, str] | None:
    """``sourceId`` → (source_type, id) as ``send`` stored them; INVALID_ID otherwise."""
    if value is None:
        return None
    try:
        type_name = relay.GlobalID.from_id(str(value)).type_name
    except (ValueError, TypeError):
        type_name = ""
    source_type = SOURCE_TYPES.get(type_name)
    if source_type is None:
        raise invalid_id(", ".join(SOURCE_TYPES), "sourceId")
    node_id = decode_id(value, type_name, "sourceId")
    return source_type, str(as_uuid(node_id) or node_id)


@strawberry.type
class DeliveryQueries:
    @strawberry.field(
        description="The outbox, newest first (staff). Failures: statuses [FAILED]; "
        "print queue: channels [POSTAL], statuses [PENDING, SENDING]. Null with an error "
        "for a bad `first`, cursor or filter.",
    )
    async def deliveries(
        self, info: Info,
        filter: Annotated[DeliveryFilter | None, strawberry.argument(
            description="Narrow the list; every given condition must hold.")] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> DeliveryConnection | None:
        f = filter or DeliveryFilter()
        size = page_size(info, first)
        try:
            actor = actor_of(info)
            rows, has_next = await queries.page(actor, queries.DeliveryFilter(
                statuses=f.statuses, channels=f.channels, purposes=f.purposes,
                client_id=decode_optional_id(f.client_id, "Client", "clientId"),
                source=decode_source(f.source_id), since=f.from_, until=f.to,
            ), size, after, scope=await message_access.delivery_scope(actor))
        except DomainError as exc:
            raise bad_input(exc) from None
        return connection(rows, has_next, after)

    @strawberry.field(
        description="One delivery; null when missing, malformed or not visible (a client or "
        "employee sees those sent to them).",
    )
    async def delivery(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The Delivery's global ID.")],
    ) -> Delivery | None:
        try:
            delivery_id = decode_id(id, "Delivery", "id")
        except DomainError:
            return None
        [found] = await Delivery.resolve_nodes(info=info, node_ids=[delivery_id])
        return found

    @strawberry.field(description="The templates previewTemplate and areas can use (staff).")
    def delivery_templates(self) -> list[DeliveryTemplateEnum] | None:
        return rendering.templates()

    @strawberry.field(description="Render a template with sample or real values before "
                      "sending (staff). Nothing is written or sent.")
    async def preview_template(
        self, info: Info,
        template: Annotated[DeliveryTemplateEnum, strawberry.argument(
            description="The template to render.")],
        purpose: Annotated[DeliveryPurposeEnum, strawberry.argument(
            description="What the message is for.")],
        context: Annotated[JSON, strawberry.argument(
            description='The template\'s values as a JSON object, e.g. {"answer_text": "…", '
            '"survey_url": "https://…"}.')],
        client_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Render for this client (a Client global ID: name, postal address); "
            "else a sample name.")] = None,
    ) -> TemplatePreviewPayload | None:
        found, errors = await attempt(lambda: manage.preview(
            actor_of(info), template, purpose, context,
            decode_optional_id(client_id, "Client", "clientId")))
        preview = TemplatePreview(subject=found.subject, text=found.text, html=found.html,
                                  short_text=found.short, letter_html=found.letter_html
                                  ) if found else None
        return TemplatePreviewPayload(preview=preview, errors=errors)
