"""Booking notices (R-1.4, R-4.5, R-4.6): the confirmation by the client's channels with the
address, directions, accessibility, the .ics and the signed cancel link; cancel by the link
alone; forged, expired and stale links refused. Both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.deliveries.models import Delivery
from domain.errors import DomainError, ErrorCode
from domain.reception import by_link, links, service
from domain.reception.models import Booking, BookingStatus, CancelledBy
from domain.settings import get_settings
from tests.domain.reception.reception_world import OPERATOR, make_slot
from tests.support.deliveries import make_client


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def test_confirmation_carries_place_accessibility_ics_and_cancel_link(world):
    """R-4.5, R-4.7, R-1.4: an operator books for a caller; the confirmation by email holds
    the official, local time, address, directions, accessibility, an .ics and the link."""
    person = await make_client(email="caller@example.ru")
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id,
                                 topic="Капремонт")
    [row] = await Delivery.filter(source_type="booking", source_id=str(booking.id))
    assert row.purpose == "booking_confirmation" and row.channel == "email"
    assert row.address == "caller@example.ru"
    for text in ("Петров Пётр Петрович", "Министр", "г. Ульяновск, пл. Ленина, 1",
                 "кабинет 201", "пандус", "лифт", "/reception/cancel/"):
        assert text in row.body_text, text
    [ics] = row.attachments
    assert ics["content_type"] == "text/calendar" and ics["filename"].endswith(".ics")
    assert "BEGIN:VEVENT" in ics["content"] and f"booking-{booking.id}@" in ics["content"]
    assert slot.starts_at.strftime("DTSTART:%Y%m%dT%H%M%SZ") in ics["content"]
    url = row.context["cancel_url"]
    view = await by_link.cancel_preview(token_of(url))
    assert view.booking.id == booking.id and view.starts_at == slot.starts_at
    assert view.place.endswith("пл. Ленина, 1") and not view.already_cancelled


async def test_cancel_by_link_frees_the_seat_and_is_idempotent(world):
    """R-4.6: the signed link cancels without a login; the seat is free at once; a second
    use succeeds without writing anything; the client is told."""
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    token = links.sign(get_settings(), links.CANCEL, booking.id, slot.id, slot.starts_at)
    view = await by_link.cancel_by_token(token)
    assert view.already_cancelled and view.booking.status == BookingStatus.CANCELLED
    stored = await Booking.get(id=booking.id)
    assert stored.seat is None and stored.cancelled_by == CancelledBy.LINK
    again = await by_link.cancel_by_token(token)
    assert again.already_cancelled
    assert await Delivery.filter(purpose="booking_cancelled").count() == 1
    other = await make_client(email="other@example.ru")
    taken = await service.book(OPERATOR, slot_id=slot.id, client_id=other.id, topic="Т")
    assert taken.seat == 1


async def test_forged_expired_foreign_and_stale_links_are_refused(world):
    """Bad input: a forged, tampered, wrong-purpose, expired or stale link is a clear error
    and cancels nothing."""
    settings = get_settings()
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    good = links.sign(settings, links.CANCEL, booking.id, slot.id, slot.starts_at)
    forged = settings.model_copy(update={"link_secret": "x" * 40})
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    cases = {
        "": ErrorCode.INVALID_TOKEN,
        "not-a-token": ErrorCode.INVALID_TOKEN,
        good[:-3] + "abc": ErrorCode.INVALID_TOKEN,
        "x" * 5000: ErrorCode.INVALID_TOKEN,
        links.sign(forged, links.CANCEL, booking.id, slot.id, slot.starts_at):
            ErrorCode.INVALID_TOKEN,
        links.sign(settings, links.ACCEPT, booking.id, slot.id, slot.starts_at):
            ErrorCode.INVALID_TOKEN,
        links.sign(settings, links.CANCEL, slot.id, slot.id, slot.starts_at):
            ErrorCode.INVALID_TOKEN,
        links.sign(settings, links.CANCEL, booking.id, slot.id, past): ErrorCode.EXPIRED_TOKEN,
        # the booking's slot, but another time: the link of a booking since moved
        links.sign(settings, links.CANCEL, booking.id, slot.id,
                   slot.starts_at + dt.timedelta(hours=1)): ErrorCode.INVALID_TOKEN,
    }
    for token, code in cases.items():
        with pytest.raises(DomainError) as err:
            await by_link.cancel_by_token(token)
        assert err.value.code == code, token
        assert err.value.field == "token" and err.value.message
    assert (await Booking.get(id=booking.id)).status == BookingStatus.BOOKED


async def test_cancellation_notice_and_its_ics_cancel(world):
    """R-4.6: a cancellation by an operator is told to the client with the reason; the .ics
    removes the event (METHOD:CANCEL)."""
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    await service.cancel(OPERATOR, booking.id, via=CancelledBy.OPERATOR, reason="Болезнь")
    [row] = await Delivery.filter(purpose="booking_cancelled")
    assert "Болезнь" in row.body_text and "/reception/cancel/" not in row.body_text
    assert "METHOD:CANCEL" in row.attachments[0]["content"]
