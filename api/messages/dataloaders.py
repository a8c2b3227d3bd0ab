"""Request-scoped loaders for messages and their parts: a list of messages with answers,
attachments, clarifications and alerts costs one query per relation, not per message."""

from __future__ import annotations

from dataclasses import dataclass

from api.dataloaders import NumberedRowLoader, RowLoader, rows_by_key, rows_grouped
from domain.actor import Actor
from domain.ids import uuids
from domain.messages import access, queries
from domain.social import queries as social_queries


class MessageByIdLoader(RowLoader):
    """Message rows with what ``access.can_see`` needs; the Node checks visibility."""

    async def fetch(self, ids):
        return await queries.by_ids(ids)


class SocialItemByMessageLoader(RowLoader):
    """The social item a message came from (R-7.3: moved to an individual channel)."""

    async def fetch(self, ids):
        return await social_queries.items_by_message(ids)

    def arrange(self, rows, keys):
        return rows_by_key(rows, keys, "message_id")


class AnswerByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.answers_by_ids(ids)


class AttachmentByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.attachments_by_ids(ids)


class ClarificationByIdLoader(NumberedRowLoader):
    async def fetch(self, ids):
        return await queries.clarifications_by_ids(ids)


class AlertByIdLoader(NumberedRowLoader):
    async def fetch(self, ids):
        return await queries.alerts_by_ids(ids)


class AnswerByMessageLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.answers_of(ids)

    def arrange(self, rows, keys):
        return rows_by_key(rows, keys, "message_id")


class AttachmentsByMessageLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.attachments_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "message_id")


class ClarificationsByMessageLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.clarifications_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "message_id")


class AlertsByMessageLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.alerts_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "message_id")


@dataclass(frozen=True, slots=True)
class ClientMessagesKey:
    client_id: str
    first: int
    after: str | None


class MessagesByClientLoader(RowLoader):
    """A page of messages per client (``Client.messages``), keyed by (client, first, after)
    rather than by ID. First pages of many clients load in two statements for viewers who
    see all of them (the client themself, operators, heads); an executor's pages go one by
    one through the visibility filter."""

    actor: Actor | None = None  # set by the resolver on first use (one viewer per request)

    async def load_rows(self, keys: list[ClientMessagesKey]) -> list[tuple[list[dict], bool]]:
        assert self.actor is not None
        pages: dict[ClientMessagesKey, tuple[list[dict], bool]] = {}
        batchable = self.actor.role in access.ALL_SEEING
        if batchable and len(keys) > 1:
            for first in {k.first for k in keys if not k.after}:
                ids = [str(u) for u in uuids(
                    k.client_id for k in keys if not k.after and k.first == first)]
                for cid, page in (await queries.first_pages_of_clients(ids, first)).items():
                    pages[ClientMessagesKey(cid, first, None)] = page
        out = []
        for k in keys:
            if k in pages:
                out.append(pages[k])
                continue
            flt = queries.MessageFilter(client_id=k.client_id)
            out.append(await queries.page(self.actor, flt, k.first, k.after))
        return out
