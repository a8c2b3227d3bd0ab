"""The interaction history (R-1.5): one timeline per client, written by every area."""

from __future__ import annotations

import uuid
from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class InteractionEvent(Model):
    # Bigint, not UUID: (client_id, occurred_at, id) is the page key. Never shown: front
    # ends see ``public_id`` (random, so one event's ID tells nothing about the others').
    id = fields.BigIntField(primary_key=True)
    public_id = fields.UUIDField(unique=True, default=uuid.uuid4)
    client = fields.ForeignKeyField("okno.Client", related_name="events", on_delete=fields.CASCADE)
    kind = fields.CharField(max_length=60)
    channel = fields.CharEnumField(Channel, max_length=20, null=True)
    direction = fields.CharEnumField(Direction, max_length=10)
    occurred_at = fields.DatetimeField()
    summary = fields.CharField(max_length=1000)
    source_type = fields.CharField(max_length=60, null=True)
    source_id = fields.CharField(max_length=64, null=True)
    actor_subject = fields.CharField(max_length=200, null=True)
    actor_role = fields.CharField(max_length=20, null=True)
    details = fields.JSONField(null=True)
    anonymised = fields.BooleanField(default=False)

    class Meta:
        table = "interaction_event"
        indexes = (
            Index(fields=("client_id", "occurred_at", "id")),
            Index(fields=("client_id", "kind", "occurred_at", "id")),
            Index(fields=("kind", "occurred_at")),
            # The retention sweep's anonymise pass: only rows not yet anonymised, per kind,
            # so a nightly run never rescans what earlier runs already handled.
            Index(fields=("kind", "anonymised", "occurred_at")),
            # A case's events (its message's and its deliveries'), swept with the case.
            Index(fields=("source_type", "source_id")),
        )


class ExportStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    READY = "ready"
    FAILED = "failed"
    EXPIRED = "expired"  # the link's time ran out and the files were removed


class HistoryExport(Model):
    """R-1.5 "on request the client gets their whole history"."""

    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField("okno.Client", related_name="exports", on_delete=fields.CASCADE)
    requested_by = fields.CharField(max_length=200)
    status = fields.CharEnumField(ExportStatus, max_length=10, default=ExportStatus.PENDING)
    event_count = fields.IntField(null=True)
    json_bytes = fields.BigIntField(null=True)
    html_bytes = fields.BigIntField(null=True)
    error = fields.CharField(max_length=1000, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "history_export"
        indexes = (
            Index(fields=("status", "created_at")),
            Index(fields=("client_id", "created_at", "id")),
        )


class RetentionRun(Model):
    """What one retention sweep did, for the archive's records."""

    id = fields.BigIntField(primary_key=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()
    action = fields.CharField(max_length=10)  # a RetentionAction value
    affected = fields.JSONField()  # {event kind: rows}
    total = fields.IntField(default=0)
    # Rows of the areas' records (ArchiveRecord values) and cases (RecordType values).
    records = fields.JSONField(null=True)
    cases = fields.JSONField(null=True)
    exports_expired = fields.IntField(default=0)

    class Meta:
        table = "retention_run"
        indexes = (Index(fields=("started_at", "id")),)
