"""Booking and cancelling a reception (R-4.2, R-4.3, R-4.6), on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from domain.reception import service
from domain.reception.models import Booking, BookingStatus, CancelledBy
from tests.domain.reception.reception_world import OPERATOR, client_actor, make_slot


async def test_client_books_own_and_cancels_freeing_the_seat(world):
    """R-4.3 the signed-in client books a slot; R-4.6 cancels at any time, the seat is free
    at once and another client takes it; R-1.5 both events are in history."""
    slot = await make_slot(world)
    first, second = world.clients[:2]
    booking = await service.book(client_actor(first.id), slot_id=slot.id, client_id=None,
                                 topic="Вопрос о капремонте", sphere_id=world.sphere.id)
    assert booking.seat == 1 and booking.client_id == first.id
    with pytest.raises(DomainError) as taken:
        await service.book(client_actor(second.id), slot_id=slot.id, client_id=None,
                           topic="Другой вопрос")
    assert taken.value.code == ErrorCode.SLOT_TAKEN

    cancelled = await service.cancel(client_actor(first.id), booking.id,
                                     via=CancelledBy.CLIENT, reason="Не смогу прийти")
    assert cancelled.status == BookingStatus.CANCELLED and cancelled.seat is None
    again = await service.cancel(client_actor(first.id), booking.id, via=CancelledBy.CLIENT)
    assert again.status == BookingStatus.CANCELLED  # idempotent

    other = await service.book(client_actor(second.id), slot_id=slot.id, client_id=None,
                               topic="Другой вопрос")
    assert other.seat == 1
    kinds = await InteractionEvent.filter(client_id=first.id, kind="reception").values_list(
        "details", flat=True)
    assert sorted(d["event"] for d in kinds) == ["booked", "cancelled"]


async def test_operator_books_for_a_caller(world):
    """R-4.2: an operator books for a caller on the line; the client must be named."""
    slot = await make_slot(world, capacity=2)
    with pytest.raises(DomainError) as missing:
        await service.book(OPERATOR, slot_id=slot.id, client_id=None, topic="Тема")
    assert missing.value.code == ErrorCode.REQUIRED and missing.value.field == "clientId"
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[0].id,
                                 topic="Тема")
    assert booking.booked_by == "operator" and booking.booked_by_subject == "operator-1"


async def test_someone_elses_booking_is_not_found(world):
    slot = await make_slot(world)
    booking = await service.book(client_actor(world.clients[0].id), slot_id=slot.id,
                                 client_id=None, topic="Тема")
    with pytest.raises(DomainError) as foreign:
        await service.cancel(client_actor(world.clients[1].id), booking.id,
                             via=CancelledBy.CLIENT)
    assert foreign.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as other_client:
        await service.book(client_actor(world.clients[1].id), slot_id=slot.id,
                           client_id=world.clients[0].id, topic="Тема")
    assert other_client.value.code == ErrorCode.NOT_FOUND
    assert (await Booking.get(id=booking.id)).status == BookingStatus.BOOKED


async def test_past_and_too_soon_slots_refused(world):
    """R-4.3: no booking in the past, nor below the minimum lead time."""
    for delta in (dt.timedelta(hours=-1), dt.timedelta(minutes=10)):
        slot = await make_slot(world, starts_in=delta)
        with pytest.raises(DomainError) as refused:
            await service.book(client_actor(world.clients[0].id), slot_id=slot.id,
                               client_id=None, topic="Тема")
        assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    assert await Booking.all().count() == 0


async def test_cap_on_future_bookings(world, settings):
    """R-4.3: a client holds at most ``reception_max_future_bookings`` future bookings."""
    cap = settings.reception_max_future_bookings
    actor = client_actor(world.clients[0].id)
    for n in range(cap):
        slot = await make_slot(world, starts_in=dt.timedelta(days=2, hours=n))
        await service.book(actor, slot_id=slot.id, client_id=None, topic="Тема")
    extra = await make_slot(world, starts_in=dt.timedelta(days=3))
    with pytest.raises(DomainError) as over:
        await service.book(actor, slot_id=extra.id, client_id=None, topic="Тема")
    assert over.value.code == ErrorCode.BOOKING_LIMIT
    assert await Booking.all().count() == cap


async def test_slot_outside_the_schedule_is_unavailable(world):
    """A cancelled slot, or one of an inactive schedule, is outside the approved schedule
    (R-4.3): SLOT_UNAVAILABLE, nothing written."""
    from domain.reception.models import SlotStatus

    cancelled = await make_slot(world)
    cancelled.status = SlotStatus.CANCELLED
    await cancelled.save()
    inactive = await make_slot(world, starts_in=dt.timedelta(days=4))
    world.schedule.active = False
    await world.schedule.save()
    for slot in (cancelled, inactive):
        with pytest.raises(DomainError) as refused:
            await service.book(client_actor(world.clients[0].id), slot_id=slot.id,
                               client_id=None, topic="Тема")
        assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    assert await Booking.all().count() == 0


async def test_operator_cancels_and_a_held_booking_cannot_be_cancelled(world):
    """R-4.6 an operator cancels for the client; after the reception (held) it cannot be."""
    slot = await make_slot(world, capacity=2)
    first = await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[0].id,
                               topic="Тема")
    done = await service.cancel(OPERATOR, first.id, via=CancelledBy.CLIENT)
    assert done.cancelled_by == CancelledBy.OPERATOR
    second = await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[1].id,
                                topic="Тема")
    await Booking.filter(id=second.id).update(status=BookingStatus.HELD)
    with pytest.raises(DomainError) as held:
        await service.cancel(OPERATOR, second.id, via=CancelledBy.OPERATOR)
    assert held.value.code == ErrorCode.INVALID_STATE


async def test_same_client_cannot_take_two_seats_of_one_slot(world):
    slot = await make_slot(world, capacity=3)
    actor = client_actor(world.clients[0].id)
    await service.book(actor, slot_id=slot.id, client_id=None, topic="Тема")
    with pytest.raises(DomainError) as twice:
        await service.book(actor, slot_id=slot.id, client_id=None, topic="Тема")
    assert twice.value.code == ErrorCode.DUPLICATE


async def test_inactive_point_or_official_takes_no_bookings(world):
    slot = await make_slot(world)
    for record in (world.point, world.official):
        record.active = False
        await record.save()
        with pytest.raises(DomainError) as refused:
            await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[0].id,
                               topic="Тема")
        assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
        record.active = True
        await record.save()
    assert (await service.book(OPERATOR, slot_id=slot.id, client_id=world.clients[0].id,
                               topic="Тема")).seat == 1
