"""Alerts about callbacks (R-3.8), kept apart from the area's models so the sweep's guard has
one table of its own: one row per (callback, alert kind, due moment)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class CallbackAlertKind(StrEnum):
    REMINDER = "reminder"  # before the window opens, to the assignee
    OVERDUE = "overdue"  # the window closed with no answer: the assignee and supervisors


class CallbackAlert(Model):
    """One alert about one window of one callback. The unique key (callback, kind, due_at)
    makes the sweep idempotent: a second run or a second worker finds the row and says
    nothing, and a callback moved to a later window gets that window's alerts."""

    id = fields.BigIntField(primary_key=True)
    callback = fields.ForeignKeyField("okno.Callback", related_name="alerts",
                                      on_delete=fields.CASCADE)
    kind = fields.CharEnumField(CallbackAlertKind, max_length=10)
    due_at = fields.DatetimeField()
    # Staff subjects, or role:supervisor when the assignee's department names no head.
    recipients = fields.JSONField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "callback_alert"
        unique_together = (("callback", "kind", "due_at"),)
        indexes = (Index(fields=("created_at", "id")),)
