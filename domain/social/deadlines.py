"""R-7.2 alerts: a warning before a social item's limit and an escalation after it.

The sweep reads only items whose ``next_alert_at`` has come (an index range scan, in keyset
batches, rows locked with SKIP LOCKED so a second sweep passes them by). Each alert is one
``SocialAlert`` row keyed (item, kind, due_at): a repeated or concurrent run finds the key
and says nothing. Mail goes to staff through the deliveries outbox in the same transaction,
one per alert and recipient (``domain/deliveries/staff.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from domain.deliveries import staff as staff_mail
from domain.deliveries.models import Purpose, Template
from domain.directory.models import StaffMember
from domain.settings import Settings, get_settings
from domain.social import events, rules
from domain.social.models import SocialAlert, SocialAlertKind, SocialItem, SocialStatus
from domain.transaction import transaction

KIND_RU = {"mention": "упоминание", "official_appeal": "обращение к представителю",
           "comment": "комментарий"}


@dataclass
class SweepResult:
    warnings: int = 0
    overdue: int = 0
    emails: int = 0


def _due_alert(item: SocialItem, now: dt.datetime) -> tuple[SocialAlertKind | None,
                                                             dt.datetime | None]:
    """The alert due now (if any) and the next moment to look again (None: never)."""
    if now >= item.due_at:
        return SocialAlertKind.OVERDUE, None
    if now >= item.warn_at:
        return SocialAlertKind.WARNING, item.due_at
    return None, item.warn_at


async def sweep(now: dt.datetime | None = None, settings: Settings | None = None,
                batch: int = 500) -> SweepResult:
    settings = settings or get_settings()
    now = now or dt.datetime.now(dt.UTC)
    result = SweepResult()
    last: tuple[dt.datetime, Any] | None = None
    while True:
        async with transaction():
            query = SocialItem.filter(next_alert_at__lte=now)
            if last is not None:
                query = query.filter(
                    Q(next_alert_at__gt=last[0]) | Q(next_alert_at=last[0], id__gt=last[1]))
            found = await (query.order_by("next_alert_at", "id").limit(batch)
                           .select_for_update(skip_locked=True))
            if not found:
                break
            last = (found[-1].next_alert_at, found[-1].id)
            await _batch(found, now, settings, result)
        if len(found) < batch:
            break
    return result


async def _batch(found: list[SocialItem], now: dt.datetime, settings: Settings,
                 result: SweepResult) -> None:
    existing = {(a["item_id"], a["kind"], a["due_at"]) for a in await SocialAlert.filter(
        item_id__in=[i.id for i in found]).values("item_id", "kind", "due_at")}
    new: list[tuple[SocialItem, SocialAlertKind]] = []
    for item in found:
        open_ = item.status in (SocialStatus.NEW, SocialStatus.ANSWERING) \
            and item.deleted_at is None
        kind, later = _due_alert(item, now) if open_ else (None, None)
        if kind is not None and (item.id, kind, item.due_at) not in existing:
            new.append((item, kind))
            if kind == SocialAlertKind.OVERDUE:
                item.escalated_at = now
        item.next_alert_at = later
        await item.save(update_fields=["next_alert_at", "escalated_at"])
    if not new:
        return
    await SocialAlert.bulk_create([SocialAlert(item_id=i.id, kind=k, due_at=i.due_at,
                                               created_at=now) for i, k in new])
    for _, kind in new:
        if kind == SocialAlertKind.WARNING:
            result.warnings += 1
        else:
            result.overdue += 1
    result.emails += await _mail(new, settings)


async def _mail(new: list[tuple[SocialItem, SocialAlertKind]], settings: Settings) -> int:
    handlers = list(settings.social_alert_staff)
    staff = await StaffMember.filter(Q(subject__in=handlers) | Q(supervisor=True), active=True,
                                     email__isnull=False).values("id", "subject", "full_name",
                                                                 "email", "supervisor")
    named = [s for s in staff if s["subject"] in handlers]
    supervisors = [s for s in staff if s["supervisor"]]
    mails: list[staff_mail.StaffMail] = []
    for item, kind in new:
        if kind == SocialAlertKind.WARNING:
            people = named or supervisors
        else:
            people = named + [s for s in supervisors if s not in named]
        where = events.NETWORK_RU.get(str(item.network), "социальная сеть")
        hours = rules.LIMIT_HOURS[item.kind]
        for member in people:
            mails.append(staff_mail.StaffMail(
                name=member["full_name"], email=member["email"],
                purpose=Purpose.DEADLINE_ALERT, template=Template.DEADLINE_ALERT,
                context={"item": f"{KIND_RU[str(item.kind)]} ({where}): публичный ответ за "
                                 f"{hours:g} рабочих часов",
                         "deadline": item.due_at, "overdue": kind == SocialAlertKind.OVERDUE,
                         "url": item.url},
                source=("social_item", item.id),
                idempotency_key=f"social-alert:{item.id}:{kind}:{item.due_at.isoformat()}:"
                                f"{member['id']}"))
    return len(await staff_mail.send_to_staff(mails))
