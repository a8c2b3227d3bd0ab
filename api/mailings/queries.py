"""Read side of mailings: the public lists, subscriptions (staff; a client their own),
campaigns, a campaign's preview and progress."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from api.mailings.types import (
    CampaignProgress,
    MailingCampaignConnection,
    MailingList,
    MailingSubscriptionConnection,
)
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    bad_input,
    decode_id,
    decode_optional_id,
    page_size,
)
from domain.errors import DomainError
from domain.mailings import access, campaigns, queries

First = Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)]
After = Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)]
CampaignId = Annotated[strawberry.ID, strawberry.argument(
    description="The campaign's global ID (`MailingCampaign.id`).")]


@strawberry.type(description="What a campaign's email looks like for one subscriber.")
class MailingCampaignPreview:
    subject: str = strawberry.field(description="The subject line.")
    text: str = strawberry.field(description="The plain-text part, with the unsubscribe link.")
    html: str = strawberry.field(description="The HTML part (a whole document), with the "
                                 "visible unsubscribe link.")
    sample_email: str | None = strawberry.field(
        description="The subscriber it was rendered for (the earliest consenting one); null "
        "when the list has none yet.")


@strawberry.type
class MailingQueries:
    @strawberry.field(description="Mailing lists open for sign-up, by name (a short, staff-kept "
                      "list: at most 200, not paginated). Staff may add deleted ones.")
    async def mailing_lists(
        self, info: Info,
        include_deleted: Annotated[bool, strawberry.argument(
            description="Supervisors and admins: deleted lists too.")] = False,
    ) -> list[MailingList] | None:
        include = include_deleted and access.can_manage(info.context.actor)
        return [MailingList.from_row(r) for r in await queries.lists(include)]

    @strawberry.field(description="Subscriptions, newest first: staff see everyone's (filter by "
                      "list or address), a client only their own.")
    async def mailing_subscriptions(
        self, info: Info, first: First = None, after: After = None,
        list_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only this list's (a MailingList global ID).")] = None,
        email: Annotated[str | None, strawberry.argument(
            description="Only this address (exact, any case).")] = None,
    ) -> MailingSubscriptionConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.subscriptions_page(
                actor_of(info), size, after,
                decode_optional_id(list_id, "MailingList", "listId"), email)
        except DomainError as exc:
            raise bad_input(exc) from None
        return MailingSubscriptionConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="Campaigns, newest first (supervisors, admins).")
    async def mailing_campaigns(
        self, info: Info, first: First = None, after: After = None,
        list_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only this list's (a MailingList global ID).")] = None,
    ) -> MailingCampaignConnection | None:
        size = page_size(info, first)
        try:
            rows, has_next = await queries.campaigns_page(
                size, after, decode_optional_id(list_id, "MailingList", "listId"))
        except DomainError as exc:
            raise bad_input(exc) from None
        return MailingCampaignConnection.from_rows(rows, has_next, after)

    @strawberry.field(description="The campaign's email as its first consenting subscriber "
                      "would get it (writes nothing). Null for an unknown ID.")
    async def mailing_campaign_preview(self, info: Info, id: CampaignId
                                       ) -> MailingCampaignPreview | None:
        try:
            subject, text, html, sample = await campaigns.preview(
                actor_of(info), decode_id(id, "MailingCampaign", "id"), info.context.settings)
        except DomainError:
            return None
        return MailingCampaignPreview(subject=subject, text=text, html=html,
                                      sample_email=sample or None)

    @strawberry.field(description="How far a campaign has got. Null for an unknown ID.")
    async def campaign_progress(self, info: Info, id: CampaignId) -> CampaignProgress | None:
        try:
            campaign = await campaigns.get(decode_id(id, "MailingCampaign", "id"))
        except DomainError:
            return None
        return CampaignProgress.of(await campaigns.progress(campaign.id))
