"""Expected failures, raised by services and returned to callers as data.

One code list for the whole product, so a front end handles every payload's
``errors`` with one switch. Messages are plain Russian: citizens may read them.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    FORBIDDEN_CHARACTERS = "FORBIDDEN_CHARACTERS"
    NOT_FOUND = "NOT_FOUND"
    INVALID_ID = "INVALID_ID"
    FORBIDDEN = "FORBIDDEN"
    DUPLICATE = "DUPLICATE"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_INN = "INVALID_INN"
    INVALID_OGRN = "INVALID_OGRN"
    CONTACT_REQUIRED = "CONTACT_REQUIRED"
    CONTACT_KIND_MISMATCH = "CONTACT_KIND_MISMATCH"
    CONTACT_IN_USE = "CONTACT_IN_USE"
    CONTACT_NOT_VERIFIED = "CONTACT_NOT_VERIFIED"
    INVALID_TOKEN = "INVALID_TOKEN"
    EXPIRED_TOKEN = "EXPIRED_TOKEN"
    INVALID_STATE = "INVALID_STATE"
    RATE_LIMITED = "RATE_LIMITED"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    # Messages (R-2.x, R-5.x)
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    DEADLINE_TOO_LATE = "DEADLINE_TOO_LATE"
    OUTSIDE_WORKING_HOURS = "OUTSIDE_WORKING_HOURS"
    ALREADY_EXTENDED = "ALREADY_EXTENDED"
    REFUSAL_GROUNDS = "REFUSAL_GROUNDS"
    SPHERE_REQUIRED = "SPHERE_REQUIRED"
    ABUSE_UNRESOLVED = "ABUSE_UNRESOLVED"
    UNKNOWN_TEMPLATE = "UNKNOWN_TEMPLATE"
    TEMPLATE_ERROR = "TEMPLATE_ERROR"
    # Deliveries: what a communication must carry
    SURVEY_LINK_REQUIRED = "SURVEY_LINK_REQUIRED"
    UNSUBSCRIBE_LINK_REQUIRED = "UNSUBSCRIBE_LINK_REQUIRED"
    # Personal reception (R-4.x)
    SLOT_TAKEN = "SLOT_TAKEN"
    SLOT_UNAVAILABLE = "SLOT_UNAVAILABLE"
    BOOKING_LIMIT = "BOOKING_LIMIT"
    SCHEDULE_INVALID = "SCHEDULE_INVALID"
    # Mailings
    NO_RECIPIENTS = "NO_RECIPIENTS"
    # Consultation line (R-3.x)
    LINE_CLOSED = "LINE_CLOSED"
    TRANSFER_LIMIT = "TRANSFER_LIMIT"
    CALLER_NOT_TOLD = "CALLER_NOT_TOLD"
    NOT_COMPETENT = "NOT_COMPETENT"


class DomainError(Exception):
    """One expected failure: what went wrong (code), where (field), in words (message)."""

    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class ValidationFailed(DomainError):
    """Several field errors at once, so a form can show them all together."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(errors[0].code, errors[0].message, errors[0].field)
        self.errors = errors


def not_found(what: str, field: str = "id") -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} не найден(а).", field)


def invalid_id(type_name: str, field: str) -> DomainError:
    """An ID input that is not a global ID of the expected type (a raw UUID, another type's ID)."""
    return DomainError(
        ErrorCode.INVALID_ID,
        f"Неверный идентификатор: ожидается ID объекта {type_name}, как его вернуло поле id.",
        field,
    )
