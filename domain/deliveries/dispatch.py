"""The worker side of the outbox: send one delivery; sweep up what the hand-off missed.

Exactly-once as far as it can be had (arq runs a job at least once):
- a worker *claims* a row with one conditional UPDATE (pending -> sending); of two workers
  holding the same job only one wins, the other does nothing;
- the row is ``sending`` before the SMTP transaction starts, and the email's Message-ID is
  derived from the delivery id;
- a row left ``sending`` (its worker died mid-send) is sent again only after
  ``delivery_stuck_after_seconds``, longer than any job may run, with the same Message-ID.
- the claim and every later update are idempotent statements, retried inside the job while
  the database is unreachable (``delivery_db_retry_seconds``), so a mail the SMTP server
  accepted during a database blip is still recorded as sent, not left ``sending`` for the
  stuck sweep to send again.
  What can still reach a mailbox twice: a worker killed between the SMTP server's
  "250 accepted" and the UPDATE that records it, or a database away for longer than the
  retry window at that moment; receivers can drop that duplicate by its Message-ID.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from tortoise import connections

from domain import db
from domain.deliveries import rules
from domain.deliveries.channels import Channels, PermanentFailure, TransientFailure
from domain.deliveries.models import Delivery, DeliveryStatus, PostalState
from domain.deliveries.outbox import PURPOSE_RU, announce, enqueue, now, publish
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import as_uuid
from domain.settings import Settings
from domain.transaction import transaction

log = logging.getLogger(__name__)

# What adapters and the outcome bookkeeping read (not the stored template context).
SEND_COLUMNS = ("id", "client_id", "channel", "address", "recipient_name", "purpose",
                "subject", "body_text", "body_html", "headers", "attachments", "attempts",
                "created_at")
STUCK_NOTE = "Обработчик остановился во время отправки; отправляем повторно."
SWEEP_BATCH = 1000
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # sent | held | retry | failed | skipped
    retry_in: float | None = None


async def deliver(delivery_id: Any, channels: Channels, settings: Settings) -> Outcome:
    """One attempt at one delivery; safe to call any number of times for the same id."""
    did = as_uuid(delivery_id)
    if did is None:
        return Outcome("skipped")
    started = now()
    row = await persist(lambda: _claim(did, started), settings)
    if row is None:  # done, cancelled, not yet due, or another worker has it
        return Outcome("skipped")
    adapter = channels.get(row.channel)
    if adapter is None:
        return await fail(row, f"Канал «{row.channel}» не умеет отправлять сообщения.", settings)
    try:
        result = await adapter.send(row)
    except PermanentFailure as exc:
        return await fail(row, exc.reason, settings)
    except TransientFailure as exc:
        return await retry_or_fail(row, exc.reason, settings)
    except Exception as exc:  # a bug or an unforeseen library error: bounded retries
        log.exception("delivery %s: unexpected error", did)
        return await retry_or_fail(row, f"Внутренняя ошибка: {type(exc).__name__}", settings)
    done = now()
    if result.held:
        await persist(lambda: Delivery.filter(id=did, status=DeliveryStatus.SENDING,
                                              postal_state__isnull=True).update(
            postal_state=PostalState.QUEUED, last_error=None, updated_at=done), settings)
        await _publish(row, DeliveryStatus.SENDING)
        return Outcome("held")
    # The receiver has the mail now: this update must land, or the stuck sweep sends again.
    await persist(lambda: _sql(
        "UPDATE delivery SET status = 'sent', sent_at = {}, message_id = {}, last_error = NULL, "
        "updated_at = {} WHERE id = {} AND status = 'sending'",
        done, result.external_id, done, str(did), fetch=False), settings)
    await _publish(row, DeliveryStatus.SENT)
    return Outcome("sent")


async def _sql(template: str, *values: Any, fetch: bool = True) -> list[dict[str, Any]]:
    """Plain SQL for the two statements every delivery runs (claim, record): the query
    builder costs more CPU than the rest of a send. ``{}`` marks each parameter."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql = template.format(*(f"${n}" for n in range(1, len(values) + 1)))
    else:
        sql = template.format(*("?" for _ in values))
    if fetch:
        return await conn.execute_query_dict(sql, list(values))
    await conn.execute_query(sql, list(values))
    return []


async def persist(call: Callable[[], Awaitable[T]], settings: Settings) -> T:
    """Run one idempotent database step, again and again (with back-off) while the database
    is unreachable, for up to ``delivery_db_retry_seconds``; any other error at once."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + settings.delivery_db_retry_seconds
    pause = 0.1
    while True:
        try:
            return await call()
        except Exception as exc:
            if not db.is_unavailable(exc) or loop.time() + pause > give_up:
                raise
            log.warning("delivery: database unavailable (%s: %s), retrying in %.1f s",
                        type(exc).__name__, exc, pause)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 5.0)


async def _claim(delivery_id: uuid.UUID, started: Any) -> Delivery | None:
    """pending -> sending in one statement, returning what the adapter needs.

    Idempotent for one ``started`` (one job run): if the claim committed but its answer was
    lost with the connection, the retry finds the row ``sending`` since exactly ``started``
    and takes it again, without counting a second attempt."""
    rows = await _sql(
        "UPDATE delivery SET status = 'sending', "
        "attempts = CASE WHEN status = 'pending' THEN attempts + 1 ELSE attempts END, "
        "sending_started_at = {}, updated_at = {} WHERE id = {} AND (status = 'pending' "
        "AND next_attempt_at <= {} OR status = 'sending' AND sending_started_at = {}) "
        f"RETURNING {', '.join(SEND_COLUMNS)}",
        started, started, str(delivery_id), started + timedelta(seconds=1), started)
    return Delivery._init_from_db(**rows[0]) if rows else None


async def retry_or_fail(row: Delivery, reason: str, settings: Settings) -> Outcome:
    if row.attempts >= settings.delivery_max_attempts:
        return await fail(row, f"{reason} (попыток: {row.attempts})", settings)
    delay = rules.backoff_seconds(row.attempts, settings.delivery_retry_base_seconds,
                                  settings.delivery_retry_max_seconds)
    at = now()
    await persist(lambda: Delivery.filter(id=row.id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, next_attempt_at=at + timedelta(seconds=delay),
        last_error=reason[:1000], sending_started_at=None, updated_at=at), settings)
    await _publish(row, DeliveryStatus.PENDING)
    return Outcome("retry", delay)


async def fail(row: Delivery, reason: str, settings: Settings) -> Outcome:
    return await persist(lambda: _fail(row, reason), settings)


async def _fail(row: Delivery, reason: str) -> Outcome:
    at = now()
    async with transaction():
        changed = await Delivery.filter(id=row.id, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED, last_error=reason[:1000], finished_at=at, updated_at=at)
        if changed and row.client_id is None:  # mail to an employee: no client history
            row.status = DeliveryStatus.FAILED
            announce(row)
        elif changed:
            row.status = DeliveryStatus.FAILED
            label = PURPOSE_RU.get(row.purpose, row.purpose)
            await history.record(
                row.client_id, EventKind.DELIVERY_FAILED,
                f"{label} не доставлено ({rules.CHANNEL_RU.get(row.channel, '—')}): {reason}",
                direction=Direction.OUTBOUND, channel=row.channel,
                source=("delivery", row.id),
                details={"deliveryId": str(row.id), "status": "failed", "error": reason[:500]},
            )
            announce(row)
    return Outcome("failed")


async def _publish(row: Delivery, status: DeliveryStatus) -> None:
    try:
        await publish(row.id, row.client_id, status)
    except Exception:  # live updates are best effort; the row is the truth
        log.warning("delivery %s: publish failed", row.id, exc_info=True)


async def sweep(settings: Settings) -> dict[str, int]:
    """Re-enqueue what the after-commit hand-off missed (Redis was down, a worker died).

    Pending rows due more than ``delivery_sweep_after_seconds`` ago are enqueued under their
    own id (a no-op while arq still holds that job); if that job seems held by a dead
    worker (due longer than the stuck timeout), under a fresh id — the claim keeps a second
    job from sending twice. Rows left ``sending`` past the stuck timeout go back to pending.
    """
    at = now()
    stuck_before = at - timedelta(seconds=settings.delivery_stuck_after_seconds)
    counts = {"stuck": 0, "enqueued": 0}
    stuck = await Delivery.filter(
        status=DeliveryStatus.SENDING, sending_started_at__lt=stuck_before,
    ).exclude(channel__in=list(rules.MANUAL)).limit(SWEEP_BATCH).values("id", "attempts")
    for row in stuck:
        reset = await Delivery.filter(
            id=row["id"], status=DeliveryStatus.SENDING, sending_started_at__lt=stuck_before,
        ).update(status=DeliveryStatus.PENDING, next_attempt_at=at, last_error=STUCK_NOTE,
                 sending_started_at=None, updated_at=at)
        if reset:
            counts["stuck"] += 1
            await enqueue(row["id"], job_id=f"{row['id']}:{row['attempts']}")
            counts["enqueued"] += 1
    due = await Delivery.filter(
        status=DeliveryStatus.PENDING,
        next_attempt_at__lt=at - timedelta(seconds=settings.delivery_sweep_after_seconds),
    ).order_by("next_attempt_at").limit(SWEEP_BATCH).values("id", "attempts", "next_attempt_at")
    for row in due:
        # Under its own id; if arq still holds that (its worker died), under a late one.
        late = row["next_attempt_at"] < stuck_before
        if await enqueue(row["id"]) or (late and await enqueue(
                row["id"], job_id=f"{row['id']}:{row['attempts']}:late")):
            counts["enqueued"] += 1
    if counts["enqueued"]:
        log.info("delivery sweep: %s", counts)
    return counts
