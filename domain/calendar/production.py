"""The federal production calendar of Russia, read from the ``holidays`` library.

``holidays.RU`` keeps everything in one date -> name mapping: statutory holidays
(Labour Code art. 112), the days off that government decrees moved
("Выходной (перенесено с …)", stored as *substituted* holidays whose source
weekend becomes a working day), and days off added for holidays that fell on a
weekend (*observed*, e.g. 9 March 2026). We separate them again, because the
rules differ: only a statutory holiday shortens the working day before it
(art. 95), and a working Saturday needs the weekday whose day off it took.

Years the library knows no decree for yet get statutory holidays only; a
governor's or a new federal decree can be entered as an override (see
``models.CalendarOverride``) until the library is updated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from holidays.helpers import _normalize_tuple

MIN_YEAR = 1992  # the library's Russian data starts in 1991; decrees before 1992 are sparse
MAX_YEAR = 2200


@dataclass(frozen=True, slots=True)
class FederalYear:
    year: int
    holidays: dict[dt.date, str]  # statutory non-working holidays (even on a weekend)
    days_off: dict[dt.date, str]  # weekdays made days off by a decree or for a weekend holiday
    working_weekends: dict[dt.date, dt.date]  # working Saturday/Sunday -> the day off it took


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"the production calendar covers {MIN_YEAR}-{MAX_YEAR}, not {year}")


def _substitutions(source: holidays.HolidayBase, years: range) -> dict[dt.date, dt.date]:
    """Every decree transfer as {weekend date that became working: weekday made a day off}.

    Entries are (to_month, to_day, from_month, from_day[, from_year]) listed under
    the year of the day off; the source date may lie in the neighbouring year.
    """
    pairs: dict[dt.date, dt.date] = {}
    for year in years:
        for entry in _normalize_tuple(source.special_public_holidays.get(year, ())):
            if len(entry) < 4:
                continue
            to_month, to_day, from_month, from_day, *rest = entry
            pairs[dt.date(rest[0] if rest else year, from_month, from_day)] = dt.date(
                year, to_month, to_day
            )
    return pairs


@lru_cache(maxsize=512)
def federal_year(year: int) -> FederalYear:
    check_year(year)
    full = holidays.RU(years=year, language="ru")
    statutory_only = holidays.RU(years=year, language="ru", observed=False)
    transfers = _substitutions(full, range(year - 1, year + 2))
    moved_to = set(transfers.values())
    days_off = {d: full[d] for d in full if d not in statutory_only or d in moved_to}
    statutory = {d: name for d, name in full.items() if d not in days_off}
    working_weekends = {}
    for source, target in transfers.items():
        # A decree also moves weekend days that coincided with a holiday (Saturday 3 January
        # 2026 -> Friday 9 January): such a source stays a rest day. The library marks the
        # real working weekends; we keep its word and add which day off each one paid for.
        if source.year == year and full.is_working_day(source) and source.weekday() >= 5:
            working_weekends[source] = target
    return FederalYear(year, statutory, days_off, working_weekends)


def is_statutory_holiday(day: dt.date) -> bool:
    return day in federal_year(day.year).holidays
