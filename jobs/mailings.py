"""Mailings jobs: a campaign's batch senders (``send_campaign``, several per campaign), and
the cron that starts scheduled campaigns, requeues stuck batches and purges sign-ups never
confirmed."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from domain.deliveries.channels import Channels
from domain.enums import Channel
from domain.mailings import campaigns, sending, service
from jobs.deliveries import channels


async def send_campaign(ctx: dict[str, Any], campaign_id: str, part: int = 0) -> dict[str, int]:
    """Idempotent: claims only queued rows; a second job for the same campaign shares the
    work. The email adapter (and its SMTP connections) is the deliveries worker's."""
    found: Channels = channels(ctx)
    return await sending.send_batches(campaign_id, found.get(Channel.EMAIL), ctx["settings"])


async def mailing_cron(ctx: dict[str, Any]) -> dict[str, int]:
    settings = ctx["settings"]
    return {"started": await campaigns.start_due(settings),
            "requeued": await sending.recover_stuck(settings)}


async def purge_mailing_signups(ctx: dict[str, Any]) -> int:
    return await service.purge_unconfirmed(ctx["settings"])


FUNCTIONS: list[Any] = [
    func(send_campaign, name=campaigns.JOB, keep_result=0, max_tries=3, timeout=3600),
]
CRON_JOBS: list[Any] = [
    cron(mailing_cron, name="mailing_cron", second={5}, run_at_startup=True, timeout=300),
    cron(purge_mailing_signups, name="purge_mailing_signups", minute={17}, second={0},
         timeout=300),
]
