"""Batch loaders of mailings: lists, subscriptions, campaigns by ID; consents per
subscription."""

from __future__ import annotations

from typing import Any

from api.dataloaders import RowLoader, rows_grouped
from domain.mailings import queries


class MailingListByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.lists_by_id(ids)


class MailingSubscriptionByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.subscriptions_by_id(ids)


class MailingCampaignByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.campaigns_by_id(ids)


class ConsentsBySubscriptionLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.consents_of(ids)

    def arrange(self, rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
        return rows_grouped(rows, keys, "subscription_id")
