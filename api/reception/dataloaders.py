"""Request-scoped batch loaders for reception: one statement per relation per request.
The statements are in ``domain/reception/queries.py``."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from api.dataloaders import RowLoader, key_of, rows_grouped
from domain.errors import DomainError
from domain.ids import uuids
from domain.reception import queries


class PointByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.points_by_id(ids)


class OfficialByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.officials_by_id(ids)


class ScheduleByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.schedules_by_id(ids)


class SchedulesByOfficialLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.schedules_by_official(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "official_id")


class ExceptionsByScheduleLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.exceptions_by_schedule(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "schedule_id")


class SlotByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.slots_by_id(ids)


class TakenSeatsBySlotLoader(DataLoader[str, int]):
    """Seats held per slot; keys are slot IDs (strings)."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_counts)

    @staticmethod
    async def load_counts(keys: list[str]) -> list[int]:
        ids = uuids(keys)
        counts = await queries.taken_seats(ids) if ids else {}
        found = {key_of(slot): n for slot, n in counts.items()}
        return [found.get(key_of(k), 0) for k in keys]


class BookingByIdLoader(RowLoader):
    """Rows by ID with no access check: ``Booking.visible`` decides."""

    async def fetch(self, ids):
        return await queries.bookings_by_id(ids)


class BookingsBySlotLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.bookings_by_slot(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "slot_id")


@dataclass(frozen=True, slots=True)
class BookingsKey:
    client_id: str
    first: int
    after: str | None


class BookingsPageByClientLoader(DataLoader[BookingsKey, tuple[list[dict], bool]]):
    """First pages of many clients in two statements; later pages one by one. Reached only
    through a Client the viewer may see. Keys are pages, not IDs: no ``RowLoader``."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_pages)

    @staticmethod
    async def load_pages(keys: list[BookingsKey]) -> list[tuple[list[dict], bool] | Exception]:
        pages: dict[BookingsKey, tuple[list[dict], bool] | Exception] = {}
        for first in {k.first for k in keys if not k.after}:
            client_ids = [k.client_id for k in keys if not k.after and k.first == first]
            found = await queries.first_booking_pages(client_ids, first)
            for cid in client_ids:
                pages[BookingsKey(cid, first, None)] = found.get(cid, ([], False))
        for k in keys:
            if k.after:
                try:
                    pages[k] = await queries.client_bookings(k.client_id, k.first, k.after)
                except DomainError as exc:  # a bad cursor fails only its own field
                    pages[k] = exc
        return [pages[k] for k in keys]
