"""Reception jobs: the reminder the working day before, inside sending hours, exactly once;
held at the slot's end and the survey invitation RECEPTION (R-4.9), once. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from domain.actor import Actor, Role
from domain.calendar.service import load_calendar
from domain.deliveries.models import Delivery
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from domain.reception import outcomes, reminders, service
from domain.reception.models import (
    BookedBy,
    Booking,
    BookingReminder,
    BookingStatus,
    CancelledBy,
    ReceptionSlot,
)
from domain.surveys.models import SurveyInvitation
from jobs import reception as reception_jobs
from tests.domain.reception.reception_world import OPERATOR, build_world, make_slot
from tests.support.deliveries import make_client


async def test_reminder_the_working_day_before_inside_hours_once(settings):
    """The reminder goes the working day before the reception (production calendar), only
    inside the sending hours, and once however often the cron runs."""
    world = await build_world()
    zone = ZoneInfo(settings.timezone)
    calendar = await load_calendar(settings)
    day = calendar.add_working_days(dt.datetime.now(zone).date(), 4)
    start = dt.datetime.combine(day, dt.time(10), zone).astimezone(dt.UTC)
    slot = await ReceptionSlot.create(schedule=world.schedule, official=world.official,
                                      point=world.point, starts_at=start,
                                      ends_at=start + dt.timedelta(minutes=20))
    person = await make_client()
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    before = calendar.add_working_days(day, -1)

    def at(d: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(hour), zone).astimezone(dt.UTC)

    assert await reminders.send_due_reminders(settings, at(calendar.add_working_days(
        day, -2), 12)) == 0  # too early
    assert await reminders.send_due_reminders(settings, at(before, 7)) == 0  # before hours
    assert await reminders.send_due_reminders(settings, at(before, 21)) == 0  # after hours
    assert await reminders.send_due_reminders(settings, at(before, 10)) == 1
    assert await reminders.send_due_reminders(settings, at(before, 11)) == 0
    assert await reminders.send_due_reminders(settings, at(day, 9)) == 0  # the same day
    [row] = await Delivery.filter(purpose="reminder")
    assert row.source_id == str(booking.id) and "Петров Пётр Петрович" in row.body_text
    assert "/reception/cancel/" in row.body_text
    assert await BookingReminder.filter(booking_id=booking.id).count() == 1
    # the cron entry point runs the same sweep (outside hours now or not: never a second one)
    await reception_jobs.send_booking_reminders({"settings": settings})
    assert await Delivery.filter(purpose="reminder").count() == 1


async def past_booking(world, person) -> Booking:
    slot = await make_slot(world, starts_in=-dt.timedelta(hours=1))
    return await Booking.create(id=uuid.uuid4(), client_id=person.id, slot_id=slot.id, seat=1,
                                topic="Т", status=BookingStatus.BOOKED,
                                booked_by=BookedBy.OPERATOR)


async def test_held_at_the_slots_end_invites_to_the_survey_once(settings):
    """R-4.9: a booking still booked when its slot ended is held by the cron and the client
    is invited to rate the reception (purpose RECEPTION) by their channel, once."""
    world = await build_world()
    person = await make_client()
    booking = await past_booking(world, person)
    future = await service.book(OPERATOR, slot_id=(await make_slot(world)).id,
                                client_id=(await make_client(email="f@example.ru")).id,
                                topic="Т")
    assert await reception_jobs.hold_finished_bookings({}) == 1
    assert await outcomes.hold_finished() == 0
    stored = await Booking.get(id=booking.id)
    assert stored.status == BookingStatus.HELD and stored.outcome_at is not None
    assert (await Booking.get(id=future.id)).status == BookingStatus.BOOKED
    [invitation] = await SurveyInvitation.all()
    assert invitation.purpose == "reception" and invitation.subject_id == str(booking.id)
    assert await Delivery.filter(purpose="survey_invitation").count() == 1
    events = await InteractionEvent.filter(client_id=person.id, kind="reception").values_list(
        "details", flat=True)
    assert [d["event"] for d in events] == ["held"]


async def test_staff_mark_no_show_or_held(settings):
    """R-4.9: staff mark the outcome once the reception began; held invites to the survey,
    no-show does not; the same mark again changes nothing; bad marks are clear errors."""
    world = await build_world()
    person = await make_client()
    booking = await past_booking(world, person)
    marked = await outcomes.mark(OPERATOR, booking.id, BookingStatus.NO_SHOW)
    assert marked.status == BookingStatus.NO_SHOW
    assert await outcomes.hold_finished() == 0  # marked otherwise: not held by the cron
    assert await SurveyInvitation.all().count() == 0
    await outcomes.mark(OPERATOR, booking.id, BookingStatus.HELD)
    await outcomes.mark(OPERATOR, booking.id, BookingStatus.HELD)
    assert await Delivery.filter(purpose="survey_invitation").count() == 1

    future = await service.book(OPERATOR, slot_id=(await make_slot(world)).id,
                                client_id=person.id, topic="Т")
    client = Actor(role=Role.CLIENT, subject="c", client_id=person.id)
    cancelled = await service.book(OPERATOR, slot_id=(await make_slot(
        world, starts_in=dt.timedelta(days=5))).id, client_id=person.id, topic="Т")
    await service.cancel(OPERATOR, cancelled.id, via=CancelledBy.OPERATOR)
    for actor, booking_id, outcome, code in [
        (OPERATOR, future.id, BookingStatus.HELD, ErrorCode.INVALID_STATE),
        (OPERATOR, cancelled.id, BookingStatus.HELD, ErrorCode.INVALID_STATE),
        (OPERATOR, booking.id, BookingStatus.CANCELLED, ErrorCode.INVALID),
        (OPERATOR, booking.id, "nonsense", ErrorCode.INVALID),
        (OPERATOR, uuid.uuid4(), BookingStatus.HELD, ErrorCode.NOT_FOUND),
        (client, booking.id, BookingStatus.HELD, ErrorCode.FORBIDDEN),
    ]:
        with pytest.raises(DomainError) as err:
            await outcomes.mark(actor, booking_id, outcome)
        assert err.value.code == code


async def test_a_change_of_100_bookings_reaches_smtp_once_each(settings):
    """R-4.4: a change hitting 100 bookings puts exactly 100 notices into 100 mailboxes on a
    real SMTP server; running the workers again, or applying the change again, adds none."""
    from domain.directory.models import StaffMember
    from domain.reception import changes
    from domain.reception.models import ReceivingOfficial
    from tests.domain.reception.reception_world import ADMIN
    from tests.domain.reception.test_changes import book_many
    from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

    world = await build_world()
    slot = await make_slot(world, capacity=100)
    await book_many(slot, 100)
    staff = await StaffMember.create(subject="official-2", full_name="Сидорова Анна Ивановна")
    other = await ReceivingOfficial.create(staff=staff, position="Заместитель министра")
    result = await changes.change_slot(ADMIN, slot.id, official_id=other.id)
    assert result.kept == 100
    mail = MailRecorder()
    with SmtpServer(mail) as server:
        smtp = server.settings(settings)
        await run_worker(smtp, max_jobs=20)
        await run_worker(smtp, max_jobs=20)
        assert len(mail.messages) == 100
        assert len({m["To"].addresses[0].addr_spec for m in mail.messages}) == 100
        assert max(mail.message_ids().values()) == 1
        assert (await changes.change_slot(ADMIN, slot.id, official_id=other.id)).affected == 0
        await run_worker(smtp, max_jobs=20)
        assert len(mail.messages) == 100
