"""The outbox (R-2.1): one row per communication per channel, written in the same
transaction as the change that causes it, then handed to a worker."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from domain.enums import Channel


class Purpose(StrEnum):
    """Why a communication is sent. Stored as text, so areas may add purposes freely."""

    ANSWER = "answer"  # the answer on the merits; final, carries the survey link
    INFORMATION = "information"  # requested information; final
    SERVICE_RESULT = "service_result"  # a service's result; final
    RECEIPT_NOTICE = "receipt_notice"  # the appeal is registered, its deadline
    REDIRECT_NOTICE = "redirect_notice"
    ABUSE_NOTICE = "abuse_notice"
    CLARIFICATION_REQUEST = "clarification_request"
    EXTENSION_NOTICE = "extension_notice"
    BOOKING_CONFIRMATION = "booking_confirmation"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_CHANGED = "booking_changed"  # official, date or time changed
    REMINDER = "reminder"
    SURVEY_INVITATION = "survey_invitation"
    SURVEY_REMINDER = "survey_reminder"
    HISTORY_EXPORT_READY = "history_export_ready"
    MAILING = "mailing"
    MAILING_CONFIRMATION = "mailing_confirmation"  # double opt-in
    CONTACT_VERIFICATION = "contact_verification"
    DEADLINE_ALERT = "deadline_alert"  # to an employee
    NOTICE = "notice"  # anything else


class Template(StrEnum):
    """The templates under ``templates/`` (a test keeps this list and the files equal).
    Adding one = its ``.subject.j2`` and ``.txt.j2`` files and a member here."""

    ABUSE_NOTICE = "abuse_notice"
    ANSWER = "answer"
    BOOKING_CANCELLED = "booking_cancelled"
    BOOKING_CHANGED = "booking_changed"
    BOOKING_CONFIRMATION = "booking_confirmation"
    CLARIFICATION_REQUEST = "clarification_request"
    CONTACT_VERIFICATION = "contact_verification"
    DEADLINE_ALERT = "deadline_alert"
    EXTENSION_NOTICE = "extension_notice"
    HISTORY_EXPORT_READY = "history_export_ready"
    INFORMATION = "information"
    MAILING = "mailing"
    MAILING_CONFIRMATION = "mailing_confirmation"
    NOTICE = "notice"
    RECEIPT_NOTICE = "receipt_notice"
    REDIRECT_NOTICE = "redirect_notice"
    REGISTRATION_NOTICE = "registration_notice"
    REMINDER = "reminder"
    SERVICE_RESULT = "service_result"
    SURVEY_INVITATION = "survey_invitation"
    SURVEY_REMINDER = "survey_reminder"


# final communications carry the satisfaction-survey link.
FINAL_PURPOSES = frozenset({Purpose.ANSWER, Purpose.INFORMATION, Purpose.SERVICE_RESULT})


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker (or for its next attempt)
    SENDING = "sending"  # a worker claimed it; for postal/EDMS: in the operator's queue
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PostalState(StrEnum):
    QUEUED = "queued"  # in the print queue
    PRINTED = "printed"
    POSTED = "posted"


class RouteReason(StrEnum):
    """Why the delivery went by this channel (R-1.4, R-2.6, R-2.9)."""

    PREFERRED = "preferred"  # the client's chosen channel
    LEGAL = "legal"  # the channel the law fixes for this process
    ADDITIONAL = "additional"  # the client's extra channel, duplicating the legal one
    FALLBACK = "fallback"  # no usable choice: the documented default order
    FIXED = "fixed"  # the procedure fixes the channel for this purpose (mailings)
    STAFF = "staff"  # re-routed by staff
    EMPLOYEE = "employee"  # to a staff member's work email (no client: deadline alerts)


class Delivery(Model):
    id = fields.UUIDField(primary_key=True)
    # Null for mail to an employee (route EMPLOYEE: deadline alerts), who is no client.
    client = fields.ForeignKeyField(
        "okno.Client", related_name="deliveries", null=True, on_delete=fields.CASCADE
    )
    # Null when no channel could reach the client (the reason is in last_error).
    channel = fields.CharEnumField(Channel, max_length=20, null=True)
    route = fields.CharEnumField(RouteReason, max_length=20)
    contact = fields.ForeignKeyField(
        "okno.ContactPoint", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # Snapshots: where it went and to whom, even if the contact is edited or removed later.
    address = fields.CharField(max_length=500, null=True)
    recipient_name = fields.CharField(max_length=800, default="")
    purpose = fields.CharField(max_length=40)
    template = fields.CharField(max_length=100)
    # JSON-safe copy of the template context, so staff can re-route (re-render) later.
    context = fields.JSONField(null=True)
    subject = fields.CharField(max_length=500)
    body_text = fields.TextField()
    body_html = fields.TextField(null=True)
    headers = fields.JSONField(null=True)  # extra email headers (List-Unsubscribe, ...)
    # Files an email carries (a booking's .ics): [{filename, content_type, content}], text
    # content. Kept on every row, so a row re-routed to email still carries them.
    attachments = fields.JSONField(null=True)
    source_type = fields.CharField(max_length=60, null=True)
    source_id = fields.CharField(max_length=64, null=True)
    status = fields.CharEnumField(DeliveryStatus, max_length=10, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=1000, null=True)
    idempotency_key = fields.CharField(max_length=200, null=True)
    # Email: the Message-ID header; gateways: the gateway's message id.
    message_id = fields.CharField(max_length=300, null=True)
    # the document's link in the receiving system (the EDMS), set on registration there.
    external_link = fields.CharField(max_length=1000, null=True)
    postal_state = fields.CharEnumField(PostalState, max_length=10, null=True)
    rerouted_from = fields.ForeignKeyField(
        "okno.Delivery", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_by = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    next_attempt_at = fields.DatetimeField()
    sending_started_at = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    printed_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)  # failed or cancelled
    # when the retention sweep anonymised it (``retention.py``); not looked at again.
    swept_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delivery"
        # One delivery per caller's key and channel: a repeated send() returns the first.
        unique_together = (("idempotency_key", "channel"),)
        indexes: ClassVar[list[Index]] = [
            Index(fields=("created_at", "id")),
            Index(fields=("client_id", "created_at", "id")),
            Index(fields=("status", "created_at", "id")),
            Index(fields=("channel", "status", "created_at")),
            Index(fields=("purpose", "created_at")),
            Index(fields=("source_type", "source_id")),
            Index(fields=("status", "next_attempt_at")),  # the sweep
            Index(fields=("swept_at", "created_at")),  # the retention sweep
        ]
