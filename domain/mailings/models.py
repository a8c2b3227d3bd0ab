"""Mailings (R-6.x): lists, addresses, subscriptions with the consent ledger, campaigns and
their per-recipient send rows (the campaign's outbox)."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class SubscriptionStatus(StrEnum):
    PENDING = "pending"  # signed up, waiting for the confirmation link (double opt-in)
    CONFIRMED = "confirmed"  # consent given: mailed
    REVOKED = "revoked"  # consent withdrawn: never mailed again until a new consent
    EXPIRED = "expired"  # the confirmation link was never followed


class ConsentSource(StrEnum):
    FORM = "form"  # the public sign-up form
    PROFILE = "profile"  # a signed-in client
    OPERATOR = "operator"  # staff, on the person's request
    IMPORT = "import"  # an existing list, with its proof of consent
    LINK = "link"  # the unsubscribe link or one-click POST
    BOUNCE = "bounce"  # the mail system: a hard bounce or a complaint


class ConsentAction(StrEnum):
    REQUESTED = "requested"  # sign-up, confirmation mail sent
    GIVEN = "given"  # confirmed (or verified address, or import with proof)
    REVOKED = "revoked"


class AddressState(StrEnum):
    OK = "ok"
    BOUNCED = "bounced"  # a hard bounce: not mailed
    COMPLAINED = "complained"  # marked as spam: not mailed


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    SENT = "sent"
    CANCELLED = "cancelled"


class SendStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # consent revoked or address suppressed by the moment of sending


class MailingList(Model):
    """A topic people subscribe to. Deleting only marks it, so tokens keep working."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField()
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    deleted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mailing_list"
        indexes: ClassVar[list[Index]] = [Index(fields=("deleted_at", "name"))]


class MailingAddress(Model):
    """One email address (lower case), whoever it belongs to, and what the mail system
    said about it."""

    id = fields.UUIDField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    client = fields.ForeignKeyField("okno.Client", related_name=False, null=True,
                                    on_delete=fields.SET_NULL)
    state = fields.CharEnumField(AddressState, max_length=12, default=AddressState.OK)
    state_reason = fields.CharField(max_length=500, null=True)
    state_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mailing_address"


class MailingSubscription(Model):
    """One address on one list. The nonce binds tokens to this row."""

    id = fields.UUIDField(primary_key=True)
    address = fields.ForeignKeyField("okno.MailingAddress", related_name="subscriptions",
                                     on_delete=fields.CASCADE)
    mailing_list = fields.ForeignKeyField("okno.MailingList", related_name="subscriptions",
                                          on_delete=fields.CASCADE)
    status = fields.CharEnumField(SubscriptionStatus, max_length=12)
    source = fields.CharEnumField(ConsentSource, max_length=12)
    nonce = fields.CharField(max_length=64)  # binds the unsubscribe token, never changes
    confirm_nonce = fields.CharField(max_length=64, null=True)  # binds one sign-up's link
    confirm_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    confirmed_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mailing_subscription"
        unique_together = (("address_id", "mailing_list_id"),)
        indexes: ClassVar[list[Index]] = [
            Index(fields=("mailing_list_id", "status")),
            Index(fields=("address_id", "confirm_nonce")),
            Index(fields=("status", "confirm_expires_at")),  # the purge
        ]


class ConsentRecord(Model):
    """The consent ledger: appended, never changed. Kept after the list is deleted."""

    id = fields.BigIntField(primary_key=True)
    subscription = fields.ForeignKeyField("okno.MailingSubscription", related_name="ledger",
                                          on_delete=fields.CASCADE)
    action = fields.CharEnumField(ConsentAction, max_length=12)
    source = fields.CharEnumField(ConsentSource, max_length=12)
    at = fields.DatetimeField()
    ip = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=500, null=True)
    text_version = fields.CharField(max_length=40)
    proof = fields.TextField(null=True)  # imports: how and when the person consented
    actor = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "mailing_consent"
        indexes: ClassVar[list[Index]] = [Index(fields=("subscription_id", "at"))]


class Campaign(Model):
    id = fields.UUIDField(primary_key=True)
    mailing_list = fields.ForeignKeyField("okno.MailingList", related_name="campaigns",
                                          on_delete=fields.RESTRICT)
    subject = fields.CharField(max_length=300)
    text = fields.TextField()
    status = fields.CharEnumField(CampaignStatus, max_length=10, default=CampaignStatus.DRAFT)
    scheduled_at = fields.DatetimeField(null=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mailing_campaign"
        indexes: ClassVar[list[Index]] = [Index(fields=("created_at", "id")),
                                          Index(fields=("status", "scheduled_at"))]


class CampaignSend(Model):
    """One email of a campaign to one subscription: the campaign's outbox. The unique pair
    is the delivery key: however many workers, one row per recipient."""

    id = fields.BigIntField(primary_key=True)
    campaign = fields.ForeignKeyField("okno.Campaign", related_name="sends",
                                      on_delete=fields.CASCADE)
    subscription = fields.ForeignKeyField("okno.MailingSubscription", related_name=False,
                                          on_delete=fields.CASCADE)
    status = fields.CharEnumField(SendStatus, max_length=10, default=SendStatus.QUEUED)
    attempts = fields.IntField(default=0)
    claimed_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    error = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "mailing_send"
        unique_together = (("campaign_id", "subscription_id"),)
        indexes: ClassVar[list[Index]] = [Index(fields=("campaign_id", "status", "id"))]
