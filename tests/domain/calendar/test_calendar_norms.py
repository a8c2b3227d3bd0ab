"""The federal production calendar 2023-2026 against the published annual norms and decrees.

Norms (Ministry of Labour / Consultant Plus production calendars) at a 40-hour week:
2023: 247 days, 1973 h; 2024: 248 days, 1979 h; 2025: 247 days, 1972 h; 2026: 247 days, 1972 h.
Hours assume the federal 8-hour day, hence ``WorkCalendar.standard()``.
"""

import datetime as dt

import pytest

from domain.calendar import DayKind, WorkCalendar

D = dt.date
STANDARD = WorkCalendar.standard()

NORMS = {2023: (247, 1973), 2024: (248, 1979), 2025: (247, 1972), 2026: (247, 1972)}


@pytest.mark.parametrize("year", sorted(NORMS))
def test_annual_norm_of_days_and_hours(year):
    days = STANDARD.days(D(year, 1, 1), D(year, 12, 31))
    assert len(days) == (366 if year % 4 == 0 else 365)
    assert sum(d.working for d in days) == NORMS[year][0]
    assert STANDARD.working_days_between(D(year, 1, 1), D(year, 12, 31)) == NORMS[year][0]
    assert sum(d.minutes for d in days) == NORMS[year][1] * 60


def test_government_week_is_forty_hours_too():
    """Mon-Thu 8 h 15 min + Fri 7 h (lunch 45 min) = 40 h, and the same working days per year."""
    gov = WorkCalendar.default()
    week = [D(2025, 6, 16) + dt.timedelta(days=i) for i in range(7)]
    assert [gov.working_minutes(d) for d in week] == [495, 495, 495, 495, 420, 0, 0]
    for year, (days, _) in NORMS.items():
        assert gov.working_days_between(D(year, 1, 1), D(year, 12, 31)) == days


# Every decree transfer: (working weekend, the weekday off it paid for).
WORKING_WEEKENDS = {
    2023: [],
    2024: [(D(2024, 4, 27), D(2024, 4, 29)), (D(2024, 11, 2), D(2024, 4, 30)),
           (D(2024, 12, 28), D(2024, 12, 30))],
    2025: [(D(2025, 11, 1), D(2025, 11, 3))],
    2026: [],
}
# Weekdays that are days off by a decree (or because a holiday fell on a weekend).
DAYS_OFF = {
    2023: [D(2023, 2, 24), D(2023, 5, 8), D(2023, 11, 6)],
    2024: [D(2024, 4, 29), D(2024, 4, 30), D(2024, 5, 10), D(2024, 12, 30), D(2024, 12, 31)],
    2025: [D(2025, 5, 2), D(2025, 5, 8), D(2025, 6, 13), D(2025, 11, 3), D(2025, 12, 31)],
    2026: [D(2026, 1, 9), D(2026, 3, 9), D(2026, 5, 11), D(2026, 12, 31)],
}
SHORTENED = {
    2023: [D(2023, 2, 22), D(2023, 3, 7), D(2023, 11, 3)],
    2024: [D(2024, 2, 22), D(2024, 3, 7), D(2024, 5, 8), D(2024, 6, 11), D(2024, 11, 2)],
    2025: [D(2025, 3, 7), D(2025, 4, 30), D(2025, 6, 11), D(2025, 11, 1)],
    2026: [D(2026, 4, 30), D(2026, 5, 8), D(2026, 6, 11), D(2026, 11, 3)],
}


@pytest.mark.parametrize("year", sorted(NORMS))
def test_every_transfer_of_the_year(year):
    days = STANDARD.days(D(year, 1, 1), D(year, 12, 31))
    assert [d.date for d in days if d.kind == DayKind.WORKING_WEEKEND] == [
        w for w, _ in WORKING_WEEKENDS[year]]
    assert [d.date for d in days if d.kind == DayKind.TRANSFERRED_DAY_OFF] == DAYS_OFF[year]
    for weekend, took in WORKING_WEEKENDS[year]:
        assert STANDARD.is_working_day(weekend)
        assert STANDARD.day_kind(took) == DayKind.TRANSFERRED_DAY_OFF
        assert took.strftime("%d.%m.%Y") in STANDARD.day(weekend).note


@pytest.mark.parametrize("year", sorted(NORMS))
def test_shortened_pre_holiday_days(year):
    days = STANDARD.days(D(year, 1, 1), D(year, 12, 31))
    assert [d.date for d in days if d.shortened] == SHORTENED[year]
    assert all(STANDARD.working_minutes(d) == 7 * 60 for d in SHORTENED[year])


def test_working_saturday_has_the_length_of_the_day_it_replaced():
    """Sat 2 Nov 2024 paid for Tue 30 Apr, the eve of 1 May: 7 h. Sat 27 Apr paid for
    Mon 29 Apr: 8 h.
    Sat 1 Nov 2025 paid for Mon 3 Nov, the eve of 4 Nov: 7 h."""
    assert STANDARD.working_minutes(D(2024, 11, 2)) == 420
    assert STANDARD.working_minutes(D(2024, 4, 27)) == 480
    assert STANDARD.working_minutes(D(2024, 12, 28)) == 480
    assert STANDARD.working_minutes(D(2025, 11, 1)) == 420
    gov = WorkCalendar.default()
    # In the government's week Tuesday is 8 h 15 min, so Saturday 2 Nov 2024 is 7 h 15 min.
    assert gov.working_minutes(D(2024, 11, 2)) == 435
    assert [(i.start.time(), i.end.time()) for i in gov.working_intervals(D(2024, 11, 2))] == [
        (dt.time(9), dt.time(13)), (dt.time(13, 45), dt.time(17))]


@pytest.mark.parametrize("year,first", [(2024, D(2024, 1, 9)), (2025, D(2025, 1, 9)),
                                        (2026, D(2026, 1, 12))])
def test_new_year_break(year, first):
    """1-8 January are holidays (7 January is Christmas); 2026's break runs to Sunday 11 January
    (Friday 9 January is a day off moved from Saturday 3 January)."""
    day = D(year, 1, 1)
    while day < first:
        assert not STANDARD.is_working_day(day)
        day += dt.timedelta(days=1)
    for day in range(1, 9):
        assert STANDARD.day_kind(D(year, 1, day)) == DayKind.HOLIDAY
    assert STANDARD.day(D(year, 1, 7)).note == "Рождество Христово"
    assert STANDARD.add_working_days(D(year - 1, 12, 31), 1) == first
    # 31 December is a day off by decree in 2024, 2025 and 2026.
    assert not STANDARD.is_working_day(D(year, 12, 31))


def test_holiday_on_a_weekend_is_still_a_holiday_and_shortens_the_eve():
    """8 March 2025 was a Saturday: Friday 7 March is shortened; 8 March is HOLIDAY, not WEEKEND."""
    assert STANDARD.day_kind(D(2025, 3, 8)) == DayKind.HOLIDAY
    assert STANDARD.is_shortened(D(2025, 3, 7))
    # The eve of a *transferred* day off is a full day (Wed 7 May 2025, before Thu 8 May).
    assert STANDARD.working_minutes(D(2025, 5, 7)) == 480


def test_day_kinds():
    assert STANDARD.day_kind(D(2025, 6, 10)) == DayKind.WORKDAY
    assert STANDARD.day_kind(D(2025, 6, 14)) == DayKind.WEEKEND
    assert STANDARD.day_kind(D(2025, 6, 12)) == DayKind.HOLIDAY
    assert STANDARD.day_kind(D(2025, 6, 13)) == DayKind.TRANSFERRED_DAY_OFF
    assert STANDARD.day_kind(D(2025, 11, 1)) == DayKind.WORKING_WEEKEND
    assert STANDARD.day(D(2025, 6, 12)).note == "День России"
