"""Retention of the interaction history (R-1.5: kept for the archive list's period per
record type, then deleted or anonymised).

Each kind has a period in years (``settings.retention_years``, else
``settings.retention_default_years``: 5 years for appeals and their materials). The
sweep works in bounded batches, one short transaction each, so it never holds long
locks and a crash leaves only finished batches behind; running it again continues
where it stopped and does nothing once all is done.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from domain.history import exports, rules
from domain.history.kinds import EventKind
from domain.history.models import InteractionEvent, RetentionRun
from domain.settings import Settings
from domain.transaction import transaction

log = logging.getLogger(__name__)

BATCH_SIZE = 1000


async def sweep(settings: Settings, now: datetime | None = None,
                batch_size: int = BATCH_SIZE) -> RetentionRun:
    """Anonymise or delete every expired event, expire old export files, and record a run."""
    action = rules.retention_action(settings.retention_action)
    started = datetime.now(UTC)
    cutoffs = rules.retention_cutoffs(
        now or started, settings.retention_years, settings.retention_default_years,
        [str(k) for k in EventKind],
    )
    affected: dict[str, int] = {}
    for kind, cutoff in cutoffs.items():
        done = await _sweep_kind(kind, cutoff, action, batch_size)
        if done:
            affected[kind] = done
    expired = await exports.expire(settings, now or started)
    run = await RetentionRun.create(
        started_at=started, finished_at=datetime.now(UTC), action=action, affected=affected,
        total=sum(affected.values()), exports_expired=expired,
    )
    log.info("retention sweep: %s %s events %s, %s export(s) expired",
             action, run.total, affected, expired)
    return run


async def _sweep_kind(kind: str, cutoff: datetime, action: str, batch_size: int) -> int:
    done = 0
    while True:
        query = InteractionEvent.filter(kind=kind, occurred_at__lt=cutoff)
        if action == "anonymise":
            query = query.filter(anonymised=False)
        ids = await query.order_by("occurred_at").limit(batch_size).values_list("id", flat=True)
        if not ids:
            return done
        async with transaction():
            if action == "delete":
                done += await InteractionEvent.filter(id__in=ids).delete()
            else:
                done += await InteractionEvent.filter(id__in=ids, anonymised=False).update(
                    summary=rules.ANONYMISED_SUMMARY, details=None, actor_subject=None,
                    actor_role=None, source_type=None, source_id=None, anonymised=True,
                )
        if len(ids) < batch_size:
            return done
