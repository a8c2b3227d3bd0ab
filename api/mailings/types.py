"""GraphQL types of mailings (R-6.x): lists, subscriptions with their consent ledger,
campaigns and their progress. Lists, subscriptions and campaigns are Nodes."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.enums import describe_values
from api.mailings.dataloaders import (
    ConsentsBySubscriptionLoader,
    MailingCampaignByIdLoader,
    MailingListByIdLoader,
    MailingSubscriptionByIdLoader,
)
from api.relay import Connection
from domain.actor import Actor
from domain.mailings import access
from domain.mailings import rules as mailing_rules
from domain.mailings.models import (
    AddressState,
    CampaignStatus,
    ConsentAction,
    ConsentSource,
    SubscriptionStatus,
)
from domain.pagination import encode_cursor

SubscriptionStatusEnum = strawberry.enum(
    SubscriptionStatus, name="MailingSubscriptionStatus",
    description="Where a subscription stands (double opt-in, R-6.3).")
describe_values(SubscriptionStatusEnum, {
    SubscriptionStatus.PENDING: "Signed up; waiting for the confirmation link. Not mailed.",
    SubscriptionStatus.CONFIRMED: "Consent given: the list's campaigns reach this address.",
    SubscriptionStatus.REVOKED: "Consent withdrawn: never mailed again unless consent is "
    "given anew.",
    SubscriptionStatus.EXPIRED: "The confirmation link was not followed in time.",
})
ConsentSourceEnum = strawberry.enum(
    ConsentSource, description="Where a consent or revocation came from.")
describe_values(ConsentSourceEnum, {
    ConsentSource.FORM: "The public sign-up form.",
    ConsentSource.PROFILE: "A signed-in client's profile.",
    ConsentSource.OPERATOR: "A staff member, on the person's word.",
    ConsentSource.IMPORT: "An imported list, with its proof of consent.",
    ConsentSource.LINK: "The unsubscribe link or one-click POST of an email.",
    ConsentSource.BOUNCE: "The mail system (hard bounce or spam complaint).",
})
ConsentActionEnum = strawberry.enum(
    ConsentAction, description="What a consent-ledger entry records.")
describe_values(ConsentActionEnum, {
    ConsentAction.REQUESTED: "Sign-up; a confirmation email was sent.",
    ConsentAction.GIVEN: "Consent given (confirmed, verified profile address, or import).",
    ConsentAction.REVOKED: "Consent withdrawn.",
})
AddressStateEnum = strawberry.enum(
    AddressState, name="MailingAddressState",
    description="What the mail system said about an address.")
describe_values(AddressStateEnum, {
    AddressState.OK: "Mailable.",
    AddressState.BOUNCED: "Hard bounce: never mailed.",
    AddressState.COMPLAINED: "Marked our mail as spam: never mailed.",
})
CampaignStatusEnum = strawberry.enum(
    CampaignStatus, name="MailingCampaignStatus", description="Where a campaign stands.")
describe_values(CampaignStatusEnum, {
    CampaignStatus.DRAFT: "Being written; may be edited, previewed and test-sent.",
    CampaignStatus.SCHEDULED: "Starts at `scheduledAt`; may still be edited.",
    CampaignStatus.SENDING: "Being sent in batches; cannot be edited.",
    CampaignStatus.PAUSED: "Stopped by staff; resume or cancel.",
    CampaignStatus.SENT: "Every recipient was handled.",
    CampaignStatus.CANCELLED: "Stopped for good; queued emails were dropped.",
})


@strawberry.type(description="A mailing list (a topic people subscribe to). Public: the "
                 "sign-up form shows `name` and `description`.")
class MailingList(RowNode, relay.Node):
    node_loader = MailingListByIdLoader

    id: relay.NodeID[str]
    name: str = strawberry.field(description="Russian name to show.")
    description: str = strawberry.field(description="What the list sends and how often, in "
                                        "Russian (shown at sign-up).")
    deleted: bool = strawberry.field(description="True once staff deleted it: nothing is sent "
                                     "to it and it is not offered for sign-up.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return row["deleted_at"] is None or access.can_manage(actor)

    @classmethod
    def from_row(cls, row: dict) -> MailingList:
        return cls(id=str(row["id"]), name=row["name"], description=row["description"],
                   deleted=row["deleted_at"] is not None)


@strawberry.type(description="One entry of the consent ledger (append-only).")
class ConsentEntry:
    action: ConsentActionEnum = strawberry.field(description="What happened.")
    source: ConsentSourceEnum = strawberry.field(description="Where it came from.")
    at: dt.datetime = strawberry.field(description="When.")
    ip: str | None = strawberry.field(description="The IP address of the request, if any.")
    user_agent: str | None = strawberry.field(description="The browser or mail client, if "
                                              "known.")
    text_version: str = strawberry.field(description="Version of the consent text shown.")
    proof: str | None = strawberry.field(description="Imports: when and how the person "
                                         "consented.")

    @classmethod
    def from_row(cls, row: dict) -> ConsentEntry:
        return cls(action=row["action"], source=row["source"], at=row["at"], ip=row["ip"],
                   user_agent=row["user_agent"], text_version=row["text_version"],
                   proof=row["proof"])


@strawberry.type(description="One address on one mailing list. Staff see all; a client sees "
                 "those of their own addresses.")
class MailingSubscription(RowNode, relay.Node):
    node_loader = MailingSubscriptionByIdLoader

    id: relay.NodeID[str]
    email: str = strawberry.field(description="The subscribed address.")
    status: SubscriptionStatusEnum = strawberry.field(description="Where it stands.")
    source: ConsentSourceEnum = strawberry.field(description="How the latest consent was asked.")
    address_state: AddressStateEnum = strawberry.field(
        description="What the mail system said about the address.")
    created_at: dt.datetime = strawberry.field(description="First sign-up.")
    confirmed_at: dt.datetime | None = strawberry.field(description="Latest consent.")
    revoked_at: dt.datetime | None = strawberry.field(description="Latest revocation.")
    list_id: strawberry.Private[str]

    @strawberry.field(description="The list.")
    async def mailing_list(self, info: Info) -> MailingList | None:
        row = await info.context.loader(MailingListByIdLoader).load(self.list_id)
        return MailingList.from_row(row) if row else None

    @strawberry.field(description="The consent ledger of this subscription, oldest first.")
    async def consents(self, info: Info) -> list[ConsentEntry]:
        rows = await info.context.loader(ConsentsBySubscriptionLoader).load(self.id)
        return [ConsentEntry.from_row(r) for r in rows]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_see_subscription(actor, row["address__client_id"])

    @classmethod
    def from_row(cls, row: dict) -> MailingSubscription:
        return cls(id=str(row["id"]), email=row["address__email"], status=row["status"],
                   source=row["source"], address_state=row["address__state"],
                   created_at=row["created_at"], confirmed_at=row["confirmed_at"],
                   revoked_at=row["revoked_at"], list_id=str(row["mailing_list_id"]))


@strawberry.type(description="How far a campaign has got (R-6.1: `skipped` are recipients "
                 "who revoked, bounced or complained before their email left).")
class CampaignProgress:
    queued: int = strawberry.field(description="Waiting for a worker.")
    sending: int = strawberry.field(description="Claimed by a worker right now.")
    sent: int = strawberry.field(description="Accepted by the SMTP server.")
    failed: int = strawberry.field(description="Refused for good (SMTP 5xx, bad address).")
    skipped: int = strawberry.field(description="Not sent: no consent by the moment of sending, "
                                    "or the campaign was cancelled.")
    remaining: int = strawberry.field(description="queued + sending.")
    total: int = strawberry.field(description="Every recipient of the campaign.")

    @classmethod
    def of(cls, p: mailing_rules.Progress) -> CampaignProgress:
        return cls(queued=p.queued, sending=p.sending, sent=p.sent, failed=p.failed,
                   skipped=p.skipped, remaining=p.remaining, total=p.total)


@strawberry.type(description="A campaign: one email to every consenting subscriber of a list "
                 "(supervisors, admins).")
class MailingCampaign(RowNode, relay.Node):
    node_loader = MailingCampaignByIdLoader

    id: relay.NodeID[str]
    subject: str = strawberry.field(description="The email's subject and heading.")
    text: str = strawberry.field(description="The email's text, plain Russian; paragraphs "
                                 "split by blank lines.")
    status: CampaignStatusEnum = strawberry.field(description="Where it stands.")
    scheduled_at: dt.datetime | None = strawberry.field(description="When it starts, if "
                                                        "scheduled.")
    started_at: dt.datetime | None = strawberry.field(description="When sending began.")
    finished_at: dt.datetime | None = strawberry.field(description="Sent or cancelled at.")
    created_at: dt.datetime = strawberry.field(description="Created at.")
    list_id: strawberry.Private[str]

    @strawberry.field(description="The list it goes to.")
    async def mailing_list(self, info: Info) -> MailingList | None:
        row = await info.context.loader(MailingListByIdLoader).load(self.list_id)
        return MailingList.from_row(row) if row else None

    @strawberry.field(description="Queued, sent, failed, skipped and remaining emails.")
    async def progress(self) -> CampaignProgress:
        from domain.mailings import campaigns

        return CampaignProgress.of(await campaigns.progress(self.id))

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_manage(actor)

    @classmethod
    def from_row(cls, row: dict) -> MailingCampaign:
        return cls(id=str(row["id"]), subject=row["subject"], text=row["text"],
                   status=row["status"], scheduled_at=row["scheduled_at"],
                   started_at=row["started_at"], finished_at=row["finished_at"],
                   created_at=row["created_at"], list_id=str(row["mailing_list_id"]))


@strawberry.type(description="A page of subscriptions, newest first.")
class MailingSubscriptionConnection(Connection[MailingSubscription]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> MailingSubscriptionConnection:
        return cls.of([MailingSubscription.from_row(r) for r in rows],
                      [encode_cursor(r["created_at"], r["id"]) for r in rows], has_next, after)


@strawberry.type(description="A page of campaigns, newest first.")
class MailingCampaignConnection(Connection[MailingCampaign]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> MailingCampaignConnection:
        return cls.of([MailingCampaign.from_row(r) for r in rows],
                      [encode_cursor(r["created_at"], r["id"]) for r in rows], has_next, after)
