"""Written messages and internal requests (R-2.x, R-5.3, R-5.5, R-8).

One ``Message`` row per appeal or internal request, with its lifecycle state, its
classification, urgency and abuse assessments, and its *open terms* (``terms``: every
deadline that runs now, R-2.4, R-2.5, 59-FZ) with the nearest copied to
``due_kind``/``due_date``/``due_at`` for lists and filters. The sweep never scans
messages: it reads the ``next_alert_at`` index, which points at the earliest moment
something must be said about any open term of a message (a warning, then the overdue
escalation) and is cleared once nothing more is due.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class MessageStatus(StrEnum):
    RECEIVED = "received"
    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_WORK = "in_work"
    ANSWERED = "answered"
    REDIRECTED = "redirected"
    CLOSED_ABUSIVE = "closed_abusive"


class Audience(StrEnum):
    EXTERNAL = "external"  # citizens and organisations: 59-FZ appeals
    INTERNAL = "internal"  # the Government's employees: internal requests (R-5.x)


class RequestForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"  # internal oral requests only, logged by the employee who took them


class InternalCategory(StrEnum):
    IT = "it"
    ACCOUNTING = "accounting"
    ADMINISTRATIVE = "administrative"


class AbuseStatus(StrEnum):
    NONE = "none"  # nothing found
    SUSPECTED = "suspected"  # the detector flagged it; staff must decide
    CONFIRMED = "confirmed"  # not considered on the merits
    REJECTED = "rejected"  # staff found it acceptable


class DeadlineKind(StrEnum):
    REGISTRATION = "registration"  # 59-FZ: 3 days of receipt
    ANSWER = "answer"  # 59-FZ: 30 days of registration (+30 once)
    URGENT = "urgent"  # ≤ 5 working days of receipt, set by staff
    ABUSE_NOTICE = "abuse_notice"  # 7 working days of receipt
    INTERNAL_ORAL = "internal_oral"  # the end of the working day
    INTERNAL_WRITTEN = "internal_written"  # per category
    REDIRECT = "redirect"  # 59-FZ art. 8: 7 days of registration to redirect


class AnswerOutcome(StrEnum):
    RESOLVED = "resolved"  # the need is met
    EXPLAINED = "explained"  # explained, nothing to grant
    PARTIAL = "partial"
    REFUSAL = "refusal"  # applies
    INFORMATION = "information"  # requested information given
    # an oral request that could not be served orally; other channels were offered
    NOT_SERVED_ORALLY = "not_served_orally"


class AnswerMethod(StrEnum):
    WRITTEN = "written"  # sent through deliveries
    ORAL = "oral"  # internal oral requests: told in person or by phone, recorded


class UrgencyReasonCode(StrEnum):
    """R-2.4: why urgency is suggested (``rules.suggest_urgency``)."""

    ASKS_URGENT = "asks_urgent"  # the client asks for haste
    LIFE_HEALTH = "life_health"  # a threat to life or health
    UTILITIES_OUTAGE = "utilities_outage"  # heating, water, power or gas is out
    HOUSING_LOSS = "housing_loss"  # the client may lose their home
    NEAR_DATE = "near_date"  # the text names a close date
    NO_MEANS = "no_means"  # no money for food or living
    PROFILE_SEGMENT = "profile_segment"  # a vulnerable group in the client's profile
    LIFE_SITUATION = "life_situation"  # a hard life situation in the profile
    REPEATED = "repeated"  # earlier appeals on the same subject


class AlertKind(StrEnum):
    WARNING = "warning"  # one working day before the deadline, to the executor
    OVERDUE = "overdue"  # past the deadline, to the executor and the supervisor


class Message(Model):
    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField("okno.Client", related_name="messages",
                                    on_delete=fields.RESTRICT)
    audience = fields.CharEnumField(Audience, max_length=10)
    form = fields.CharEnumField(RequestForm, max_length=10, default=RequestForm.WRITTEN)
    category = fields.CharEnumField(InternalCategory, max_length=20, null=True)
    channel = fields.CharEnumField(Channel, max_length=20)
    # The client's address the message came from, when it came through one.
    contact = fields.ForeignKeyField(
        "okno.ContactPoint", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # the channel choice offered at intake, as recorded then (the client's current
    # choice lives in ChannelPreference and may change later).
    reply_channel = fields.CharEnumField(Channel, max_length=20, null=True)
    reply_additional_channel = fields.CharEnumField(Channel, max_length=20, null=True)
    subject = fields.CharField(max_length=500, null=True)
    body = fields.TextField()
    received_at = fields.DatetimeField()
    registered_at = fields.DatetimeField(null=True)
    registration_number = fields.CharField(max_length=100, null=True, unique=True)
    # the EDMS's own registration number and document link.
    edms_number = fields.CharField(max_length=100, null=True)
    edms_link = fields.CharField(max_length=1000, null=True)
    status = fields.CharEnumField(MessageStatus, max_length=20, default=MessageStatus.RECEIVED)
    department = fields.ForeignKeyField(
        "okno.Department", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    executor = fields.CharField(max_length=200, null=True)  # staff subject
    # the detector's suggestion and the staff's decision.
    suggested_sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    sphere_confidence = fields.FloatField(null=True)
    sphere_suggestions = fields.JSONField(null=True)  # [{code, confidence, matched}]
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name="messages", null=True, on_delete=fields.SET_NULL
    )
    sphere_confirmed_by = fields.CharField(max_length=200, null=True)
    # suggestion with reasons; staff decide (null: not decided yet).
    urgency_suggested = fields.BooleanField(default=False)
    urgency_reasons = fields.JSONField(null=True)  # [{code, text}]
    urgent = fields.BooleanField(null=True)
    urgency_decided_by = fields.CharField(max_length=200, null=True)
    urgency_note = fields.CharField(max_length=1000, null=True)
    urgent_due_date = fields.DateField(null=True)
    #
    abuse_status = fields.CharEnumField(AbuseStatus, max_length=10, default=AbuseStatus.NONE)
    abuse_flags = fields.JSONField(null=True)
    abuse_decided_by = fields.CharField(max_length=200, null=True)
    abuse_notice_due_date = fields.DateField(null=True)
    abuse_notice_sent_at = fields.DatetimeField(null=True)
    # Legal terms (dates in the government's zone) and the active deadline.
    registration_due_date = fields.DateField(null=True)
    answer_due_date = fields.DateField(null=True)
    redirect_due_date = fields.DateField(null=True)
    extended = fields.BooleanField(default=False)
    extension_reason = fields.CharField(max_length=1000, null=True)
    # Every open term: [{kind, date, at, warnAt}] (rules.open_deadlines), nearest first.
    terms = fields.JSONField(null=True)
    # The nearest open term (a copy of terms[0], for lists, filters and sorting).
    due_kind = fields.CharEnumField(DeadlineKind, max_length=20, null=True)
    due_date = fields.DateField(null=True)
    due_at = fields.DatetimeField(null=True)
    next_alert_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    #
    redirected_to = fields.ForeignKeyField(
        "okno.ExternalAgency", related_name="messages", null=True, on_delete=fields.RESTRICT
    )
    redirect_reason = fields.CharField(max_length=2000, null=True)
    # the plain-language findings of the texts staff typed into notices, by notice
    # ({"redirect": [...], "extension": [...]}), as for the answer.
    notice_findings = fields.JSONField(null=True)
    # an oral request that could not be served orally: the other channels offered
    # (a list of Channel values) and the one the client chose (null: none chosen).
    offered_channels = fields.JSONField(null=True)
    chosen_channel = fields.CharEnumField(Channel, max_length=20, null=True)
    closed_at = fields.DatetimeField(null=True)
    # when the retention sweep anonymised the case (history's sweep through
    # ``archive.py``); set, the case is not looked at again.
    swept_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "message"
        indexes = (
            # Every list is newest-received first, keyed (received_at, id), per filter.
            Index(fields=("received_at", "id")),
            Index(fields=("client_id", "received_at", "id")),
            Index(fields=("status", "received_at", "id")),
            Index(fields=("department_id", "received_at", "id")),
            Index(fields=("executor", "received_at", "id")),
            Index(fields=("sphere_id", "received_at", "id")),
            Index(fields=("due_at", "id")),
            Index(fields=("next_alert_at", "id")),  # the deadline sweep
            Index(fields=("client_id", "sphere_id", "received_at")),  # repeated appeals
            Index(fields=("audience", "swept_at", "closed_at")),  # the retention sweep
        )


class Attachment(Model):
    """A file that came with a message: metadata only, the bytes live in object storage."""

    id = fields.UUIDField(primary_key=True)
    message = fields.ForeignKeyField("okno.Message", related_name="attachments",
                                     on_delete=fields.CASCADE)
    file_name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=200)
    size_bytes = fields.BigIntField()
    storage_key = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "message_attachment"
        indexes = (Index(fields=("message_id", "created_at")),)


class Clarification(Model):
    """R-2.7: the executor contacted the client to clarify: which contact, when, what."""

    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField(
        "okno.Message", related_name="clarifications", on_delete=fields.CASCADE
    )
    contact = fields.ForeignKeyField(
        "okno.ContactPoint", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=20)
    contact_value = fields.CharField(max_length=500)  # as it was when used
    occurred_at = fields.DatetimeField()
    note = fields.TextField()
    written_request = fields.BooleanField(default=False)  # a clarification request was sent
    # plain-language findings of the written question, when one was sent.
    findings = fields.JSONField(null=True)
    actor_subject = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "message_clarification"
        indexes = (Index(fields=("message_id", "occurred_at")),)


class Answer(Model):
    """The answer on the merits (R-2.8..R-2.10): drafted, checked, then sent once."""

    id = fields.UUIDField(primary_key=True)
    message = fields.OneToOneField("okno.Message", related_name="answer", on_delete=fields.CASCADE)
    text = fields.TextField()
    outcome = fields.CharEnumField(AnswerOutcome, max_length=20)
    method = fields.CharEnumField(AnswerMethod, max_length=10, default=AnswerMethod.WRITTEN)
    findings = fields.JSONField(null=True)  # plain-language findings of the current text
    drafted_by = fields.CharField(max_length=200)
    drafted_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    sent_by = fields.CharField(max_length=200, null=True)
    survey_invitation_id = fields.UUIDField(null=True)
    edms_number = fields.CharField(max_length=100, null=True)  # outgoing number
    edms_link = fields.CharField(max_length=1000, null=True)  # outgoing document link
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "message_answer"


class DeadlineAlert(Model):
    """One alert about one term of one message: the unique key (message, alert kind, term
    kind, deadline) makes the sweep idempotent (a second run, or a second worker, finds the
    row and says nothing), also when two terms of a message run out at the same moment."""

    id = fields.BigIntField(primary_key=True)
    message = fields.ForeignKeyField("okno.Message", related_name="alerts",
                                     on_delete=fields.CASCADE)
    kind = fields.CharEnumField(AlertKind, max_length=10)
    due_kind = fields.CharEnumField(DeadlineKind, max_length=20)
    due_at = fields.DatetimeField()
    recipients = fields.JSONField()  # staff subjects; ["role:supervisor"] when nobody is named
    department = fields.ForeignKeyField(
        "okno.Department", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "message_deadline_alert"
        unique_together = (("message", "kind", "due_kind", "due_at"),)
        indexes = (Index(fields=("created_at", "id")),
                   Index(fields=("department_id", "created_at")))


class RegistrationCounter(Model):
    """Per-year sequence of registration numbers («ОГ-2026-000123»)."""

    year = fields.IntField(primary_key=True, generated=False)
    value = fields.IntField(default=0)

    class Meta:
        table = "message_registration_counter"
