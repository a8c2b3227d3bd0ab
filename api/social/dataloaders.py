"""Batch loaders of social items: items and sources by ID, the answer per item, the item
per message."""

from __future__ import annotations

from typing import Any

from api.dataloaders import RowLoader, rows_by_key
from domain.social import queries


class SocialItemByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.items_by_id(ids)


class SocialSourceByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.sources_by_id(ids)


class SocialAnswerByItemLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.answers_by_item(ids)

    def arrange(self, rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
        return rows_by_key(rows, keys, "item_id")
