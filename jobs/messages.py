"""Message jobs: the deadline sweep over every open term of a message (warn the executor one
working day before a term runs out, escalate an overdue term to the executor and the
department's head, email them through the deliveries outbox, publish ``deadlineAlert``).

The sweep is idempotent (one ``DeadlineAlert`` per message, alert kind, term and deadline;
one email per alert and recipient) and reads
only the messages whose alert moment has come, in keyset batches, so a run costs the
same whether 1,000 or 1,000,000 messages are open.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.messages import deadlines
from domain.settings import get_settings


async def sweep_message_deadlines(ctx: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.get("settings") or get_settings()
    result = await deadlines.sweep(batch=settings.message_sweep_batch)
    return {"warnings": result.warnings, "overdue": result.overdue, "batches": result.batches,
            "emails": result.emails, "seconds": round(result.seconds, 3)}


FUNCTIONS: list[Any] = [sweep_message_deadlines]
# Every ten minutes: a warning is due at the start of a working day, so it goes out
# within ten minutes of 09:00; an overdue message within ten minutes of its deadline.
CRON_JOBS: list[Any] = [
    cron(sweep_message_deadlines, minute=set(range(0, 60, 10)), second=30, unique=True,
         run_at_startup=True),
]
