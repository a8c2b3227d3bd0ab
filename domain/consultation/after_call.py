"""After the call (R-9): with the caller's consent, the satisfaction survey invitation (purpose
CALL) goes out by the caller's channel once the call has ended — for a caller known only by
the number they called from, an SMS to it. A call with a callback still scheduled waits for
it: the caller rates the consultation once they have the answer (closing the callback
invites at once).

The invitation goes through the surveys area (``invite_and_notify``: one open invitation per
call, its delivery once). Each call is claimed by a conditional UPDATE of
``survey_invited_at`` in the transaction that writes the invitation, so the sweep, a second
worker and a direct call from the end of a call never invite twice. The arq cron
(``jobs/consultation.py``) sweeps calls ended with consent and not yet invited, so a call
ended by the PBX alone, or while Redis was away, is invited all the same.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from domain.actor import SYSTEM, Actor
from domain.consultation.models import (
    Call,
    Callback,
    CallbackStatus,
    CallStatus,
    ConsultationLine,
)
from domain.directory.models import StaffMember
from domain.enums import Channel
from domain.errors import DomainError
from domain.settings import Settings, get_settings
from domain.surveys import service as surveys
from domain.surveys.models import SurveyPurpose
from domain.transaction import transaction

BATCH = 200
log = logging.getLogger(__name__)


def _due() -> dict[str, Any]:
    return {"survey_consent": True, "survey_invited_at__isnull": True,
            "status": CallStatus.ENDED, "client_id__isnull": False}


async def invite_after_call(call_id: Any, actor: Actor = SYSTEM,
                            settings: Settings | None = None,
                            now: dt.datetime | None = None) -> bool:
    """Invite the caller of one ended call, if they agreed and were not invited yet; call it
    inside the transaction that ends the call, or alone. True when this call invited."""
    settings = settings or get_settings()
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)  # SQLite compares text
    async with transaction():
        if await Callback.exists(call_id=call_id, status=CallbackStatus.SCHEDULED):
            return False
        claimed = await Call.filter(id=call_id, **_due()).update(survey_invited_at=now)
        if not claimed:
            return False
        call = await Call.get(id=call_id)
        line = await ConsultationLine.get(id=call.line_id)
        operator = await StaffMember.get_or_none(id=call.operator_id) \
            if call.operator_id else None
        day = call.started_at.astimezone(ZoneInfo(settings.timezone)).strftime("%d.%m.%Y")
        await surveys.invite_and_notify(
            ("call", call.id), call.client_id, SurveyPurpose.CALL, actor=actor,
            settings=settings, channel=Channel.PHONE,
            executor=operator.full_name[:200] if operator else None,
            about=f"звонок на линию {line.display_number} {day}"[:300])
    return True


async def invite_ended_calls(settings: Settings | None = None,
                             now: dt.datetime | None = None) -> int:
    """Every ended call with consent not yet invited; returns how many this run invited.
    A call whose invitation fails is logged and left for the next run (keyset by id, so
    it cannot hold this one up)."""
    invited = 0
    last = None
    while True:
        query = Call.filter(**_due())
        if last is not None:
            query = query.filter(id__gt=last)
        ids = await query.order_by("id").limit(BATCH).values_list("id", flat=True)
        for call_id in ids:
            try:
                invited += await invite_after_call(call_id, settings=settings, now=now)
            except DomainError:
                log.exception("survey invitation after call %s failed", call_id)
        if len(ids) < BATCH:
            return invited
        last = ids[-1]
