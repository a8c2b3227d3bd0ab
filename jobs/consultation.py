"""Consultation line jobs: the callback sweep (R-3.8: remind the assignee before the window,
alert and escalate an overdue window) and the survey invitation after a call (R-9).

Both are idempotent: one ``CallbackAlert`` per callback, kind and window, one mail per alert
and recipient; one invitation per call, claimed by ``survey_invited_at``. Each reads only
the rows whose moment has come, on indexes, so a run with nothing due costs two index probes.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.consultation import after_call, callback_alerts
from domain.settings import get_settings


async def sweep_callbacks(ctx: dict[str, Any]) -> dict[str, int]:
    result = await callback_alerts.sweep(settings=ctx.get("settings") or get_settings())
    return {"reminders": result.reminders, "overdue": result.overdue, "emails": result.emails}


async def invite_after_calls(ctx: dict[str, Any]) -> int:
    return await after_call.invite_ended_calls(ctx.get("settings") or get_settings())


FUNCTIONS: list[Any] = [sweep_callbacks, invite_after_calls]
# Every minute: a callback window may be an hour long, so its reminder and its overdue alert
# must not wait ten; the survey reaches the caller while the call is fresh.
CRON_JOBS: list[Any] = [
    cron(sweep_callbacks, minute=None, second=10, unique=True, timeout=300),
    cron(invite_after_calls, minute=None, second=40, unique=True, timeout=300),
]
