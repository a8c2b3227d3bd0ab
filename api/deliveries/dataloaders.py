"""Request-scoped batch loaders for deliveries."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from api.dataloaders import RowLoader
from domain.deliveries import queries
from domain.errors import DomainError


class DeliveryByIdLoader(RowLoader):
    """Rows by ID with no access check: ``Delivery.visible`` decides."""

    async def fetch(self, ids):
        return await queries.rows(ids)


class DeliveryBodyByIdLoader(RowLoader):
    """Texts are loaded only when asked for: lists stay light."""

    async def fetch(self, ids):
        return await queries.bodies(ids)


@dataclass(frozen=True, slots=True)
class DeliveriesKey:
    client_id: str
    first: int
    after: str | None


class DeliveriesPageByClientLoader(DataLoader[DeliveriesKey, tuple[list[dict], bool]]):
    """First pages of many clients in two statements; later pages one by one. Reached only
    through a Client the viewer may see. Keys are pages, not IDs: no ``RowLoader``."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[DeliveriesKey]) -> list[tuple[list[dict], bool] | Exception]:
        pages: dict[DeliveriesKey, tuple[list[dict], bool] | Exception] = {}
        for first in {k.first for k in keys if not k.after}:
            client_ids = [k.client_id for k in keys if not k.after and k.first == first]
            found = await queries.first_pages(client_ids, first)
            for cid in client_ids:
                pages[DeliveriesKey(cid, first, None)] = found[cid]
        for k in keys:
            if k.after:
                try:
                    pages[k] = await queries.client_rows(k.client_id, k.first, k.after)
                except DomainError as exc:  # a bad cursor fails only its own field
                    pages[k] = exc
        return [pages[k] for k in keys]
