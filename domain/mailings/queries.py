"""Reads of mailings and the column lists they select."""

from __future__ import annotations

from typing import Any

from domain.actor import Actor
from domain.ids import as_uuid, uuids
from domain.mailings.models import (
    Campaign,
    ConsentRecord,
    MailingList,
    MailingSubscription,
)
from domain.pagination import newest_first

LIST_COLUMNS = ("id", "name", "description", "created_at", "deleted_at")
SUBSCRIPTION_COLUMNS = ("id", "address__email", "address__client_id", "address__state",
                        "mailing_list_id", "status", "source", "created_at", "confirmed_at",
                        "revoked_at")
CAMPAIGN_COLUMNS = ("id", "mailing_list_id", "subject", "text", "status", "scheduled_at",
                    "started_at", "finished_at", "created_at")
CONSENT_COLUMNS = ("id", "subscription_id", "action", "source", "at", "ip", "user_agent",
                   "text_version", "proof")
MAX_LISTS = 200


async def lists(include_deleted: bool = False) -> list[dict[str, Any]]:
    """Lists by name; a short, staff-kept set (at most ``MAX_LISTS``)."""
    query = MailingList.all() if include_deleted else MailingList.filter(deleted_at=None)
    return await query.order_by("name", "id").limit(MAX_LISTS).values(*LIST_COLUMNS)


async def lists_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await MailingList.filter(id__in=found).values(*LIST_COLUMNS) if found else []


async def subscriptions_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await MailingSubscription.filter(id__in=found).values(*SUBSCRIPTION_COLUMNS) \
        if found else []


async def campaigns_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(ids)
    return await Campaign.filter(id__in=found).values(*CAMPAIGN_COLUMNS) if found else []


async def consents_of(subscription_ids: list[Any]) -> list[dict[str, Any]]:
    found = uuids(subscription_ids)
    return await ConsentRecord.filter(subscription_id__in=found).order_by("at", "id") \
        .values(*CONSENT_COLUMNS) if found else []


async def subscriptions_page(actor: Actor, first: int, after: str | None,
                             list_id: Any = None, email: str | None = None
                             ) -> tuple[list[dict[str, Any]], bool]:
    """Staff: everyone's (by list, by address); a client: only their own addresses'."""
    query = MailingSubscription.all()
    if not actor.is_staff:
        own = as_uuid(actor.client_id)
        if own is None:  # a token naming no client record owns nothing (not "no client")
            return [], False
        query = query.filter(address__client_id=own)
    if list_id is not None:
        query = query.filter(mailing_list_id=as_uuid(list_id))
    if email:
        query = query.filter(address__email=email.strip().lower())
    return await newest_first(query, "created_at", first, after, SUBSCRIPTION_COLUMNS)


async def campaigns_page(first: int, after: str | None, list_id: Any = None
                         ) -> tuple[list[dict[str, Any]], bool]:
    query = Campaign.all()
    if list_id is not None:
        query = query.filter(mailing_list_id=as_uuid(list_id))
    return await newest_first(query, "created_at", first, after, CAMPAIGN_COLUMNS)
