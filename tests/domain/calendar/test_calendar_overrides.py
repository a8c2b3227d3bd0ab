"""Local overrides in the database, read by ``await service.load_calendar()``."""

import datetime as dt

import pytest

from domain.actor import Actor, Role
from domain.calendar import DayKind, WorkCalendar, service
from domain.calendar.models import CalendarOverride
from domain.errors import DomainError, ErrorCode

ADMIN = Actor(Role.ADMIN, "admin-1")
D = dt.date


async def test_load_reads_overrides_and_default_ignores_them(settings):
    row, day = await service.set_override(
        ADMIN, D(2025, 6, 16), DayKind.HOLIDAY, None, "Указ Губернатора", settings)
    assert row.kind == DayKind.HOLIDAY and day.kind == DayKind.HOLIDAY
    loaded = await service.load_calendar(settings)
    assert not loaded.is_working_day(D(2025, 6, 16))
    assert loaded.is_shortened(D(2025, 6, 11)) is True  # eve of Russia Day, unchanged
    assert loaded.add_working_days(D(2025, 6, 11), 1) == D(2025, 6, 17)
    assert WorkCalendar.default(settings).is_working_day(D(2025, 6, 16))


async def test_override_kind_is_named_by_the_weekday(settings):
    """A day off on a Monday is a TRANSFERRED_DAY_OFF even if asked as WEEKEND; a working
    Saturday is a WORKING_WEEKEND even if asked as WORKDAY."""
    row, _ = await service.set_override(ADMIN, D(2025, 6, 16), DayKind.WEEKEND, None, "x", settings)
    assert row.kind == DayKind.TRANSFERRED_DAY_OFF
    row, _ = await service.set_override(ADMIN, D(2025, 6, 21), DayKind.WORKDAY, None, "x", settings)
    assert row.kind == DayKind.WORKING_WEEKEND
    assert await CalendarOverride.all().count() == 2
    # Setting the same date again replaces the override.
    row, day = await service.set_override(
        ADMIN, D(2025, 6, 21), DayKind.WORKDAY, 300, "y", settings)
    assert await CalendarOverride.all().count() == 2 and day.minutes == 300


async def test_only_admins_and_the_system_change_overrides(settings):
    for role in (Role.OPERATOR, Role.SUPERVISOR, Role.CLIENT):
        with pytest.raises(DomainError) as caught:
            await service.set_override(Actor(role, "x"), D(2025, 6, 16), DayKind.HOLIDAY, None,
                                       "x", settings)
        assert caught.value.code == ErrorCode.FORBIDDEN
    await service.set_override(Actor(Role.SYSTEM, "import"), D(2025, 6, 16), DayKind.HOLIDAY,
                               None, "x", settings)
    removed, day = await service.remove_override(ADMIN, D(2025, 6, 16), settings)
    assert removed == D(2025, 6, 16) and day.kind == DayKind.WORKDAY and not day.overridden


async def test_read_days_sees_an_override_just_after_the_range(settings):
    """A holiday override on 3 July shortens 2 July even when only 2 July is read."""
    await service.set_override(ADMIN, D(2025, 7, 3), DayKind.HOLIDAY, None, "x", settings)
    [day] = await service.read_days(D(2025, 7, 2), D(2025, 7, 2), settings)
    assert day.shortened and day.minutes == 435
