"""``Idempotency-Key`` for GraphQL over HTTP: a retried mutation gets the first answer.

A front end sends a fresh random key (a UUID) with a mutation a citizen may repeat
(``receiveMessage``, ``createClient``, …) and the same key when it retries the same request
(a timeout, a SERVICE_UNAVAILABLE, a lost answer). The operation runs inside one database
transaction together with the stored answer (``domain/idempotency.py``): either both commit
or neither, so a retry never creates twice. Keys are per caller (token subject); an answer is
kept ``OKNO_IDEMPOTENCY_TTL_HOURS``."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from graphql import GraphQLError
from strawberry.http import GraphQLRequestData, process_result
from strawberry.types.execution import ExecutionResult, PreExecutionError
from tortoise.exceptions import IntegrityError

from api.errors import is_outage, mark_unavailable, only_outages, service_unavailable
from domain import idempotency
from domain.actor import Actor
from domain.transaction import transaction

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
_KEY = re.compile(r"[\x21-\x7e]{1,200}")


class Replayed(ExecutionResult):
    """The stored answer of an earlier request with the same key."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__(data=response.get("data"), errors=None)
        self.response = response


class _Unavailable(Exception):
    def __init__(self, result: ExecutionResult) -> None:
        self.result = result


def _bad_key(reason: str, message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(
        message, extensions={"code": "BAD_USER_INPUT", "reason": reason,
                             "field": "Idempotency-Key"})])


def _replay(found: idempotency.IdempotentRequest, digest: str,
            response: Any) -> ExecutionResult:
    if found.request_hash != digest:
        return _bad_key("IDEMPOTENCY_KEY_REUSED",
                        "This Idempotency-Key was used for another request; use a new key.")
    response.headers["Idempotent-Replayed"] = "true"
    return Replayed(found.response)


async def once(
    key: str, actor: Actor | None, request: GraphQLRequestData, ttl: timedelta,
    response: Any, run: Callable[[], Awaitable[Any]],
) -> Any:
    """Run ``run`` (the operation) at most once per (caller, key); later calls replay."""
    if not _KEY.fullmatch(key):
        return _bad_key("INVALID_IDEMPOTENCY_KEY",
                        "Idempotency-Key must be 1-200 printable ASCII characters.")
    subject = actor.subject if actor is not None else "anonymous"
    digest = idempotency.request_hash(request.query, request.variables, request.operation_name)
    try:
        found = await idempotency.find(subject, key, ttl)
        if found is not None:
            return _replay(found, digest, response)
        async with transaction():
            result = await run()
            if not isinstance(result, ExecutionResult) or isinstance(result, PreExecutionError):
                return result  # refused before running (or a stream): nothing to keep
            if any((e.extensions or {}).get("code") == "SERVICE_UNAVAILABLE"
                   for e in result.errors or ()):
                raise _Unavailable(result)  # roll back what did run: the retry runs it all
            await idempotency.save(subject, key, digest, process_result(result))
        return result
    except _Unavailable as exc:
        errors = [e for e in exc.result.errors or () if only_outages([e])]
    except IntegrityError:  # a twin with the same key committed first
        found = await idempotency.find(subject, key, ttl)
        if found is not None:
            return _replay(found, digest, response)
        raise
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("service unavailable (idempotent request): %s: %s",
                    type(exc).__name__, exc)
        errors = [service_unavailable()]
    mark_unavailable(response)
    return ExecutionResult(data=None, errors=errors)
