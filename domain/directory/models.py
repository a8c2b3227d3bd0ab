"""The Government's directory: departments, staff, spheres of activity with their keyword
dictionaries, and the external agencies messages may be redirected to.

(Employees as internal *clients* are clients of kind EMPLOYEE; staff members here are the
people who work in okno, known by their token subject.)
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
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


class StaffMember(Model):
    """An employee who works in okno (operator, executor, supervisor), known by the
    identity provider's subject. Roles come from the token; the directory adds what the
    token lacks: the department (for access and routing) and who heads it (escalations)."""

    id = fields.UUIDField(primary_key=True)
    subject = fields.CharField(max_length=200, unique=True)
    full_name = fields.CharField(max_length=300)
    email = fields.CharField(max_length=254, null=True)
    department = fields.ForeignKeyField(
        "okno.Department", related_name="staff", null=True, on_delete=fields.SET_NULL
    )
    # Heads the department: overdue items there are escalated to them.
    supervisor = fields.BooleanField(default=False)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_member"
        indexes = [Index(fields=("department_id", "supervisor"))]


class Sphere(Model):
    """A sphere of the Government's activity (R-2.3), by which messages are classified."""

    id = fields.UUIDField(primary_key=True)
    code = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=200, unique=True)
    description = fields.CharField(max_length=1000, null=True)
    position = fields.IntField(default=0)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sphere"
        indexes = [Index(fields=("active", "position"))]


class SphereKeyword(Model):
    """One term of a sphere's keyword dictionary, matched by stem (domain.texts.keywords)."""

    id = fields.BigIntField(primary_key=True)
    sphere = fields.ForeignKeyField("okno.Sphere", related_name="keywords",
                                    on_delete=fields.CASCADE)
    term = fields.CharField(max_length=200)
    weight = fields.FloatField(default=1.0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "sphere_keyword"
        unique_together = (("sphere", "term"),)


class ExternalAgency(Model):
    """A body outside the Government that is competent for some questions (R-2.6 redirects,
    R-3.10 "the competent agency's contacts")."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=500, unique=True)
    competence = fields.TextField()
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=40, null=True)
    postal_address = fields.CharField(max_length=500, null=True)
    website = fields.CharField(max_length=500, null=True)
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name="agencies", null=True, on_delete=fields.SET_NULL
    )
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "external_agency"
        indexes = [Index(fields=("active", "name"))]
