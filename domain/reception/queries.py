"""Read side of reception: rows by key for the loaders, free slots (hot: plain SQL through
``domain/sql.py``), a point's day, a client's bookings page."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from typing import Any

from domain import sql
from domain.errors import DomainError, ErrorCode
from domain.history import queries as history
from domain.ids import as_uuid, uuids
from domain.pagination import newest_first
from domain.reception.models import (
    Booking,
    ReceivingOfficial,
    ReceptionPoint,
    ReceptionSchedule,
    ReceptionSlot,
    ScheduleException,
)
from domain.settings import get_settings

POINT_COLUMNS = ("id", "name", "address", "directions", "latitude", "longitude",
                 "opening_notes", "accessibility", "active", "created_at", "updated_at")
OFFICIAL_COLUMNS = ("id", "staff_id", "position", "spheres", "active", "created_at")
SCHEDULE_COLUMNS = ("id", "official_id", "point_id", "rrule", "valid_from", "valid_until",
                    "start_time", "end_time", "slot_minutes", "capacity", "active")
EXCEPTION_COLUMNS = ("id", "schedule_id", "date", "kind", "start_time", "end_time", "note")
SLOT_COLUMNS = ("id", "schedule_id", "official_id", "point_id", "starts_at", "ends_at",
                "capacity", "status")
BOOKING_COLUMNS = ("id", "client_id", "slot_id", "seat", "topic", "sphere_id", "status",
                   "booked_by", "booked_by_staff_id", "created_at", "cancelled_at",
                   "cancelled_by", "cancel_reason", "outcome_at")
MAX_POINTS = 500  # reception points are a short list the keepers maintain


def row_of(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """A saved model as the row a read would return (mutation payloads)."""
    return {c: getattr(obj, c) for c in columns}


# -- by key --------------------------------------------------------------------------------


async def points_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ReceptionPoint.filter(id__in=ids).values(*POINT_COLUMNS)


async def officials_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ReceivingOfficial.filter(id__in=ids).values(*OFFICIAL_COLUMNS)


async def schedules_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ReceptionSchedule.filter(id__in=ids).values(*SCHEDULE_COLUMNS)


async def schedules_by_official(ids: list[Any]) -> list[dict[str, Any]]:
    return await ReceptionSchedule.filter(official_id__in=ids).order_by(
        "valid_from", "id").values(*SCHEDULE_COLUMNS)


async def exceptions_by_schedule(ids: list[Any]) -> list[dict[str, Any]]:
    """Today's and later exceptions, by date."""
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo(get_settings().timezone)).date()
    return await ScheduleException.filter(schedule_id__in=ids, date__gte=today).order_by(
        "date").values(*EXCEPTION_COLUMNS)


async def slots_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ReceptionSlot.filter(id__in=ids).values(*SLOT_COLUMNS)


async def taken_seats(slot_ids: list[Any]) -> dict[str, int]:
    """Seats held per slot (bookings that hold a seat: not cancelled)."""
    where, params = sql.in_list("slot_id", slot_ids, 1)
    rows = await sql.fetch(f"SELECT slot_id, COUNT(*) AS taken FROM booking WHERE {where} "
                           "AND seat IS NOT NULL GROUP BY slot_id", params)
    return {str(r["slot_id"]): r["taken"] for r in rows}


async def bookings_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await Booking.filter(id__in=ids).values(*BOOKING_COLUMNS)


async def bookings_by_slot(slot_ids: list[Any]) -> list[dict[str, Any]]:
    """Every booking of the slots (cancelled ones too), oldest first."""
    return await Booking.filter(slot_id__in=slot_ids).order_by("created_at", "id").values(
        *BOOKING_COLUMNS)


async def points(active_only: bool = True) -> list[dict[str, Any]]:
    query = ReceptionPoint.filter(active=True) if active_only else ReceptionPoint.all()
    return await query.order_by("name", "id").limit(MAX_POINTS).values(*POINT_COLUMNS)


async def officials(active_only: bool = True) -> list[dict[str, Any]]:
    query = ReceivingOfficial.filter(active=True) if active_only else ReceivingOfficial.all()
    return await query.order_by("position", "id").limit(MAX_POINTS).values(*OFFICIAL_COLUMNS)


# -- a client's bookings -------------------------------------------------------------------


async def client_bookings(client_id: Any, first: int, after: str | None
                          ) -> tuple[list[dict[str, Any]], bool]:
    """One client's bookings, newest made first (the caller checked the viewer may see the
    client)."""
    query = Booking.filter(client_id=as_uuid(client_id) or uuid.UUID(int=0))
    return await newest_first(query, "created_at", first, after, BOOKING_COLUMNS, uuid.UUID)


async def first_booking_pages(client_ids: list[str], first: int
                              ) -> dict[str, tuple[list[dict[str, Any]], bool]]:
    """The newest bookings of many clients in two statements (a client list's field)."""
    ids = await history.newest_ids_per_client("booking", "created_at", client_ids, first + 1)
    found = await Booking.filter(id__in=ids).order_by(
        "client_id", "-created_at", "-id").values(*BOOKING_COLUMNS) if ids else []
    return history.split_pages(found, client_ids, first)


# -- free slots ----------------------------------------------------------------------------


def encode_slot_cursor(starts_at: dt.datetime, slot_id: Any) -> str:
    raw = f"{starts_at.astimezone(dt.UTC).isoformat()}|{slot_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_slot_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        at, sep, raw = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        slot_id = as_uuid(raw)
        if not sep or slot_id is None:
            raise ValueError
        return dt.datetime.fromisoformat(at).astimezone(dt.UTC), slot_id
    except (ValueError, UnicodeError):
        raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None


async def officials_with_sphere(sphere_id: Any) -> list[str]:
    """Active officials who receive on the sphere (spheres are a JSON list: read in Python,
    there are few officials)."""
    wanted = str(as_uuid(sphere_id))
    rows = await ReceivingOfficial.filter(active=True).values_list("id", "spheres")
    return [str(i) for i, spheres in rows if wanted in (spheres or [])]


_FREE_SQL = """
SELECT s.id, s.schedule_id, s.official_id, s.point_id, s.starts_at, s.ends_at, s.capacity,
       s.status, (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.seat IS NOT NULL)
       AS taken
FROM reception_slot s
JOIN reception_schedule sc ON sc.id = s.schedule_id
JOIN reception_point p ON p.id = s.point_id
JOIN receiving_official o ON o.id = s.official_id
WHERE s.status = 'open' AND sc.active AND p.active AND o.active
  AND s.starts_at >= $1 AND s.starts_at < $2
  AND (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.seat IS NOT NULL)
      < s.capacity
"""


async def available_slots(
    start: dt.datetime, end: dt.datetime, first: int, after: str | None, *,
    point_id: Any = None, official_ids: list[Any] | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Bookable slots from ``start`` to ``end`` (the caller applied the lead time), soonest
    first, with ``taken`` seats; one page plus whether another follows."""
    params: list[Any] = [start, end]
    text = _FREE_SQL
    if point_id is not None:
        params.append(point_id)
        text += f" AND s.point_id = ${len(params)}"
    if official_ids is not None:
        ids = uuids(official_ids)
        if not ids:
            return [], False
        where, values = sql.in_list("s.official_id", ids, len(params) + 1)
        params.extend(values)
        text += f" AND {where}"
    if after:
        at, slot_id = _decode_slot_cursor(after)
        params.extend([at, at, slot_id])
        n = len(params)
        text += f" AND (s.starts_at > ${n - 2} OR (s.starts_at = ${n - 1} AND s.id > ${n}))"
    params.append(first + 1)
    text += f" ORDER BY s.starts_at, s.id LIMIT ${len(params)}"
    rows = await sql.fetch(text, params, times=("starts_at", "ends_at"))
    return rows[:first], len(rows) > first


async def point_day(point_id: Any, start: dt.datetime, end: dt.datetime
                    ) -> list[dict[str, Any]]:
    """Every slot of a point in one local day (cancelled ones too), by time then official."""
    return await ReceptionSlot.filter(
        point_id=point_id, starts_at__gte=start, starts_at__lt=end).order_by(
        "starts_at", "official_id").values(*SLOT_COLUMNS)


