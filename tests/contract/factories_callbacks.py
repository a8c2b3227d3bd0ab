"""Node factories of callbacks and call reviews (merged into ``factories.FACTORIES``): a call
A made to the line, reported by the PBX from start to end, a callback promised on it, and a
head's review of it. Staff see both; clients and anonymous callers never."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.relay import encode_id
from domain.actor import Actor, Role
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import callbacks, pbx, reviews
from domain.consultation.callback_rules import Window
from domain.consultation.models import PbxEventKind

SUPERVISOR = Actor(Role.SUPERVISOR, "head-1")
OPERATOR = Actor(Role.OPERATOR, "op-1")


async def _call(scene: Any) -> Any:
    """A's call (by A's phone) on a line, started and ended as the PBX reported it."""
    from tests.contract.factories import _line

    async def make() -> Any:
        await scene.base()
        await _line(scene)
        start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=10)
        received = None
        for n, kind in enumerate((PbxEventKind.STARTED, PbxEventKind.ENDED)):
            received = await pbx.receive("main", pbx.Event(
                event_id=f"callback-{n}", call_id="callback-call", kind=kind,
                occurred_at=start + dt.timedelta(minutes=5 * n), caller_number="+79171234567",
                line_number="+78422589358", payload={}))
        return received.call_id
    return await scene._once("consultation_call", make)


async def callback(scene: Any) -> Any:
    from tests.contract.factories import ALL_STAFF, Made

    call_id = await _call(scene)
    calendar = WorkCalendar.default()
    day = calendar.add_working_days(dt.datetime.now(calendar.zone).date(), 2)
    start = calendar.working_intervals(day)[0].start
    made = await callbacks.promise(OPERATOR, call_id, "+79171234567", dt.datetime.now(dt.UTC),
                                   [Window(start, start + dt.timedelta(hours=1))])
    return Made(encode_id("Callback", made.id), ALL_STAFF)


async def call_review(scene: Any) -> Any:
    from tests.contract.factories import ALL_STAFF, Made

    call_id = await _call(scene)
    made = await reviews.review_call(SUPERVISOR, call_id, [(i, 2) for i in reviews.ITEMS])
    return Made(encode_id("CallReview", made.id), ALL_STAFF)


FACTORIES = {"Callback": callback, "CallReview": call_review}
