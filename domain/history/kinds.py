"""Every kind of interaction event, one list for all areas (front ends filter by it)."""

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
    NOTICE_SENT = "notice_sent"
    CALL = "call"
    RECEPTION = "reception"
    DELIVERY = "delivery"
    SURVEY = "survey"
    SURVEY_INVITED = "survey_invited"
    SURVEY_REMINDED = "survey_reminded"
    SURVEY_RESPONDED = "survey_responded"
