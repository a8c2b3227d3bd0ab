"""The callback sweep (R-3.8): the assignee is reminded before the window a callback is due
in, and a window that closed with no answer raises an overdue alert escalated to the
supervisors — the same pattern as the messages' deadline sweep (domain/messages/deadlines).

Run by the arq cron (``jobs/consultation.py``). Each pass reads scheduled callbacks whose
moment has come and whose stamp (``reminded_at`` / ``overdue_alerted_at``) is empty, locks
them (SKIP LOCKED: a second sweep passes them by), writes one ``CallbackAlert`` per
(callback, kind, window start) — the unique key makes a repeated or concurrent run a
no-op —, mails the recipients through the deliveries outbox in the same transaction (one
mail per alert and recipient, keyed by both), and stamps the callbacks. A callback moved to
a later window has its stamps cleared, so it is reminded of the new window too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from domain.consultation.callback_models import CallbackAlert, CallbackAlertKind
from domain.consultation.callbacks import local_label
from domain.consultation.models import Callback, CallbackStatus
from domain.deliveries import staff as staff_mail
from domain.deliveries.models import Purpose, Template
from domain.directory import queries as directory
from domain.directory.models import StaffMember
from domain.settings import Settings, get_settings
from domain.transaction import transaction

SUPERVISORS = "role:supervisor"  # recipient when nobody heads the assignee's department
BATCH = 200
_COLUMNS = ("id", "number", "due_at", "due_until", "assignee_id", "reminded_at",
            "overdue_alerted_at", "escalated_at", "escalated_to_id")


@dataclass
class SweepResult:
    reminders: int = 0
    overdue: int = 0
    emails: int = 0


async def sweep(now: dt.datetime | None = None, settings: Settings | None = None,
                *, batch: int = BATCH) -> SweepResult:
    """One pass: reminders first, then overdue alerts; safe to run twice or in parallel."""
    settings = settings or get_settings()
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)  # SQLite compares text
    lead = dt.timedelta(minutes=settings.callback_reminder_minutes)
    result = SweepResult()
    owed = {
        CallbackAlertKind.REMINDER: Q(reminded_at__isnull=True, due_at__lte=now + lead,
                                      due_until__gt=now),
        CallbackAlertKind.OVERDUE: Q(overdue_alerted_at__isnull=True, due_until__lte=now),
    }
    for kind, condition in owed.items():
        while True:
            async with transaction():
                found = await (Callback.filter(condition, status=CallbackStatus.SCHEDULED)
                               .order_by("due_at", "id").limit(batch)
                               .select_for_update(skip_locked=True).only(*_COLUMNS))
                if not found:
                    break
                alerts, emails = await _alert_batch(kind, found, now, settings)
            result.emails += emails
            if kind == CallbackAlertKind.REMINDER:
                result.reminders += alerts
            else:
                result.overdue += alerts
            if len(found) < batch:
                break
    return result


async def _alert_batch(kind: CallbackAlertKind, found: list[Callback], now: dt.datetime,
                       settings: Settings) -> tuple[int, int]:
    """Alerts, mails and stamps for one batch; returns (alerts written, mails written)."""
    staff = {s["id"]: s for s in await StaffMember.filter(
        id__in=list({c.assignee_id for c in found if c.assignee_id})).values(
        "id", "subject", "department_id")}
    heads = await directory.heads_by_department(
        list({s["department_id"] for s in staff.values() if s["department_id"]}))
    existing = {(a["callback_id"], a["due_at"]) for a in await CallbackAlert.filter(
        callback_id__in=[c.id for c in found], kind=kind).values("callback_id", "due_at")}
    new: list[tuple[Callback, list[str]]] = []
    for callback in found:
        if (callback.id, callback.due_at) in existing:
            continue
        assignee = staff.get(callback.assignee_id)
        mine = [assignee["subject"]] if assignee else []
        department = str(assignee["department_id"]) if assignee and assignee[
            "department_id"] else ""
        if kind == CallbackAlertKind.REMINDER:
            recipients = mine or [SUPERVISORS]
        else:
            recipients = mine + (heads.get(department) or [SUPERVISORS])
        new.append((callback, recipients))
    written = [pair for pair in new if await _insert(kind, pair[0], pair[1], now)]
    emails = await _mail(kind, written, settings)
    stamp = "reminded_at" if kind == CallbackAlertKind.REMINDER else "overdue_alerted_at"
    await Callback.filter(id__in=[c.id for c in found]).update(**{stamp: now})
    if kind == CallbackAlertKind.OVERDUE:
        await _escalate([c for c, _ in written], heads, staff, now)
    return len(written), emails


async def _insert(kind: CallbackAlertKind, callback: Callback, recipients: list[str],
                  now: dt.datetime) -> bool:
    """The alert's row, or False when a concurrent sweep wrote it first (a savepoint, so
    the lost race does not spoil the batch)."""
    try:
        async with transaction():
            await CallbackAlert.create(callback_id=callback.id, kind=kind,
                                       due_at=callback.due_at, recipients=recipients,
                                       created_at=now)
    except IntegrityError:
        return False
    return True


async def _escalate(overdue: list[Callback], heads: dict[str, list[str]],
                    staff: dict[Any, dict[str, Any]], now: dt.datetime) -> None:
    """Overdue callbacks are escalated: to the assignee's department head when there is
    one (named on the callback), else to the supervisors as a role."""
    subjects = {s for names in heads.values() for s in names}
    ids = {m["subject"]: m["id"] for m in await StaffMember.filter(
        subject__in=list(subjects)).values("id", "subject")} if subjects else {}
    for callback in overdue:
        assignee = staff.get(callback.assignee_id)
        department = str(assignee["department_id"]) if assignee and assignee[
            "department_id"] else ""
        head = next((ids[s] for s in heads.get(department, []) if s in ids), None)
        await Callback.filter(id=callback.id).update(escalated_at=now, escalated_to_id=head)


def _mail_key(kind: CallbackAlertKind, callback: Callback, staff_id: Any) -> str:
    key = f"{callback.id}|{kind}|{callback.due_at.isoformat()}|{staff_id}"
    return f"callback-alert:{hashlib.sha256(key.encode()).hexdigest()}"


async def _mail(kind: CallbackAlertKind, written: list[tuple[Callback, list[str]]],
                settings: Settings) -> int:
    """One mail per alert and recipient, in the sweep's transaction (the outbox). Staff
    with no email in the directory are not mailed; the alert row stays."""
    if not written:
        return 0
    subjects = {s for _, names in written for s in names if s != SUPERVISORS}
    everyone = any(SUPERVISORS in names for _, names in written)
    who = Q(subject__in=list(subjects))
    if everyone:
        who = who | Q(supervisor=True)
    people = await StaffMember.filter(who, active=True, email__isnull=False).values(
        "id", "subject", "full_name", "email", "supervisor")
    by_subject = {p["subject"]: p for p in people}
    supervisors = [p for p in people if p["supervisor"]]
    overdue = kind == CallbackAlertKind.OVERDUE
    mails = []
    for callback, names in written:
        reached: dict[str, dict[str, Any]] = {}
        for name in names:
            for member in supervisors if name == SUPERVISORS else [by_subject.get(name)]:
                if member is not None:
                    reached.setdefault(member["subject"], member)
        item = (f"обратный звонок на номер {callback.number}, окно с "
                f"{local_label(callback.due_at, settings)}")
        for member in reached.values():
            mails.append(staff_mail.StaffMail(
                name=member["full_name"], email=member["email"], purpose=Purpose.DEADLINE_ALERT,
                template=Template.DEADLINE_ALERT,
                context={"item": item, "deadline": callback.due_until, "overdue": overdue},
                source=("callback", callback.id),
                idempotency_key=_mail_key(kind, callback, member["id"])))
    return len(await staff_mail.send_to_staff(mails))
