"""Local calendar overrides: a governor's decree (or a late federal one) moving a day."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from domain.calendar.rules import DayKind


class CalendarOverride(Model):
    """Replaces the production calendar's verdict on one date for the whole office."""

    id = fields.IntField(primary_key=True)
    date = fields.DateField(unique=True)  # unique: also the index for range reads
    kind = fields.CharEnumField(DayKind, max_length=30)
    # Working kinds only: the day's length in minutes; null keeps the schedule's length.
    working_minutes = fields.IntField(null=True)
    reason = fields.CharField(max_length=500)
    changed_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "calendar_override"
