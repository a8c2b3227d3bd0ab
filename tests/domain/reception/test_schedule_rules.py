"""Slots from RFC 5545 rules on the working calendar (R-4.1), as plain functions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.schedule import Schedule
from domain.calendar.work_calendar import WorkCalendar
from domain.errors import DomainError, ErrorCode
from domain.reception import rules

ZONE = ZoneInfo("Europe/Ulyanovsk")
CAL = WorkCalendar(Schedule.parse("mon-thu 09:00-18:00, fri 09:00-16:45", "13:00-13:45", 60),
                   "Europe/Ulyanovsk")


def spans(day: dt.date):
    return CAL.day(day).spans


def plan(rule_text: str, first: dt.date, last: dt.date, start="14:00", end="17:00",
         minutes=20, exceptions=None):
    rule = rules.parse_rule(rule_text, dt.date(2026, 1, 1))
    window = rules.check_window(start, end, minutes, 1)
    return rules.plan_slots(rule, window, first, last, None, spans, ZONE, exceptions or {})


def test_every_second_tuesday_in_twenty_minute_slots():
    """R-4.1: «every second Tuesday 14:00–17:00, 20-minute slots», RFC 5545 form."""
    result = plan("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    days = sorted({s.date() for s, _ in result.slots})
    assert [d.isoformat() for d in days] == ["2026-03-10", "2026-03-24"]
    assert len(result.slots) == 2 * 9
    first_start, first_end = result.slots[0]
    assert first_start == dt.datetime(2026, 3, 10, 14, 0, tzinfo=ZONE)
    assert first_end - first_start == dt.timedelta(minutes=20)


def test_never_on_a_holiday_never_past_a_shortened_days_end():
    """R-4.1: 4 November is a holiday (skipped and listed); 3 November is its eve, an hour
    shorter, so no slot ends after 17:00 that day."""
    result = plan("FREQ=DAILY", dt.date(2026, 11, 3), dt.date(2026, 11, 4), start="15:00",
                  end="18:00", minutes=30)
    assert result.skipped == [dt.date(2026, 11, 4)]
    assert all(s.date() == dt.date(2026, 11, 3) for s, _ in result.slots)
    assert max(e for _, e in result.slots) == dt.datetime(2026, 11, 3, 17, 0, tzinfo=ZONE)


def test_lunch_break_has_no_slot_and_weekends_are_skipped():
    result = plan("FREQ=DAILY", dt.date(2026, 3, 13), dt.date(2026, 3, 16), start="12:00",
                  end="15:00", minutes=30)
    lunch = (dt.datetime(2026, 3, 16, 13, 0, tzinfo=ZONE),
             dt.datetime(2026, 3, 16, 13, 45, tzinfo=ZONE))
    assert not any(rules.overlaps(slot, lunch) for slot in result.slots)
    assert {s.date() for s, _ in result.slots} == {dt.date(2026, 3, 13), dt.date(2026, 3, 16)}
    assert result.skipped == [dt.date(2026, 3, 14), dt.date(2026, 3, 15)]
    assert len([s for s, _ in result.slots if s.date() == dt.date(2026, 3, 16)]) == 4


def test_exceptions_cancel_a_date_or_change_its_hours():
    changed = rules.check_window("09:00", "10:00", 20, 1)
    result = plan("FREQ=WEEKLY;BYDAY=TU", dt.date(2026, 3, 1), dt.date(2026, 3, 17),
                  exceptions={dt.date(2026, 3, 3): None, dt.date(2026, 3, 10): changed})
    by_day: dict[dt.date, int] = {}
    for start, _ in result.slots:
        by_day[start.date()] = by_day.get(start.date(), 0) + 1
    assert by_day == {dt.date(2026, 3, 10): 3, dt.date(2026, 3, 17): 9}


@pytest.mark.parametrize("text", [
    "", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "garbage", "DTSTART:20260101T000000",
    "FREQ=WEEKLY;BYDAY=TU\x00", "FREQ=MINUTELY;INTERVAL=20", "F" * 600,
])
def test_bad_rules_are_schedule_invalid(text):
    with pytest.raises(DomainError) as bad:
        rules.parse_rule(text, dt.date(2026, 1, 1))
    assert bad.value.code == ErrorCode.SCHEDULE_INVALID and bad.value.field == "rrule"


@pytest.mark.parametrize(("rule_text", "start", "end", "field"), [
    ("FREQ=WEEKLY;BYDAY=SA", "10:00", "12:00", "rrule"),
    ("FREQ=WEEKLY;BYDAY=TU", "07:00", "10:00", "startTime"),
    ("FREQ=WEEKLY;BYDAY=FR", "16:00", "18:00", "startTime"),
])
def test_rules_outside_working_time_are_refused(rule_text, start, end, field):
    """R-4.1: a rule whose hours lie outside working time is a SCHEDULE_INVALID error."""
    rule = rules.parse_rule(rule_text, dt.date(2026, 1, 1))
    window = rules.check_window(start, end, 20, 1)
    with pytest.raises(DomainError) as bad:
        rules.check_in_working_hours(rule, dt.date(2026, 1, 1), window, CAL.schedule)
    assert bad.value.code == ErrorCode.SCHEDULE_INVALID and bad.value.field == field


def test_windows_checked():
    for args, field in [(("17:00", "14:00", 20, 1), "endTime"), (("14:00", "14:10", 20, 1),
                        "slotMinutes"), (("1400", "17:00", 20, 1), "startTime"),
                        (("14:00", "17:00", 2, 1), "slotMinutes"),
                        (("14:00", "17:00", 20, 0), "capacity")]:
        with pytest.raises(DomainError) as bad:
            rules.check_window(*args)
        assert bad.value.field == field


def test_first_free_seat():
    assert rules.first_free_seat([], 1) == 1
    assert rules.first_free_seat([1, 3], 3) == 2
    assert rules.first_free_seat([1, 2], 2) is None
