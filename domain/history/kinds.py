"""Every kind of interaction event and of record an event is about: one list each for all
areas (front ends filter by kind; ``source`` resolves through the record's Node type)."""

from enum import StrEnum


class EventKind(StrEnum):
    CLIENT_CREATED = "client_created"
    CLIENT_UPDATED = "client_updated"
    CONTACT_ADDED = "contact_added"
    CONTACT_VERIFIED = "contact_verified"
    CONTACT_REMOVED = "contact_removed"
    PREFERENCE_SET = "preference_set"
    PROFILE_CHANGED = "profile_changed"
    REPRESENTATIVE_ADDED = "representative_added"
    REPRESENTATIVE_REMOVED = "representative_removed"
    HISTORY_EXPORT_REQUESTED = "history_export_requested"
    HISTORY_EXPORT_READY = "history_export_ready"
    # Written interaction and its materials (appeals: R-2.x); 5-year retention.
    MESSAGE_RECEIVED = "message_received"
    MESSAGE_ANSWERED = "message_answered"
    MESSAGE_REGISTERED = "message_registered"
    MESSAGE_ASSIGNED = "message_assigned"
    MESSAGE_STATUS = "message_status"
    MESSAGE_CLASSIFIED = "message_classified"
    MESSAGE_URGENCY = "message_urgency"
    MESSAGE_ABUSE = "message_abuse"
    MESSAGE_CLARIFIED = "message_clarified"
    MESSAGE_EXTENDED = "message_extended"
    MESSAGE_REDIRECTED = "message_redirected"
    MESSAGE_DEADLINE = "message_deadline"
    NOTICE_SENT = "notice_sent"
    CALL = "call"
    RECEPTION = "reception"
    DELIVERY = "delivery"
    DELIVERY_FAILED = "delivery_failed"
    SURVEY = "survey"
    SURVEY_INVITED = "survey_invited"
    SURVEY_REMINDED = "survey_reminded"
    SURVEY_RESPONDED = "survey_responded"
    # Mailings (R-6.x): each consent asked, given or revoked (the consent ledger's entries).
    MAILING_CONSENT = "mailing_consent"
    # Official pages and public chats (R-7.x): an item the person wrote (recorded once the
    # person is known), and the public answer posted back.
    SOCIAL_ITEM = "social_item"
    SOCIAL_ANSWER = "social_answer"


class SourceType(StrEnum):
    """What kind of record an event is about (``record(..., source=(type, id))``); each is
    a Node type in the API. A new one needs its Node type in ``api/history/types.py``."""

    CLIENT = "client"
    CONTACT = "contact"
    REPRESENTATIVE = "representative"
    HISTORY_EXPORT = "history_export"
    DELIVERY = "delivery"
    MESSAGE = "message"
    SURVEY_INVITATION = "survey_invitation"
    SURVEY_RESPONSE = "survey_response"
    BOOKING = "booking"
    SOCIAL_ITEM = "social_item"
    CALL = "call"


class RetentionAction(StrEnum):
    """What the retention sweep does to an expired event (``settings.retention_action``)."""

    ANONYMISE = "anonymise"  # summary replaced, personal details cleared; statistics stay
    DELETE = "delete"


class RecordType(StrEnum):
    """Record types of the archive list the retention periods are set for
    (``settings.retention_periods``). A case is a message and everything handled under it."""

    APPEAL = "appeal"  # citizens' and organisations' appeals, with their materials
    INTERNAL_REQUEST = "internal_request"  # employees' internal requests (R-5.x)
    CORRESPONDENCE = "correspondence"  # notices sent outside any case (one delivery each)


class ArchiveRecord(StrEnum):
    """What the retention sweep counts besides events (``RetentionRun.records``)."""

    MESSAGE = "message"
    ANSWER = "answer"
    CLARIFICATION = "clarification"
    ATTACHMENT = "attachment"
    DELIVERY = "delivery"
