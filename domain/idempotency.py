"""Idempotent requests: a mutation sent with an ``Idempotency-Key`` and the answer it got.

The row is written in the same transaction as everything the mutation wrote, so either both
are there (a retry gets the stored answer, nothing runs twice) or neither is (the retry runs
as if first). Two retries racing: the second's insert hits the unique key, its transaction
rolls back, and it answers with the first one's row."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from tortoise import fields
from tortoise.models import Model


class IdempotentRequest(Model):
    """One request sent with an Idempotency-Key, by one caller, and the response it got"""

    id = fields.IntField(primary_key=True)
    subject = fields.CharField(max_length=200, description="Token subject, or anonymous")
    key = fields.CharField(max_length=200, description="The Idempotency-Key header")
    request_hash = fields.CharField(max_length=64, description="SHA-256 of query and variables")
    response = fields.JSONField(description="The GraphQL response body that was sent")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "idempotent_request"
        unique_together = (("subject", "key"),)


def request_hash(query: str | None, variables: Any, operation_name: str | None) -> str:
    body = orjson.dumps([query, variables, operation_name], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(body).hexdigest()


async def find(subject: str, key: str, ttl: timedelta) -> IdempotentRequest | None:
    """The stored request, unless older than ``ttl`` (then it is deleted: the key is free)."""
    found = await IdempotentRequest.get_or_none(subject=subject, key=key)
    if found is not None and found.created_at < datetime.now(UTC) - ttl:
        await IdempotentRequest.filter(id=found.id).delete()
        return None
    return found


async def save(subject: str, key: str, digest: str, response: dict[str, Any]) -> None:
    """Inside the mutation's transaction; IntegrityError when a twin committed first."""
    await IdempotentRequest.create(subject=subject, key=key, request_hash=digest,
                                   response=response)


async def purge(ttl: timedelta) -> int:
    return await IdempotentRequest.filter(created_at__lt=datetime.now(UTC) - ttl).delete()
