"""Reading slots with their rules applied: the free slots a caller may book (range capped,
lead time applied), a point's day in local time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import as_uuid, parse_uuid
from domain.reception import queries
from domain.reception.models import ReceptionPoint
from domain.settings import get_settings


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(ErrorCode.INVALID, "Укажите время с часовым поясом.", field)
    return value.astimezone(dt.UTC)


async def available(
    first: int, after: str | None, *, start: dt.datetime | None = None,
    end: dt.datetime | None = None, point_id: Any = None, official_id: Any = None,
    sphere_id: Any = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Bookable slots in [start, end): never closer than the lead time, at most
    ``reception_max_range_days`` wide. Unknown point/official/sphere IDs simply match none."""
    settings = get_settings()
    now = dt.datetime.now(dt.UTC)
    start = _aware(start, "from") if start is not None else now
    span = dt.timedelta(days=settings.reception_max_range_days)
    end = _aware(end, "to") if end is not None else start + span
    if end <= start:
        raise DomainError(ErrorCode.INVALID, "Конец периода раньше его начала.", "to")
    if end - start > span:
        raise DomainError(ErrorCode.INVALID, "Период поиска — не больше "
                          f"{settings.reception_max_range_days} дней.", "to")
    start = max(start, now + dt.timedelta(minutes=settings.reception_min_lead_minutes))
    if end <= start:
        return [], False
    officials: list[Any] | None = None
    if official_id is not None:
        officials = [official_id]
    if sphere_id is not None:
        with_sphere = await queries.officials_with_sphere(sphere_id) if as_uuid(sphere_id) \
            else []
        officials = with_sphere if officials is None else [
            o for o in with_sphere if as_uuid(o) == as_uuid(official_id)]
    point = None
    if point_id is not None:
        point = as_uuid(point_id)
        if point is None:
            return [], False
    return await queries.available_slots(start, end, first, after, point_id=point,
                                         official_ids=officials)


async def point_day(point_id: Any, day: dt.date) -> list[dict[str, Any]]:
    """Every slot of the point on the local ``day``; an unknown point is NOT_FOUND."""
    from zoneinfo import ZoneInfo

    pid = parse_uuid(point_id, "pointId", "Место приёма")
    if not await ReceptionPoint.exists(id=pid):
        raise not_found("Место приёма", "pointId")
    zone = ZoneInfo(get_settings().timezone)
    start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    return await queries.point_day(pid, start.astimezone(dt.UTC),
                                   (start + dt.timedelta(days=1)).astimezone(dt.UTC))
