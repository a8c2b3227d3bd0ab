"""Keeping schedules: slots materialised on the working calendar for the horizon (R-4.1),
regenerated on change without touching booked slots, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.errors import DomainError, ErrorCode
from domain.reception import schedules, service
from domain.reception.models import ExceptionKind, ReceptionSlot, SlotStatus
from domain.reception.schedules import today
from tests.domain.reception.reception_world import ADMIN, OPERATOR


def _next_weekday(weekday: int, after: int = 7) -> dt.date:
    day = today() + dt.timedelta(days=after)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


async def _schedule(world, **over):
    values = {"official_id": world.official.id, "point_id": world.point.id,
              "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", "valid_from": today(),
              "valid_until": None, "start_time": "10:00", "end_time": "12:00",
              "slot_minutes": 30, "capacity": 1}
    values.update(over)
    return await schedules.save_schedule(ADMIN, **values)


async def test_slots_fill_the_horizon_only_on_working_days(world, settings):
    """R-4.1: slots exist only inside working time on working days of the horizon."""
    saved = await _schedule(world)
    slots = await ReceptionSlot.filter(schedule_id=saved.schedule.id).values(
        "starts_at", "ends_at")
    assert saved.result.created == len(slots) > 0
    from domain.calendar.service import load_calendar

    calendar = await load_calendar()
    horizon = today() + dt.timedelta(days=settings.reception_horizon_days)
    for slot in slots:
        local = slot["starts_at"].astimezone(calendar.zone)
        assert calendar.is_working_day(local.date()) and local.date() <= horizon
        assert any(s <= local and slot["ends_at"] <= e
                   for s, e in calendar.working_intervals(local.date()))
    # Idempotent: a second run changes nothing.
    again = await schedules.regenerate(saved.schedule.id)
    assert (again.created, again.removed) == (0, 0)


async def test_weekend_rule_and_overlap_are_refused(world):
    with pytest.raises(DomainError) as weekend:
        await _schedule(world, rrule="FREQ=WEEKLY;BYDAY=SU")
    assert weekend.value.code == ErrorCode.SCHEDULE_INVALID
    await _schedule(world)
    with pytest.raises(DomainError) as overlap:
        await _schedule(world, start_time="11:30", end_time="12:30", rrule="FREQ=WEEKLY;BYDAY=MO")
    assert overlap.value.code == ErrorCode.SCHEDULE_INVALID
    assert overlap.value.field == "startTime"


async def test_rule_only_on_holidays_is_refused(world):
    """R-4.1: a rule that would put every slot of the horizon on a holiday is a clear
    UserError (a holiday now and then in a regular rule is skipped and listed instead)."""
    from domain.calendar.rules import DayKind
    from domain.calendar.service import set_override

    holiday = _next_weekday(2, after=10)
    await set_override(ADMIN, holiday, DayKind.HOLIDAY, None, "Региональный праздник")
    with pytest.raises(DomainError) as bad:
        await _schedule(world, rrule=f"FREQ=YEARLY;BYMONTH={holiday.month};"
                        f"BYMONTHDAY={holiday.day}")
    assert bad.value.code == ErrorCode.SCHEDULE_INVALID and bad.value.field == "rrule"
    assert holiday.strftime("%d.%m.%Y") in bad.value.message
    saved = await _schedule(world, rrule="FREQ=WEEKLY;BYDAY=WE")
    assert holiday in saved.result.skipped


async def test_exception_cancels_free_slots_and_keeps_booked_ones(world):
    saved = await _schedule(world)
    monday = _next_weekday(0)
    day_slots = await ReceptionSlot.filter(schedule_id=saved.schedule.id).order_by("starts_at")
    zone = await _zone()
    on_monday = [s for s in day_slots if s.starts_at.astimezone(zone).date() == monday]
    assert len(on_monday) == 4
    booking = await service.book(OPERATOR, slot_id=on_monday[0].id,
                                 client_id=world.clients[0].id, topic="Тема")
    result = await schedules.set_exception(ADMIN, saved.schedule.id, monday,
                                           ExceptionKind.CANCELLED, note="Командировка")
    assert result.result.removed == 3 and result.result.kept == 1
    left = await ReceptionSlot.filter(id__in=[s.id for s in on_monday]).values_list(
        "id", flat=True)
    assert left == [booking.slot_id]
    # Removing the exception brings the free slots back.
    back = await schedules.remove_exception(ADMIN, saved.schedule.id, monday)
    assert back.result.created == 3


async def test_changed_hours_and_deactivation(world):
    saved = await _schedule(world)
    tuesday = _next_weekday(1)
    await schedules.set_exception(ADMIN, saved.schedule.id, tuesday,
                                  ExceptionKind.CHANGED_HOURS, "15:00", "16:00")
    zone = await _zone()
    starts = sorted(s.astimezone(zone).strftime("%H:%M") for s in await ReceptionSlot.filter(
        schedule_id=saved.schedule.id).values_list("starts_at", flat=True)
        if s.astimezone(zone).date() == tuesday)
    assert starts == ["15:00", "15:30"]
    with pytest.raises(DomainError) as late:
        await schedules.set_exception(ADMIN, saved.schedule.id, tuesday,
                                      ExceptionKind.CHANGED_HOURS, "17:00", "19:00")
    assert late.value.code == ErrorCode.SCHEDULE_INVALID
    await _schedule(world, schedule_id=saved.schedule.id, active=False)
    assert not await ReceptionSlot.filter(schedule_id=saved.schedule.id,
                                          status=SlotStatus.OPEN).exists()


async def test_only_keepers_keep_schedules(world):
    with pytest.raises(DomainError) as refused:
        await schedules.save_point(OPERATOR, name="X", address="Y")
    assert refused.value.code == ErrorCode.FORBIDDEN


async def _zone():
    from domain.calendar.service import load_calendar

    return (await load_calendar()).zone
