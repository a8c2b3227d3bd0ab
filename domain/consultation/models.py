"""The consultation line (R-3.x, R-5.1, R-5.4): lines and their scripts, calls and what
happened on them (transfers, referrals, other channels), the PBX's events, callbacks and
their windows, and supervisors' quality reviews.

Times are stored UTC. Phone numbers are E.164 (``domain.validation.normalise_phone``).
A call is joined with its PBX events on (pbx_id, pbx_call_id), unique while set.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class ScriptKind(StrEnum):
    GREETING = "greeting"
    FAREWELL = "farewell"


class CallTopic(StrEnum):
    """R-3.1: what the line answers on."""

    WORKING_HOURS = "working_hours"  # working hours of the Government and its bodies
    PROCEDURES = "procedures"  # how to apply, what is needed
    APPEAL_PROCEDURE = "appeal_procedure"  # the procedure of handling the caller's appeals
    APPEAL_STATUS = "appeal_status"  # the status of the caller's appeal
    DECISION_APPEAL = "decision_appeal"  # control and supervision: appealing a decision
    INSPECTIONS = "inspections"  # control and supervision: dates of planned inspections
    RECEPTION = "reception"  # personal reception
    OTHER = "other"


class CallStatus(StrEnum):
    STARTED = "started"  # ringing or being answered
    ANSWERED = "answered"  # an operator is talking
    ENDED = "ended"


class CallOutcome(StrEnum):
    ANSWERED = "answered"  # answered live
    TRANSFERRED = "transferred"  # to a competent employee
    CALLBACK_PROMISED = "callback_promised"
    OUT_OF_COMPETENCE = "out_of_competence"  # with a referral
    WRITTEN_CHANNEL = "written_channel"  # moved to a written message
    RECEPTION_BOOKED = "reception_booked"  # a personal reception booked


class CallSource(StrEnum):
    OPERATOR = "operator"  # typed by the operator first
    PBX = "pbx"  # reported by the telephone exchange first


class PbxEventKind(StrEnum):
    STARTED = "started"
    ANSWERED = "answered"
    ENDED = "ended"


class CallbackStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its window
    DONE = "done"  # the caller got the answer
    FAILED = "failed"  # no window left, or given up
    CANCELLED = "cancelled"


class CallbackOutcome(StrEnum):
    ANSWERED = "answered"  # reached and answered
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    WRONG_NUMBER = "wrong_number"
    DECLINED = "declined"  # reached, did not want the answer any more


class ConsultationLine(Model):
    """One telephone number of the consultation line (R-3.2), and the PBX that serves it."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=300)
    # E.164, as the PBX reports the dialled number.
    number = fields.CharField(max_length=20, unique=True)
    # As printed for citizens, e.g. 8 (8422) 58-93-58.
    display_number = fields.CharField(max_length=40)
    pbx_id = fields.CharField(max_length=64, null=True)
    active = fields.BooleanField(default=True)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "consultation_line"
        indexes = (Index(fields=("active", "position")), Index(fields=("pbx_id",)))


class LineScript(Model):
    """One version of a line's greeting or farewell (R-3.4). The newest version is current,
    older ones stay so a call keeps naming the text it used."""

    id = fields.UUIDField(primary_key=True)
    line = fields.ForeignKeyField(
        "okno.ConsultationLine", related_name="scripts", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(ScriptKind, max_length=20)
    version = fields.IntField()
    text = fields.TextField()
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "line_script"
        unique_together = (("line", "kind", "version"),)


class StaffSphere(Model):
    """An employee competent for a sphere: whom a call may be transferred to (R-3.7)."""

    id = fields.UUIDField(primary_key=True)
    staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name="competences", on_delete=fields.CASCADE)
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name="competent_staff", on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_sphere"
        unique_together = (("staff", "sphere"),)
        indexes = (Index(fields=("sphere_id",)),)


class Call(Model):
    """One call on the line: who, when, about what, how it ended (R-3.1, R-3.4, R-3.7,
    R-3.10, R-5.4)."""

    id = fields.UUIDField(primary_key=True)
    line = fields.ForeignKeyField(
        "okno.ConsultationLine", related_name="calls", on_delete=fields.RESTRICT)
    client = fields.ForeignKeyField(
        "okno.Client", related_name="calls", null=True, on_delete=fields.SET_NULL)
    caller_number = fields.CharField(max_length=20, null=True)
    operator = fields.ForeignKeyField(
        "okno.StaffMember", related_name="calls", null=True, on_delete=fields.SET_NULL)
    operator_subject = fields.CharField(max_length=200, null=True)
    source = fields.CharEnumField(CallSource, max_length=20)
    pbx_id = fields.CharField(max_length=64, null=True)
    pbx_call_id = fields.CharField(max_length=200, null=True)
    status = fields.CharEnumField(CallStatus, max_length=20, default=CallStatus.STARTED)
    started_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    # Outside the line's hours: only the PBX records such calls.
    after_hours = fields.BooleanField(default=False)
    # CallTopic values.
    topics = fields.JSONField(default=list)
    outcome = fields.CharEnumField(CallOutcome, max_length=30, null=True)
    greeting_version = fields.IntField(null=True)
    farewell_version = fields.IntField(null=True)
    transfer_count = fields.IntField(default=0)
    referral_agency = fields.ForeignKeyField(
        "okno.ExternalAgency", related_name="calls", null=True, on_delete=fields.SET_NULL)
    referral_note = fields.TextField(default="")
    referral_sent_at = fields.DatetimeField(null=True)
    # Channel values offered when the phone could not serve the question.
    channels_offered = fields.JSONField(default=list)
    channel_chosen = fields.CharEnumField(Channel, max_length=20, null=True)
    message = fields.ForeignKeyField(
        "okno.Message", related_name="calls", null=True, on_delete=fields.SET_NULL)
    booking = fields.ForeignKeyField(
        "okno.Booking", related_name="calls", null=True, on_delete=fields.SET_NULL)
    survey_consent = fields.BooleanField(default=False)
    survey_invited_at = fields.DatetimeField(null=True)
    notes = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "call"
        unique_together = (("pbx_id", "pbx_call_id"),)
        indexes = (
            Index(fields=("started_at", "id")),
            Index(fields=("line_id", "started_at")),
            Index(fields=("operator_id", "started_at")),
            Index(fields=("client_id", "started_at")),
            Index(fields=("caller_number", "started_at")),
            Index(fields=("status", "started_at")),
            Index(fields=("survey_consent", "survey_invited_at")),
        )


class CallTransfer(Model):
    """One transfer of a call (R-3.7): at most two, the unique (call, seq) key is the guard."""

    id = fields.UUIDField(primary_key=True)
    call = fields.ForeignKeyField(
        "okno.Call", related_name="transfers", on_delete=fields.CASCADE)
    seq = fields.IntField()
    from_staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, null=True, on_delete=fields.SET_NULL)
    to_staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, on_delete=fields.RESTRICT)
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name=False, on_delete=fields.RESTRICT)
    reason = fields.TextField()
    caller_told_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "call_transfer"
        unique_together = (("call", "seq"),)
        indexes = (Index(fields=("to_staff_id", "created_at")),)


class PbxEvent(Model):
    """One event a PBX reported, kept as received: the unique (pbx_id, event_id) key makes
    a replay a no-op."""

    id = fields.UUIDField(primary_key=True)
    pbx_id = fields.CharField(max_length=64)
    event_id = fields.CharField(max_length=200)
    pbx_call_id = fields.CharField(max_length=200)
    kind = fields.CharEnumField(PbxEventKind, max_length=20)
    occurred_at = fields.DatetimeField()
    received_at = fields.DatetimeField(auto_now_add=True)
    payload = fields.JSONField(default=dict)
    call = fields.ForeignKeyField(
        "okno.Call", related_name="pbx_events", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "pbx_event"
        unique_together = (("pbx_id", "event_id"),)
        indexes = (Index(fields=("pbx_id", "pbx_call_id")), Index(fields=("received_at",)))


class Callback(Model):
    """A promise to call back (R-3.8): the number, when the answer will be ready, and the
    window it is due in. Reminders and alerts are stamped once each."""

    id = fields.UUIDField(primary_key=True)
    call = fields.ForeignKeyField(
        "okno.Call", related_name="callbacks", on_delete=fields.CASCADE)
    client = fields.ForeignKeyField(
        "okno.Client", related_name="callbacks", null=True, on_delete=fields.SET_NULL)
    number = fields.CharField(max_length=20)
    question = fields.TextField(default="")
    # When the caller was told the answer would be ready.
    promised_by = fields.DatetimeField()
    status = fields.CharEnumField(CallbackStatus, max_length=20, default=CallbackStatus.SCHEDULED)
    # Start of the window the callback is due in, and that window's end.
    due_at = fields.DatetimeField(null=True)
    due_until = fields.DatetimeField(null=True)
    assignee = fields.ForeignKeyField(
        "okno.StaffMember", related_name="callbacks", null=True, on_delete=fields.SET_NULL)
    attempts = fields.IntField(default=0)
    last_attempt_at = fields.DatetimeField(null=True)
    outcome = fields.CharEnumField(CallbackOutcome, max_length=20, null=True)
    outcome_note = fields.TextField(default="")
    done_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)
    overdue_alerted_at = fields.DatetimeField(null=True)
    escalated_at = fields.DatetimeField(null=True)
    escalated_to = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_by = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "callback"
        indexes = (
            Index(fields=("status", "due_at")),
            Index(fields=("status", "due_until")),
            Index(fields=("assignee_id", "status", "due_at")),
            Index(fields=("call_id",)),
            Index(fields=("client_id", "created_at")),
        )


class CallbackWindow(Model):
    """A time the caller said suits them (R-3.8)."""

    id = fields.UUIDField(primary_key=True)
    callback = fields.ForeignKeyField(
        "okno.Callback", related_name="windows", on_delete=fields.CASCADE)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()

    class Meta:
        table = "callback_window"
        indexes = (Index(fields=("callback_id", "starts_at")),)


class CallbackAttempt(Model):
    """One try to call back and how it went (R-3.8 "outcomes are logged")."""

    id = fields.UUIDField(primary_key=True)
    callback = fields.ForeignKeyField(
        "okno.Callback", related_name="attempt_log", on_delete=fields.CASCADE)
    staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, null=True, on_delete=fields.SET_NULL)
    outcome = fields.CharEnumField(CallbackOutcome, max_length=20)
    note = fields.TextField(default="")
    attempted_at = fields.DatetimeField()

    class Meta:
        table = "callback_attempt"
        indexes = (Index(fields=("callback_id", "attempted_at")),)


class CallReview(Model):
    """A supervisor's quality checklist for one call (R-3.5, R-3.6, R-5.1). The call's line
    and operator are copied so the monthly report reads one indexed table."""

    id = fields.UUIDField(primary_key=True)
    call = fields.ForeignKeyField(
        "okno.Call", related_name="reviews", on_delete=fields.CASCADE)
    line = fields.ForeignKeyField(
        "okno.ConsultationLine", related_name=False, on_delete=fields.RESTRICT)
    operator = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, null=True, on_delete=fields.SET_NULL)
    reviewer = fields.ForeignKeyField(
        "okno.StaffMember", related_name=False, null=True, on_delete=fields.SET_NULL)
    reviewer_subject = fields.CharField(max_length=200)
    # Checklist item code to its score.
    scores = fields.JSONField(default=dict)
    total = fields.IntField()
    max_total = fields.IntField()
    comment = fields.TextField(default="")
    call_started_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "call_review"
        indexes = (
            Index(fields=("call_id",)),
            Index(fields=("line_id", "call_started_at")),
            Index(fields=("operator_id", "call_started_at")),
            Index(fields=("call_started_at",)),
        )
