"""The one reminder per invitation, and closing invitations whose link has expired.

Run by the arq cron (``jobs/surveys.py``); safe to run twice or in two workers at once:
``reminder_sent_at`` is claimed by a conditional UPDATE before the delivery is written, in
the same transaction, and the delivery carries an idempotency key as well.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.actor import SYSTEM
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.settings import Settings, get_settings
from domain.surveys import service
from domain.surveys.models import InvitationStatus, SurveyInvitation
from domain.transaction import transaction

BATCH = 200


async def expire_invitations(now: datetime | None = None) -> int:
    """Invitations past their link's expiry stop being open (the subject may be invited
    again)."""
    now = now or datetime.now(UTC)
    return await SurveyInvitation.filter(
        status=InvitationStatus.OPEN, expires_at__lte=now
    ).update(status=InvitationStatus.EXPIRED, open_key=None)


async def send_due_reminders(settings: Settings | None = None,
                             now: datetime | None = None) -> int:
    """One reminder for every open invitation whose reminder day has come, inside the local
    sending hours; returns how many were sent by this call."""
    from domain.deliveries import service as deliveries
    from domain.deliveries.models import Purpose

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    await expire_invitations(now)
    local = now.astimezone(ZoneInfo(settings.timezone))
    if not settings.survey_reminder_from_hour <= local.hour < settings.survey_reminder_to_hour:
        return 0  # the next run inside the window sends them
    today = local.date()
    sent = 0
    last_id = None
    while True:
        query = SurveyInvitation.filter(
            status=InvitationStatus.OPEN, reminder_sent_at__isnull=True, remind_on__lte=today,
            expires_at__gt=now,
        )
        if last_id is not None:
            query = query.filter(id__gt=last_id)
        ids = await query.order_by("id").limit(BATCH).values_list("id", flat=True)
        if not ids:
            return sent
        last_id = ids[-1]
        for invitation_id in ids:
            async with transaction():
                claimed = await SurveyInvitation.filter(
                    id=invitation_id, status=InvitationStatus.OPEN, reminder_sent_at__isnull=True
                ).update(reminder_sent_at=now)
                if not claimed:  # answered meanwhile, or another worker got it
                    continue
                record = await SurveyInvitation.get(id=invitation_id)
                invitation = service.wrap_invitation(record, False, settings)
                await deliveries.send(
                    record.client_id, Purpose.SURVEY_REMINDER, "survey_reminder",
                    await service.delivery_context(invitation, settings),
                    source=("survey_invitation", record.id),
                    idempotency_key=f"survey-reminder:{record.id}", actor=SYSTEM,
                )
                await history.record(
                    record.client_id, EventKind.SURVEY_REMINDED,
                    "Напоминание об опросе удовлетворённости", direction=Direction.OUTBOUND,
                    actor=SYSTEM, source=("survey_invitation", record.id),
                )
                sent += 1
