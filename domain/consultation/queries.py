"""Read side of the consultation line: rows by key for the loaders (one statement per
relation per request), the calls page, and what the operator's screen shows of the caller
(open messages, coming bookings)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from domain.consultation.models import (
    Call,
    CallStatus,
    CallTransfer,
    ConsultationLine,
    LineScript,
    StaffSphere,
)
from domain.ids import as_uuid
from domain.messages import access as message_access
from domain.messages.models import Message, MessageStatus
from domain.messages.queries import MESSAGE_COLUMNS
from domain.pagination import newest_first
from domain.reception.models import Booking, BookingStatus
from domain.reception.queries import BOOKING_COLUMNS

LINE_COLUMNS = ("id", "name", "number", "display_number", "pbx_id", "active", "position")
SCRIPT_COLUMNS = ("id", "line_id", "kind", "version", "text", "created_by", "created_at")
CALL_COLUMNS = (
    "id", "line_id", "client_id", "caller_number", "operator_id", "operator_subject", "source",
    "pbx_id", "pbx_call_id", "status", "started_at", "answered_at", "ended_at", "after_hours",
    "topics", "outcome", "greeting_version", "farewell_version", "transfer_count",
    "referral_agency_id", "referral_note", "referral_sent_at", "channels_offered",
    "channel_chosen", "message_id", "booking_id", "survey_consent", "notes", "created_at",
    "updated_at")
TRANSFER_COLUMNS = ("id", "call_id", "seq", "from_staff_id", "to_staff_id", "sphere_id",
                    "reason", "caller_told_at", "created_at")
# A message that still waits for its answer (R-2.x): what the operator can tell about.
OPEN_MESSAGE_STATUSES = (MessageStatus.RECEIVED, MessageStatus.REGISTERED,
                         MessageStatus.ASSIGNED, MessageStatus.IN_WORK)
SCREEN_LIMIT = 20  # per caller: the operator's screen shows the newest, the card has all
MAX_LINES = 100


def row_of(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    return {c: getattr(obj, c) for c in columns}


async def lines(include_inactive: bool = False) -> list[dict[str, Any]]:
    query = ConsultationLine.all() if include_inactive else ConsultationLine.filter(active=True)
    return await query.order_by("position", "name").limit(MAX_LINES).values(*LINE_COLUMNS)


async def lines_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ConsultationLine.filter(id__in=ids).values(*LINE_COLUMNS)


async def current_scripts(line_ids: list[Any]) -> list[dict[str, Any]]:
    """Every script version of the lines, newest first; the loader keeps the current one of
    each kind (a handful of versions per line: cheaper than a per-group SQL)."""
    return await LineScript.filter(line_id__in=line_ids).order_by(
        "line_id", "kind", "-version").values(*SCRIPT_COLUMNS)


async def script_versions(line_id: Any) -> list[dict[str, Any]]:
    return await LineScript.filter(line_id=line_id).order_by("kind", "-version").values(
        *SCRIPT_COLUMNS)


async def calls_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await Call.filter(id__in=ids).values(*CALL_COLUMNS)


async def transfers_of(call_ids: list[Any]) -> list[dict[str, Any]]:
    return await CallTransfer.filter(call_id__in=call_ids).order_by("call_id", "seq").values(
        *TRANSFER_COLUMNS)


async def calls_page(first: int, after: str | None, *, line_id: Any = None,
                     statuses: list[CallStatus] | None = None, client_id: Any = None,
                     ) -> tuple[list[dict[str, Any]], bool]:
    """Calls, newest started first; filters combine with AND (each has its index)."""
    query = Call.all()
    if line_id is not None:
        query = query.filter(line_id=as_uuid(line_id) or uuid.UUID(int=0))
    if client_id is not None:
        query = query.filter(client_id=as_uuid(client_id) or uuid.UUID(int=0))
    if statuses:
        query = query.filter(status__in=[str(s) for s in statuses])
    return await newest_first(query, "started_at", first, after, CALL_COLUMNS, uuid.UUID)


async def open_messages_of(client_ids: list[Any]) -> list[dict[str, Any]]:
    """The callers' messages still waiting for an answer, newest received first, at most
    ``SCREEN_LIMIT`` per caller, with what ``messages.access.can_see`` needs. Open messages
    of one person are few (answered ones drop out), so the cap is applied here."""
    rows = await Message.filter(client_id__in=client_ids,
                                status__in=[str(s) for s in OPEN_MESSAGE_STATUSES]).order_by(
        "client_id", "-received_at", "-id").values(*MESSAGE_COLUMNS)
    return await message_access.with_department_staff(_capped(rows))


async def coming_bookings_of(client_ids: list[Any], now: dt.datetime) -> list[dict[str, Any]]:
    """The callers' bookings still to come, soonest first."""
    rows = await Booking.filter(client_id__in=client_ids, status=BookingStatus.BOOKED,
                                slot__starts_at__gte=now).order_by(
        "client_id", "slot__starts_at").values(*BOOKING_COLUMNS)
    return _capped(rows)


def _capped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[Any, int] = {}
    out = []
    for row in rows:
        n = seen[row["client_id"]] = seen.get(row["client_id"], 0) + 1
        if n <= SCREEN_LIMIT:
            out.append(row)
    return out


async def competent_staff(sphere_id: Any) -> list[Any]:
    return await StaffSphere.filter(sphere_id=sphere_id, staff__active=True).values_list(
        "staff_id", flat=True)
