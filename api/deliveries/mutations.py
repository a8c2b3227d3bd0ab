"""Write side of the deliveries area (staff): retry, cancel, re-route, postal marks. IDs are
decoded inside ``attempt``: a bad one is an INVALID_ID UserError in the payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from api.deliveries.types import Delivery, visible_rows
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id
from domain.deliveries import queries
from domain.deliveries import service as deliveries
from domain.deliveries.models import PostalState
from domain.errors import not_found
from domain.messages import edms


@strawberry.enum(description="What the operator did with a queued paper letter.")
class PostalMark(Enum):
    PRINTED = strawberry.enum_value("printed", description="Printed, not yet posted.")
    POSTED = strawberry.enum_value("posted", description="Handed to the post: completes it.")


@strawberry.type(description="Result of a delivery mutation: the delivery, or errors.")
class DeliveryPayload:
    delivery: Delivery | None = strawberry.field(
        description="The delivery after the change (re-route: the new one); null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="A failed or cancelled delivery to send again by the same route.")
class RetryDeliveryInput:
    id: strawberry.ID = strawberry.field(description="The Delivery's global ID.")


@strawberry.input(description="Stop a delivery that has not gone out yet (or a queued letter).")
class CancelDeliveryInput:
    id: strawberry.ID = strawberry.field(description="The Delivery's global ID.")
    reason: str | None = strawberry.field(default=None, description="Shown in the history.")


@strawberry.input(description="Send the same content to another contact point or channel. "
                  "Give a contact (its kind picks the channel: email, SMS, postal, messenger) "
                  "or a channel (the client's best contact of the needed kind is used), or "
                  "both. A still pending original is cancelled.")
class RerouteDeliveryInput:
    id: strawberry.ID = strawberry.field(description="The Delivery's global ID.")
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of the client's contact points (ContactPoint ID).")
    channel: ChannelEnum | None = strawberry.field(
        default=None, description="The channel; phone is carried by SMS.")


@strawberry.input(description="Record a paper letter as printed, or as handed to the post "
                  "(which completes it: SENT).")
class MarkPostalDeliveryInput:
    id: strawberry.ID = strawberry.field(description="The Delivery's global ID.")
    state: PostalMark = strawberry.field(description="PRINTED, or POSTED (completes it).")


@strawberry.input(description="R-8: the document queued for the EDMS was registered there: "
                  "its outgoing number and link. Completes the delivery (SENT); for an answer "
                  "they are shown on the answer too (`Answer.outgoingEdmsNumber`).")
class MarkEdmsDeliveryRegisteredInput:
    id: strawberry.ID = strawberry.field(description="The Delivery's global ID (channel EDMS).")
    number: str = strawberry.field(
        description="The outgoing EDMS registration number (up to 100 characters).")
    link: str | None = strawberry.field(
        default=None, description="The document's link in the EDMS: an https:// URL, or "
        "null/empty when the EDMS gives none.")


async def _on_visible(info: Info, value: Any, call: Callable[[str], Awaitable[Any]]) -> Any:
    """``call`` on the Delivery the ID names, when the caller may see it (an executor: only
    deliveries about their messages); NOT_FOUND otherwise, as for an unknown ID."""
    delivery_id = decode_id(value, "Delivery", "id")
    row = await queries.row(delivery_id)
    if row is None or not (await visible_rows(info.context.actor, [row]))[0]:
        raise not_found("Отправка", "id")
    return await call(delivery_id)


def _payload(obj: Any, errors: list[UserError]) -> DeliveryPayload:
    return DeliveryPayload(delivery=Delivery.from_model(obj) if obj is not None else None,
                           errors=errors)


@strawberry.type
class DeliveryMutations:
    @strawberry.mutation(description="Send a failed or cancelled delivery again.")
    async def retry_delivery(self, info: Info, input: RetryDeliveryInput
                             ) -> DeliveryPayload | None:
        return _payload(*await attempt(lambda: _on_visible(info, input.id, lambda d: (
            deliveries.retry(actor_of(info), d)))))

    @strawberry.mutation(description="Cancel a delivery that has not gone out.")
    async def cancel_delivery(self, info: Info, input: CancelDeliveryInput
                              ) -> DeliveryPayload | None:
        return _payload(*await attempt(lambda: _on_visible(info, input.id, lambda d: (
            deliveries.cancel(actor_of(info), d, input.reason)))))

    @strawberry.mutation(description="Re-route a delivery to another contact point or "
                         "channel; returns the new delivery.")
    async def reroute_delivery(self, info: Info, input: RerouteDeliveryInput
                               ) -> DeliveryPayload | None:
        return _payload(*await attempt(lambda: _on_visible(info, input.id, lambda d: (
            deliveries.reroute(actor_of(info), d, decode_optional_id(
                input.contact_id, "ContactPoint", "contactId"), input.channel)))))

    @strawberry.mutation(description="Mark a queued paper letter printed or posted.")
    async def mark_postal_delivery(self, info: Info, input: MarkPostalDeliveryInput
                                   ) -> DeliveryPayload | None:
        return _payload(*await attempt(lambda: _on_visible(info, input.id, lambda d: (
            deliveries.mark_postal(actor_of(info), d, PostalState(input.state.value))))))

    @strawberry.mutation(description="R-8: record that a document queued for the EDMS was "
                         "registered there, with its outgoing number and link (completes it).")
    async def mark_edms_delivery_registered(self, info: Info,
                                            input: MarkEdmsDeliveryRegisteredInput
                                            ) -> DeliveryPayload | None:
        return _payload(*await attempt(lambda: _on_visible(info, input.id, lambda d: (
            edms.register_outgoing(actor_of(info), d, input.number, input.link)))))
