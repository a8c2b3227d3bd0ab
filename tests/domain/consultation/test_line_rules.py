"""Pure rules of the line: hours on the working calendar, the transfer limit, the PBX
signature and how PBX events fold into one call."""

from __future__ import annotations

import datetime as dt
import itertools

from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import rules
from domain.consultation.models import CallStatus, PbxEventKind

CAL = WorkCalendar.default()
ZONE = CAL.zone


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE)


def test_open_in_working_hours_only():
    """R-3.3: the line answers in the government's working hours on the working calendar:
    a weekday morning yes; lunch, the evening, a weekend and a holiday no."""
    assert rules.is_open(CAL, local(2026, 12, 7, 10, 0))  # Monday
    assert not rules.is_open(CAL, local(2026, 12, 7, 13, 10))  # lunch
    assert not rules.is_open(CAL, local(2026, 12, 7, 18, 0))  # closing time
    assert not rules.is_open(CAL, local(2026, 12, 5, 11, 0))  # Saturday
    assert not rules.is_open(CAL, local(2027, 1, 5, 11, 0))  # New Year holidays


def test_next_opening_skips_weekends_and_holidays():
    """R-3.3: nextOpensAt is the next working interval's start, in UTC."""
    friday_evening = local(2026, 12, 4, 17, 0)
    assert rules.next_opens_at(CAL, friday_evening) == local(2026, 12, 7, 9, 0).astimezone(
        dt.UTC)
    at_lunch = local(2026, 12, 7, 13, 10)
    assert rules.next_opens_at(CAL, at_lunch) == local(2026, 12, 7, 13, 45).astimezone(dt.UTC)
    new_year = local(2026, 12, 31, 20, 0)
    opens = rules.next_opens_at(CAL, new_year).astimezone(ZONE)
    assert opens.date() > dt.date(2027, 1, 8) and opens.hour == 9


def test_at_most_two_transfers():
    """R-3.7: a third transfer is refused."""
    assert rules.transfer_allowed(0) and rules.transfer_allowed(1)
    assert not rules.transfer_allowed(2)


def test_signature_covers_timestamp_and_body():
    body = b'{"eventId":"1"}'
    good = rules.sign("s3cret", "1700000000", body)
    assert rules.signature_ok("s3cret", "1700000000", body, good)
    assert not rules.signature_ok("s3cret", "1700000001", body, good)  # timestamp replaced
    assert not rules.signature_ok("s3cret", "1700000000", body + b" ", good)
    assert not rules.signature_ok("other", "1700000000", body, good)
    assert not rules.signature_ok("s3cret", "1700000000", body, "sha256=00")


def test_freshness_window():
    now = dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC)
    stamp = int(now.timestamp())
    assert rules.fresh(str(stamp - 299), now, 300)
    assert not rules.fresh(str(stamp - 301), now, 300)
    assert not rules.fresh(str(stamp + 301), now, 300)
    assert not rules.fresh("yesterday", now, 300)


def test_events_in_any_order_make_one_complete_call():
    """PBX events out of order: ENDED before STARTED still ends in one complete call with
    the real start, answer and end."""
    start = dt.datetime(2026, 12, 7, 7, 0, tzinfo=dt.UTC)
    answer, end = start + dt.timedelta(seconds=20), start + dt.timedelta(minutes=5)
    events = [(PbxEventKind.STARTED, start), (PbxEventKind.ANSWERED, answer),
              (PbxEventKind.ENDED, end)]
    for order in itertools.permutations(events):
        times = None
        for kind, at in order:
            times = rules.fold(times, kind, at)
        assert times == rules.CallTimes(CallStatus.ENDED, start, answer, end), order
