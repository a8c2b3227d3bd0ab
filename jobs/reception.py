"""Reception jobs: keep every schedule's slots filled for the booking horizon; the reminder
the working day before (R-4.x); holding finished receptions (R-4.9).

Saving a schedule or an exception regenerates its slots at once; the horizon cron moves the
horizon on each day (and picks up calendar overrides made since: a new holiday loses its free
slots). Idempotent: a run that finds everything in place changes nothing. The reminder and
hold sweeps claim each item once, so overlapping runs, two workers or a retry never send a
second reminder or a second survey invitation.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.reception import outcomes, reminders, schedules
from domain.settings import get_settings


async def fill_reception_horizon(ctx: dict[str, Any]) -> dict[str, Any]:
    result = await schedules.fill_horizon()
    return {"created": result.created, "removed": result.removed, "kept": result.kept}


async def send_booking_reminders(ctx: dict[str, Any]) -> int:
    return await reminders.send_due_reminders(ctx.get("settings") or get_settings())


async def hold_finished_bookings(ctx: dict[str, Any]) -> int:
    return await outcomes.hold_finished()


FUNCTIONS: list[Any] = [fill_reception_horizon, send_booking_reminders, hold_finished_bookings]
CRON_JOBS: list[Any] = [
    # Nightly, and at start-up, so a fresh deployment has its slots at once.
    cron(fill_reception_horizon, hour={1}, minute={5}, unique=True, run_at_startup=True),
    cron(send_booking_reminders, name="send_booking_reminders", minute=set(range(2, 60, 15)),
         second=0, unique=True, timeout=600),
    cron(hold_finished_bookings, name="hold_finished_bookings", minute=set(range(0, 60, 5)),
         second=30, unique=True, timeout=600),
]
