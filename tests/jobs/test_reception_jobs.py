"""The reception horizon cron as the arq worker runs it: slots follow the calendar."""

from __future__ import annotations

import datetime as dt

from domain.calendar.rules import DayKind
from domain.calendar.service import load_calendar, set_override
from domain.reception import schedules
from domain.reception.models import ReceptionSlot
from jobs import reception as reception_jobs
from jobs.worker import CRON_JOBS, FUNCTIONS
from tests.domain.reception.reception_world import ADMIN, build_world


def test_registered_with_the_worker():
    assert reception_jobs.fill_reception_horizon in FUNCTIONS
    assert any(c.coroutine is reception_jobs.fill_reception_horizon for c in CRON_JOBS)


async def test_new_holiday_loses_its_free_slots_and_horizon_refills(settings):
    """R-4.1: a day declared a holiday after the slots were made loses them at the next run;
    a run with nothing to do changes nothing."""
    world = await build_world()
    saved = await schedules.save_schedule(
        ADMIN, official_id=world.official.id, point_id=world.point.id,
        rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", valid_from=schedules.today(),
        start_time="10:00", end_time="11:00", slot_minutes=30)
    zone = (await load_calendar()).zone
    starts = await ReceptionSlot.filter(schedule_id=saved.schedule.id).values_list(
        "starts_at", flat=True)
    # Not a Tuesday: the world's own schedule receives on Tuesdays.
    day = [d for d in sorted({s.astimezone(zone).date() for s in starts})
           if d.weekday() != 1][3]
    await reception_jobs.fill_reception_horizon({"settings": settings})  # the world's slots
    await set_override(ADMIN, day, DayKind.HOLIDAY, None, "Региональный праздник")
    result = await reception_jobs.fill_reception_horizon({"settings": settings})
    assert result == {"created": 0, "removed": 2, "kept": 0}
    left = await ReceptionSlot.filter(schedule_id=saved.schedule.id).values_list(
        "starts_at", flat=True)
    assert day not in {s.astimezone(zone).date() for s in left}
    # Slots deleted by hand (a lost horizon) come back.
    await ReceptionSlot.filter(schedule_id=saved.schedule.id,
                               starts_at__gt=dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
                               ).delete()
    again = await reception_jobs.fill_reception_horizon({"settings": settings})
    assert again["created"] > 0
    assert (await reception_jobs.fill_reception_horizon({"settings": settings}))["created"] == 0
