"""Write side of social items: sources (admins), the batch import, the public answer and
the move to an individual channel (staff)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id, resolve_node_of
from api.social.types import ActionEnum, KindEnum, NetworkEnum, SocialItem, SocialSource
from domain.social import handling, intake, queries, rules, sources


async def _item(item_id: Any) -> SocialItem | None:
    rows = await queries.items_by_id([item_id]) if item_id is not None else []
    return SocialItem.from_row(rows[0]) if rows else None


def _unset(value: Any) -> Any:
    return sources.UNSET if value is strawberry.UNSET else value


@strawberry.input(description="A new source (no `id`: `network` and `name` required) or "
                  "changes to one (fields left out stay as they are).")
class SaveSocialSourceInput:
    id: strawberry.ID | None = strawberry.field(
        default=None, description="The source's global ID; leave out to create one.")
    network: NetworkEnum | None = strawberry.field(
        default=None, description="The network (fixed once created).")
    name: str | None = strawberry.field(default=strawberry.UNSET,
                                        description="What staff call it (≤ 200 characters).")
    confirmation_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="VK: the confirmation string from the group's "
        "Callback API settings.")
    api_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="The network's API base URL answers are posted "
        "to (VK: https://api.vk.com, Telegram: https://api.telegram.org); null: the file sink.")
    api_token: str | None = strawberry.field(
        default=strawberry.UNSET, description="The access token of that API (write-only).")
    active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="False switches its webhook off (404).")
    rotate_secret: bool = strawberry.field(
        default=False, description="True: a new webhook secret; the old one stops working.")


@strawberry.type(description="The source, or why not.")
class SaveSocialSourcePayload:
    social_source: SocialSource | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="One item of a batch, as the network gave it.")
class SocialItemImport:
    source_item_id: str = strawberry.field(description="The network's id of the item "
                                           "(the dedupe key, with the source).")
    kind: KindEnum | None = strawberry.field(
        default=None, description="Required for a new item; edits and deletions may omit it.")
    text: str | None = strawberry.field(default=None, description="The text (required for "
                                        "a new item).")
    action: ActionEnum = strawberry.field(
        default=rules.Action.NEW, description="What happened at the source (default NEW).")
    author_account: str | None = strawberry.field(
        default=None, description="The author's account on the network (its user id).")
    author_name: str | None = strawberry.field(default=None, description="The author's name.")
    url: str | None = strawberry.field(default=None, description="The item on the network.")
    post_id: str | None = strawberry.field(default=None, description="The post commented on.")
    at: dt.datetime | None = strawberry.field(
        default=None, description="When it was written (the limit counts from here; never "
        "later than the import).")


@strawberry.input(description="A batch of items of one source (1 to 1000); all are checked "
                  "before any is written.")
class ImportSocialItemsInput:
    source_id: strawberry.ID = strawberry.field(description="The source's global ID.")
    items: list[SocialItemImport] = strawberry.field(description="The items.")


@strawberry.type(description="What the import did; a replayed item changes nothing.")
class ImportSocialItemsPayload:
    created: int | None = strawberry.field(description="New items.")
    updated: int | None = strawberry.field(description="Items edited or deleted at the source.")
    unchanged: int | None = strawberry.field(description="Items already known as they are.")
    ignored: int | None = strawberry.field(
        description="Edits or deletions of items never received.")
    errors: list[UserError] = strawberry.field(description="Why it failed (field "
                                               "`items.N` names the item); empty on success.")


@strawberry.input(description="R-7.3: a short public answer on the merits.")
class AnswerSocialItemInput:
    item_id: strawberry.ID = strawberry.field(description="The item's global ID.")
    text: str = strawberry.field(description="Plain Russian (R-7.5), within the network's "
                                 "length (VK, Telegram 4096; OK, MAX 4000; others 2000).")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="The sphere, when the detector's suggestion is wrong.")


@strawberry.type(description="The item with its queued answer, or why not (TOO_LONG, "
                 "REFUSAL_GROUNDS for plain-language blockers, ALREADY_ANSWERED, INVALID_STATE "
                 "for a moved or deleted item).")
class AnswerSocialItemPayload:
    social_item: SocialItem | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="R-7.3: move the item to an individual channel: the person "
                  "becomes a client (the given one, the one known by the network account, or "
                  "a new card) and the item a message.")
class MoveSocialItemToMessageInput:
    item_id: strawberry.ID = strawberry.field(description="The item's global ID.")
    client_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client, when staff found the person.")
    last_name: str | None = strawberry.field(default=None, description="For a new card.")
    first_name: str | None = strawberry.field(
        default=None, description="For a new card (default: the network's display name).")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="The sphere, when the detector's suggestion is wrong.")


@strawberry.type(description="The moved item and the message it became.")
class MoveSocialItemToMessagePayload:
    social_item: SocialItem | None = strawberry.field(description="Null on error.")
    message: Annotated[Message, strawberry.lazy("api.messages.types")] | None = (  # noqa: F821
        strawberry.field(description="The new message, with its own legal terms."))
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type
class SocialMutations:
    @strawberry.mutation(description="Create or change a social source.")
    async def save_social_source(self, info: Info, input: SaveSocialSourceInput
                                 ) -> SaveSocialSourcePayload | None:
        data = sources.SourceData(
            network=input.network, name=_unset(input.name),
            confirmation_code=_unset(input.confirmation_code), api_url=_unset(input.api_url),
            api_token=_unset(input.api_token), active=_unset(input.active),
            rotate_secret=input.rotate_secret)
        obj, errors = await attempt(lambda: sources.save_source(
            actor_of(info), decode_optional_id(input.id, "SocialSource", "id"), data))
        rows = await queries.sources_by_id([obj.id]) if obj is not None else []
        return SaveSocialSourcePayload(
            social_source=SocialSource.from_row(rows[0]) if rows else None, errors=errors)

    @strawberry.mutation(description="Import a batch of items (see the input).")
    async def import_social_items(self, info: Info, input: ImportSocialItemsInput
                                  ) -> ImportSocialItemsPayload | None:
        items = [{"id": i.source_item_id, "kind": i.kind, "text": i.text, "action": i.action,
                  "authorId": i.author_account, "authorName": i.author_name, "url": i.url,
                  "postId": i.post_id, "at": i.at.isoformat() if i.at else None}
                 for i in input.items]
        result, errors = await attempt(lambda: intake.import_items(
            actor_of(info), decode_id(input.source_id, "SocialSource", "sourceId"), items,
            info.context.settings))
        counts = result.as_dict() if result is not None else {}
        return ImportSocialItemsPayload(
            created=counts.get("created"), updated=counts.get("updated"),
            unchanged=counts.get("unchanged"), ignored=counts.get("ignored"), errors=errors)

    @strawberry.mutation(description="Answer an item in public (see the input); the answer is "
                         "posted by a worker, retried until the network takes it.")
    async def answer_social_item(self, info: Info, input: AnswerSocialItemInput
                                 ) -> AnswerSocialItemPayload | None:
        obj, errors = await attempt(lambda: handling.answer_item(
            actor_of(info), decode_id(input.item_id, "SocialItem", "itemId"), input.text,
            decode_optional_id(input.sphere_id, "Sphere", "sphereId"), info.context.settings))
        return AnswerSocialItemPayload(
            social_item=await _item(obj.item_id) if obj is not None else None, errors=errors)

    @strawberry.mutation(description="Move an item to an individual channel (see the input).")
    async def move_social_item_to_message(self, info: Info, input: MoveSocialItemToMessageInput
                                          ) -> MoveSocialItemToMessagePayload | None:
        result, errors = await attempt(lambda: handling.move_to_message(
            actor_of(info), decode_id(input.item_id, "SocialItem", "itemId"),
            decode_optional_id(input.client_id, "Client", "clientId"), input.last_name,
            input.first_name, decode_optional_id(input.sphere_id, "Sphere", "sphereId"),
            info.context.settings))
        if result is None:
            return MoveSocialItemToMessagePayload(social_item=None, message=None, errors=errors)
        item, message = result
        return MoveSocialItemToMessagePayload(
            social_item=await _item(item.id),
            message=await resolve_node_of(info, "Message", str(message.id)), errors=errors)
