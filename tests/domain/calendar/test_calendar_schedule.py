"""The office schedule from settings (OKNO_WORK_SCHEDULE, OKNO_WORK_LUNCH, ...)."""

import datetime as dt

import pytest
from pydantic import ValidationError

from domain.calendar import Schedule, WorkCalendar
from domain.settings import Settings


def test_default_schedule_is_the_governments():
    schedule = Settings(_env_file=None).work_schedule_value
    assert schedule == Schedule.government()
    assert schedule.intervals(0) == ((540, 780), (825, 1080))  # 09:00-13:00, 13:45-18:00
    assert schedule.intervals(4) == ((540, 780), (825, 1005))  # Friday to 16:45
    assert [schedule.minutes(d) for d in range(7)] == [495, 495, 495, 495, 420, 0, 0]


def test_parse_variants():
    s = Schedule.parse("mon-fri 08:00-17:00, Fri 08:00-15:45", "", 60)
    assert s.hours[0] == (480, 1020) and s.hours[4] == (480, 945) and s.lunch is None
    assert Schedule.parse("Mon-Fri 09:00-18:00", "12:00-13:00").minutes(2) == 480
    assert Schedule.standard().minutes(0) == 480


@pytest.mark.parametrize("hours,lunch", [
    ("Mon-Thu 09:00-18:00", ""),  # Friday missing
    ("Mon-Fri 09:00-18:00; Sat 10:00-14:00", ""),  # weekends come from the production calendar
    ("Mon-Fri 18:00-09:00", ""),
    ("Mon-Fri 09:00-25:00", ""),
    ("Fri-Mon 09:00-18:00", ""),
    ("Monday 09:00-18:00", ""),
    ("Mon-Fri 9-18", ""),
    ("Mon-Fri 09:00-18:00", "13:00"),
    ("Mon-Fri 09:00-09:30", ""),  # the pre-holiday cut would leave nothing
])
def test_bad_schedules_fail_at_start_up(hours, lunch):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, work_schedule=hours, work_lunch=lunch)


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("OKNO_WORK_SCHEDULE", "Mon-Fri 08:30-17:30")
    monkeypatch.setenv("OKNO_WORK_LUNCH", "12:30-13:30")
    monkeypatch.setenv("OKNO_PRE_HOLIDAY_CUT_MINUTES", "30")
    monkeypatch.setenv("OKNO_TIMEZONE", "Europe/Samara")
    settings = Settings(_env_file=None)
    cal = WorkCalendar.default(settings)
    assert cal.zone.key == "Europe/Samara"
    assert cal.working_minutes(dt.date(2025, 6, 10)) == 480
    assert cal.working_minutes(dt.date(2025, 6, 11)) == 450  # eve of Russia Day, 30 min cut
    with pytest.raises(ValidationError):
        Settings(_env_file=None, timezone="Mars/Olympus")
