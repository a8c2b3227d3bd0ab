"""Pure callback rules (R-3.8): the due slot inside working hours, missed attempts, alerts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import callback_rules as rules
from domain.consultation.models import CallbackOutcome, CallbackStatus
from domain.errors import DomainError, ErrorCode

ZONE = ZoneInfo("Europe/Ulyanovsk")
CAL = WorkCalendar.default()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """December 2026, local time (7 Mon … 11 Fri, 12–13 weekend, 14 Mon)."""
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=ZONE)


def w(start: dt.datetime, end: dt.datetime) -> rules.Window:
    return rules.Window(start, end)


NOW = at(7, 10)


def test_due_in_first_working_part_of_first_window_after_promise():
    """R-3.8: an evening window counts only up to closing time; a window before the
    promised time is skipped; the due slot is the first working part after it."""
    slots = rules.check_windows(
        [w(at(7, 11), at(7, 12)), w(at(8, 17), at(8, 21)), w(at(9, 12), at(9, 15))],
        promised_by=at(8, 9), now=NOW, calendar=CAL)
    first = slots[0]
    assert (first.window, first.starts_at, first.ends_at) == (
        1, at(8, 17).astimezone(dt.UTC), at(8, 18).astimezone(dt.UTC))
    # Lunch cuts the third window in two.
    assert [(s.window, s.starts_at.astimezone(ZONE).time()) for s in slots[1:]] == [
        (2, dt.time(12)), (2, dt.time(13, 45))]


def test_promise_inside_a_window_starts_at_the_promise():
    """R-3.8: "due in the first window after the promised time"."""
    [slot] = rules.check_windows([w(at(8, 10), at(8, 12))], at(8, 11), NOW, CAL)
    assert slot.starts_at == at(8, 11).astimezone(dt.UTC)


@pytest.mark.parametrize(("windows", "promised", "code", "field"), [
    ([w(at(7, 8), at(7, 9))], at(7, 10), ErrorCode.INVALID, "windows.0.endsAt"),  # past
    ([w(at(8, 12), at(8, 11))], at(8, 9), ErrorCode.INVALID, "windows.0.endsAt"),
    ([w(at(8, 10), at(8, 11)), w(at(8, 19), at(8, 22))], at(8, 9),
     ErrorCode.OUTSIDE_WORKING_HOURS, "windows.1"),  # after hours
    ([w(at(12, 10), at(12, 16))], at(8, 9), ErrorCode.OUTSIDE_WORKING_HOURS, "windows.0"),
    ([w(at(8, 13, 5), at(8, 13, 40))], at(8, 9), ErrorCode.OUTSIDE_WORKING_HOURS,
     "windows.0"),  # lunch
    ([w(at(8, 10), at(8, 11))], at(9, 9), ErrorCode.INVALID, "windows"),  # before promise
    ([], at(8, 9), ErrorCode.REQUIRED, "windows"),
    ([w(at(8, 10), at(8, 11))], at(6, 9), ErrorCode.INVALID, "promisedBy"),
])
def test_bad_windows_name_the_field(windows, promised, code, field):
    """R-3.8 bad input: a window in the past or outside working hours is a clear error."""
    with pytest.raises(DomainError) as err:
        rules.check_windows(windows, promised, NOW, CAL)
    assert (err.value.code, err.value.field) == (code, field)


def test_too_many_windows():
    windows = [w(at(8, 10), at(8, 11))] * (rules.MAX_WINDOWS + 1)
    with pytest.raises(DomainError) as err:
        rules.check_windows(windows, at(8, 9), NOW, CAL)
    assert err.value.field == "windows"


def slots_of(windows):
    return rules.all_slots(windows, at(8, 9), CAL)


def test_missed_attempt_moves_to_next_window_then_fails():
    """R-3.8: a missed attempt moves the callback to the next window; none left: failed."""
    slots = slots_of([w(at(8, 10), at(8, 11)), w(at(9, 15), at(9, 16))])
    current = slots[0]
    moved = rules.after_attempt(CallbackOutcome.NO_ANSWER, at(8, 10, 5), current, slots)
    assert moved.step == rules.Step.MOVED and moved.status == CallbackStatus.SCHEDULED
    assert moved.slot.starts_at == at(9, 15).astimezone(dt.UTC)
    last = rules.after_attempt(CallbackOutcome.BUSY, at(9, 15, 1), moved.slot, slots)
    assert (last.step, last.status, last.slot) == (rules.Step.FAILED, CallbackStatus.FAILED,
                                                   None)


def test_early_attempt_keeps_the_slot_and_outcomes_close_it():
    slots = slots_of([w(at(8, 10), at(8, 11))])
    stay = rules.after_attempt(CallbackOutcome.NO_ANSWER, at(8, 9, 30), slots[0], slots)
    assert stay.step == rules.Step.STAY and stay.slot == slots[0]
    assert rules.after_attempt(CallbackOutcome.ANSWERED, at(8, 10), slots[0], slots
                               ).status == CallbackStatus.DONE
    assert rules.after_attempt(CallbackOutcome.DECLINED, at(8, 10), slots[0], slots
                               ).status == CallbackStatus.DONE
    assert rules.after_attempt(CallbackOutcome.WRONG_NUMBER, at(8, 10), slots[0], slots
                               ).status == CallbackStatus.FAILED


def test_missed_after_overdue_moves_to_a_window_still_ahead():
    """An attempt after the slot closed skips every slot already gone."""
    slots = slots_of([w(at(8, 10), at(8, 11)), w(at(8, 15), at(8, 16)),
                      w(at(9, 10), at(9, 11))])
    moved = rules.after_attempt(CallbackOutcome.NO_ANSWER, at(8, 16, 30), slots[0], slots)
    assert moved.slot.starts_at == at(9, 10).astimezone(dt.UTC)
