"""Errors as data: domain failures become ``UserError`` entries in mutation payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError, ErrorCode, ValidationFailed

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode", description="What went wrong.")
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
