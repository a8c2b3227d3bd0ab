"""What a citizen does through a signed link, without logging in (R-4.6, R-4.4): see the
booking the link is for, cancel it, or accept a change.

The link is the only key (``links.py``). Misuse is a plain-Russian DomainError on ``token``:
- forged, tampered, of another purpose, naming no record: INVALID_TOKEN;
- the slot's start has passed: EXPIRED_TOKEN;
- stale (used up): the booking no longer stands where the link was made for — it moved to
  another slot or time (a newer notice has the live links), or its reception is over
  (held, no-show): INVALID_TOKEN with a message saying so; an accept link already used, or
  whose booking was cancelled: INVALID_STATE.
Cancelling a booking that is already cancelled is a success (idempotent, nothing written).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.reception import links, notices, service
from domain.reception.events import publish_booking_changed
from domain.reception.models import Booking, BookingChange, BookingStatus, CancelledBy
from domain.settings import Settings, get_settings
from domain.transaction import after_commit, transaction

LINK_ACTOR = Actor(role=Role.SYSTEM, subject="booking-link")
OVER = "Приём уже состоялся: ссылка больше не действует."
ACCEPTED_TWICE = "Вы уже подтвердили эту запись. Ждём вас на приёме."
CANCELLED_BEFORE = "Запись уже отменена: подтвердить её нельзя."


@dataclass(frozen=True, slots=True)
class LinkView:
    """What the link page shows: the booking as it stands, nothing about the client."""

    booking: Booking
    official_name: str
    official_position: str
    starts_at: datetime
    ends_at: datetime
    place: str
    directions: str
    accessibility: list[str]  # in Russian, for the page
    features: list[str]  # AccessibilityFeature values, for the API
    already_cancelled: bool
    accepted: bool = False


def _stale() -> DomainError:
    return DomainError(ErrorCode.INVALID_TOKEN, links.STALE_LINK, "token")


async def _booking_of(claims: links.LinkClaims, booking_id: Any) -> Booking:
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, links.INVALID_LINK, "token")
    if booking.status in (BookingStatus.HELD, BookingStatus.NO_SHOW):
        raise DomainError(ErrorCode.INVALID_TOKEN, OVER, "token")
    return booking


async def _view(booking: Booking, claims: links.LinkClaims, *, accepted: bool = False) -> LinkView:
    facts = await notices.facts_of(booking)
    if booking.status == BookingStatus.BOOKED and (
            facts.slot.id != claims.slot_id or not links.same_moment(claims, facts.slot.starts_at)):
        raise _stale()
    return LinkView(booking, facts.official_name, facts.official_position, facts.slot.starts_at,
                    facts.slot.ends_at, facts.place, facts.point.directions or "",
                    facts.accessibility, [str(f) for f in facts.point.accessibility or ()],
                    booking.status == BookingStatus.CANCELLED, accepted)


async def cancel_preview(token: Any, settings: Settings | None = None) -> LinkView:
    """What cancelling by this link would do (the page's GET: nothing is written)."""
    claims = links.verify(settings or get_settings(), token, links.CANCEL)
    return await _view(await _booking_of(claims, claims.record_id), claims)


async def cancel_by_token(token: Any, settings: Settings | None = None) -> LinkView:
    """R-4.6: cancel with the link alone; the seat is free at once. Idempotent."""
    claims = links.verify(settings or get_settings(), token, links.CANCEL)
    async with transaction():
        booking = await _booking_of(claims, claims.record_id)
        view = await _view(booking, claims)
        if view.already_cancelled:
            return view
        booking = await service.cancel(LINK_ACTOR, booking.id, via=CancelledBy.LINK)
    return await _view(booking, claims)


async def _notice_of(claims: links.LinkClaims) -> BookingChange:
    notice = await BookingChange.get_or_none(id=claims.record_id)
    if notice is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, links.INVALID_LINK, "token")
    return notice


async def accept_preview(token: Any, settings: Settings | None = None) -> LinkView:
    claims = links.verify(settings or get_settings(), token, links.ACCEPT)
    notice = await _notice_of(claims)
    view = await _view(await _booking_of(claims, notice.booking_id), claims,
                       accepted=notice.accepted_at is not None)
    if view.already_cancelled:
        raise DomainError(ErrorCode.INVALID_STATE, CANCELLED_BEFORE, "token")
    return view


async def accept_by_token(token: Any, settings: Settings | None = None) -> LinkView:
    """R-4.4: the client keeps the booking at the new official or time, in one step. Once:
    a second use, or a use after the booking was cancelled, is INVALID_STATE."""
    claims = links.verify(settings or get_settings(), token, links.ACCEPT)
    async with transaction():
        notice = await _notice_of(claims)
        booking = await _booking_of(claims, notice.booking_id)
        view = await _view(booking, claims)
        if view.already_cancelled:
            raise DomainError(ErrorCode.INVALID_STATE, CANCELLED_BEFORE, "token")
        claimed = await BookingChange.filter(id=notice.id, accepted_at=None).update(
            accepted_at=datetime.now(UTC))
        if not claimed:
            raise DomainError(ErrorCode.INVALID_STATE, ACCEPTED_TWICE, "token")
        await history.record(
            booking.client_id, EventKind.RECEPTION,
            "Клиент подтвердил изменённую запись на личный приём", actor=LINK_ACTOR,
            source=(SourceType.BOOKING, booking.id),
            details={"event": "change_accepted", "changeId": str(notice.change_id)},
        )
        slot = await booking.slot
        booking_id, point_id = booking.id, slot.point_id
        after_commit(lambda: publish_booking_changed(booking_id, point_id, str(booking.status)))
    return replace(view, accepted=True)
