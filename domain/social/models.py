"""Official pages and public chats (R-7.x): the sources that feed them, the items that came
in, the public answers posted back and the deadline alerts about them.

An item is keyed by (source, source item id): a replayed webhook finds the row and changes
nothing. Its limit (``due_at``, R-7.2) is fixed at intake on the working calendar and the
sweep reads the ``next_alert_at`` index, as messages do. An answer row is its own outbox:
the posting job reads it by id, and its ``idempotency_key`` goes to the network with every
attempt, so a retry never posts twice.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Network(StrEnum):
    VK = "vk"
    TELEGRAM = "telegram"
    OK = "ok"  # Odnoklassniki
    MAX = "max"
    OTHER = "other"


class SocialKind(StrEnum):
    """R-7.1: what started the engagement (it also fixes the R-7.2 limit)."""

    MENTION = "mention"  # a mention of the Government: 6 working hours
    OFFICIAL_APPEAL = "official_appeal"  # an appeal to a representative: 5 working hours
    COMMENT = "comment"  # a comment on an official post: 5 working hours


class SocialStatus(StrEnum):
    NEW = "new"  # waiting for a public answer or a move
    ANSWERING = "answering"  # the answer is written and being posted
    ANSWERED = "answered"  # the answer is on the network
    MOVED = "moved"  # moved to an individual channel: it is a message now


class SocialAbuse(StrEnum):
    NONE = "none"
    SUSPECTED = "suspected"  # the detector flagged it


class PostState(StrEnum):
    QUEUED = "queued"  # waiting for the posting job
    RETRYING = "retrying"  # the network failed or asked to wait, tried again at next_attempt_at
    POSTED = "posted"  # the network accepted it
    FAILED = "failed"  # refused for good (a 4xx other than 429, or attempts used up)


class SocialAlertKind(StrEnum):
    WARNING = "warning"  # before the limit
    OVERDUE = "overdue"  # past the limit: escalation to the supervisors


class SocialSource(Model):
    """One page, group, channel or chat okno watches. Its webhook secret is not stored: it is
    derived from the server secret, the source id and secret_version (rotation bumps it)."""

    id = fields.UUIDField(primary_key=True)
    network = fields.CharEnumField(Network, max_length=10)
    name = fields.CharField(max_length=200)
    # VK Callback API: the string VK expects back on type=confirmation.
    confirmation_code = fields.CharField(max_length=100, null=True)
    secret_version = fields.IntField(default=1)
    # Where answers are posted (the network's API). Null: the development file sink.
    api_url = fields.CharField(max_length=1000, null=True)
    api_token = fields.CharField(max_length=1000, null=True)
    active = fields.BooleanField(default=True)
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "social_source"


class SocialItem(Model):
    """One public post, comment or message to the Government on a network (R-7.1)."""

    id = fields.UUIDField(primary_key=True)
    source = fields.ForeignKeyField("okno.SocialSource", related_name="items",
                                    on_delete=fields.RESTRICT)
    source_item_id = fields.CharField(max_length=200)
    network = fields.CharEnumField(Network, max_length=10)  # the source's, for filters
    kind = fields.CharEnumField(SocialKind, max_length=20)
    author_id = fields.CharField(max_length=200, null=True)  # the network's user id
    author_name = fields.CharField(max_length=300, null=True)
    url = fields.CharField(max_length=1000, null=True)  # the item on the network
    post_id = fields.CharField(max_length=200, null=True)  # the official post commented on
    text = fields.TextField()  # as it reads now
    # What was said first, kept once the source edits or deletes the item.
    original_text = fields.TextField(null=True)
    edited_at = fields.DatetimeField(null=True)  # last edit at the source
    deleted_at = fields.DatetimeField(null=True)  # deleted at the source
    received_at = fields.DatetimeField()
    due_at = fields.DatetimeField()  # the limit on the working calendar
    warn_at = fields.DatetimeField()
    next_alert_at = fields.DatetimeField(null=True)  # the deadline sweep's index
    escalated_at = fields.DatetimeField(null=True)
    # The public answer was posted, or the item was moved to an individual channel.
    answered_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(SocialStatus, max_length=10, default=SocialStatus.NEW)
    # analysis, by the detectors messages use.
    suggested_sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    sphere_confidence = fields.FloatField(null=True)
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    abuse_status = fields.CharEnumField(SocialAbuse, max_length=10, default=SocialAbuse.NONE)
    abuse_flags = fields.JSONField(null=True)
    client = fields.ForeignKeyField(
        "okno.Client", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    message = fields.OneToOneField(
        "okno.Message", related_name="social_item", null=True, on_delete=fields.SET_NULL
    )
    moved_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "social_item"
        unique_together = (("source", "source_item_id"),)
        indexes = (
            # Lists are newest-received first, keyed (received_at, id), per filter.
            Index(fields=("received_at", "id")),
            Index(fields=("status", "received_at", "id")),
            Index(fields=("kind", "received_at", "id")),
            Index(fields=("network", "received_at", "id")),
            Index(fields=("client_id", "received_at", "id")),
            Index(fields=("sphere_id", "received_at", "id")),
            Index(fields=("due_at", "id")),
            Index(fields=("next_alert_at", "id")),  # the deadline sweep
            # Once the person is known, every item of the same network account is linked.
            Index(fields=("network", "author_id")),
        )


class SocialAnswer(Model):
    """The short public answer on the merits (R-7.3..R-7.5) and the state of its posting."""

    id = fields.UUIDField(primary_key=True)
    item = fields.OneToOneField("okno.SocialItem", related_name="answer",
                                on_delete=fields.CASCADE)
    text = fields.TextField()
    findings = fields.JSONField(null=True)  # plain-language findings of the text
    answered_by = fields.CharField(max_length=200)
    state = fields.CharEnumField(PostState, max_length=10, default=PostState.QUEUED)
    # Sent with every attempt: the network (or the sink) posts one answer per key.
    idempotency_key = fields.CharField(max_length=64, unique=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)  # the posting sweep's index
    last_error = fields.CharField(max_length=1000, null=True)
    external_id = fields.CharField(max_length=200, null=True)  # the network's id of the post
    posted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "social_answer"
        indexes = (Index(fields=("state", "next_attempt_at")),)


class SocialAlert(Model):
    """One alert about one item's limit: the unique key (item, kind, due_at) makes the sweep
    idempotent, as the messages' deadline alerts."""

    id = fields.BigIntField(primary_key=True)
    item = fields.ForeignKeyField("okno.SocialItem", related_name="alerts",
                                  on_delete=fields.CASCADE)
    kind = fields.CharEnumField(SocialAlertKind, max_length=10)
    due_at = fields.DatetimeField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "social_alert"
        unique_together = (("item", "kind", "due_at"),)
        indexes = (Index(fields=("created_at", "id")),)
