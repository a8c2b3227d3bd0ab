"""The office's weekly working hours: when the clock of a working-hours term runs.

Times are minutes from local midnight in the government's zone. The lunch break
is cut out of every day's span, so ``intervals()`` already excludes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Span = tuple[int, int]  # [start, end) in minutes from local midnight

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_RE = re.compile(r"^(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+(?P<span>\S+)$")
_SPAN_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_span(text: str) -> Span:
    """``"09:00-18:00"`` -> (540, 1080); the end may be ``24:00``."""
    match = _SPAN_RE.match(text.strip())
    if not match:
        raise ValueError(f"expected HH:MM-HH:MM, got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if m1 > 59 or m2 > 59 or not 0 <= start < end <= 24 * 60:
        raise ValueError(f"not a time span inside one day: {text!r}")
    return start, end


def format_span(span: Span) -> str:
    return "{:02d}:{:02d}-{:02d}:{:02d}".format(*divmod(span[0], 60), *divmod(span[1], 60))


@dataclass(frozen=True, slots=True)
class Schedule:
    """Hours per weekday (Monday first) plus one daily lunch break.

    Only Monday to Friday may have hours: weekends and working Saturdays come
    from the production calendar, and a working Saturday borrows the hours of
    the weekday whose day off it took.
    """

    hours: tuple[Span, Span, Span, Span, Span]
    lunch: Span | None = None
    pre_holiday_cut: int = 60  # minutes a day right before a statutory holiday loses

    def __post_init__(self) -> None:
        if len(self.hours) != 5:
            raise ValueError("a schedule needs hours for Monday to Friday")
        for start, end in (*self.hours, *([self.lunch] if self.lunch else [])):
            if not 0 <= start < end <= 24 * 60:
                raise ValueError("a span must lie inside one day")
        if not 0 <= self.pre_holiday_cut < 24 * 60:
            raise ValueError("the pre-holiday cut must be 0 to 1439 minutes")
        for weekday in range(5):
            if sum(e - s for s, e in self.intervals(weekday)) <= self.pre_holiday_cut:
                raise ValueError(f"{WEEKDAYS[weekday]}: the pre-holiday cut leaves no working time")

    @classmethod
    def parse(cls, hours: str, lunch: str = "", pre_holiday_cut: int = 60) -> Schedule:
        """From the settings' text: ``"Mon-Thu 09:00-18:00; Fri 09:00-16:45"``, ``"13:00-13:45"``.

        Parts are separated by ``;`` or ``,``; day names are English three-letter
        abbreviations, case-insensitive; a later part overrides an earlier one.
        """
        per_day: list[Span | None] = [None] * 7
        for part in re.split(r"[;,]", hours):
            part = part.strip().lower()
            if not part:
                continue
            match = _DAY_RE.match(part)
            if not match or match["first"] not in WEEKDAYS or (
                match["last"] and match["last"] not in WEEKDAYS
            ):
                raise ValueError(f"expected e.g. 'Mon-Thu 09:00-18:00', got {part!r}")
            first = WEEKDAYS.index(match["first"])
            last = WEEKDAYS.index(match["last"]) if match["last"] else first
            if last < first:
                raise ValueError(f"day range runs backwards: {part!r}")
            span = parse_span(match["span"])
            for day in range(first, last + 1):
                per_day[day] = span
        if per_day[5] or per_day[6]:
            raise ValueError("weekend hours come from the production calendar, not the schedule")
        missing = [WEEKDAYS[d].title() for d in range(5) if per_day[d] is None]
        if missing:
            raise ValueError(f"no hours for {', '.join(missing)}")
        return cls(
            hours=tuple(per_day[:5]),  # type: ignore[arg-type]
            lunch=parse_span(lunch) if lunch and lunch.strip() else None,
            pre_holiday_cut=pre_holiday_cut,
        )

    @classmethod
    def government(cls) -> Schedule:
        """The regional government's default: 40 h a week, a short Friday, 45-minute lunch."""
        return cls.parse("Mon-Thu 09:00-18:00; Fri 09:00-16:45", "13:00-13:45")

    @classmethod
    def standard(cls) -> Schedule:
        """The federal 40-hour week of 8-hour days: what the official annual norms assume."""
        return cls.parse("Mon-Fri 09:00-18:00", "13:00-14:00")

    def intervals(self, weekday: int) -> tuple[Span, ...]:
        """Working spans of a weekday (0 = Monday) with the lunch break cut out."""
        if weekday >= 5:
            return ()
        start, end = self.hours[weekday]
        if self.lunch is None:
            return ((start, end),)
        ls, le = self.lunch
        spans = [(start, min(end, ls)), (max(start, le), end)]
        return tuple((s, e) for s, e in spans if s < e)

    def minutes(self, weekday: int) -> int:
        return sum(e - s for s, e in self.intervals(weekday))

    def describe(self) -> str:
        days = "; ".join(
            f"{WEEKDAYS[d].title()} {format_span(s)}" for d, s in enumerate(self.hours))
        lunch = f", lunch {format_span(self.lunch)}" if self.lunch else ""
        return days + lunch
