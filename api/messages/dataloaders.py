"""Request-scoped loaders for messages and their parts: a list of messages with answers,
attachments, clarifications and alerts costs one query per relation, not per message."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from domain.actor import Actor
from domain.ids import as_uuid
from domain.history.service import newest_ids_per_client, split_pages
from domain.messages import access, queries
from domain.messages.models import Message


def _valid(keys: list[str]) -> list[str]:
    """The keys that spell UUIDs, canonical; forged ones never reach the database."""
    return [str(u) for u in (as_uuid(k) for k in keys) if u is not None]


def _grouped(rows: list[dict[str, Any]], keys: list[str], by: str = "message_id"
             ) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row[by])].append(row)
    return [groups.get(str(k), []) for k in keys]


class MessageByIdLoader(DataLoader[str, dict | None]):
    """Rows by ID with no access check: callers check visibility first."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        ids = _valid(keys)
        found = {str(r["id"]): r for r in await queries.by_ids(ids)} if ids else {}
        return [found.get(str(k)) for k in keys]


class AnswerByMessageLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        found = {str(r["message_id"]): r for r in await queries.answers_of(_valid(keys))}
        return [found.get(str(k)) for k in keys]


class AttachmentsByMessageLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        return _grouped(await queries.attachments_of(_valid(keys)), keys)


class ClarificationsByMessageLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        return _grouped(await queries.clarifications_of(_valid(keys)), keys)


class AlertsByMessageLoader(DataLoader[str, list[dict]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict]]:
        return _grouped(await queries.alerts_of(_valid(keys)), keys)


@dataclass(frozen=True, slots=True)
class ClientMessagesKey:
    client_id: str
    first: int
    after: str | None


class MessagesByClientLoader(DataLoader[ClientMessagesKey, tuple[list[dict], bool]]):
    """A page of messages per client (``Client.messages``). First pages of many clients load
    in two statements for viewers who see all of them (the client themself, operators,
    heads); an executor's pages go one by one through the visibility filter."""

    actor: Actor | None = None  # set by the resolver on first use (one viewer per request)

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    async def load_pages(self, keys: list[ClientMessagesKey]) -> list[tuple[list[dict], bool]]:
        assert self.actor is not None
        pages: dict[ClientMessagesKey, tuple[list[dict], bool]] = {}
        batchable = self.actor.role in access.ALL_SEEING
        if batchable and len(keys) > 1:
            for first in {k.first for k in keys if not k.after}:
                ids = _valid([k.client_id for k in keys if not k.after and k.first == first])
                found_ids = await newest_ids_per_client("message", "received_at", ids, first + 1)
                rows = (await Message.filter(id__in=found_ids).order_by(
                    "client_id", "-received_at", "-id").values(*queries.MESSAGE_COLUMNS)
                        if found_ids else [])
                for cid, page in split_pages(rows, ids, first).items():
                    pages[ClientMessagesKey(cid, first, None)] = page
        out = []
        for k in keys:
            if k in pages:
                out.append(pages[k])
                continue
            flt = queries.MessageFilter(client_id=k.client_id)
            out.append(await queries.page(self.actor, flt, k.first, k.after))
        return out
