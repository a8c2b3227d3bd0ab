"""Errors as data: domain failures become ``UserError`` entries in mutation payloads."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from starlette.responses import Response
from strawberry.extensions import MaskErrors

from api.enums import describe_values
from domain import db, redis
from domain.errors import DomainError, ErrorCode, ValidationFailed

log = logging.getLogger(__name__)

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
    "replies; the client confirms it by code (requestContactVerification, "
    "confirmContactVerification) or staff do (verifyContactPoint).",
    ErrorCode.INVALID_TOKEN: "A link token is forged, damaged or meant for something else.",
    ErrorCode.EXPIRED_TOKEN: "A link token or a confirmation code has expired, was used "
    "already or had too many wrong tries.",
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
    ErrorCode.SLOT_TAKEN: "Every seat of the reception slot is booked already (maybe just "
    "now by someone else): choose another slot.",
    ErrorCode.SLOT_UNAVAILABLE: "The slot cannot be booked: it is in the past, too soon (below "
    "the lead time), cancelled, or not in an active schedule.",
    ErrorCode.BOOKING_LIMIT: "The client holds the most future receptions allowed; cancel one "
    "first.",
    ErrorCode.SCHEDULE_INVALID: "The reception schedule is malformed (RRULE, times, slot "
    "length) or would put slots outside working time.",
    ErrorCode.NO_RECIPIENTS: "R-6.1: nobody on the list has consent (confirmed, not revoked, "
    "not bounced): a campaign would reach no one.",
    ErrorCode.LINE_CLOSED: "R-3.3: the consultation line is closed now (outside the "
    "government's working hours); the operator cannot record a call on it.",
    ErrorCode.TRANSFER_LIMIT: "R-3.7: the call was already transferred twice; a third "
    "transfer is refused.",
    ErrorCode.CALLER_NOT_TOLD: "R-3.7: a call is transferred only after telling the caller: "
    "confirm that they were told.",
    ErrorCode.NOT_COMPETENT: "R-3.7: the chosen employee is not competent for the sphere.",
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


# Outages: the database or Redis could not be reached. Not a bug and not the caller's fault:
# the front end retries the same request after ``retryAfter`` seconds (README, "Outages").
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 5


def is_outage(exc: BaseException | None) -> bool:
    return exc is not None and (db.is_unavailable(exc) or redis.is_unavailable(exc))


def service_unavailable(error: GraphQLError | None = None) -> GraphQLError:
    return GraphQLError(
        f"Service temporarily unavailable; retry in {RETRY_AFTER_SECONDS} seconds.",
        nodes=error.nodes if error else None, source=error.source if error else None,
        positions=error.positions if error else None, path=error.path if error else None,
        extensions={"code": SERVICE_UNAVAILABLE, "retryAfter": RETRY_AFTER_SECONDS},
    )


def only_outages(errors: list[GraphQLError] | None) -> bool:
    return bool(errors) and all(
        (e.extensions or {}).get("code") == SERVICE_UNAVAILABLE for e in errors or ())


def mark_unavailable(response: Any) -> None:
    """HTTP 503 with Retry-After for an operation that failed as a whole for an outage: what
    proxies, monitors and retrying HTTP clients (Apollo's RetryLink) understand."""
    if isinstance(response, Response):  # HTTP only: a websocket has no status
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


class OutageErrors(MaskErrors):
    """A field failed because the database or Redis was unreachable: a SERVICE_UNAVAILABLE
    error with ``retryAfter`` instead of a masked "Unexpected error." (in every environment).
    When nothing of the operation succeeded, the HTTP answer is 503 with Retry-After."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: is_outage(e.original_error))

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        log.warning("service unavailable at %s: %s: %s", error.path,
                    type(error.original_error).__name__, error.original_error)
        return service_unavailable(error)

    def _process_result(self, result: object) -> None:
        super()._process_result(result)
        data = getattr(result, "data", None)
        if only_outages(getattr(result, "errors", None)) and not any((data or {}).values()):
            mark_unavailable(getattr(self.execution_context.context, "response", None))
