"""Retention of the interaction history (R-1.5: kept for the archive list's period per
record type, then deleted or anonymised).

Periods run on the archive's clock: from 1 January of the year after a case was closed
(``rules.archive_cutoff``). A *case* is a message and everything handled under it (its
answer, clarifications, attachments' metadata, the deliveries about it and the events
about any of these); its period is that of its record type (``settings.retention_periods``:
appeal, internal request). A case still open is never swept, however old. The areas that
keep cases are passed in as ``Holder`` objects by the job (history imports none of them);
notices sent outside any case are one-record cases of their own (correspondence). Events
outside any case keep their per-kind periods (``settings.retention_years``, else
``settings.retention_default_years``), on the same clock.

The sweep works in bounded batches, one short transaction each, so it never holds long
locks and a crash leaves only finished batches behind; running it again continues where
it stopped and does nothing once all is done.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from domain.history import exports, rules
from domain.history.cases import ExpiredCase, Holder
from domain.history.kinds import EventKind, SourceType
from domain.history.models import InteractionEvent, RetentionRun
from domain.settings import Settings
from domain.transaction import transaction

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Events about these records belong to a case (or to a stand-alone delivery) and are swept
# with it, by the case's period, never by their own kind's.
CASE_SOURCES = (SourceType.MESSAGE.value, SourceType.DELIVERY.value)


class _Tally:
    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.records: Counter[str] = Counter()
        self.cases: Counter[str] = Counter()


async def sweep(settings: Settings, now: datetime | None = None, batch_size: int = BATCH_SIZE,
                *, holders: Sequence[Holder] = ()) -> RetentionRun:
    """Sweep every expired case of every holder, then the expired events outside cases,
    expire old export files, and record a run (counts per event kind, record and case type).
    """
    action = rules.retention_action(settings.retention_action)
    periods = rules.retention_periods(settings.retention_periods,
                                      settings.retention_default_years)
    started = datetime.now(UTC)
    moment = now or started
    tally = _Tally()
    for holder in holders:
        for record_type in holder.record_types:
            years = periods[record_type]
            if years > 0:
                cutoff = rules.archive_cutoff(moment, years, settings.timezone)
                await _sweep_cases(holder, record_type, cutoff, action, batch_size, tally)
    cutoffs = rules.retention_cutoffs(
        moment, settings.retention_years, settings.retention_default_years,
        [str(k) for k in EventKind], settings.timezone,
    )
    for kind, cutoff in cutoffs.items():
        done = await _sweep_kind(kind, cutoff, action, batch_size)
        if done:
            tally.events[kind] += done
    expired = await exports.expire(settings, moment)
    run = await RetentionRun.create(
        started_at=started, finished_at=datetime.now(UTC), action=action,
        affected=dict(tally.events), total=sum(tally.events.values()),
        records=dict(tally.records), cases=dict(tally.cases), exports_expired=expired,
    )
    log.info("retention sweep: %s %s cases %s, records %s, events %s, %s export(s) expired",
             action, sum(tally.cases.values()), dict(tally.cases), dict(tally.records),
             dict(tally.events), expired)
    return run


async def _sweep_cases(holder: Holder, record_type: str, cutoff: datetime, action: str,
                       batch_size: int, tally: _Tally) -> None:
    while True:
        cases = await holder.expired(record_type, cutoff, batch_size)
        if not cases:
            return
        async with transaction():
            events = await _sweep_sources(_sources(cases), action)
            rows = await holder.sweep(cases, action)
        tally.cases[record_type] += len(cases)
        tally.records.update({k: v for k, v in rows.items() if v})
        tally.events.update(events)
        if len(cases) < batch_size:
            return


def _sources(cases: list[ExpiredCase]) -> dict[str, list[str]]:
    by_type: dict[str, list[str]] = {}
    for case in cases:
        for source_type, source_id in case.sources:
            by_type.setdefault(source_type, []).append(source_id)
    return by_type


async def _sweep_sources(sources: dict[str, list[str]], action: str) -> Counter[str]:
    """The events of the given records, counted per kind (index source_type, source_id)."""
    done: Counter[str] = Counter()
    for source_type, ids in sources.items():
        query = InteractionEvent.filter(source_type=source_type, source_id__in=ids)
        if action == "anonymise":
            query = query.filter(anonymised=False)
        rows = await query.values("id", "kind")
        if not rows:
            continue
        done.update(r["kind"] for r in rows)
        await _apply(InteractionEvent.filter(id__in=[r["id"] for r in rows]), action)
    return done


async def _apply(query: Any, action: str) -> int:
    if action == "delete":
        return await query.delete()
    return await query.filter(anonymised=False).update(
        summary=rules.ANONYMISED_SUMMARY, details=None, actor_subject=None,
        actor_role=None, source_type=None, source_id=None, anonymised=True,
    )


async def _sweep_kind(kind: str, cutoff: datetime, action: str, batch_size: int) -> int:
    """Events of one kind outside any case (events about a message or a delivery go with
    their case, so an open case's events stay however old)."""
    done = 0
    outside_cases = Q(source_type__isnull=True) | ~Q(source_type__in=CASE_SOURCES)
    while True:
        query = InteractionEvent.filter(outside_cases, kind=kind, occurred_at__lt=cutoff)
        if action == "anonymise":
            query = query.filter(anonymised=False)
        ids = await query.order_by("occurred_at").limit(batch_size).values_list("id", flat=True)
        if not ids:
            return done
        async with transaction():
            done += await _apply(InteractionEvent.filter(id__in=ids), action)
        if len(ids) < batch_size:
            return done

