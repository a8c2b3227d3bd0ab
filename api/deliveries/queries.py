"""Read side of the deliveries area: the outbox for staff, one delivery, template preview."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from api.deliveries.dataloaders import DeliveryByIdLoader
from api.deliveries.types import (
    Delivery,
    DeliveryConnection,
    DeliveryPurposeEnum,
    DeliveryStatusEnum,
    connection,
)
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import FIRST_DESCRIPTION, bad_input, decode_id, page_size
from domain.deliveries import rendering
from domain.deliveries import service as deliveries
from domain.errors import DomainError


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
    source_type: str | None = strawberry.field(default=None, description="e.g. message")
    source_id: str | None = strawberry.field(
        default=None, description="With sourceType: the deliveries one record caused.")
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


@strawberry.type
class DeliveryQueries:
    @strawberry.field(
        description="The outbox, newest first (staff). Failures: statuses [FAILED]; "
        "print queue: channels [POSTAL], statuses [PENDING, SENDING].",
    )
    async def deliveries(
        self, info: Info, filter: DeliveryFilter | None = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: str | None = None,
    ) -> DeliveryConnection:
        f = filter or DeliveryFilter()
        try:
            client_id = decode_id(f.client_id, "Client", "clientId") if f.client_id else None
            rows, has_next = await deliveries.page(actor_of(info), deliveries.DeliveryFilter(
                statuses=f.statuses, channels=f.channels,
                purposes=[p.value if hasattr(p, "value") else p for p in f.purposes]
                if f.purposes else None,
                client_id=client_id, source_type=f.source_type, source_id=f.source_id,
                since=f.from_, until=f.to,
            ), page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        return connection(rows, has_next, after)

    @strawberry.field(
        description="One delivery; null when missing or not visible (clients see their own).",
    )
    async def delivery(self, info: Info, id: strawberry.ID) -> Delivery | None:
        try:
            delivery_id = decode_id(id, "Delivery", "id")
        except DomainError:
            return None
        row = await info.context.loader(DeliveryByIdLoader).load(delivery_id)
        if row is None or not actor_of(info).can_see_client(str(row["client_id"])):
            return None
        return Delivery.from_row(row)

    @strawberry.field(description="Names of the templates previewTemplate and areas can use.")
    def delivery_templates(self) -> list[str]:
        return rendering.available()

    @strawberry.field(description="Render a template with sample or real values before "
                      "sending (staff). Nothing is written or sent.")
    async def preview_template(
        self, info: Info,
        template: Annotated[str, strawberry.argument(
            description="A name from `deliveryTemplates`.")],
        purpose: Annotated[DeliveryPurposeEnum, strawberry.argument(
            description="What the message is for.")],
        context: Annotated[JSON, strawberry.argument(
            description='The template\'s values as a JSON object, e.g. {"answer_text": "…", '
            '"survey_url": "https://…"}.')],
        client_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Render for this client (name, postal address); else a sample "
            "name.")] = None,
    ) -> TemplatePreviewPayload:
        if client_id is not None:
            try:
                client_id = decode_id(client_id, "Client", "clientId")
            except DomainError as exc:
                return TemplatePreviewPayload(preview=None, errors=[UserError.of(exc)])
        found, errors = await attempt(deliveries.preview(
            actor_of(info), template, purpose, context, client_id))
        preview = TemplatePreview(subject=found.subject, text=found.text, html=found.html,
                                  short_text=found.short, letter_html=found.letter_html
                                  ) if found else None
        return TemplatePreviewPayload(preview=preview, errors=errors)
