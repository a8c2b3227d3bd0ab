"""Deadline arithmetic on real 2024-2026 dates in the government's schedule (Europe/Ulyanovsk,
UTC+4): Mon-Thu 09:00-18:00, Fri 09:00-16:45, lunch 13:00-13:45."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import WorkCalendar
from domain.calendar.rules import DayKind, Override

D = dt.date
ZONE = ZoneInfo("Europe/Ulyanovsk")
CAL = WorkCalendar.default()


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


# -- working days ---------------------------------------------------------------------------

def test_add_working_days_from_a_friday():
    """R-2.4: "5 working days from receipt" counts from the day after receipt."""
    assert CAL.add_working_days(D(2025, 6, 6), 1) == D(2025, 6, 9)  # Fri -> Mon
    assert CAL.add_working_days(D(2025, 6, 6), 5) == D(2025, 6, 17)  # skips Thu 12, Fri 13 Jun


def test_add_working_days_from_a_holiday_or_weekend():
    """A non-working start date's next working day is day 1."""
    assert CAL.add_working_days(D(2025, 6, 12), 1) == D(2025, 6, 16)  # holiday, day off, weekend
    assert CAL.add_working_days(D(2025, 6, 14), 1) == D(2025, 6, 16)  # Saturday
    assert CAL.add_working_days(D(2025, 1, 1), 1) == D(2025, 1, 9)  # New Year break


def test_add_working_days_counts_working_saturdays_and_crosses_years():
    assert CAL.add_working_days(D(2024, 10, 31), 2) == D(2024, 11, 2)  # Thu -> Fri 1, Sat 2 Nov
    assert CAL.add_working_days(D(2025, 12, 26), 3) == D(2026, 1, 12)  # Mon 29, Tue 30, Mon 12 Jan
    assert CAL.add_working_days(D(2024, 12, 27), 1) == D(2024, 12, 28)  # working Saturday
    assert CAL.add_working_days(D(2024, 1, 1), 248) == D(2024, 12, 28)  # the year's last one
    assert CAL.add_working_days(D(2024, 1, 1), 249) == D(2025, 1, 9)


def test_add_working_days_zero_and_backwards():
    assert CAL.add_working_days(D(2025, 6, 10), 0) == D(2025, 6, 10)
    assert CAL.add_working_days(D(2025, 6, 12), 0) == D(2025, 6, 16)
    assert CAL.add_working_days(D(2025, 6, 16), -1) == D(2025, 6, 11)
    assert CAL.add_working_days(D(2026, 1, 12), -3) == D(2025, 12, 26)
    assert CAL.add_working_days(D(2025, 1, 9), -1) == D(2024, 12, 28)


def test_add_working_days_agrees_with_counting():
    start = D(2023, 12, 20)  # a working Wednesday
    for n in range(1, 800, 7):
        due = CAL.add_working_days(start, n)
        assert CAL.is_working_day(due)
        assert CAL.working_days_between(start + dt.timedelta(days=1), due) == n
        assert CAL.add_working_days(due, -n) == start


def test_working_days_between_includes_both_ends():
    assert CAL.working_days_between(D(2025, 6, 9), D(2025, 6, 9)) == 1
    assert CAL.working_days_between(D(2025, 6, 9), D(2025, 6, 15)) == 3  # Mon, Tue, Wed
    assert CAL.working_days_between(D(2025, 6, 14), D(2025, 6, 15)) == 0
    assert CAL.working_days_between(D(2025, 6, 15), D(2025, 6, 9)) == 0
    assert CAL.working_days_between(D(2024, 12, 1), D(2025, 1, 31)) == 21 + 17


# -- working hours --------------------------------------------------------------------------

def test_add_working_hours_inside_a_morning():
    assert CAL.add_working_hours(at(2025, 6, 10, 9, 30), 2) == at(2025, 6, 10, 11, 30)


def test_add_working_hours_skips_lunch():
    """R-7.2: "5 working hours" do not run during the lunch break."""
    assert CAL.add_working_hours(at(2025, 6, 10, 12, 0), 2) == at(2025, 6, 10, 14, 45)
    # Running out exactly at the start of lunch ends at 13:00, not 13:45.
    assert CAL.add_working_hours(at(2025, 6, 10, 12, 0), 1) == at(2025, 6, 10, 13, 0)
    # A start during lunch starts at 13:45.
    assert CAL.add_working_hours(at(2025, 6, 10, 13, 10), 1) == at(2025, 6, 10, 14, 45)


def test_add_working_hours_overnight_and_over_a_weekend():
    """R-7.2: 6 working hours from a Friday afternoon mention end on Monday."""
    assert CAL.add_working_hours(at(2025, 6, 10, 17, 0), 2) == at(2025, 6, 11, 10, 0)
    # Friday ends 16:45: 15:45 + 6 h = 1 h on Friday, 4 h Mon morning, 1 h after lunch.
    assert CAL.add_working_hours(at(2025, 6, 20, 15, 45), 6) == at(2025, 6, 23, 14, 45)
    # A start at night or on a Sunday starts at the next interval.
    assert CAL.add_working_hours(at(2025, 6, 22, 3, 0), 1) == at(2025, 6, 23, 10, 0)
    assert CAL.add_working_hours(at(2025, 6, 10, 19, 0), 0) == at(2025, 6, 11, 9, 0)


def test_add_working_hours_over_holidays_and_a_shortened_eve():
    # Wed 11 Jun 2025 is the eve of Russia Day: 09:00-17:00; then Thu 12 + Fri 13 + weekend off.
    assert CAL.add_working_hours(at(2025, 6, 11, 16, 0), 2) == at(2025, 6, 16, 10, 0)
    # Over the New Year break: Fri 27 Dec 2024 closes at 16:45; Sat 28 Dec works Monday's
    # hours (it paid for Mon 30 Dec), 09:00-18:00; then nothing until Thu 9 Jan 2025.
    assert CAL.add_working_hours(at(2024, 12, 27, 16, 0), 1) == at(2024, 12, 28, 9, 15)
    assert CAL.add_working_hours(at(2024, 12, 28, 17, 30), 1) == at(2025, 1, 9, 9, 30)


def test_add_working_hours_takes_any_zone_and_answers_in_the_government_zone():
    moscow = dt.datetime(2025, 6, 10, 8, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # 09:00 in Ulyanovsk
    due = CAL.add_working_hours(moscow, 1)
    assert due == at(2025, 6, 10, 10, 0) and due.utcoffset() == dt.timedelta(hours=4)
    utc = dt.datetime(2025, 6, 10, 5, 0, tzinfo=dt.UTC)
    assert CAL.add_working_hours(utc, 1.5) == at(2025, 6, 10, 10, 30)


def test_add_working_hours_refuses_naive_moments_and_negative_hours():
    with pytest.raises(ValueError):
        CAL.add_working_hours(dt.datetime(2025, 6, 10, 9, 0), 1)
    with pytest.raises(ValueError):
        CAL.add_working_hours(at(2025, 6, 10, 9, 0), -1)
    with pytest.raises(TypeError):
        CAL.is_working_day(dt.datetime(2025, 6, 10, 9, 0))


def test_a_whole_working_week_in_hours():
    assert CAL.add_working_hours(at(2025, 6, 16, 9, 0), 40) == at(2025, 6, 20, 16, 45)


def test_end_of_working_day():
    """R-5.3: an oral request that needs more work is answered by the end of the working day."""
    assert CAL.end_of_working_day(at(2025, 6, 10, 10, 0)) == at(2025, 6, 10, 18, 0)
    assert CAL.end_of_working_day(at(2025, 6, 20, 8, 0)) == at(2025, 6, 20, 16, 45)  # Friday
    assert CAL.end_of_working_day(at(2025, 6, 11, 12, 0)) == at(2025, 6, 11, 17, 0)  # eve
    assert CAL.end_of_working_day(at(2025, 6, 10, 18, 0)) == at(2025, 6, 11, 17, 0)  # after hours
    assert CAL.end_of_working_day(at(2025, 6, 16, 23, 0)) == at(2025, 6, 17, 18, 0)
    assert CAL.end_of_working_day(at(2025, 6, 12, 11, 0)) == at(2025, 6, 16, 18, 0)  # holiday


# -- calendar-day legal terms ----------------------------------------------------------------

def test_legal_due_date_moves_off_non_working_days():
    """59-FZ: 30 days from registration; a due date on a day off moves to the next working day."""
    assert CAL.legal_due_date(D(2025, 5, 12), 30) == D(2025, 6, 11)  # a working Wednesday
    assert CAL.legal_due_date(D(2025, 5, 13), 30) == D(2025, 6, 16)  # Thu 12 Jun -> Mon 16 Jun
    assert CAL.legal_due_date(D(2024, 12, 2), 30) == D(2025, 1, 9)  # Wed 1 Jan -> 9 Jan
    assert CAL.legal_due_date(D(2024, 10, 3), 30) == D(2024, 11, 2)  # working Saturday stays
    assert CAL.legal_due_date(D(2025, 6, 10), 0) == D(2025, 6, 10)


# -- overrides ------------------------------------------------------------------------------

def test_a_governor_decree_moves_a_day():
    """A local override: Mon 16 Jun 2025 off for civil servants, Sat 21 Jun working instead."""
    cal = CAL.with_overrides([
        Override(D(2025, 6, 16), DayKind.TRANSFERRED_DAY_OFF, None, "Указ губернатора"),
        Override(D(2025, 6, 21), DayKind.WORKING_WEEKEND, None, "Указ губернатора"),
    ])
    assert not cal.is_working_day(D(2025, 6, 16))
    assert cal.day_kind(D(2025, 6, 21)) == DayKind.WORKING_WEEKEND
    assert cal.working_minutes(D(2025, 6, 21)) == 495  # Monday's hours for a plain weekend
    assert cal.add_working_days(D(2025, 6, 11), 1) == D(2025, 6, 17)
    assert cal.day(D(2025, 6, 16)).note == "Указ губернатора" and cal.day(D(2025, 6, 16)).overridden
    # The default calendar is unchanged: calendars are values.
    assert CAL.is_working_day(D(2025, 6, 16))


def test_override_of_length_and_a_regional_holiday():
    cal = CAL.with_overrides([
        Override(D(2025, 6, 10), DayKind.WORKDAY, 240, "Короткий день"),
        Override(D(2025, 7, 3), DayKind.HOLIDAY, None, "Региональный праздник"),
    ])
    assert cal.working_minutes(D(2025, 6, 10)) == 240 and cal.is_shortened(D(2025, 6, 10))
    assert [(i.start.time(), i.end.time()) for i in cal.working_intervals(D(2025, 6, 10))] == [
        (dt.time(9), dt.time(13))]
    # A holiday shortens its eve, as a statutory one does.
    assert cal.is_shortened(D(2025, 7, 2)) and cal.working_minutes(D(2025, 7, 2)) == 435
    # An override that turns a statutory holiday into a working day removes the eve's cut.
    cal = CAL.with_overrides([Override(D(2025, 6, 12), DayKind.WORKDAY)])
    assert cal.is_working_day(D(2025, 6, 12)) and not cal.is_shortened(D(2025, 6, 11))


def test_an_override_on_1_january_reaches_31_december():
    """Mon 31 Dec 2029 is the eve of 1 January; if an override made 1 January working, it is not."""
    assert CAL.is_shortened(D(2029, 12, 31))
    cal = CAL.with_overrides([Override(D(2030, 1, 1), DayKind.WORKDAY)])
    assert not cal.is_shortened(D(2029, 12, 31)) and cal.working_minutes(D(2029, 12, 31)) == 495


def test_years_outside_the_calendar_are_refused():
    with pytest.raises(ValueError):
        CAL.is_working_day(D(1900, 1, 1))
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2199, 12, 30), 10_000)
