"""Reads of social items and the column lists they select."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tortoise.expressions import F, Q

from domain.ids import uuids
from domain.pagination import newest_first
from domain.social.models import (
    Network,
    SocialAnswer,
    SocialItem,
    SocialKind,
    SocialSource,
    SocialStatus,
)

ITEM_COLUMNS = ("id", "source_id", "source_item_id", "network", "kind", "author_id",
                "author_name", "url", "post_id", "text", "original_text", "edited_at",
                "deleted_at", "received_at", "due_at", "answered_at", "escalated_at", "status",
                "suggested_sphere_id", "sphere_confidence", "sphere_id", "abuse_status",
                "client_id", "message_id")
ANSWER_COLUMNS = ("id", "item_id", "text", "findings", "answered_by", "state", "attempts",
                  "next_attempt_at", "last_error", "external_id", "posted_at", "created_at")
SOURCE_COLUMNS = ("id", "network", "name", "confirmation_code", "secret_version", "api_url",
                  "active", "created_at")
MAX_SOURCES = 200


async def items_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await SocialItem.filter(id__in=found).values(*ITEM_COLUMNS) if found else []


async def items_by_message(message_ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(message_ids)
    return await SocialItem.filter(message_id__in=found).values(*ITEM_COLUMNS) if found else []


async def answers_by_item(item_ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(item_ids)
    return await SocialAnswer.filter(item_id__in=found).values(*ANSWER_COLUMNS) if found else []


async def sources_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await SocialSource.filter(id__in=found).values(*SOURCE_COLUMNS) if found else []


async def sources() -> list[dict[str, Any]]:
    return await SocialSource.all().order_by("name", "id").limit(MAX_SOURCES).values(
        *SOURCE_COLUMNS)


def overdue_condition(now: dt.datetime, late: bool = True) -> Q:
    """Late: answered (or moved) after the limit, or still open past it. Its opposite is
    spelled out (not negated): NOT over a NULL ``answered_at`` would drop open items."""
    if late:
        return Q(answered_at__isnull=True, due_at__lt=now) | Q(answered_at__gt=F("due_at"))
    return Q(answered_at__isnull=True, due_at__gte=now) | Q(answered_at__lte=F("due_at"))


async def items_page(first: int, after: str | None, *, status: SocialStatus | None = None,
                     kind: SocialKind | None = None, network: Network | None = None,
                     overdue: bool | None = None, client_id: uuid.UUID | None = None,
                     now: dt.datetime | None = None) -> tuple[list[dict[str, Any]], bool]:
    """Newest received first; each filter has its (filter, received_at, id) index."""
    query = SocialItem.all()
    if status is not None:
        query = query.filter(status=status)
    if kind is not None:
        query = query.filter(kind=kind)
    if network is not None:
        query = query.filter(network=network)
    if client_id is not None:
        query = query.filter(client_id=client_id)
    if overdue is not None:
        query = query.filter(overdue_condition(now or dt.datetime.now(dt.UTC), overdue))
    return await newest_first(query, "received_at", first, after, ITEM_COLUMNS)
