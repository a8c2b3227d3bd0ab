"""Deadline arithmetic over the production calendar and the office schedule.

A ``WorkCalendar`` is an immutable value built from its arguments: a schedule, a time zone
and the local overrides. It never touches the database (``service.load_calendar`` reads
the overrides and passes them in) and keeps one table per year, shared between calendars
with the same schedule and the same overrides for that year.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from domain.calendar.production import MAX_YEAR, check_year, is_statutory_holiday
from domain.calendar.rules import Day, DayKind, DeadlineRule, Override, resolve_day
from domain.calendar.schedule import Schedule

if TYPE_CHECKING:
    from domain.settings import Settings

ONE_DAY = dt.timedelta(days=1)


class WorkingInterval(NamedTuple):
    start: dt.datetime  # aware, government zone
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class _YearTable:
    first: int  # ordinal of 1 January
    days: tuple[Day, ...]
    counts: tuple[int, ...]  # counts[i]: working days among days[:i]


def _holiday(day: dt.date, overrides: dict[dt.date, Override]) -> bool:
    found = overrides.get(day)
    if found is not None:
        return found.kind == DayKind.HOLIDAY
    return day.year <= MAX_YEAR and is_statutory_holiday(day)


@lru_cache(maxsize=256)
def _year_table(schedule: Schedule, year: int, overrides: tuple[Override, ...]) -> _YearTable:
    check_year(year)
    by_date = {o.date: o for o in overrides}
    first = dt.date(year, 1, 1)
    days = []
    counts = [0]
    day = first
    while day.year == year:
        tomorrow = day + ONE_DAY
        resolved = resolve_day(day, schedule, by_date.get(day), _holiday(tomorrow, by_date))
        days.append(resolved)
        counts.append(counts[-1] + resolved.working)
        day = tomorrow
    return _YearTable(first.toordinal(), tuple(days), tuple(counts))


def _date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):  # a datetime is a date too, and would slip through
        raise TypeError("pass a date; for a moment in time use its date in the government zone")
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("a moment must carry its UTC offset (an aware datetime)")
    return value


def _since_midnight(local: dt.datetime) -> dt.timedelta:
    return dt.timedelta(hours=local.hour, minutes=local.minute, seconds=local.second,
                        microseconds=local.microsecond)


class WorkCalendar:
    """The government's working time: which days work, for how long, and deadlines.

    >>> cal = WorkCalendar.default()
    >>> cal.add_working_days(dt.date(2025, 12, 26), 3)   # Friday + 3: Mon 29, Tue 30, Jan 12
    datetime.date(2026, 1, 12)
    """

    def __init__(self, schedule: Schedule | None = None, timezone: str = "Europe/Ulyanovsk",
                 overrides: Iterable[Override] = ()) -> None:
        self.schedule = schedule or Schedule.government()
        self.zone = ZoneInfo(timezone)
        self.overrides: dict[dt.date, Override] = {o.date: o for o in overrides}
        self._tables: dict[int, _YearTable] = {}

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def default(cls, settings: Settings | None = None) -> WorkCalendar:
        """The settings' schedule and zone, no local overrides."""
        from domain.settings import get_settings

        settings = settings or get_settings()
        return cls(settings.work_schedule_value, settings.timezone)

    @classmethod
    def standard(cls, timezone: str = "Europe/Moscow") -> WorkCalendar:
        """The federal 40-hour week of 8-hour days, for the official annual norms."""
        return cls(Schedule.standard(), timezone)

    def with_overrides(self, overrides: Iterable[Override]) -> WorkCalendar:
        return WorkCalendar(self.schedule, self.zone.key, overrides)

    # -- days -----------------------------------------------------------------------------

    def _table(self, year: int) -> _YearTable:
        table = self._tables.get(year)
        if table is None:
            relevant = tuple(sorted(
                (o for d, o in self.overrides.items()
                 if d.year == year or d == dt.date(year + 1, 1, 1)),  # Jan 1 shortens Dec 31
                key=lambda o: o.date,
            ))
            table = self._tables[year] = _year_table(self.schedule, year, relevant)
        return table

    def day(self, day: dt.date) -> Day:
        """Everything about one day: kind, working spans, shortened flag, note."""
        table = self._table(_date(day).year)
        return table.days[day.toordinal() - table.first]

    def days(self, first: dt.date, last: dt.date) -> list[Day]:
        """Every day from ``first`` to ``last``, both included."""
        out: list[Day] = []
        day = _date(first)
        while day <= last:
            table = self._table(day.year)
            start = day.toordinal() - table.first
            stop = min(len(table.days), last.toordinal() - table.first + 1)
            out.extend(table.days[start:stop])
            day = dt.date(day.year + 1, 1, 1) if day.year < MAX_YEAR else dt.date.max
        return out

    def is_working_day(self, day: dt.date) -> bool:
        return self.day(day).working

    def working_minutes(self, day: dt.date) -> int:
        return self.day(day).minutes

    def day_kind(self, day: dt.date) -> DayKind:
        return self.day(day).kind

    def is_shortened(self, day: dt.date) -> bool:
        """A working day shorter than its weekday's regular length (pre-holiday, or set so)."""
        return self.day(day).shortened

    def _at(self, day: dt.date, offset: dt.timedelta) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.zone) + offset

    def working_intervals(self, day: dt.date) -> tuple[WorkingInterval, ...]:
        """The day's working time as aware datetimes in the government zone, lunch cut out."""
        return tuple(WorkingInterval(s, e) for s, e in self.day(day).intervals_in(self.zone))

    def closing_time(self, day: dt.date) -> dt.datetime | None:
        """When the working day ends; None for a day off."""
        spans = self.day(day).spans
        return self._at(day, dt.timedelta(minutes=spans[-1][1])) if spans else None

    # -- deadlines ------------------------------------------------------------------------

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after ``day`` (``day`` itself never counts, so a Friday's
        first working day is Monday, and a holiday's is the next working day). A negative
        n counts back; 0 gives ``day`` if it works, else the next working day."""
        day = _date(day)
        if n == 0:
            return day if self.is_working_day(day) else self.add_working_days(day, 1)
        table = self._table(day.year)
        index = day.toordinal() - table.first
        counts = table.counts
        if n > 0:
            need = n
            while need > counts[-1] - counts[index + 1]:
                need -= counts[-1] - counts[index + 1]
                table = self._table(day.year + 1)
                day, index, counts = dt.date(day.year + 1, 1, 1), -1, table.counts
            target = counts[index + 1] + need
        else:
            need = -n
            while need > counts[index]:
                need -= counts[index]
                table = self._table(day.year - 1)
                counts = table.counts
                day, index = dt.date(day.year - 1, 12, 31), len(counts) - 1
            target = counts[index] - need + 1
        # The first day whose running count reaches the target is the working day sought.
        return dt.date.fromordinal(table.first + bisect_left(counts, target) - 1)

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days from ``first`` to ``last``, both included; 0 if ``last`` is earlier."""
        first, last = _date(first), _date(last)
        total = 0
        for year in range(first.year, last.year + 1):
            table = self._table(year)
            lo = first.toordinal() - table.first if year == first.year else 0
            hi = last.toordinal() - table.first + 1 if year == last.year else len(table.days)
            total += table.counts[hi] - table.counts[lo]
        return max(total, 0)

    def add_working_hours(self, moment: dt.datetime, hours: float) -> dt.datetime:
        """The moment when ``hours`` of working time have passed since ``moment``.

        The clock runs only inside working intervals (lunch and nights excluded); a
        start outside them starts at the next interval. A term that runs out exactly
        at an interval's end ends there (13:00, not 13:45). Result in the government zone.
        """
        if hours < 0:
            raise ValueError("hours must not be negative")
        left = dt.timedelta(hours=hours)
        local = _aware(moment).astimezone(self.zone)
        day, position = local.date(), _since_midnight(local)
        while True:
            for start, end in self.day(day).spans:
                span_end = dt.timedelta(minutes=end)
                if position >= span_end:
                    continue
                current = max(position, dt.timedelta(minutes=start))
                if left <= span_end - current:
                    return self._at(day, current + left)
                left -= span_end - current
                position = span_end
            day, position = day + ONE_DAY, dt.timedelta(0)

    def end_of_working_day(self, moment: dt.datetime) -> dt.datetime:
        """The end of the working day ``moment`` falls in; after closing time or on a day
        off, the end of the next working day (R-5.3: oral requests "by end of day")."""
        local = _aware(moment).astimezone(self.zone)
        day = local.date()
        spans = self.day(day).spans
        if not spans or _since_midnight(local) >= dt.timedelta(minutes=spans[-1][1]):
            day = self.add_working_days(day, 1)
        closing = self.closing_time(day)
        assert closing is not None
        return closing

    def legal_due_date(self, day: dt.date, days: int) -> dt.date:
        """A term in calendar days (59-FZ: 30 days): ``day`` + ``days``; a due date that is
        not a working day moves to the next working day (Civil Code art. 193)."""
        if days < 0:
            raise ValueError("days must not be negative")
        due = _date(day) + dt.timedelta(days=days)
        return due if self.is_working_day(due) else self.add_working_days(due, 1)

    def due(self, start: dt.datetime, rule: DeadlineRule, amount: int) -> dt.datetime:
        """When a term counted by ``rule`` from ``start`` runs out, in the government zone.

        Day-counted terms end at the closing time of their last day (that day's working
        time is the last the office has); 0 working days means "by the end of the day".
        """
        local = _aware(start).astimezone(self.zone)
        if rule == DeadlineRule.WORKING_HOURS:
            return self.add_working_hours(local, amount)
        if rule == DeadlineRule.WORKING_DAYS:
            if amount == 0:
                return self.end_of_working_day(local)
            day = self.add_working_days(local.date(), amount)
        else:
            day = self.legal_due_date(local.date(), amount)
        closing = self.closing_time(day)
        assert closing is not None  # both rules land on a working day
        return closing
