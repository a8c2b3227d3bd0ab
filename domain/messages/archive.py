"""Messages as cases of the archive (R-1.5): a message and everything handled under it.

History sits below this area and imports nothing of it: ``jobs/history.py`` passes
``client_cases`` to the export builder and ``HOLDER`` to the retention sweep
(``domain/history/cases.py`` defines both shapes).

- ``client_cases``: every message of a client with its handling materials (its text and
  attachments' names, clarifications, the notices sent about it as sent, the answer once
  given), for the client's history export.
- ``HOLDER``: closed cases whose period has run out (appeals and internal requests by
  audience), and their sweep: the message, its answer, clarifications, attachments'
  metadata, deadline alerts and the deliveries about it, anonymised or deleted in the
  sweep's transaction. An open case (``closed_at`` unset) is never returned.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from domain.deliveries import queries as delivery_queries
from domain.deliveries import retention as delivery_retention
from domain.deliveries.models import DeliveryStatus
from domain.history.cases import Case, CaseRecord, CaseRecordKind, ExpiredCase, Holder
from domain.history.kinds import ArchiveRecord, RecordType, SourceType
from domain.history.rules import ANONYMISED_SUMMARY
from domain.ids import as_uuid, uuids
from domain.messages import queries
from domain.messages.models import (
    Answer,
    Attachment,
    Audience,
    Clarification,
    DeadlineAlert,
    Message,
)
from domain.surveys import tokens as link_tokens

AUDIENCE_OF = {RecordType.APPEAL.value: Audience.EXTERNAL,
               RecordType.INTERNAL_REQUEST.value: Audience.INTERNAL}
RECORD_TYPE_OF = {str(a): t for t, a in AUDIENCE_OF.items()}
MESSAGE = SourceType.MESSAGE.value
DELIVERY = SourceType.DELIVERY.value
# A file name that says what happened to it.
ANONYMISED_FILE = "файл удалён по истечении срока хранения"


async def client_cases(client_id: Any) -> list[Case]:
    """Every message of the client, oldest first, each with its materials in time order."""
    cid = as_uuid(client_id)
    if cid is None:
        return []
    messages = await Message.filter(client_id=cid).order_by("received_at", "id").values(
        *queries.MESSAGE_COLUMNS)
    if not messages:
        return []
    ids = [m["id"] for m in messages]
    parts: dict[str, list[CaseRecord]] = {str(i): [] for i in ids}
    names: dict[str, list[str]] = {str(i): [] for i in ids}
    for a in await queries.attachments_of(ids):
        names[str(a["message_id"])].append(a["file_name"])
    for c in await queries.clarifications_of(ids):
        parts[str(c["message_id"])].append(CaseRecord(
            CaseRecordKind.CLARIFICATION, c["occurred_at"], c["note"], channel=str(c["channel"]),
            details={"writtenRequest": c["written_request"]}))
    for a in await queries.answers_of(ids):
        if a["sent_at"] is not None:  # a draft is not an answer yet
            parts[str(a["message_id"])].append(CaseRecord(
                CaseRecordKind.ANSWER, a["sent_at"], a["text"],
                details={"outcome": str(a["outcome"]), "method": str(a["method"])}))
    deliveries: dict[str, list[str]] = {str(i): [] for i in ids}
    for d in await delivery_queries.of_sources(MESSAGE, ids):
        deliveries[d["source_id"]].append(str(d["id"]))  # swept with the case
        if d["status"] == DeliveryStatus.CANCELLED:
            continue  # never went out
        if d["client_id"] is None:
            continue  # mail to staff (deadline alerts): no part of the client's history
        parts[d["source_id"]].append(CaseRecord(
            # Whoever downloads the export (staff may request it) gets no usable link token.
            CaseRecordKind.NOTICE, d["sent_at"] or d["created_at"],
            link_tokens.redact(d["body_text"]) if d["body_text"] else d["body_text"],
            title=d["subject"], channel=str(d["channel"]) if d["channel"] else None,
            details={"purpose": d["purpose"], "status": str(d["status"])}))
    cases = []
    for m in messages:
        key = str(m["id"])
        opening = CaseRecord(CaseRecordKind.MESSAGE, m["received_at"], m["body"],
                             title=m["subject"], channel=str(m["channel"]),
                             attachments=tuple(names[key]))
        cases.append(Case(
            id=key, record_type=RECORD_TYPE_OF[str(m["audience"])],
            number=m["registration_number"], opened_at=m["received_at"],
            closed_at=m["closed_at"], status=str(m["status"]),
            records=(opening, *sorted(parts[key], key=lambda r: r.at)),
            sources=((MESSAGE, key), *((DELIVERY, d) for d in deliveries[key])),
        ))
    return cases


async def _expired(record_type: str, closed_before: datetime, limit: int) -> list[ExpiredCase]:
    audience = AUDIENCE_OF.get(record_type)
    if audience is None:
        return []
    rows = await Message.filter(
        audience=audience, swept_at=None, closed_at__lt=closed_before,
    ).order_by("closed_at", "id").limit(limit).values("id", "closed_at")
    sent = await delivery_retention.ids_of_sources(MESSAGE, [r["id"] for r in rows])
    return [ExpiredCase(
        id=str(r["id"]), record_type=record_type, closed_at=r["closed_at"],
        sources=((MESSAGE, str(r["id"])), *((DELIVERY, d) for d in sent.get(str(r["id"]), []))),
    ) for r in rows]


async def _sweep(cases: list[ExpiredCase], action: str) -> dict[str, int]:
    ids = uuids(c.id for c in cases)
    delivery_ids = [source_id for c in cases for source_type, source_id in c.sources
                    if source_type == DELIVERY]
    done = {ArchiveRecord.DELIVERY.value: await delivery_retention.sweep_rows(delivery_ids,
                                                                              action)}
    parts = {ArchiveRecord.ANSWER.value: Answer, ArchiveRecord.CLARIFICATION.value: Clarification,
             ArchiveRecord.ATTACHMENT.value: Attachment}
    if action == "delete":
        for record, model in parts.items():
            done[record] = await model.filter(message_id__in=ids).delete()
        await DeadlineAlert.filter(message_id__in=ids).delete()
        done[ArchiveRecord.MESSAGE.value] = await Message.filter(id__in=ids).delete()
        return done
    # Anonymise: what was said and to whom goes; kinds, channels, dates and numbers stay
    # for statistics and the registers.
    done[ArchiveRecord.ANSWER.value] = await Answer.filter(message_id__in=ids).update(
        text=ANONYMISED_SUMMARY, findings=None)
    done[ArchiveRecord.CLARIFICATION.value] = await Clarification.filter(
        message_id__in=ids).update(note=ANONYMISED_SUMMARY, contact_value="", contact_id=None)
    done[ArchiveRecord.ATTACHMENT.value] = await Attachment.filter(message_id__in=ids).update(
        file_name=ANONYMISED_FILE)
    done[ArchiveRecord.MESSAGE.value] = await Message.filter(id__in=ids, swept_at=None).update(
        body=ANONYMISED_SUMMARY, subject=None, contact_id=None, urgency_reasons=None,
        urgency_note=None, abuse_flags=None, sphere_suggestions=None, extension_reason=None,
        redirect_reason=None, swept_at=datetime.now(UTC))
    return done


HOLDER = Holder(record_types=tuple(AUDIENCE_OF), expired=_expired, sweep=_sweep)
