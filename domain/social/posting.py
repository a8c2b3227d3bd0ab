"""The answer's outbox: one posting attempt at a time per answer, retried with a clear state
until the network takes it, never posted twice.

``post`` claims the answer under a lock and moves ``next_attempt_at`` a lease ahead (a
worker that dies mid-call leaves the answer to the sweep after the lease, which repeats the
call with the same idempotency key), calls the network outside any transaction, then
records the outcome: POSTED (the item is answered), RETRYING (after Retry-After or a
backoff), or FAILED (a final refusal, or attempts used up: the item is open again, so staff
see it, may rewrite the answer or move the item; nothing is lost)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q

from domain.ids import as_uuid
from domain.settings import Settings, get_settings
from domain.social import events, networks, rules
from domain.social.models import PostState, SocialAnswer, SocialItem, SocialSource, SocialStatus
from domain.transaction import transaction

LEASE = dt.timedelta(minutes=5)
WAITING = (PostState.QUEUED, PostState.RETRYING)


async def _claim(answer_id: Any, now: dt.datetime
                 ) -> tuple[SocialAnswer, SocialItem, SocialSource] | None:
    async with transaction():
        answer = await SocialAnswer.filter(id=answer_id, state__in=WAITING).select_for_update(
            skip_locked=True).first()
        if answer is None or (answer.next_attempt_at and answer.next_attempt_at > now):
            return None
        answer.attempts += 1
        answer.next_attempt_at = now + LEASE
        await answer.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
        item = await SocialItem.get(id=answer.item_id)
        source = await SocialSource.get(id=item.source_id)
    return answer, item, source


async def post(answer_id: Any, settings: Settings | None = None,
               now: dt.datetime | None = None) -> str | None:
    """One attempt; returns the answer's state after it (None: nothing to do now)."""
    settings = settings or get_settings()
    found = as_uuid(answer_id)
    if found is None:
        return None
    claimed = await _claim(found, now or dt.datetime.now(dt.UTC))
    if claimed is None:
        return None
    answer, item, source = claimed
    outcome = await networks.post(source, item, answer, settings)
    return await _record(answer.id, outcome, settings, now or dt.datetime.now(dt.UTC))


async def _record(answer_id: Any, outcome: networks.Outcome, settings: Settings,
                  now: dt.datetime) -> str:
    async with transaction():
        answer = await SocialAnswer.filter(id=answer_id).select_for_update().first()
        item = await SocialItem.filter(id=answer.item_id).select_for_update().first()
        if answer.state == PostState.POSTED:  # another attempt got there first
            return str(answer.state)
        if outcome.posted:
            answer.state, answer.posted_at = PostState.POSTED, now
            answer.external_id, answer.last_error, answer.next_attempt_at = (
                outcome.external_id, None, None)
            item.status, item.answered_at, item.next_alert_at = SocialStatus.ANSWERED, now, None
            if item.client_id is not None:
                await events.answer_posted(item, answer)
        elif outcome.transient and answer.attempts < settings.social_post_max_attempts:
            delay = rules.retry_delay(answer.attempts, outcome.retry_after,
                                      settings.social_post_retry_seconds,
                                      settings.social_post_retry_cap_seconds)
            answer.state, answer.last_error = PostState.RETRYING, outcome.reason
            answer.next_attempt_at = now + dt.timedelta(seconds=delay)
        else:
            answer.state, answer.last_error, answer.next_attempt_at = (
                PostState.FAILED, outcome.reason, None)
            item.status = SocialStatus.NEW
        await answer.save()
        await item.save(update_fields=["status", "answered_at", "next_alert_at", "updated_at"])
        events.publish_after_commit(item)
    return str(answer.state)


async def post_due(settings: Settings | None = None, now: dt.datetime | None = None,
                   batch: int = 100) -> dict[str, int]:
    """The sweep: answers whose attempt is due (queued and not handed off, waiting after a
    failure, or left by a worker that died), posted one by one."""
    now = now or dt.datetime.now(dt.UTC)
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    ids = await SocialAnswer.filter(due, state__in=WAITING).order_by(
        "next_attempt_at").limit(batch).values_list("id", flat=True)
    counts: dict[str, int] = {}
    for answer_id in ids:
        state = await post(answer_id, settings, now)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts
