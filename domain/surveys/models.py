"""Surveys, their immutable versions, invitations (with the report's dimensions copied on),
responses and answers (README.md)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class SurveyPurpose(StrEnum):
    """What is being rated; each purpose has one default survey."""

    WRITTEN_ANSWER = "written_answer"  # a final written communication
    RECEPTION = "reception"  # a personal reception
    CALL = "call"  # a consultation-line call
    INTERNAL_REQUEST = "internal_request"  # an internal client's request


class QuestionKind(StrEnum):
    RATING_1_5 = "rating_1_5"  # CSAT
    NPS_0_10 = "nps_0_10"  # Net Promoter Score
    EFFORT = "effort"  # Customer Effort Score, 1 (very hard) .. 7 (very easy)
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    FREE_TEXT = "free_text"


class InvitationStatus(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"
    EXPIRED = "expired"


class Survey(Model):
    id = fields.UUIDField(primary_key=True)
    purpose = fields.CharEnumField(SurveyPurpose, max_length=30)
    title = fields.CharField(max_length=300)
    # Equal to ``purpose`` on the purpose's default survey, else null: the unique
    # constraint keeps one default per purpose (NULLs never collide).
    default_for = fields.CharField(max_length=30, null=True, unique=True)
    latest_version = fields.IntField(default=0)
    archived = fields.BooleanField(default=False)
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "survey"
        indexes = [Index(fields=("purpose", "created_at"))]


class SurveyVersion(Model):
    """Never changed after it is written: answers point at the version they answered."""

    id = fields.UUIDField(primary_key=True)
    survey = fields.ForeignKeyField(
        "okno.Survey", related_name="versions", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    title = fields.CharField(max_length=300)
    intro = fields.TextField(null=True)
    # [{"id", "kind", "text", "required", "options": [{"id", "text"}], "max_length"}]
    questions = fields.JSONField()
    published_by = fields.CharField(max_length=200, null=True)
    published_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "survey_version"
        unique_together = (("survey", "number"),)


class SurveyInvitation(Model):
    id = fields.UUIDField(primary_key=True)
    survey = fields.ForeignKeyField(
        "okno.Survey", related_name="invitations", on_delete=fields.RESTRICT
    )
    version = fields.ForeignKeyField(
        "okno.SurveyVersion", related_name="invitations", on_delete=fields.RESTRICT
    )
    client = fields.ForeignKeyField(
        "okno.Client", related_name="survey_invitations", on_delete=fields.CASCADE
    )
    subject_type = fields.CharField(max_length=60)
    subject_id = fields.CharField(max_length=64)
    # "<subject_type>:<subject_id>" while the invitation is open, null afterwards: the
    # unique constraint is what stops two open invitations for one subject.
    open_key = fields.CharField(max_length=130, null=True, unique=True)
    status = fields.CharEnumField(InvitationStatus, max_length=12, default=InvitationStatus.OPEN)
    # Reporting dimensions (R-9: by channel, sphere, department, period).
    purpose = fields.CharEnumField(SurveyPurpose, max_length=30)
    channel = fields.CharEnumField(Channel, max_length=20, null=True)
    sphere = fields.CharField(max_length=100, null=True)
    department = fields.ForeignKeyField(
        "okno.Department", related_name="survey_invitations", null=True,
        on_delete=fields.SET_NULL,
    )
    executor = fields.CharField(max_length=200, null=True)
    # Plain-Russian words for what is rated, e.g. «ответ на обращение № 12-34».
    about = fields.CharField(max_length=300, null=True)
    # Random; part of the signed token, so a token outlives nothing it should not.
    nonce = fields.CharField(max_length=32)
    invited_by = fields.CharField(max_length=200, null=True)
    invited_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    remind_on = fields.DateField(null=True)
    notified_at = fields.DatetimeField(null=True)
    reminder_sent_at = fields.DatetimeField(null=True)
    responded_at = fields.DatetimeField(null=True)
    # The response's scores, counted when it is stored (same transaction as its answers), so
    # the satisfaction report sums one table instead of joining millions of answers.
    rating_count = fields.SmallIntField(default=0)
    rating_sum = fields.SmallIntField(default=0)
    rating_satisfied = fields.SmallIntField(default=0)  # ratings of 4 and 5
    nps_count = fields.SmallIntField(default=0)
    nps_promoters = fields.SmallIntField(default=0)  # 9 and 10
    nps_detractors = fields.SmallIntField(default=0)  # 0 to 6
    effort_count = fields.SmallIntField(default=0)
    effort_sum = fields.SmallIntField(default=0)

    class Meta:
        table = "survey_invitation"
        indexes = [
            Index(fields=("invited_at",)),
            Index(fields=("client_id", "invited_at")),
            Index(fields=("subject_type", "subject_id")),
            Index(fields=("status", "remind_on")),
            Index(fields=("status", "expires_at")),
        ]


class SurveyResponse(Model):
    id = fields.UUIDField(primary_key=True)
    # One-to-one: the database itself refuses a second response to an invitation.
    invitation = fields.OneToOneField(
        "okno.SurveyInvitation", related_name="response", on_delete=fields.CASCADE
    )
    version = fields.ForeignKeyField(
        "okno.SurveyVersion", related_name="responses", on_delete=fields.RESTRICT
    )
    client = fields.ForeignKeyField(
        "okno.Client", related_name="survey_responses", on_delete=fields.CASCADE
    )
    submitted_at = fields.DatetimeField()

    class Meta:
        table = "survey_response"
        indexes = [Index(fields=("submitted_at", "id"))]


class SurveyAnswer(Model):
    """One answered question. Scores are in ``value``, which the report aggregates."""

    id = fields.BigIntField(primary_key=True)
    response = fields.ForeignKeyField(
        "okno.SurveyResponse", related_name="answers", on_delete=fields.CASCADE
    )
    # Repeated from the response so the report joins answers to invitations directly.
    invitation = fields.ForeignKeyField(
        "okno.SurveyInvitation", related_name="answers", on_delete=fields.CASCADE
    )
    question_id = fields.CharField(max_length=40)
    kind = fields.CharEnumField(QuestionKind, max_length=20)
    value = fields.SmallIntField(null=True)
    choice_ids = fields.JSONField(null=True)
    text = fields.TextField(null=True)
    submitted_at = fields.DatetimeField()

    class Meta:
        table = "survey_answer"
        indexes = [
            Index(fields=("invitation_id", "kind")),
            Index(fields=("kind", "submitted_at", "id")),
        ]
