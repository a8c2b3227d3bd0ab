"""The open terms of a message, and the sweep that watches all of them.

``refresh`` recomputes every open term of a message after each step (R-2.4, R-2.5, 59-FZ:
registration, redirect, urgent, answer, abuse notice, internal terms — none hides another),
stores them in ``Message.terms`` with the nearest copied to ``due_*``, and points
``next_alert_at`` at the earliest moment something may be due about any of them. The sweep
reads only messages whose ``next_alert_at`` has come (an index range scan, in keyset
batches), writes one ``DeadlineAlert`` per (message, alert kind, term kind, deadline) — the
unique key makes a repeated or concurrent run a no-op — emails the executor and, on
escalation, the supervisors through the deliveries outbox (one mail per alert and
recipient, in the same transaction), and moves ``next_alert_at`` to the next moment any
term needs a word (nothing once every open term is escalated).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from tortoise import Tortoise
from tortoise.expressions import Q

from domain import redis
from domain import sql as sql_
from domain.deliveries import staff as staff_mail
from domain.deliveries.models import Purpose, Template
from domain.directory import queries as directory
from domain.directory.models import StaffMember
from domain.messages import rules
from domain.messages.models import AlertKind, Audience, DeadlineAlert, DeadlineKind, Message
from domain.transaction import after_commit, transaction

log = logging.getLogger(__name__)

TOPIC = "deadlines"
STAFF_KEY = "staff"  # every staff subscriber listens here and filters by recipient
SUPERVISORS = "role:supervisor"  # recipient when a department names no head

# How an alert email names the term (plain Russian, R-2.2).
TERM_RU = {
    DeadlineKind.REGISTRATION: "регистрация обращения",
    DeadlineKind.ANSWER: "ответ на обращение",
    DeadlineKind.URGENT: "ответ на срочное обращение",
    DeadlineKind.ABUSE_NOTICE: "уведомление о недопустимости злоупотребления правом",
    DeadlineKind.REDIRECT: "переадресация по компетенции",
    DeadlineKind.INTERNAL_ORAL: "устный ответ на запрос сотрудника",
    DeadlineKind.INTERNAL_WRITTEN: "ответ на запрос сотрудника",
}


def inputs(m: Message) -> rules.DeadlineInputs:
    return rules.DeadlineInputs(
        status=m.status, audience=m.audience, form=m.form, abuse_status=m.abuse_status,
        urgent=m.urgent, received_at=m.received_at,
        registration_due_date=m.registration_due_date,
        answer_due_date=m.answer_due_date if m.audience == Audience.EXTERNAL else None,
        urgent_due_date=m.urgent_due_date, abuse_notice_due_date=m.abuse_notice_due_date,
        internal_due_date=m.answer_due_date if m.audience == Audience.INTERNAL else None,
        redirect_due_date=m.redirect_due_date,
    )


def _term(d: rules.Deadline, warn_at: dt.datetime) -> dict[str, str]:
    return {"kind": str(d.kind), "date": d.date.isoformat(), "at": d.at.isoformat(),
            "warnAt": warn_at.isoformat()}


def open_terms(m: Message | dict[str, Any]) -> list[rules.Deadline]:
    """The stored open terms of a message (a model or a row with ``terms``)."""
    return terms_of(m["terms"] if isinstance(m, dict) else m.terms)


def terms_of(stored: list[dict[str, Any]] | None) -> list[rules.Deadline]:
    """Open terms from a message's ``terms`` column, as stored."""
    return [rules.Deadline(DeadlineKind(t["kind"]), dt.date.fromisoformat(t["date"]),
                           dt.datetime.fromisoformat(t["at"])) for t in stored or ()]


def refresh(m: Message, calendar, settings) -> None:
    """Set the open terms, the nearest deadline and ``next_alert_at`` on ``m`` (the caller
    saves). When the terms changed, the sweep looks again from the earliest warning moment:
    alerts already written are found by their key and not repeated."""
    found = rules.open_deadlines(inputs(m), calendar)
    terms = [_term(d, rules.warning_time(d, calendar, settings)) for d in found]
    if not terms:
        m.terms = None
        m.due_kind = m.due_date = m.due_at = m.next_alert_at = None
        return
    if terms != (m.terms or []):
        m.next_alert_at = min(dt.datetime.fromisoformat(t["warnAt"]) for t in terms)
    m.terms = terms
    nearest = found[0]
    m.due_kind, m.due_date, m.due_at = nearest.kind, nearest.date, nearest.at


@dataclass
class SweepResult:
    warnings: int = 0
    overdue: int = 0
    batches: int = 0
    emails: int = 0
    seconds: float = 0.0
    alerts: list[dict[str, Any]] = field(default_factory=list)  # kept only when asked


_COLUMNS = ("id", "client_id", "terms", "executor", "department_id", "registration_number",
            "next_alert_at", "escalated_at")


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
            if not found:
                break
            result.batches += 1
            last = (found[-1].next_alert_at, found[-1].id)
            published, emails = await _alert_batch(found, now)
        result.emails += emails
        for payload in published:
            if payload["kind"] == AlertKind.WARNING:
                result.warnings += 1
            else:
                result.overdue += 1
            if keep:
                result.alerts.append(payload)
        if len(found) < batch:
            break
    result.seconds = time.perf_counter() - started
    return result


def _recipients(kind: AlertKind, executor: str | None, heads: list[str]) -> list[str]:
    """A warning goes to the executor (the heads when nobody is named); an overdue term to
    the executor and the department's heads (every supervisor when it names none)."""
    if kind == AlertKind.WARNING:
        return [executor] if executor else (heads or [SUPERVISORS])
    return ([executor] if executor else []) + (heads or [SUPERVISORS])


async def _alert_batch(found: list[Message], now: dt.datetime
                       ) -> tuple[list[dict[str, Any]], int]:
    """Alerts for one batch: three reads, one insert and one read-back of the new alerts'
    IDs, one update (all messages' next moments at once); with new alerts, one read of the
    recipients' emails and one insert of the mails."""
    ids = [m.id for m in found]
    legacy = [m for m in found if m.terms is None]
    if legacy:  # written before terms were stored (migration 0013): computed once, here
        await _upgrade(legacy)
    existing = {
        (str(a["message_id"]), a["kind"], a["due_kind"], a["due_at"])
        for a in await DeadlineAlert.filter(message_id__in=ids).values(
            "message_id", "kind", "due_kind", "due_at")
    }
    heads = await directory.heads_by_department(
        list({m.department_id for m in found if m.department_id}))
    new: list[DeadlineAlert] = []
    payloads: list[dict[str, Any]] = []
    keys: list[tuple[str, str, str, dt.datetime]] = []
    for m in found:
        department = str(m.department_id) if m.department_id else None
        moments: list[dt.datetime] = []
        for term in m.terms or ():
            deadline = rules.Deadline(DeadlineKind(term["kind"]),
                                      dt.date.fromisoformat(term["date"]),
                                      dt.datetime.fromisoformat(term["at"]))
            kind, later = rules.alert_due(deadline, dt.datetime.fromisoformat(term["warnAt"]),
                                          now)
            if later is not None:
                moments.append(later)
            key = (str(m.id), str(kind), str(deadline.kind), deadline.at)
            if kind is None or key in existing:
                continue
            existing.add(key)
            recipients = _recipients(kind, m.executor, heads.get(department or "", []))
            if kind == AlertKind.OVERDUE:
                m.escalated_at = now
            new.append(DeadlineAlert(
                message_id=m.id, kind=kind, due_kind=deadline.kind, due_at=deadline.at,
                recipients=recipients, department_id=m.department_id, created_at=now,
            ))
            payloads.append({
                "messageId": str(m.id), "kind": str(kind), "dueKind": str(deadline.kind),
                "dueAt": deadline.at.isoformat(), "recipients": recipients,
                "departmentId": department, "registrationNumber": m.registration_number,
                "executor": m.executor, "createdAt": now.isoformat(),
            })
            keys.append(key)
        # Nothing more to say about any term: the sweep forgets the message until a step
        # gives it new terms.
        m.next_alert_at = min(moments) if moments else None
    emails = 0
    if new:
        await DeadlineAlert.bulk_create(new)
        alert_ids = {(str(a["message_id"]), a["kind"], a["due_kind"], a["due_at"]): a["id"]
                     for a in await DeadlineAlert.filter(
                         message_id__in=list({a.message_id for a in new}), created_at=now
                     ).values("id", "message_id", "kind", "due_kind", "due_at")}
        for payload, key in zip(payloads, keys, strict=True):
            payload["id"] = alert_ids.get(key)
        emails = await _mail(payloads)
    await _move_on(found, now)
    if legacy:
        await Message.bulk_update(legacy, fields=["terms", "due_kind", "due_date", "due_at"])
    if payloads:
        after_commit(lambda: _publish(payloads))
    return payloads, emails


async def _move_on(found: list[Message], now: dt.datetime) -> None:
    """Each message's next moment (and the escalation time) in one ``UPDATE … CASE``:
    Tortoise's ``bulk_update`` builds the same statement at ~2 ms CPU per row."""
    pg = Tortoise.get_connection("default").capabilities.dialect == "postgres"
    cast = "::timestamptz" if pg else ""
    params: list[Any] = []
    whens = []
    for m in found:
        params += [m.id, m.next_alert_at]
        whens.append(f"WHEN ${len(params) - 1} THEN ${len(params)}{cast}")
    escalated = [m.id for m in found if m.escalated_at == now]
    sql = f"UPDATE message SET next_alert_at = CASE id {' '.join(whens)} END"
    if escalated:
        where, keys = sql_.in_list("id", escalated, len(params) + 2)
        sql += (f", escalated_at = CASE WHEN {where} THEN ${len(params) + 1}{cast} "
                "ELSE escalated_at END")
        params += [now, *keys]
    where, keys = sql_.in_list("id", [m.id for m in found], len(params) + 1)
    await sql_.fetch(f"{sql} WHERE {where}", params + keys)


async def _upgrade(rows: list[Message]) -> None:
    """Open terms for messages stored before ``terms`` existed (one read, the calendar)."""
    from domain.calendar.service import load_calendar
    from domain.settings import get_settings

    settings = get_settings()
    calendar = await load_calendar(settings)
    full = {m.id: m for m in await Message.filter(id__in=[r.id for r in rows])}
    for row in rows:
        m = full[row.id]
        m.terms = None
        refresh(m, calendar, settings)
        row.terms, row.due_kind, row.due_date, row.due_at = (m.terms, m.due_kind, m.due_date,
                                                             m.due_at)


def _mail_key(payload: dict[str, Any], staff_id: Any) -> str:
    """One mail per alert and recipient: the alert's ID, or (should the read-back miss it)
    the alert's own unique key, hashed to fit."""
    if payload.get("id") is not None:
        return f"deadline-alert:{payload['id']}:{staff_id}"
    key = "|".join((payload["messageId"], payload["kind"], payload["dueKind"],
                    payload["dueAt"], str(staff_id)))
    return f"deadline-alert:{hashlib.sha256(key.encode()).hexdigest()}"


async def _mail(payloads: list[dict[str, Any]]) -> int:
    """The alerts by email, in the sweep's transaction (the outbox): one mail per alert and
    recipient, keyed by both, so a rerun or a second worker never mails twice. Staff with
    no email in the directory are reached by the subscription only."""
    subjects = {s for p in payloads for s in p["recipients"] if s != SUPERVISORS}
    everyone = any(SUPERVISORS in p["recipients"] for p in payloads)
    who = Q(subject__in=list(subjects))
    if everyone:
        who = who | Q(supervisor=True)
    staff = await StaffMember.filter(who, active=True, email__isnull=False).values(
        "id", "subject", "full_name", "email", "supervisor")
    by_subject = {s["subject"]: s for s in staff}
    supervisors = [s for s in staff if s["supervisor"]]
    mails: list[staff_mail.StaffMail] = []
    for p in payloads:
        people: dict[str, dict[str, Any]] = {}
        for subject in p["recipients"]:
            for member in supervisors if subject == SUPERVISORS else [by_subject.get(subject)]:
                if member is not None and member["email"]:
                    people.setdefault(member["subject"], member)
        term = TERM_RU[DeadlineKind(p["dueKind"])]
        number = p["registrationNumber"] or p["messageId"][:8]
        for member in people.values():
            mails.append(staff_mail.StaffMail(
                name=member["full_name"], email=member["email"], purpose=Purpose.DEADLINE_ALERT,
                template=Template.DEADLINE_ALERT,
                context={"item": f"обращение № {number}: {term}",
                         "deadline": dt.datetime.fromisoformat(p["dueAt"]),
                         "overdue": p["kind"] == AlertKind.OVERDUE},
                source=("message", p["messageId"]),
                idempotency_key=_mail_key(p, member["id"])))
    return len(await staff_mail.send_to_staff(mails))


async def _publish(payloads: list[dict[str, Any]]) -> None:
    """One pipeline per batch: subscribers on any API process hear every alert."""
    conn = redis.get_redis()
    channel = redis.channel(TOPIC, STAFF_KEY)
    async with conn.pipeline(transaction=False) as pipe:
        for payload in payloads:
            pipe.publish(channel, orjson.dumps(payload))
        await pipe.execute()
