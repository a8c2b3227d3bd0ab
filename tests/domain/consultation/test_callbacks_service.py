"""Promising a callback and logging attempts (R-3.8), both databases."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.consultation import callback_queries, callbacks
from domain.consultation.callback_rules import Window
from domain.consultation.models import (
    Call,
    Callback,
    CallbackAttempt,
    CallbackOutcome,
    CallbackStatus,
    CallbackWindow,
    CallOutcome,
)
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from tests.domain.consultation.callbacks_world import OPERATOR, build_world, local

NOW = local(2026, 12, 7, 10)  # a Monday


async def promise(world, windows=None, **extra):
    windows = windows or [Window(local(2026, 12, 8, 17), local(2026, 12, 8, 20)),
                          Window(local(2026, 12, 9, 10), local(2026, 12, 9, 12))]
    return await callbacks.promise(OPERATOR, world.call.id, "8 (902) 123-45-67",
                                   local(2026, 12, 8, 9), windows, now=NOW,
                                   question="Статус жалобы", **extra)


async def test_promise_is_due_in_the_working_part_of_the_first_window(settings):
    """R-3.8: number, promised time and windows kept; due 17:00–18:00 (the evening window
    cut at closing time); assigned to the call's operator; in the caller's history."""
    world = await build_world()
    callback = await promise(world)
    assert callback.number == "+79021234567" and callback.status == CallbackStatus.SCHEDULED
    assert callback.due_at == local(2026, 12, 8, 17)
    assert callback.due_until == local(2026, 12, 8, 18)
    assert callback.assignee_id == world.operator.id
    assert await CallbackWindow.filter(callback_id=callback.id).count() == 2
    assert (await Call.get(id=world.call.id)).outcome == CallOutcome.CALLBACK_PROMISED
    [event] = await InteractionEvent.filter(client_id=world.caller.id, kind="call")
    assert "Обещан обратный звонок" in event.summary
    assert event.details["callbackId"] == str(callback.id)


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"call_id": "00000000-0000-0000-0000-000000000000"}, ErrorCode.NOT_FOUND, "callId"),
    ({"call_id": "nonsense"}, ErrorCode.NOT_FOUND, "callId"),
    ({"number": "12"}, ErrorCode.INVALID_PHONE, "number"),
    ({"windows": [Window(local(2026, 12, 8, 19), local(2026, 12, 8, 22))]},
     ErrorCode.OUTSIDE_WORKING_HOURS, "windows.0"),
    ({"windows": [Window(local(2026, 12, 6, 10), local(2026, 12, 6, 12))]},
     ErrorCode.INVALID, "windows.0.endsAt"),
])
async def test_bad_promise_writes_nothing(settings, change, code, field):
    """R-3.8 bad input: a clear error naming the field, and no callback row."""
    world = await build_world()
    args = {"call_id": world.call.id, "number": "89021234567",
            "windows": [Window(local(2026, 12, 8, 10), local(2026, 12, 8, 11))], **change}
    with pytest.raises(DomainError) as err:
        await callbacks.promise(OPERATOR, args["call_id"], args["number"],
                                local(2026, 12, 8, 9), args["windows"], now=NOW)
    assert (err.value.code, err.value.field) == (code, field)
    assert await Callback.all().count() == 0


async def test_missed_attempt_moves_to_next_window_and_answer_closes(settings):
    """R-3.8: a missed attempt moves the callback to the next window (its reminder stamps
    cleared); reaching the caller closes it; every outcome logged and in the history."""
    world = await build_world()
    callback = await promise(world)
    await Callback.filter(id=callback.id).update(reminded_at=local(2026, 12, 8, 16, 30))
    moved = await callbacks.record_attempt(OPERATOR, callback.id, CallbackOutcome.NO_ANSWER,
                                           "Не берут трубку", now=local(2026, 12, 8, 17, 10))
    assert moved.status == CallbackStatus.SCHEDULED and moved.attempts == 1
    assert moved.due_at == local(2026, 12, 9, 10) and moved.reminded_at is None
    done = await callbacks.record_attempt(OPERATOR, callback.id, "answered",
                                          now=local(2026, 12, 9, 10, 5))
    assert done.status == CallbackStatus.DONE and done.done_at == local(2026, 12, 9, 10, 5)
    log = await CallbackAttempt.filter(callback_id=callback.id).order_by("attempted_at")
    assert [a.outcome for a in log] == [CallbackOutcome.NO_ANSWER, CallbackOutcome.ANSWERED]
    assert log[0].note == "Не берут трубку" and log[0].staff_id == world.operator.id
    events = await InteractionEvent.filter(client_id=world.caller.id).order_by("id")
    assert [e.details["event"] for e in events] == [
        "callback_promised", "callback_attempt", "callback_attempt"]
    assert "следующая попытка" in events[1].summary
    with pytest.raises(DomainError) as err:
        await callbacks.record_attempt(OPERATOR, callback.id, "answered")
    assert err.value.code == ErrorCode.INVALID_STATE


async def test_last_window_missed_fails(settings):
    world = await build_world()
    callback = await promise(world, windows=[Window(local(2026, 12, 8, 10),
                                                    local(2026, 12, 8, 11))])
    failed = await callbacks.record_attempt(OPERATOR, callback.id, "busy",
                                            now=local(2026, 12, 8, 10, 30))
    assert failed.status == CallbackStatus.FAILED and failed.done_at is not None


async def test_bad_outcome_is_named(settings):
    world = await build_world()
    callback = await promise(world)
    with pytest.raises(DomainError) as err:
        await callbacks.record_attempt(OPERATOR, callback.id, "maybe")
    assert err.value.field == "outcome"


async def test_list_mine_overdue_and_pages(settings):
    """R-3.8: the operator's list, soonest due first, keyset pages, overdue filter."""
    world = await build_world()
    made = [await promise(world, windows=[Window(local(2026, 12, 8, 10 + i),
                                                 local(2026, 12, 8, 11 + i))])
            for i in (2, 0, 1)]
    rows, more = await callback_queries.page(OPERATOR, 2, None, mine=True)
    assert more and [r["id"] for r in rows] == [made[1].id, made[2].id]
    after = callback_queries.encode_due_cursor(rows[-1]["due_at"], rows[-1]["id"])
    rows, more = await callback_queries.page(OPERATOR, 2, after, mine=True)
    assert not more and [r["id"] for r in rows] == [made[0].id]
    overdue, _ = await callback_queries.page(OPERATOR, 10, None, overdue_only=True,
                                             now=local(2026, 12, 8, 11, 30))
    assert [r["id"] for r in overdue] == [made[1].id]
    other, _ = await callback_queries.page(OPERATOR.__class__(OPERATOR.role, "nobody"), 10,
                                           None, mine=True)
    assert other == []
    with pytest.raises(DomainError):
        await callback_queries.page(OPERATOR, 2, "bm9wZQ==")
    assert dt.timedelta(0) == made[0].due_until - local(2026, 12, 8, 13)
