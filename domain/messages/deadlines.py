"""The active deadline of a message, and the sweep that watches all of them.

``refresh`` recomputes a message's active deadline after every step and points
``next_alert_at`` at the next moment something must be said about it. The sweep
reads only messages whose ``next_alert_at`` has come (an index range scan, in keyset
batches), writes one ``DeadlineAlert`` per (message, kind, deadline) — the unique key
makes a repeated or concurrent run a no-op — and moves ``next_alert_at`` on: from the
warning to the deadline itself, and after the overdue escalation to nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from tortoise.expressions import F, Q

from domain import redis
from domain.directory import queries as directory
from domain.messages import rules
from domain.messages.models import AlertKind, Audience, DeadlineAlert, Message
from domain.transaction import after_commit, transaction

log = logging.getLogger(__name__)

TOPIC = "deadlines"
STAFF_KEY = "staff"  # every staff subscriber listens here and filters by recipient
SUPERVISORS = "role:supervisor"  # recipient when a department names no head


def inputs(m: Message) -> rules.DeadlineInputs:
    return rules.DeadlineInputs(
        status=m.status, audience=m.audience, form=m.form, abuse_status=m.abuse_status,
        urgent=m.urgent, received_at=m.received_at,
        registration_due_date=m.registration_due_date, answer_due_date=m.answer_due_date,
        urgent_due_date=m.urgent_due_date, abuse_notice_due_date=m.abuse_notice_due_date,
        internal_due_date=m.answer_due_date if m.audience == Audience.INTERNAL else None,
    )


def refresh(m: Message, calendar, settings) -> None:
    """Set the active deadline fields on ``m`` (the caller saves)."""
    deadline = rules.active_deadline(inputs(m), calendar)
    if deadline is None:
        m.due_kind = m.due_date = m.due_at = m.next_alert_at = None
        return
    if (m.due_kind, m.due_at) != (deadline.kind, deadline.at):
        m.next_alert_at = rules.warning_time(deadline, calendar, settings)
    m.due_kind, m.due_date, m.due_at = deadline.kind, deadline.date, deadline.at


@dataclass
class SweepResult:
    warnings: int = 0
    overdue: int = 0
    batches: int = 0
    seconds: float = 0.0
    alerts: list[dict[str, Any]] = field(default_factory=list)  # kept only when asked


_COLUMNS = ("id", "client_id", "due_at", "due_kind", "executor", "department_id",
            "registration_number", "next_alert_at")


async def sweep(now: dt.datetime | None = None, *, batch: int = 500, keep: bool = False
                ) -> SweepResult:
    """One pass over every message whose alert moment has come; safe to run twice."""
    started = time.perf_counter()
    now = now or dt.datetime.now(dt.UTC)
    result = SweepResult()
    last: tuple[dt.datetime, Any] | None = None
    while True:
        async with transaction():
            query = Message.filter(next_alert_at__lte=now, due_at__isnull=False)
            if last is not None:
                query = query.filter(
                    Q(next_alert_at__gt=last[0]) | Q(next_alert_at=last[0], id__gt=last[1]))
            # Model rows (``only`` the needed columns), because a values() query cannot
            # lock; SKIP LOCKED lets a second sweep on PostgreSQL pass these rows by.
            found = await (query.order_by("next_alert_at", "id").limit(batch)
                           .select_for_update(skip_locked=True).only(*_COLUMNS))
            rows = [{c: getattr(m, c) for c in _COLUMNS} for m in found]
            if not rows:
                break
            result.batches += 1
            last = (rows[-1]["next_alert_at"], rows[-1]["id"])
            published = await _alert_batch(rows, now)
        for payload in published:
            if payload["kind"] == AlertKind.WARNING:
                result.warnings += 1
            else:
                result.overdue += 1
            if keep:
                result.alerts.append(payload)
        if len(rows) < batch:
            break
    result.seconds = time.perf_counter() - started
    return result


async def _alert_batch(rows: list[dict[str, Any]], now: dt.datetime) -> list[dict[str, Any]]:
    """Alerts for one batch: three statements for the reads, one insert and one read-back
    of the new alerts' IDs (subscribers get them as Node IDs), two updates."""
    ids = [r["id"] for r in rows]
    existing = {
        (str(a["message_id"]), a["kind"], a["due_at"])
        for a in await DeadlineAlert.filter(message_id__in=ids).values("message_id", "kind",
                                                                        "due_at")
    }
    heads = await directory.heads_by_department(
        list({r["department_id"] for r in rows if r["department_id"]}))
    new: list[DeadlineAlert] = []
    payloads: list[dict[str, Any]] = []
    keys: list[tuple[str, str, dt.datetime]] = []
    warned, overdue = [], []
    for row in rows:
        kind = AlertKind.OVERDUE if now >= row["due_at"] else AlertKind.WARNING
        (overdue if kind == AlertKind.OVERDUE else warned).append(row["id"])
        if (str(row["id"]), str(kind), row["due_at"]) in existing:
            continue
        department = str(row["department_id"]) if row["department_id"] else None
        if kind == AlertKind.WARNING:
            recipients = [row["executor"]] if row["executor"] else heads.get(department or "", [])
        else:
            recipients = heads.get(department or "", [])
        recipients = recipients or [SUPERVISORS]
        new.append(DeadlineAlert(
            message_id=row["id"], kind=kind, due_kind=row["due_kind"], due_at=row["due_at"],
            recipients=recipients, department_id=row["department_id"], created_at=now,
        ))
        payloads.append({
            "messageId": str(row["id"]), "kind": str(kind), "dueKind": str(row["due_kind"]),
            "dueAt": row["due_at"].isoformat(), "recipients": recipients,
            "departmentId": department, "registrationNumber": row["registration_number"],
            "executor": row["executor"], "createdAt": now.isoformat(),
        })
        keys.append((str(row["id"]), str(kind), row["due_at"]))
    if new:
        await DeadlineAlert.bulk_create(new)
        ids = {(str(a["message_id"]), a["kind"], a["due_at"]): a["id"]
               for a in await DeadlineAlert.filter(
                   message_id__in=[a.message_id for a in new], created_at=now
               ).values("id", "message_id", "kind", "due_at")}
        for payload, key in zip(payloads, keys, strict=True):
            payload["id"] = ids.get(key)
    # A warned message is next looked at when its deadline passes; an overdue one never
    # again, until a step gives it a new deadline.
    if warned:
        await Message.filter(id__in=warned).update(next_alert_at=F("due_at"))
    if overdue:
        await Message.filter(id__in=overdue).update(next_alert_at=None, escalated_at=now)
    if payloads:
        after_commit(lambda: _publish(payloads))
    return payloads


async def _publish(payloads: list[dict[str, Any]]) -> None:
    """One pipeline per batch: subscribers on any API process hear every alert."""
    conn = redis.get_redis()
    channel = redis.channel(TOPIC, STAFF_KEY)
    async with conn.pipeline(transaction=False) as pipe:
        for payload in payloads:
            pipe.publish(channel, orjson.dumps(payload))
        await pipe.execute()
