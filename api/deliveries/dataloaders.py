"""Request-scoped batch loaders for deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from domain.ids import as_uuid
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery


def _by_id(rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
    found = {str(row["id"]): row for row in rows}
    return [found.get(str(as_uuid(k))) for k in keys]


class DeliveryByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        ids = [u for u in (as_uuid(k) for k in keys) if u is not None]
        rows = await Delivery.filter(id__in=ids).values(*deliveries.LIST_COLUMNS) if ids else []
        return _by_id(rows, keys)


class DeliveryBodyByIdLoader(DataLoader[str, dict | None]):
    """Texts are loaded only when asked for: lists stay light."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        ids = [u for u in (as_uuid(k) for k in keys) if u is not None]
        return _by_id(await deliveries.bodies(ids) if ids else [], keys)


@dataclass(frozen=True, slots=True)
class DeliveriesKey:
    client_id: str
    first: int
    after: str | None


class DeliveriesPageByClientLoader(DataLoader[DeliveriesKey, tuple[list[dict], bool]]):
    """First pages of many clients in two statements; later pages one by one. Reached only
    through a Client the viewer may see."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[DeliveriesKey]) -> list[tuple[list[dict], bool]]:
        pages: dict[DeliveriesKey, tuple[list[dict], bool]] = {}
        for first in {k.first for k in keys if not k.after}:
            client_ids = [k.client_id for k in keys if not k.after and k.first == first]
            found = await deliveries.first_pages(client_ids, first)
            for cid in client_ids:
                pages[DeliveriesKey(cid, first, None)] = found[cid]
        for k in keys:
            if k.after:
                pages[k] = await deliveries.client_rows(k.client_id, k.first, k.after)
        return [pages[k] for k in keys]
