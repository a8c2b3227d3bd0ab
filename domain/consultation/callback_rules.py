"""Pure rules of callbacks (R-3.8): when a promised callback is due, where a missed attempt
moves it, which alert a sweep owes. No database: the working calendar is passed in.

A callback is made in the caller's convenient windows, but only inside the Government's
working time (R-3.3): each window is cut to its working parts (lunch and nights removed),
and to the part after the promised answer time. Those parts, soonest first, are the
callback's *slots*; it is due in the first one. A missed attempt moves it to the next slot
(the next window, or the next working part of a window that lunch or a night cuts in
two); an attempt before its slot opened moves nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from domain.calendar.work_calendar import WorkCalendar
from domain.consultation.models import CallbackOutcome, CallbackStatus
from domain.errors import DomainError, ErrorCode

MAX_WINDOWS = 10
MAX_WINDOW_DAYS = 7  # one window spans at most a week (a caller's "any time next week")
HORIZON_DAYS = 90  # windows further out are a typing mistake, not a promise
PAST_SLACK = dt.timedelta(minutes=5)  # the operator types while the caller waits
MAX_ATTEMPTS = 20

# Outcomes that end the callback: the caller got the answer or does not want it.
REACHED = frozenset({CallbackOutcome.ANSWERED, CallbackOutcome.DECLINED})
# An outcome no other window can fix.
HOPELESS = frozenset({CallbackOutcome.WRONG_NUMBER})


@dataclass(frozen=True, slots=True)
class Window:
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Slot:
    window: int  # index of the window in the order the caller gave them
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def working_parts(window: Window, calendar: WorkCalendar) -> list[tuple[dt.datetime,
                                                                      dt.datetime]]:
    """The window cut to the working intervals of each day it touches (UTC)."""
    parts = []
    day = window.starts_at.astimezone(calendar.zone).date()
    last = window.ends_at.astimezone(calendar.zone).date()
    while day <= last:
        for start, end in calendar.working_intervals(day):
            lo, hi = max(start, window.starts_at), min(end, window.ends_at)
            if lo < hi:
                parts.append((_utc(lo), _utc(hi)))
        day += dt.timedelta(days=1)
    return parts


def check_windows(windows: list[Window], promised_by: dt.datetime, now: dt.datetime,
                  calendar: WorkCalendar) -> list[Slot]:
    """The slots of a new callback, soonest first; every misfit is a DomainError naming
    its field (``windows.2.endsAt``)."""
    if promised_by < now - PAST_SLACK:
        raise DomainError(ErrorCode.INVALID, "Срок ответа уже прошёл: укажите, когда ответ "
                          "будет готов.", "promisedBy")
    if promised_by > now + dt.timedelta(days=HORIZON_DAYS):
        raise DomainError(ErrorCode.INVALID, f"Срок ответа — не дальше {HORIZON_DAYS} дней.",
                          "promisedBy")
    if not windows:
        raise DomainError(ErrorCode.REQUIRED, "Укажите хотя бы одно удобное время для "
                          "звонка.", "windows")
    if len(windows) > MAX_WINDOWS:
        raise DomainError(ErrorCode.INVALID, f"Не больше {MAX_WINDOWS} окон для звонка.",
                          "windows")
    slots: list[Slot] = []
    for i, w in enumerate(windows):
        where = f"windows.{i}"
        if w.ends_at <= w.starts_at:
            raise DomainError(ErrorCode.INVALID, "Окно заканчивается раньше, чем начинается.",
                              f"{where}.endsAt")
        if w.ends_at - w.starts_at > dt.timedelta(days=MAX_WINDOW_DAYS):
            raise DomainError(ErrorCode.INVALID, f"Окно — не длиннее {MAX_WINDOW_DAYS} дней.",
                              f"{where}.endsAt")
        if w.ends_at <= now:
            raise DomainError(ErrorCode.INVALID, "Это время уже прошло.", f"{where}.endsAt")
        if w.starts_at > now + dt.timedelta(days=HORIZON_DAYS):
            raise DomainError(ErrorCode.INVALID, f"Окно — не дальше {HORIZON_DAYS} дней.",
                              f"{where}.startsAt")
        parts = working_parts(w, calendar)
        if not parts:
            raise DomainError(ErrorCode.OUTSIDE_WORKING_HOURS, "В это время линия не "
                              "работает: выберите время в рабочие часы.", where)
        start_from = max(promised_by, now)
        slots += [Slot(i, max(lo, _utc(start_from)), hi) for lo, hi in parts if hi > start_from]
    if not slots:
        raise DomainError(ErrorCode.INVALID, "Все окна раньше срока ответа: выберите время "
                          "после него.", "windows")
    return sorted(slots, key=lambda s: (s.starts_at, s.window))


def all_slots(windows: list[Window], promised_by: dt.datetime, calendar: WorkCalendar
              ) -> list[Slot]:
    """The slots of stored windows (no checks: they were checked when promised)."""
    slots = [Slot(i, max(lo, _utc(promised_by)), hi)
             for i, w in enumerate(windows) for lo, hi in working_parts(w, calendar)
             if hi > promised_by]
    return sorted(slots, key=lambda s: (s.starts_at, s.window))


class Step(StrEnum):
    DONE = "done"
    FAILED = "failed"
    STAY = "stay"  # tried before the slot opened: the slot still stands
    MOVED = "moved"


@dataclass(frozen=True, slots=True)
class AfterAttempt:
    step: Step
    status: CallbackStatus
    slot: Slot | None  # the slot the callback is due in now (None once closed)


def after_attempt(outcome: CallbackOutcome, at: dt.datetime, current: Slot | None,
                  slots: list[Slot]) -> AfterAttempt:
    """Where an attempt at ``at`` leaves a scheduled callback due in ``current``."""
    if outcome in REACHED:
        return AfterAttempt(Step.DONE, CallbackStatus.DONE, None)
    if outcome in HOPELESS:
        return AfterAttempt(Step.FAILED, CallbackStatus.FAILED, None)
    if current is not None and at < current.starts_at:
        return AfterAttempt(Step.STAY, CallbackStatus.SCHEDULED, current)
    after = max(at, current.ends_at) if current is not None else at
    for slot in slots:
        if slot.ends_at > after and (current is None or slot.starts_at >= current.ends_at):
            start = max(slot.starts_at, _utc(at))
            return AfterAttempt(Step.MOVED, CallbackStatus.SCHEDULED,
                                Slot(slot.window, start, slot.ends_at))
    return AfterAttempt(Step.FAILED, CallbackStatus.FAILED, None)


def current_slot(slots: list[Slot], due_at: dt.datetime | None,
                 due_until: dt.datetime | None) -> Slot | None:
    """The stored due slot among ``slots`` (its window found by the slot's end)."""
    if due_at is None or due_until is None:
        return None
    for slot in slots:
        if slot.ends_at == due_until and slot.starts_at <= due_at:
            return Slot(slot.window, _utc(due_at), slot.ends_at)
    return Slot(-1, _utc(due_at), _utc(due_until))
