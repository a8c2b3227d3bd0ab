"""Request-scoped loaders of callbacks and call reviews: one statement per relation per
request (the statements are in ``domain/consultation/callback_queries.py`` and ``reviews.py``)."""

from __future__ import annotations

from api.dataloaders import RowLoader, rows_grouped
from domain.consultation import callback_queries as queries
from domain.consultation import reviews


class CallbackByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.callbacks_by_id(ids)


class WindowsByCallbackLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.windows_by_callback(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "callback_id")


class AttemptsByCallbackLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.attempts_by_callback(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "callback_id")


class CallReviewByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await reviews.reviews_by_id(ids)
