"""The reminder the working day before a reception, inside the local sending hours.

Run by the arq cron (``jobs/reception.py``). A reminder is due for a booked booking whose
slot starts on a later local date and whose previous working day (production calendar with
the local overrides) has come. Each reminder is claimed by inserting its
``BookingReminder`` row (unique booking × start) in the transaction that writes the
delivery, so two runs or two workers never send it twice; a booking moved to another time
is reminded of the new time. A booking made after its reminder day began still gets one,
unless its reception is the same day.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError

from domain.calendar.service import load_calendar
from domain.reception import notices
from domain.reception.models import Booking, BookingReminder, BookingStatus, SlotStatus
from domain.settings import Settings, get_settings
from domain.transaction import transaction

# Long enough for the longest run of holidays (the New Year break) between the reminder day
# and the reception.
LOOKAHEAD = timedelta(days=16)
BATCH = 500


async def send_due_reminders(settings: Settings | None = None,
                             now: datetime | None = None) -> int:
    """Send every due reminder; returns how many this call sent."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    zone = ZoneInfo(settings.timezone)
    local = now.astimezone(zone)
    if not settings.reception_reminder_from_hour <= local.hour \
            < settings.reception_reminder_to_hour:
        return 0  # the next run inside the hours sends them
    today = local.date()
    calendar = await load_calendar(settings)
    rows = await Booking.filter(
        status=BookingStatus.BOOKED, slot__status=SlotStatus.OPEN, slot__starts_at__gt=now,
        slot__starts_at__lte=now + LOOKAHEAD,
    ).order_by("slot__starts_at").limit(BATCH * 10).values("id", "slot__starts_at")
    if not rows:
        return 0
    done = {(r[0], r[1].astimezone(UTC)) for r in await BookingReminder.filter(
        booking_id__in=[r["id"] for r in rows]).values_list("booking_id", "starts_at")}
    sent = 0
    for row in rows:
        starts_at = row["slot__starts_at"].astimezone(UTC)
        if (row["id"], starts_at) in done:
            continue
        day = starts_at.astimezone(zone).date()
        if day <= today or calendar.add_working_days(day, -1) > today:
            continue  # the same day, or the reminder day has not come yet
        try:
            async with transaction():
                await BookingReminder.create(id=uuid.uuid4(), booking_id=row["id"],
                                             starts_at=starts_at)
                booking = await Booking.get(id=row["id"])
                await notices.send_reminder(booking, settings)
        except IntegrityError:  # another run claimed it first
            continue
        sent += 1
    return sent
