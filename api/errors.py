"""Errors as data: domain failures become ``UserError`` entries in mutation payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from api.enums import describe_values
from domain.errors import DomainError, ErrorCode, ValidationFailed

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode", description="What went wrong.")
describe_values(ErrorCodeEnum, {
    ErrorCode.INVALID: "A value is malformed or out of range; `message` says which rule it broke.",
    ErrorCode.REQUIRED: "A required value is missing or blank.",
    ErrorCode.TOO_LONG: "A text is longer than the field allows.",
    ErrorCode.FORBIDDEN_CHARACTERS: "A text holds NUL or other control characters.",
    ErrorCode.NOT_FOUND: "The ID is well formed but names nothing you may see.",
    ErrorCode.INVALID_ID: "An ID input is not a global ID of the expected type (a raw UUID, "
    "another type's ID, garbage).",
    ErrorCode.FORBIDDEN: "Your role may call this, but not on this record (e.g. someone "
    "else's client card).",
    ErrorCode.DUPLICATE: "The record exists already (or was just created by someone else).",
    ErrorCode.INVALID_EMAIL: "Not a valid email address.",
    ErrorCode.INVALID_PHONE: "Not a valid phone number.",
    ErrorCode.INVALID_INN: "The INN has a wrong length or check digit.",
    ErrorCode.INVALID_OGRN: "The OGRN has a wrong length or check digit.",
    ErrorCode.CONTACT_REQUIRED: "The chosen channel needs a contact point of its kind.",
    ErrorCode.CONTACT_KIND_MISMATCH: "The contact point is of another kind than the channel.",
    ErrorCode.CONTACT_IN_USE: "A channel preference still uses this contact point.",
    ErrorCode.CONTACT_NOT_VERIFIED: "A client may choose only a confirmed contact point for "
    "replies; staff confirm it (verifyContactPoint).",
    ErrorCode.INVALID_TOKEN: "A link token is forged, damaged or meant for something else.",
    ErrorCode.EXPIRED_TOKEN: "A link token has expired or was used already.",
    ErrorCode.INVALID_STATE: "The record is not in a state that allows this.",
    ErrorCode.RATE_LIMITED: "Too many attempts; try again later.",
    ErrorCode.ALREADY_ANSWERED: "The survey was answered already.",
    ErrorCode.ILLEGAL_TRANSITION: "The message's status does not allow this step.",
    ErrorCode.DEADLINE_TOO_LATE: "The date is past what the rule allows (e.g. urgent terms "
    "of at most 5 working days).",
    ErrorCode.OUTSIDE_WORKING_HOURS: "Allowed only in the government's working hours.",
    ErrorCode.ALREADY_EXTENDED: "The term was extended once already (the law allows one).",
    ErrorCode.REFUSAL_GROUNDS: "A refusal must explain its grounds in plain words, not only "
    "cite a law.",
    ErrorCode.SPHERE_REQUIRED: "Classify the message by sphere first.",
    ErrorCode.ABUSE_UNRESOLVED: "Decide on the suspected abuse first.",
    ErrorCode.UNKNOWN_TEMPLATE: "No such notice template.",
    ErrorCode.TEMPLATE_ERROR: "The template could not be rendered with this context.",
    ErrorCode.SURVEY_LINK_REQUIRED: "R-2.10: a final communication (answer, requested "
    "information, a service's result) must carry the satisfaction-survey link.",
    ErrorCode.UNSUBSCRIBE_LINK_REQUIRED: "R-6.4: a mailing must carry its unsubscribe link.",
})
T = TypeVar("T")


@strawberry.type(
    description="An expected failure of a mutation, shown to the person next to `field`.")
class UserError:
    code: ErrorCodeEnum = strawberry.field(description="Machine-readable reason; switch on it.")
    field: str | None = strawberry.field(
        description="The input field (camelCase) the error is about, or null for the whole input."
    )
    message: str = strawberry.field(description="Plain-Russian text safe to show to a citizen.")

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(code=error.code, field=error.field, message=error.message)


async def attempt(
    call: Awaitable[T] | Callable[[], Awaitable[T]],
) -> tuple[T | None, list[UserError]]:
    """Await a domain call; its expected failures come back as a list, never raised.

    Pass a zero-argument callable (``lambda: service.f(decode_id(...))``) when decoding the
    input can fail too: then a bad ID is a UserError in the payload like any other."""
    try:
        return await (call() if callable(call) else call), []
    except ValidationFailed as exc:
        return None, [UserError.of(e) for e in exc.errors]
    except DomainError as exc:
        return None, [UserError.of(exc)]


class AuthError(GraphQLError):
    """Top-level error for missing or insufficient credentials (not masked)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, extensions={"code": code})


def unauthenticated() -> AuthError:
    return AuthError("UNAUTHENTICATED", "Authentication required")


def forbidden() -> AuthError:
    return AuthError("FORBIDDEN", "Not allowed for this role")
