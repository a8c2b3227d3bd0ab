"""Clients (R-1.2): people, organisations, employees; how to reach them (R-1.4)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class ClientKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    EMPLOYEE = "employee"


class ContactKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POSTAL = "postal"
    MESSENGER = "messenger"


class Segment(StrEnum):
    """Profile segments (R-1.2): read by urgency and wording rules. Stored as the value."""

    PENSIONER = "pensioner"
    LARGE_FAMILY = "large_family"
    DISABLED = "disabled"
    ENTREPRENEUR = "entrepreneur"
    VETERAN = "veteran"
    STUDENT = "student"
    LOW_INCOME = "low_income"
    SVO_PARTICIPANT = "svo_participant"


class LifeSituation(StrEnum):
    """Profile life situations (R-1.2). Stored as the value."""

    BIRTH_OF_CHILD = "birth_of_child"
    JOB_LOSS = "job_loss"
    MOVING = "moving"
    RETIREMENT = "retirement"
    ILLNESS = "illness"
    LOSS_OF_BREADWINNER = "loss_of_breadwinner"
    EMERGENCY = "emergency"
    HOUSING_PROBLEM = "housing_problem"


class TagKind(StrEnum):
    SEGMENT = "segment"
    LIFE_SITUATION = "life_situation"


class AuthorityBasis(StrEnum):
    POWER_OF_ATTORNEY = "power_of_attorney"
    LEGAL_REPRESENTATIVE = "legal_representative"  # parent, guardian
    CHARTER = "charter"  # head of an organisation acting under its charter
    OTHER = "other"


class Client(Model):
    id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(ClientKind, max_length=20)
    last_name = fields.CharField(max_length=200, null=True)
    first_name = fields.CharField(max_length=200, null=True)
    middle_name = fields.CharField(max_length=200, null=True)
    organisation_name = fields.CharField(max_length=500, null=True)
    inn = fields.CharField(max_length=12, null=True, db_index=True)
    ogrn = fields.CharField(max_length=15, null=True)
    department = fields.ForeignKeyField(
        "okno.Department", related_name="employees", null=True, on_delete=fields.SET_NULL
    )
    position = fields.CharField(max_length=300, null=True)
    # Lower-cased name, kept by the service, so search is one indexed column.
    search_name = fields.CharField(max_length=800, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "client"
        indexes = (
            Index(fields=("kind", "created_at")),
            Index(fields=("search_name",)),
            Index(fields=("created_at", "id")),
        )


class ContactPoint(Model):
    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField(
        "okno.Client", related_name="contacts", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(ContactKind, max_length=20)
    # Normalised: emails lower-cased, phones E.164, messenger "network:handle".
    value = fields.CharField(max_length=500)
    label = fields.CharField(max_length=200, null=True)
    verified = fields.BooleanField(default=False)
    primary = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "contact_point"
        unique_together = (("client", "kind", "value"),)
        indexes = (Index(fields=("value",)), Index(fields=("client_id", "created_at")))


class ChannelPreference(Model):
    """R-1.4: the chosen channel, and an extra one for when the law fixes the channel."""

    client = fields.OneToOneField(
        "okno.Client", related_name="preference", on_delete=fields.CASCADE, primary_key=True
    )
    preferred_channel = fields.CharEnumField(Channel, max_length=20)
    preferred_contact = fields.ForeignKeyField(
        "okno.ContactPoint", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    additional_channel = fields.CharEnumField(Channel, max_length=20, null=True)
    additional_contact = fields.ForeignKeyField(
        "okno.ContactPoint", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    # The channel through which the client made this choice (first arrival or later).
    chosen_via = fields.CharEnumField(Channel, max_length=20, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "channel_preference"


class ClientTag(Model):
    """Profile (R-1.2): segment and life-situation tags used for urgency and wording."""

    id = fields.BigIntField(primary_key=True)
    client = fields.ForeignKeyField("okno.Client", related_name="tags", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(TagKind, max_length=20)
    tag = fields.CharField(max_length=100)

    class Meta:
        table = "client_tag"
        unique_together = (("client", "kind", "tag"),)
        indexes = (Index(fields=("kind", "tag", "client_id")),)


class Representative(Model):
    """A person acting for a client (R-1.2 "through an authorised representative")."""

    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField(
        "okno.Client", related_name="representatives", on_delete=fields.CASCADE
    )
    representative = fields.ForeignKeyField(
        "okno.Client", related_name="represents", on_delete=fields.CASCADE
    )
    basis = fields.CharEnumField(AuthorityBasis, max_length=30)
    document = fields.CharField(max_length=500, null=True)
    valid_until = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "representative"
        unique_together = (("client", "representative"),)
