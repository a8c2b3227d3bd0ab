"""Pure rules of the consultation line: opening hours on the working calendar (R-3.3), the
transfer limit (R-3.7), the PBX signature and how PBX events fold into one call. No
database, no clock: time and calendar are arguments."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from domain.calendar.work_calendar import WorkCalendar
from domain.consultation.models import CallOutcome, CallStatus, PbxEventKind

MAX_TRANSFERS = 2
# How far ahead nextOpensAt looks: past a month of holidays nothing is open anyway.
LOOKAHEAD_DAYS = 40
SIGNATURE_PREFIX = "sha256="


def is_open(calendar: WorkCalendar, now: dt.datetime) -> bool:
    """R-3.3: the line answers inside the government's working intervals (lunch excluded,
    like every other working-time rule)."""
    local = now.astimezone(calendar.zone)
    return any(i.start <= local < i.end for i in calendar.working_intervals(local.date()))


def next_opens_at(calendar: WorkCalendar, now: dt.datetime) -> dt.datetime | None:
    """The next moment the line opens after ``now`` (None within the look-ahead)."""
    local = now.astimezone(calendar.zone)
    day = local.date()
    for _ in range(LOOKAHEAD_DAYS):
        for interval in calendar.working_intervals(day):
            if interval.start > local:
                return interval.start.astimezone(dt.UTC)
        day += dt.timedelta(days=1)
    return None


def transfer_allowed(done: int) -> bool:
    """R-3.7: at most two transfers per call."""
    return done < MAX_TRANSFERS


# Outcomes that need a record made in the same step.
NEEDS_REFERRAL = frozenset({CallOutcome.OUT_OF_COMPETENCE})


# -- the PBX webhook --------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over ``<timestamp>.<raw body>``: the timestamp is signed too, so a
    captured request cannot be replayed later under a fresh timestamp."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signature_ok(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body).encode(), given.strip().encode())


def fresh(timestamp: str, now: dt.datetime, window_seconds: int) -> bool:
    """The timestamp header (Unix seconds) is within the window either side of now."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    return abs(now.timestamp() - sent) <= window_seconds


_RANK = {CallStatus.STARTED: 0, CallStatus.ANSWERED: 1, CallStatus.ENDED: 2}
_STATUS_OF = {PbxEventKind.STARTED: CallStatus.STARTED, PbxEventKind.ANSWERED: CallStatus.ANSWERED,
              PbxEventKind.ENDED: CallStatus.ENDED}


@dataclass(frozen=True)
class CallTimes:
    status: CallStatus
    started_at: dt.datetime
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None


def fold(times: CallTimes | None, kind: PbxEventKind, at: dt.datetime) -> CallTimes:
    """One PBX event applied to a call's times, in whatever order events arrive: the status
    never goes back (ENDED then STARTED stays ENDED), the start is the earliest moment any
    event showed, and answered/ended keep the event's own time."""
    if times is None:
        times = CallTimes(_STATUS_OF[kind], at, None, None)
    status = max(times.status, _STATUS_OF[kind], key=_RANK.__getitem__)
    started = at if kind == PbxEventKind.STARTED else min(times.started_at, at)
    answered, ended = times.answered_at, times.ended_at
    if kind == PbxEventKind.ANSWERED:
        answered = at
    if kind == PbxEventKind.ENDED:
        ended = at
    # A start later than the answer or the end came from a clock that disagrees: the
    # earliest moment is the start.
    started = min(x for x in (started, answered, ended) if x is not None)
    return CallTimes(status, started, answered, ended)
