"""Reception jobs: the reminder the working day before (R-4.x), and holding finished
receptions (R-4.9). Both are sweeps that claim each item once, so overlapping runs, two
workers or a retry never send a second reminder or a second survey invitation."""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.reception import outcomes, reminders
from domain.settings import get_settings


async def send_booking_reminders(ctx: dict[str, Any]) -> int:
    return await reminders.send_due_reminders(ctx.get("settings") or get_settings())


async def hold_finished_bookings(ctx: dict[str, Any]) -> int:
    return await outcomes.hold_finished()


FUNCTIONS: list[Any] = [send_booking_reminders, hold_finished_bookings]
CRON_JOBS: list[Any] = [
    cron(send_booking_reminders, name="send_booking_reminders", minute=set(range(2, 60, 15)),
         second=0, unique=True, timeout=600),
    cron(hold_finished_bookings, name="hold_finished_bookings", minute=set(range(0, 60, 5)),
         second=30, unique=True, timeout=600),
]
