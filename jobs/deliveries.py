"""Deliveries jobs: send one outbox row (``send_delivery``, job id = delivery id), and the
sweep that re-enqueues rows the after-commit hand-off missed."""

from __future__ import annotations

from typing import Any

from arq import Retry
from arq.cron import cron
from arq.worker import func

from domain import db
from domain.deliveries import dispatch
from domain.deliveries.channels import Channels


async def startup(ctx: dict[str, Any]) -> None:
    """Adapters live as long as the worker (arq gives each job a copy of this ctx), so SMTP
    connections are reused across jobs."""
    ctx["delivery_channels"] = Channels(ctx["settings"])


def channels(ctx: dict[str, Any]) -> Channels:
    found = ctx.get("delivery_channels")
    if found is None:  # called outside a worker (tests, scripts)
        found = ctx["delivery_channels"] = Channels(ctx["settings"])
    return found


async def send_delivery(ctx: dict[str, Any], delivery_id: str) -> str:
    """``deliver`` rides out short database outages itself; one longer than its retry window
    defers the job (arq retries only on ``Retry``) instead of waiting for the sweep."""
    try:
        outcome = await dispatch.deliver(delivery_id, channels(ctx), ctx["settings"])
    except Exception as exc:
        if not db.is_unavailable(exc):
            raise
        raise Retry(defer=DB_AWAY_RETRY_SECONDS) from exc
    if outcome.retry_in is not None:
        raise Retry(defer=outcome.retry_in)
    return outcome.status


async def sweep_deliveries(ctx: dict[str, Any]) -> dict[str, int]:
    return await dispatch.sweep(ctx["settings"])


async def close(ctx: dict[str, Any]) -> None:
    found = ctx.pop("delivery_channels", None)
    if found is not None:
        await found.close()


DB_AWAY_RETRY_SECONDS = 15

FUNCTIONS: list[Any] = [
    # keep_result=0: a finished job leaves no result key, so the same delivery id can be
    # enqueued again (staff retry, sweep). Attempts are counted on the row, not by arq.
    # The timeout covers two database retry windows and an SMTP exchange, and stays below
    # the stuck timeout (300 s), after which the sweep would send the row again.
    func(send_delivery, name="send_delivery", keep_result=0, max_tries=1000, timeout=240),
]
CRON_JOBS: list[Any] = [
    cron(sweep_deliveries, name="sweep_deliveries", second={0, 15, 30, 45},
         run_at_startup=True, timeout=120),
]
