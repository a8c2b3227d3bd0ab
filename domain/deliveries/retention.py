"""The deliveries' part of the retention sweep (R-1.5; the sweep itself is history's,
``domain/history/retention.py``, composed by ``jobs/history.py``).

Deliveries about a message are swept with their case (``sweep_rows``, called by the
messages area); every other delivery is a one-record case of its own, record type
*correspondence*, closed when it was sent, failed or cancelled (``HOLDER``). Anonymising
keeps what statistics need (channel, purpose, status, times) and removes what was said and
to whom.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q

from domain.deliveries.models import Delivery, DeliveryStatus
from domain.history.cases import ExpiredCase, Holder
from domain.history.kinds import ArchiveRecord, RecordType, SourceType
from domain.history.rules import ANONYMISED_SUMMARY
from domain.ids import uuids


async def ids_of_sources(source_type: str, source_ids: Iterable[Any]) -> dict[str, list[str]]:
    """The deliveries each record caused: {source id: [delivery id, ...]}."""
    wanted = [str(i) for i in source_ids]
    rows = await Delivery.filter(source_type=source_type, source_id__in=wanted).values(
        "id", "source_id") if wanted else []
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["source_id"], []).append(str(row["id"]))
    return found


async def sweep_rows(ids: Iterable[Any], action: str) -> int:
    """Anonymise or delete these deliveries (inside the caller's transaction)."""
    found = uuids(ids)
    if not found:
        return 0
    query = Delivery.filter(id__in=found)
    if action == "delete":
        return await query.delete()
    return await query.filter(swept_at=None).update(
        subject=ANONYMISED_SUMMARY, body_text=ANONYMISED_SUMMARY, body_html=None, context=None,
        headers=None, address=None, recipient_name="", contact_id=None, last_error=None,
        swept_at=datetime.now(UTC))


async def _expired(record_type: str, closed_before: datetime, limit: int) -> list[ExpiredCase]:
    """Closed deliveries outside any message case, closed before the moment, not swept yet.
    A delivery still waiting or in the operator's queue is open and never returned."""
    if record_type != RecordType.CORRESPONDENCE:
        return []
    outside_cases = Q(source_type__isnull=True) | ~Q(source_type=SourceType.MESSAGE.value)
    closed = (Q(status=DeliveryStatus.SENT, sent_at__lt=closed_before)
              | Q(status__in=[DeliveryStatus.FAILED, DeliveryStatus.CANCELLED],
                  finished_at__lt=closed_before))
    # created_at bounds the index scan: a delivery closed before the moment began before it.
    rows = await Delivery.filter(
        outside_cases, closed, swept_at=None, created_at__lt=closed_before,
    ).order_by("created_at", "id").limit(limit).values("id", "sent_at", "finished_at")
    return [ExpiredCase(id=str(r["id"]), record_type=record_type,
                        closed_at=r["sent_at"] or r["finished_at"],
                        sources=((SourceType.DELIVERY.value, str(r["id"])),))
            for r in rows]


async def _sweep(cases: list[ExpiredCase], action: str) -> dict[str, int]:
    return {ArchiveRecord.DELIVERY.value: await sweep_rows([c.id for c in cases], action)}


HOLDER = Holder(record_types=(RecordType.CORRESPONDENCE.value,), expired=_expired, sweep=_sweep)
