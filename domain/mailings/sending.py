"""The worker side of campaigns: claim a batch, re-check and hold consent, send, record.

Each email goes out only if, at that moment, its subscription is confirmed, its address is
not bounced or complained, and its list not deleted (R-6.1). The check is a lock, not a
read: the batch's subscription rows are held (``FOR SHARE``; SQLite: the write lock) from
the check until the batch is recorded, so a revocation arriving meanwhile waits for the
batch and applies to every email after it. Batches are small (``mailing_batch_size``), so
that wait is short.

Scale-out: any number of workers run ``send_batches`` for the same campaign; a batch is
claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) in one UPDATE, so two workers never
hold the same row, and ``(campaign_id, subscription_id)`` is unique, so no recipient has
two rows. A worker that dies leaves its batch ``sending``; after
``delivery_stuck_after_seconds`` it goes back to the queue (at most that batch again).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.exceptions import RedisError
from tortoise import connections

from domain import redis
from domain.deliveries.channels import PermanentFailure, TransientFailure
from domain.mailings import campaigns, service
from domain.mailings.models import Campaign, CampaignStatus, SendStatus
from domain.settings import Settings
from domain.transaction import transaction

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Email:
    """What the email adapter reads of a delivery, for one campaign email."""

    id: str
    address: str
    subject: str
    body_text: str
    body_html: str | None
    headers: dict[str, str]
    created_at: datetime
    recipient_name: str = ""
    attachments: list[dict[str, str]] | None = None  # campaigns carry none


class RateLimit:
    """At most ``per_second`` emails per second to one SMTP server, across all workers:
    a counter per server and second in Redis (without Redis: per process)."""

    def __init__(self, settings: Settings) -> None:
        host, port = settings.smtp_endpoint
        self.key = f"okno:mailrate:{host}:{port}"
        self.limit = settings.mailing_rate_per_second
        self.local: dict[int, int] = {}

    async def take(self, n: int = 1) -> None:
        """Wait until ``n`` (at most ``limit``) emails may leave in the current second. A
        refused reservation still counts, so the cap errs on the slow side, never over."""
        n = max(1, min(n, self.limit))
        while True:
            second = int(time.time())
            try:
                conn = redis.get_redis()
                key = f"{self.key}:{second}"
                count = await conn.incrby(key, n)
                if count == n:
                    await conn.expire(key, 5)
            except (RuntimeError, OSError, RedisError):
                count = self.local[second] = self.local.get(second, 0) + n
            if count <= self.limit:
                return
            await asyncio.sleep(max(0.001, second + 1 - time.time()))


def _sql(conn: Any, template: str, count: int) -> str:
    if conn.capabilities.dialect == "postgres":
        return template.format(*(f"${n}" for n in range(1, count + 1)))
    return template.format(*("?" for _ in range(count)))


async def _claim(campaign_id: str, size: int) -> list[int]:
    conn = connections.get("default")
    pg = conn.capabilities.dialect == "postgres"
    lock = " FOR UPDATE SKIP LOCKED" if pg else ""
    cast = "::uuid" if pg else ""
    rows = await conn.execute_query_dict(_sql(conn, (
        "UPDATE mailing_send SET status = 'sending', claimed_at = {}, attempts = attempts + 1 "
        "WHERE id IN (SELECT id FROM mailing_send WHERE campaign_id = {}" + cast +
        " AND status = 'queued' ORDER BY id LIMIT {}" + lock + ") RETURNING id"), 3),
        [now(), campaign_id, size])
    return [r["id"] for r in rows]


# The batch first (a materialised CTE, by primary key), then its recipients: the fan-out's
# rows are new, so the table's statistics lag, and without the fence the planner joined the
# whole list and scanned mailing_send once per subscriber (0.6 s a batch at 2,000 rows).
LOCK_CONSENT = (
    "WITH batch AS MATERIALIZED (SELECT id, subscription_id FROM mailing_send "
    "WHERE id IN ({ids})) "
    "SELECT m.id AS send_id, s.id AS subscription_id, s.nonce, a.email "
    "FROM batch m JOIN mailing_subscription s ON s.id = m.subscription_id "
    "JOIN mailing_address a ON a.id = s.address_id "
    "JOIN mailing_list l ON l.id = s.mailing_list_id "
    "WHERE s.status = 'confirmed' AND a.state = 'ok' AND l.deleted_at IS NULL"
)


async def _consenting(conn: Any, send_ids: list[int]) -> list[dict[str, Any]]:
    """The batch's recipients who still consent, their subscription rows locked until the
    transaction ends. On SQLite the batch's first write (marking the others skipped) takes
    the database's write lock instead."""
    pg = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if pg else "?" for n in range(1, len(send_ids) + 1))
    sql = LOCK_CONSENT.format(ids=marks) + (" FOR SHARE OF s" if pg else "")
    return await conn.execute_query_dict(sql, list(send_ids))


async def _mark(conn: Any, ids: list[int], status: SendStatus, error: str | None = None,
                from_status: str = "sending") -> None:
    if not ids:
        return
    pg = conn.capabilities.dialect == "postgres"
    n = len(ids)
    marks = ", ".join(f"${i}" if pg else "?" for i in range(4, n + 4))
    sql = (f"UPDATE mailing_send SET status = {'$1' if pg else '?'}, "
           f"sent_at = {'$2' if pg else '?'}, error = {'$3' if pg else '?'} "
           f"WHERE id IN ({marks}) AND status = '{from_status}'")
    at = now() if status == SendStatus.SENT else None
    await conn.execute_query(sql, [str(status), at, error, *ids])


async def send_batch(campaign: Campaign, list_name: str, send_ids: list[int], adapter: Any,
                     limiter: RateLimit, settings: Settings) -> dict[str, int]:
    subject = campaign.subject
    text, html = campaigns.rendered_parts(campaign, list_name)
    counts = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0}
    async with transaction() as conn:
        if conn.capabilities.dialect != "postgres":
            # SQLite: a write first, so the database's write lock is ours from here.
            await _mark(conn, send_ids, SendStatus.SENDING)
        rows = await _consenting(conn, send_ids)
        consenting = {r["send_id"] for r in rows}
        skipped = [i for i in send_ids if i not in consenting]
        await _mark(conn, skipped, SendStatus.SKIPPED, "нет согласия на момент отправки")
        counts["skipped"] = len(skipped)
        sent: list[int] = []
        retry: list[int] = []
        for i, row in enumerate(rows):
            if i % limiter.limit == 0:  # reserve the next chunk of the per-second allowance
                await limiter.take(min(limiter.limit, len(rows) - i))
            link = service.unsubscribe_url(row["subscription_id"], row["nonce"], settings)
            email = Email(
                id=f"m{campaign.id.hex[:12]}.{row['send_id']}", address=row["email"],
                subject=subject, body_text=campaigns.personal(text, link) or "",
                body_html=campaigns.personal(html, link),
                headers=campaigns.headers(link, settings), created_at=now())
            try:
                await adapter.send(email)
                sent.append(row["send_id"])
            except PermanentFailure as exc:
                await _mark(conn, [row["send_id"]], SendStatus.FAILED, exc.reason[:500])
                counts["failed"] += 1
            except TransientFailure as exc:
                retry.append(row["send_id"])
                log.info("campaign %s: %s", campaign.id, exc.reason)
        await _mark(conn, sent, SendStatus.SENT)
        counts["sent"] = len(sent)
        if retry:
            await _requeue(conn, retry)
            counts["retry"] = len(retry)
    return counts


async def _requeue(conn: Any, ids: list[int]) -> None:
    """Transient failures go back to the queue, or fail after ``MAX_ATTEMPTS``."""
    pg = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i}" if pg else "?" for i in range(1, len(ids) + 1))
    await conn.execute_query(
        f"UPDATE mailing_send SET status = CASE WHEN attempts >= {MAX_ATTEMPTS} THEN 'failed' "
        f"ELSE 'queued' END, error = 'временная ошибка SMTP' WHERE id IN ({marks})", ids)


async def send_batches(campaign_id: str, adapter: Any, settings: Settings,
                       limiter: RateLimit | None = None) -> dict[str, int]:
    """Claim and send batches while the campaign is sending and rows are queued; then the
    last worker out marks it sent."""
    limiter = limiter or RateLimit(settings)
    totals = {"sent": 0, "failed": 0, "skipped": 0, "retry": 0}
    while True:
        campaign = await Campaign.get_or_none(id=campaign_id).prefetch_related("mailing_list")
        if campaign is None or campaign.status != CampaignStatus.SENDING:
            return totals
        send_ids = await _claim(str(campaign.id), settings.mailing_batch_size)
        if not send_ids:
            break
        counts = await send_batch(campaign, campaign.mailing_list.name, send_ids, adapter,
                                  limiter, settings)
        for key, value in counts.items():
            totals[key] += value
        await campaigns.publish(str(campaign.id))
        if counts["retry"] and not counts["sent"]:
            await asyncio.sleep(min(5.0, settings.delivery_retry_base_seconds))
    progress = await campaigns.progress(campaign_id)
    if progress.remaining == 0:
        done = await Campaign.filter(id=campaign_id, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=now())
        if done:
            await campaigns.publish(str(campaign_id))
    return totals


async def recover_stuck(settings: Settings) -> int:
    """Rows left ``sending`` by a dead worker go back to the queue (and their campaign's
    jobs are restarted); those of a campaign cancelled meanwhile are dropped."""
    from domain.mailings.models import CampaignSend

    before = now() - timedelta(seconds=settings.delivery_stuck_after_seconds)
    stuck = CampaignSend.filter(status=SendStatus.SENDING, claimed_at__lt=before)
    campaign_ids = set(await stuck.limit(10_000).values_list("campaign_id", flat=True))
    cancelled = await Campaign.filter(id__in=list(campaign_ids),
                                      status=CampaignStatus.CANCELLED).values_list(
        "id", flat=True)
    if cancelled:
        await CampaignSend.filter(status=SendStatus.SENDING, campaign_id__in=list(cancelled)) \
            .update(status=SendStatus.SKIPPED, error="отменена")
    campaign_ids = set(await stuck.limit(10_000).values_list("campaign_id", flat=True))
    if not campaign_ids:
        return 0
    count = await CampaignSend.filter(status=SendStatus.SENDING, claimed_at__lt=before) \
        .update(status=SendStatus.QUEUED)
    sending_now = await Campaign.filter(id__in=list(campaign_ids),
                                        status=CampaignStatus.SENDING).values_list(
        "id", flat=True)
    async with transaction():
        for campaign_id in sending_now:
            campaigns.hand_off(campaign_id, settings)
    return count
