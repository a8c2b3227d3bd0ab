"""History jobs: building exports (R-1.5 "on request the client gets their whole history")
and the retention sweep."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from arq import Retry
from arq.cron import cron
from tortoise.exceptions import DBConnectionError

from domain import redis
from domain.clients.queries import display_name_of
from domain.deliveries import retention as delivery_retention
from domain.deliveries.service import notify_history_export
from domain.history import exports, retention
from domain.messages import archive as message_archive

log = logging.getLogger(__name__)

# The areas that keep the archive's cases, handed to history's sweep.
HOLDERS = (message_archive.HOLDER, delivery_retention.HOLDER)

# Disk and database hiccups are worth another try; anything else is a bug and fails at once.
TRANSIENT = (OSError, DBConnectionError, ConnectionError, TimeoutError)
MAX_TRIES = 5


async def build_history_export(ctx: dict[str, Any], export_id: str) -> str:
    """Build one export's JSON and HTML documents (named by the clients area, with every case
    and its materials from the messages area) and notify the client by their chosen channel
    (the deliveries outbox); a second run of a READY export is a no-op. The job composes the
    areas; history imports none of them."""
    try:
        return await exports.build(ctx["settings"], export_id, notify=notify_history_export,
                                   client_name=display_name_of,
                                   cases=message_archive.client_cases)
    except TRANSIENT as exc:
        tries = ctx.get("job_try", 1)
        if tries >= MAX_TRIES:
            raise
        log.warning("history export %s: %s, retrying", export_id, exc)
        raise Retry(defer=timedelta(seconds=10 * tries)) from exc


async def sweep_retention(ctx: dict[str, Any]) -> dict[str, Any]:
    """Daily: anonymise or delete the cases (messages with everything handled under them),
    stand-alone notices and events past their retention period; expire export files."""
    run = await retention.sweep(ctx["settings"], holders=HOLDERS)
    return {"action": run.action, "affected": run.affected, "total": run.total,
            "records": run.records, "cases": run.cases, "exportsExpired": run.exports_expired}


async def resume_history_exports(ctx: dict[str, Any]) -> int:
    """Re-enqueue exports still PENDING: their hand-off to Redis may have been lost.
    The job ID makes this harmless when the job is in fact still queued."""
    ids = await exports.stale_pending(timedelta(minutes=5))
    for export_id in ids:
        await redis.enqueue(exports.JOB, export_id, job_id=exports.job_id(export_id))
    return len(ids)


FUNCTIONS: list[Any] = [build_history_export, sweep_retention, resume_history_exports]
CRON_JOBS: list[Any] = [
    cron(sweep_retention, hour={2}, minute={30}, unique=True, run_at_startup=False),
    cron(resume_history_exports, minute=set(range(0, 60, 10)), unique=True),
]
