"""History exports (R-1.5 "on request the client gets their whole history").

A request writes a ``HistoryExport`` row; a job writes the client's whole history into a
JSON document and a readable HTML document at once, then marks the export READY. The
history is whole: first every case (a message and everything handled under it: its text,
attachments' names, clarifications, the notices sent as sent, the answer, and the events
about any of these) in time order, handed in by the job (``cases``: history imports no
area above it); then the other events, streamed in keyset batches (one pass, so both
documents hold the same events). Files live under
``settings.exports_dir`` and are offered through signed links (``links.py``) until
``expires_at``; the retention sweep removes them afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape
from tortoise.expressions import Q

from domain import redis
from domain.actor import SYSTEM, Actor
from domain.errors import not_found
from domain.history import rules
from domain.history import service as history
from domain.history.cases import Case, CaseRecord, ClientCases
from domain.history.kinds import EventKind, SourceType
from domain.history.models import Direction, ExportStatus, HistoryExport, InteractionEvent
from domain.ids import parse_uuid
from domain.settings import Settings
from domain.transaction import after_commit, transaction

JOB = "build_history_export"
BATCH_SIZE = 500
FORMAT = "okno-history-export/2"
UNFINISHED = (ExportStatus.PENDING, ExportStatus.RUNNING)
# How the client learns that their export is ready: the deliveries area's
# ``notify_history_export``, passed in by the job (history never imports deliveries).
Notify = Callable[[HistoryExport, Settings], Awaitable[Any]]
# The client's name as the documents show it (the clients area's rule), passed in likewise:
# history sits below clients and imports nothing of theirs.
ClientName = Callable[[Any], Awaitable[str | None]]


def _clients() -> Any:
    """The client model, reached through the export's foreign key (no import of the area)."""
    return HistoryExport._meta.fields_map["client"].related_model


_EVENT_FIELDS = (
    "id", "public_id", "occurred_at", "kind", "channel", "direction", "summary", "source_type",
    "source_id", "actor_role", "details", "anonymised",
)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    enable_async=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def job_id(export_id: Any) -> str:
    """arq deduplicates on this: one queued build per export."""
    return f"history-export:{export_id}"


def file_path(settings: Settings, export_id: Any, fmt: str) -> Path:
    return settings.exports_dir / f"{export_id}.{fmt}"


async def request_export(actor: Actor, client_id: Any) -> HistoryExport:
    """The client themselves or staff; anyone else gets NOT_FOUND, as for a missing client.

    While an export of this client is still being built, that one is returned instead
    of starting another (a double click builds once).
    """
    cid = parse_uuid(client_id, "clientId", "Клиент")
    # Another client's record and a missing one look the same.
    if not actor.can_see_client(cid) or not await _clients().exists(id=cid):
        raise not_found("Клиент", "clientId")
    async with transaction():
        running = await HistoryExport.filter(client_id=cid, status__in=UNFINISHED).order_by(
            "-created_at").first()
        if running is not None:
            return running
        export = await HistoryExport.create(client_id=cid, requested_by=actor.subject)
        await history.record(
            cid, EventKind.HISTORY_EXPORT_REQUESTED, "Запрошена выгрузка всей истории",
            actor=actor, source=(SourceType.HISTORY_EXPORT, export.id),
        )
        export_id = str(export.id)
        after_commit(lambda: redis.enqueue(JOB, export_id, job_id=job_id(export_id)))
    return export


@dataclass
class _Stats:
    count: int = 0


async def build(
    settings: Settings, export_id: Any, batch_size: int = BATCH_SIZE, *,
    notify: Notify | None = None, client_name: ClientName | None = None,
    cases: ClientCases | None = None,
) -> str:
    """Build one export; idempotent (a READY or EXPIRED export is left as it is).

    ``notify`` runs once, inside the transaction that marks the export READY (after its
    HISTORY_EXPORT_READY event), so the client's notice commits or rolls back with it.
    ``client_name`` gives the name the documents carry (none when not given); ``cases``
    the client's cases with their materials (none when not given: events only).
    Returns what happened: ``ready``, ``already`` or ``missing``. Errors propagate
    after the export is marked FAILED, so the caller decides whether to retry.
    """
    export = await HistoryExport.get_or_none(id=export_id)
    if export is None:
        return "missing"  # the client, and with it the export, was deleted
    if export.status in (ExportStatus.READY, ExportStatus.EXPIRED):
        return "already"
    await HistoryExport.filter(id=export.id).update(status=ExportStatus.RUNNING, error=None)
    suffix = f".{uuid.uuid4().hex}.tmp"  # two concurrent runs never share a temp file
    tmp = {fmt: Path(str(file_path(settings, export.id, fmt)) + suffix) for fmt in ("json", "html")}
    try:
        settings.exports_dir.mkdir(parents=True, exist_ok=True)
        count = await _write_documents(settings, export, tmp["json"], tmp["html"], batch_size,
                                       client_name, cases)
        return await _finish(settings, export.id, tmp, count, notify)
    except Exception as exc:
        await HistoryExport.filter(id=export.id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    finally:
        for path in tmp.values():
            path.unlink(missing_ok=True)


async def _finish(
    settings: Settings, export_id: Any, tmp: dict[str, Path], count: int, notify: Notify | None,
) -> str:
    async with transaction():
        export = await HistoryExport.select_for_update().get(id=export_id)
        if export.status in (ExportStatus.READY, ExportStatus.EXPIRED):
            return "already"  # a concurrent run got there first; its files stand
        for fmt, path in tmp.items():
            os.replace(path, file_path(settings, export.id, fmt))
        now = datetime.now(UTC)
        export.status = ExportStatus.READY
        export.event_count = count
        export.json_bytes = file_path(settings, export.id, "json").stat().st_size
        export.html_bytes = file_path(settings, export.id, "html").stat().st_size
        export.finished_at = now
        export.expires_at = now + timedelta(hours=settings.export_link_ttl_hours)
        export.error = None
        await export.save()
        await history.record(
            export.client_id, EventKind.HISTORY_EXPORT_READY,
            f"Выгрузка истории готова: {rules.events_count(count)}", direction=Direction.OUTBOUND,
            actor=SYSTEM, source=(SourceType.HISTORY_EXPORT, export.id), details={"events": count},
        )
        if notify is not None:
            await notify(export, settings)
    return "ready"


async def _case_events(client_id: Any, cases: list[Case], until: datetime
                       ) -> list[list[dict[str, Any]]]:
    """Each case's events, oldest first (index source_type, source_id)."""
    where: dict[tuple[str, str], int] = {src: i for i, c in enumerate(cases) for src in c.sources}
    by_type: dict[str, list[str]] = {}
    for source_type, source_id in where:
        by_type.setdefault(source_type, []).append(source_id)
    found: list[list[dict[str, Any]]] = [[] for _ in cases]
    for source_type, ids in by_type.items():
        for start in range(0, len(ids), BATCH_SIZE):
            rows = await InteractionEvent.filter(
                client_id=client_id, source_type=source_type,
                source_id__in=ids[start:start + BATCH_SIZE], occurred_at__lte=until,
            ).values(*_EVENT_FIELDS)
            for row in rows:
                found[where[(source_type, row["source_id"])]].append(row)
    for rows in found:
        rows.sort(key=lambda r: (r["occurred_at"], r["id"]))
    return found


async def _events(client_id: Any, until: datetime, batch_size: int) -> AsyncIterator[dict]:
    """The whole timeline, oldest first, one keyset batch in memory at a time."""
    last: tuple[datetime, int] | None = None
    while True:
        query = InteractionEvent.filter(client_id=client_id, occurred_at__lte=until)
        if last is not None:
            # ``>=`` bounds the index scan; the OR alone would rescan from the start.
            query = query.filter(
                Q(occurred_at__gte=last[0]),
                Q(occurred_at__gt=last[0]) | Q(occurred_at=last[0], id__gt=last[1]))
        rows = await query.order_by("occurred_at", "id").limit(batch_size).values(*_EVENT_FIELDS)
        for row in rows:
            yield row
        if len(rows) < batch_size:
            return
        last = (rows[-1]["occurred_at"], rows[-1]["id"])


def _json_event(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["public_id"]),  # the event's Node ID, as the API shows it
        "occurredAt": row["occurred_at"].astimezone(UTC).isoformat(),
        "kind": row["kind"],
        "kindLabel": rules.kind_label(row["kind"]),
        "channel": row["channel"],
        "direction": row["direction"],
        "summary": row["summary"],
        "sourceType": row["source_type"],
        "sourceId": row["source_id"],
        "actorRole": row["actor_role"],
        "details": row["details"],
        "anonymised": row["anonymised"],
    }


def _json_record(record: CaseRecord) -> dict[str, Any]:
    return {
        "type": record.kind,
        "at": record.at.astimezone(UTC).isoformat(),
        "title": record.title,
        "text": record.text,
        "channel": record.channel,
        "attachments": list(record.attachments),
        "details": record.details,
    }


def _timeline(case: Case, events: list[dict[str, Any]]) -> list[tuple[datetime, int, Any]]:
    """A case's records and events in one time order (records first on a tie: the event
    that tells of a record follows it)."""
    items = [(r.at, 0, r) for r in case.records] + [(e["occurred_at"], 1, e) for e in events]
    return sorted(items, key=lambda item: (item[0], item[1]))


def _json_case(case: Case, events: list[dict[str, Any]]) -> dict[str, Any]:
    items = [{"type": "event", **_json_event(item)} if kind else _json_record(item)
             for _, kind, item in _timeline(case, events)]
    return {
        "id": case.id,
        "recordType": case.record_type,
        "registrationNumber": case.number,
        "receivedAt": case.opened_at.astimezone(UTC).isoformat(),
        "closedAt": case.closed_at.astimezone(UTC).isoformat() if case.closed_at else None,
        "status": case.status,
        "items": items,
    }


def _html_record(record: CaseRecord, zone: str) -> dict[str, Any]:
    status = rules.notice_status_label(record.details.get("status"))
    return {
        "event": False,
        "when": rules.local_time(record.at, zone),
        "heading": rules.record_label(record.kind),
        "title": record.title,
        "channel": rules.channel_label(record.channel),
        "status": status,
        "text": record.text,
        "attachments": list(record.attachments),
    }


def _html_case(case: Case, events: list[dict[str, Any]], zone: str) -> dict[str, Any]:
    label = rules.case_label(case.record_type)
    received = rules.local_time(case.opened_at, zone)[:10]
    number = f" № {case.number}" if case.number else ""
    return {
        "heading": f"{label}{number} от {received}",
        "status": rules.case_status_label(case.status),
        "closed": rules.local_time(case.closed_at, zone) if case.closed_at else None,
        "items": [{**_html_event(item, zone), "event": True} if kind
                  else _html_record(item, zone) for _, kind, item in _timeline(case, events)],
    }


async def _write_documents(
    settings: Settings, export: HistoryExport, json_path: Path, html_path: Path, batch_size: int,
    client_name: ClientName | None, cases: ClientCases | None = None,
) -> int:
    if client_name is not None:
        name = await client_name(export.client_id)
    else:
        name = "" if await _clients().exists(id=export.client_id) else None
    if name is None:
        raise not_found("Клиент")
    generated = datetime.now(UTC)
    stats = _Stats()
    case_list = await cases(export.client_id) if cases is not None else []
    case_events = await _case_events(export.client_id, case_list, generated)
    in_cases = {e["id"] for events in case_events for e in events}
    stats.count = len(in_cases)
    with json_path.open("wb") as out_json, html_path.open("w", encoding="utf-8") as out_html:
        out_json.write(orjson.dumps({
            "format": FORMAT, "exportId": str(export.id),
            "generatedAt": generated.isoformat(),
            "client": {"id": str(export.client_id), "displayName": name},
        })[:-1] + b',"cases":[')
        for i, (case, events) in enumerate(zip(case_list, case_events, strict=True)):
            if i:
                out_json.write(b",")
            out_json.write(orjson.dumps(_json_case(case, events)))
        out_json.write(b'],"events":[')
        written = _Stats()

        async def events() -> AsyncIterator[dict[str, Any]]:
            # Each event outside the cases goes to both documents as the template reaches it.
            async for row in _events(export.client_id, generated, batch_size):
                if row["id"] in in_cases:
                    continue
                _write_json_event(out_json, row, first=written.count == 0)
                written.count += 1
                stats.count += 1
                yield _html_event(row, settings.timezone)

        template = _templates.get_template("export.html")
        async for chunk in template.generate_async(
            client_name=name, zone=settings.timezone, events=events(), stats=stats,
            cases=[_html_case(c, e, settings.timezone) for c, e in zip(case_list, case_events,
                                                                        strict=True)],
            generated_at=rules.local_time(generated, settings.timezone),
        ):
            out_html.write(chunk)
        out_json.write(b'],"eventCount":' + str(stats.count).encode() + b"}")
    return stats.count


def _write_json_event(out: IO[bytes], row: dict[str, Any], *, first: bool) -> None:
    if not first:
        out.write(b",")
    out.write(orjson.dumps(_json_event(row)))


def _html_event(row: dict[str, Any], zone: str) -> dict[str, Any]:
    return {
        "year": rules.local_year(row["occurred_at"], zone),
        "when": rules.local_time(row["occurred_at"], zone),
        "heading": rules.kind_label(row["kind"]),
        "channel": rules.channel_label(row["channel"]),
        "direction": rules.direction_label(row["direction"]),
        "actor": rules.actor_label(row["actor_role"]),
        "summary": row["summary"],
        "anonymised": row["anonymised"],
    }


async def stale_pending(older_than: timedelta, limit: int = 100) -> list[str]:
    """Exports whose job hand-off may have been lost (Redis was down at commit)."""
    before = datetime.now(UTC) - older_than
    ids = await HistoryExport.filter(status=ExportStatus.PENDING, created_at__lt=before).order_by(
        "created_at").limit(limit).values_list("id", flat=True)
    return [str(i) for i in ids]


async def expire(settings: Settings, now: datetime, batch_size: int = 500) -> int:
    """Remove the files of exports whose link has run out; the row stays, as EXPIRED."""
    done = 0
    while True:
        batch = await HistoryExport.filter(
            status=ExportStatus.READY, expires_at__lte=now).limit(batch_size).values_list(
            "id", flat=True)
        for export_id in batch:
            for fmt in ("json", "html"):
                file_path(settings, export_id, fmt).unlink(missing_ok=True)
        if batch:
            done += await HistoryExport.filter(id__in=batch, status=ExportStatus.READY).update(
                status=ExportStatus.EXPIRED)
        if len(batch) < batch_size:
            return done
