"""The callback sweep (R-3.8): the assignee reminded before the window, an overdue window
alerted and escalated to the department head, never twice. Both databases."""

from __future__ import annotations

import asyncio
import datetime as dt

from domain.consultation import callback_alerts, callbacks
from domain.consultation.callback_models import CallbackAlert, CallbackAlertKind
from domain.consultation.callback_rules import Window
from domain.consultation.models import Callback
from domain.deliveries.models import Delivery
from domain.directory.models import StaffMember
from tests.domain.consultation.callbacks_world import OPERATOR, build_world, local

NOW = local(2026, 12, 7, 10)


async def promised(world, **extra):
    return await callbacks.promise(
        OPERATOR, world.call.id, "89021234567", local(2026, 12, 8, 9),
        [Window(local(2026, 12, 8, 10), local(2026, 12, 8, 11)),
         Window(local(2026, 12, 9, 10), local(2026, 12, 9, 11))], now=NOW, **extra)


async def mails() -> list[tuple[str, str]]:
    return [(d.address, d.subject) for d in await Delivery.all().order_by("created_at")]


async def test_reminder_before_the_window_once(settings):
    """R-3.8: the assignee is reminded `callback_reminder_minutes` before the window; a
    second or concurrent sweep writes no second alert and no second mail."""
    world = await build_world()
    callback = await promised(world)
    early = await callback_alerts.sweep(local(2026, 12, 8, 9, 29), settings)
    assert early.reminders == 0 and await mails() == []
    runs = await asyncio.gather(*[callback_alerts.sweep(local(2026, 12, 8, 9, 31), settings)
                                  for _ in range(3)])
    assert sum(r.reminders for r in runs) == 1 and sum(r.emails for r in runs) == 1
    [(address, subject)] = await mails()
    assert address == "operator@gov.example.ru" and "обратный звонок" in subject
    assert (await Callback.get(id=callback.id)).reminded_at is not None
    again = await callback_alerts.sweep(local(2026, 12, 8, 9, 45), settings)
    assert (again.reminders, again.emails) == (0, 0)


async def test_overdue_escalates_to_the_head_once(settings):
    """R-3.8: a window closed with no answer raises an overdue alert to the assignee and
    the department head, the callback is escalated to the head; reruns add nothing."""
    world = await build_world()
    callback = await promised(world)
    result = await callback_alerts.sweep(local(2026, 12, 8, 11, 1), settings)
    assert (result.reminders, result.overdue, result.emails) == (0, 1, 2)
    assert sorted(a for a, _ in await mails()) == ["head@gov.example.ru",
                                                    "operator@gov.example.ru"]
    assert all(s.startswith("Срок истёк") for _, s in await mails())
    row = await Callback.get(id=callback.id)
    assert row.escalated_to_id == world.head.id and row.escalated_at is not None
    [alert] = await CallbackAlert.filter(callback_id=callback.id)
    assert alert.kind == CallbackAlertKind.OVERDUE and alert.recipients == ["operator-1",
                                                                            "head-1"]
    again = await callback_alerts.sweep(local(2026, 12, 8, 12), settings)
    assert (again.overdue, again.emails) == (0, 0)


async def test_moved_callback_is_reminded_of_its_new_window(settings):
    """R-3.8: after a missed attempt the next window gets its own reminder."""
    world = await build_world()
    callback = await promised(world)
    await callback_alerts.sweep(local(2026, 12, 8, 9, 45), settings)
    await callbacks.record_attempt(OPERATOR, callback.id, "no_answer",
                                   now=local(2026, 12, 8, 10, 5))
    result = await callback_alerts.sweep(local(2026, 12, 9, 9, 40), settings)
    assert result.reminders == 1 and result.overdue == 0
    assert await CallbackAlert.filter(callback_id=callback.id).count() == 2


async def test_unassigned_callback_alerts_every_supervisor(settings):
    """Nobody to remind: the supervisors hear of it (role recipient)."""
    world = await build_world()
    call = world.call
    call.operator_id = None
    await call.save()
    await StaffMember.filter(id=world.operator.id).update(subject="someone-else")
    callback = await promised(world)
    assert callback.assignee_id is None
    result = await callback_alerts.sweep(local(2026, 12, 8, 11, 30), settings)
    assert result.overdue == 1
    assert [a for a, _ in await mails()] == ["head@gov.example.ru"]
    [alert] = await CallbackAlert.all()
    assert alert.recipients == [callback_alerts.SUPERVISORS]
    assert dt.timedelta(0) <= alert.created_at - local(2026, 12, 8, 11, 30)
