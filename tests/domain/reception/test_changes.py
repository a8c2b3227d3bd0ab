"""Changes of official, date or time (R-4.4): every affected booking is told once, with
one-step accept and cancel links; bookings that cannot be kept are cancelled with the
notice; a failed change writes and sends nothing. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.service import load_calendar
from domain.clients.models import Client, ClientKind, ContactKind, ContactPoint
from domain.deliveries.models import Delivery
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from domain.reception import by_link, changes, service
from domain.reception.models import (
    BookedBy,
    Booking,
    BookingChange,
    BookingStatus,
    NoticeOutcome,
    ReceivingOfficial,
    ReceptionChange,
    ReceptionSlot,
    SlotStatus,
)
from domain.settings import get_settings
from tests.domain.reception.reception_world import ADMIN, OPERATOR, make_slot
from tests.support.deliveries import make_client


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


async def working_start(days_ahead: int = 3, hour: int = 10) -> dt.datetime:
    """A moment inside working time, a few working days ahead (R-4.1)."""
    calendar = await load_calendar()
    zone = ZoneInfo(get_settings().timezone)
    day = calendar.add_working_days(dt.datetime.now(zone).date(), days_ahead)
    return dt.datetime.combine(day, dt.time(hour), zone).astimezone(dt.UTC)


async def substitute() -> ReceivingOfficial:
    staff = await StaffMember.create(subject="official-2", full_name="Сидорова Анна Ивановна")
    return await ReceivingOfficial.create(staff=staff, position="Заместитель министра")


async def book_many(slot: ReceptionSlot, count: int) -> list[Booking]:
    """``count`` clients, each with an email, each holding one seat (written directly: the
    booking service is tested elsewhere)."""
    rows = []
    for n in range(count):
        client = await Client.create(id=uuid.uuid4(), kind=ClientKind.PERSON,
                                     last_name=f"Клиент{n}", first_name="Иван")
        await ContactPoint.create(client_id=client.id, kind=ContactKind.EMAIL,
                                  value=f"c{n}@example.ru", verified=True, primary=True)
        rows.append(await Booking.create(
            id=uuid.uuid4(), client_id=client.id, slot_id=slot.id, seat=n + 1, topic="Т",
            status=BookingStatus.BOOKED, booked_by=BookedBy.OPERATOR))
    return rows


async def test_official_replaced_on_a_slot_of_100_bookings(world):
    """R-4.4: another official on one slot hitting 100 bookings: 100 notices, one per
    booking, each with accept and cancel links, a history entry for each; the same change
    again (and an absence over that date now) sends nothing more."""
    slot = await make_slot(world, capacity=100)
    bookings = await book_many(slot, 100)
    other = await substitute()
    result = await changes.change_slot(ADMIN, slot.id, official_id=other.id,
                                       reason="командировка")
    assert (result.kept, result.cancelled) == (100, 0)
    rows = await Delivery.filter(purpose="booking_changed").values(
        "client_id", "body_text", "idempotency_key", "context")
    assert len(rows) == 100
    assert len({r["client_id"] for r in rows}) == 100
    assert len({r["idempotency_key"] for r in rows}) == 100
    assert all("Сидорова Анна Ивановна" in r["body_text"] and "командировка" in r["body_text"]
               and "/reception/accept/" in r["body_text"] for r in rows)
    assert await BookingChange.filter(change_id=result.change.id).count() == 100
    events = await InteractionEvent.filter(kind="reception").values_list("details", flat=True)
    assert sum(1 for d in events if d.get("event") == "changed") == 100

    again = await changes.change_slot(ADMIN, slot.id, official_id=other.id)
    assert again.affected == 0 and again.change is None
    day = slot.starts_at.astimezone(ZoneInfo(get_settings().timezone)).date()
    absence = await changes.record_absence(ADMIN, world.official.id, first=day, last=day)
    assert absence.affected == 0
    assert await Delivery.filter(purpose="booking_changed").count() == 100
    assert await ReceptionChange.all().count() == 1
    assert {b.status for b in await Booking.filter(id__in=[b.id for b in bookings])} == {
        BookingStatus.BOOKED}


async def test_accept_once_and_the_old_link_goes_stale_after_a_move(world):
    """R-4.4: the slot moves to another time; the notice's accept link keeps the booking
    (once: a reused accept link is refused), the confirmation's old cancel link is stale,
    the notice's cancel link cancels."""
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    [confirmation] = await Delivery.filter(purpose="booking_confirmation")
    new_start = await working_start()
    result = await changes.change_slot(ADMIN, slot.id, starts_at=new_start)
    assert result.kept == 1
    [notice] = await Delivery.filter(purpose="booking_changed")
    assert "перенесён" in notice.body_text
    assert new_start.strftime("DTSTART:%Y%m%dT%H%M%SZ") in notice.attachments[0]["content"]

    with pytest.raises(DomainError) as stale:
        await by_link.cancel_by_token(token_of(confirmation.context["cancel_url"]))
    assert stale.value.code == ErrorCode.INVALID_TOKEN

    accepted = await by_link.accept_by_token(token_of(notice.context["accept_url"]))
    assert accepted.accepted and accepted.starts_at == new_start
    with pytest.raises(DomainError) as reused:
        await by_link.accept_by_token(token_of(notice.context["accept_url"]))
    assert reused.value.code == ErrorCode.INVALID_STATE
    assert (await BookingChange.get(booking_id=booking.id)).accepted_at is not None

    view = await by_link.cancel_by_token(token_of(notice.context["cancel_url"]))
    assert view.already_cancelled
    assert (await Booking.get(id=booking.id)).status == BookingStatus.CANCELLED


async def test_absence_without_substitute_cancels_with_the_notice(world):
    """R-4.4: an official's absence with nobody to stand in: the slots are cancelled, each
    booking cancelled and told why, history written; the accept link of nothing exists."""
    slots = [await make_slot(world, starts_in=dt.timedelta(days=3, hours=h)) for h in (0, 1)]
    people = [await make_client(email=f"p{n}@example.ru") for n in range(2)]
    for slot, person in zip(slots, people, strict=True):
        await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    zone = ZoneInfo(get_settings().timezone)
    first = slots[0].starts_at.astimezone(zone).date()
    result = await changes.record_absence(ADMIN, world.official.id, first=first,
                                          last=first + dt.timedelta(days=1), reason="болезнь")
    assert (result.kept, result.cancelled) == (0, 2)
    notes = await Delivery.filter(purpose="booking_cancelled").values_list("body_text", flat=True)
    assert len(notes) == 2 and all("болезнь" in n for n in notes)
    assert await Delivery.filter(purpose="booking_changed").count() == 0
    assert {s.status for s in await ReceptionSlot.filter(id__in=[s.id for s in slots])} == {
        SlotStatus.CANCELLED}
    outcomes = await BookingChange.all().values_list("outcome", flat=True)
    assert sorted(outcomes) == [NoticeOutcome.CANCELLED] * 2


async def test_absence_with_substitute_moves_slots_and_cancels_a_clash(world):
    """R-4.4: a substitute takes the absent official's slots; a slot the substitute cannot
    take (they receive at that time already) is cancelled with the notice."""
    other = await substitute()
    free = await make_slot(world, starts_in=dt.timedelta(days=3))
    clash = await make_slot(world, starts_in=dt.timedelta(days=3, hours=1))
    await ReceptionSlot.create(schedule=world.schedule, official=other, point=world.point,
                               starts_at=clash.starts_at, ends_at=clash.ends_at)
    a, b = await make_client(email="a@example.ru"), await make_client(email="b@example.ru")
    await service.book(OPERATOR, slot_id=free.id, client_id=a.id, topic="Т")
    await service.book(OPERATOR, slot_id=clash.id, client_id=b.id, topic="Т")
    day = free.starts_at.astimezone(ZoneInfo(get_settings().timezone)).date()
    result = await changes.record_absence(ADMIN, world.official.id, first=day,
                                          last=day + dt.timedelta(days=1),
                                          substitute_id=other.id)
    assert (result.kept, result.cancelled) == (1, 1)
    assert (await ReceptionSlot.get(id=free.id)).official_id == other.id


async def test_failed_change_writes_and_sends_nothing(world):
    """Bad input (R-4.4): a change that fails — a clash, a time outside working hours, a
    past time, an unknown official — leaves slots, bookings and the outbox untouched."""
    person = await make_client()
    slot = await make_slot(world)
    await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    at = await working_start(days_ahead=4)
    taken = await ReceptionSlot.create(schedule=world.schedule, official=world.official,
                                       point=world.point, starts_at=at,
                                       ends_at=at + dt.timedelta(minutes=20))
    before = await Delivery.all().count()
    night = (await working_start()).replace(hour=0)
    bad = [
        ({"starts_at": taken.starts_at}, ErrorCode.SLOT_TAKEN),
        ({"starts_at": night}, ErrorCode.SLOT_UNAVAILABLE),
        ({"starts_at": dt.datetime.now(dt.UTC) - dt.timedelta(days=1)},
         ErrorCode.SLOT_UNAVAILABLE),
        ({"official_id": uuid.uuid4()}, ErrorCode.NOT_FOUND),
        ({}, ErrorCode.REQUIRED),
    ]
    for kwargs, code in bad:
        with pytest.raises(DomainError) as err:
            await changes.change_slot(ADMIN, slot.id, **kwargs)
        assert err.value.code == code, kwargs
    with pytest.raises(DomainError) as err:
        await changes.change_slot(OPERATOR, slot.id, cancel=True)
    assert err.value.code == ErrorCode.FORBIDDEN
    assert await Delivery.all().count() == before
    assert await ReceptionChange.all().count() == 0
    stored = await ReceptionSlot.get(id=slot.id)
    assert stored.starts_at == slot.starts_at and stored.official_id == slot.official_id


async def test_schedule_shift_over_a_range_keeps_bookings(world):
    """R-4.4: a schedule's slots over a date range move one hour later; every booking is
    kept at the new time and told once."""
    start = await working_start(hour=9)
    slots = [await ReceptionSlot.create(
        schedule=world.schedule, official=world.official, point=world.point,
        starts_at=start + dt.timedelta(minutes=20 * n),
        ends_at=start + dt.timedelta(minutes=20 * (n + 1))) for n in range(3)]
    people = [await make_client(email=f"s{n}@example.ru") for n in range(3)]
    for slot, person in zip(slots, people, strict=True):
        await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    day = start.astimezone(ZoneInfo(get_settings().timezone)).date()
    result = await changes.change_schedule(ADMIN, world.schedule.id, first=day, last=day,
                                           shift_minutes=20)
    assert (result.kept, result.cancelled) == (3, 0)
    moved = await ReceptionSlot.filter(id__in=[s.id for s in slots]).order_by("starts_at")
    assert [s.starts_at for s in moved] == [s.starts_at + dt.timedelta(minutes=20)
                                            for s in slots]
    # the first time the schedule no longer offers stays closed
    vacated = await ReceptionSlot.get(official_id=world.official.id, starts_at=start)
    assert vacated.status == SlotStatus.CANCELLED
    assert await Delivery.filter(purpose="booking_changed").count() == 3


async def test_the_time_a_moved_slot_left_is_not_offered_again(world):
    """R-4.4 with the schedule's regeneration: a slot moved to another time leaves its old
    time closed, so regenerating the schedule does not offer it to others."""
    from domain.reception import schedules

    saved = await schedules.save_schedule(
        ADMIN, official_id=world.official.id, point_id=world.point.id,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", valid_from=schedules.today(),
        start_time="10:00", end_time="11:00", slot_minutes=20)
    later = dt.timedelta(days=3)
    slot = await ReceptionSlot.filter(
        schedule_id=saved.schedule.id,
        starts_at__gt=dt.datetime.now(dt.UTC) + later).order_by("starts_at").first()
    person = await make_client()
    await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    new_start = slot.starts_at + dt.timedelta(hours=4)  # 14:00 local, inside working time
    assert (await changes.change_slot(ADMIN, slot.id, starts_at=new_start)).kept == 1
    await schedules.regenerate(saved.schedule.id)
    at_old = await ReceptionSlot.filter(official_id=world.official.id,
                                        starts_at=slot.starts_at).values_list("status",
                                                                              flat=True)
    assert at_old == [SlotStatus.CANCELLED]
    moved = await ReceptionSlot.get(id=slot.id)
    assert moved.starts_at == new_start and moved.status == SlotStatus.OPEN
