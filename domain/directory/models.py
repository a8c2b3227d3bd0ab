"""The Government's own structure: departments (employees are clients of kind EMPLOYEE)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Department(Model):
    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=300, unique=True)
    parent = fields.ForeignKeyField(
        "okno.Department", related_name="children", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "department"
