"""Intake of social items (R-7.1): webhooks and batch imports end here, deduplicated by
(source, source item id). A replay changes nothing; an edit at the source updates the text
and keeps what was said first; a deletion at the source marks the item (kept, unanswered
alerts stop: nothing is left to answer in public)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.directory import queries as directory_queries
from domain.directory.models import Sphere
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.history.kinds import EventKind
from domain.ids import as_uuid
from domain.settings import Settings, get_settings
from domain.social import access, events, rules
from domain.social.models import SocialAbuse, SocialItem, SocialSource, SocialStatus
from domain.texts import classify, detect_abuse
from domain.transaction import transaction
from domain.validation import TEXT_MAX, strip_invisible

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_network_text(value: str | None, limit: int = TEXT_MAX) -> str:
    """A network's text as we keep it: control characters dropped, never refused (the person
    wrote it; losing it would be worse than a stray character)."""
    text = strip_invisible(_CONTROL.sub("", value or ""), multiline=True).strip()
    return text[:limit]


def _short(value: str | None, limit: int) -> str | None:
    text = clean_network_text(value, limit)
    return text or None


async def active_source(source_id: Any) -> SocialSource | None:
    found = as_uuid(source_id)
    if found is None:
        return None
    return await SocialSource.get_or_none(id=found, active=True)


@dataclass
class IngestResult:
    created: int = 0
    updated: int = 0  # edited or deleted at the source
    unchanged: int = 0  # replays
    ignored: int = 0  # edits or deletions of items never received

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "ignored": self.ignored}


async def ingest(source: SocialSource, incoming: list[rules.Incoming],
                 settings: Settings | None = None, now: dt.datetime | None = None
                 ) -> IngestResult:
    """One transaction for the batch. Two deliveries of the same new item racing each other:
    the loser's insert hits the unique key and the batch runs again, finding the row."""
    settings = settings or get_settings()
    calendar = await load_calendar(settings)
    now = now or dt.datetime.now(dt.UTC)
    try:
        return await _ingest(source, incoming, settings, calendar, now)
    except IntegrityError:
        return await _ingest(source, incoming, settings, calendar, now)


async def _ingest(source: SocialSource, incoming: list[rules.Incoming], settings: Settings,
                  calendar, now: dt.datetime) -> IngestResult:
    result = IngestResult()
    ids = list({i.item_id[:200] for i in incoming})
    async with transaction():
        found = {row.source_item_id: row for row in await SocialItem.filter(
            source_id=source.id, source_item_id__in=ids).select_for_update()} if ids else {}
        for item in incoming:
            key = item.item_id[:200]
            existing = found.get(key)
            if existing is None:
                if item.action == rules.Action.DELETE or item.kind is None:
                    result.ignored += 1
                    continue
                found[key] = await _create(source, key, item, settings, calendar, now)
                result.created += 1
            elif item.action == rules.Action.DELETE:
                if existing.deleted_at is not None:
                    result.unchanged += 1
                    continue
                await _deleted(existing, now)
                result.updated += 1
            else:
                text = clean_network_text(item.text)
                if item.text is None or text == existing.text:
                    result.unchanged += 1
                    continue
                await _edited(existing, text, now)
                result.updated += 1
    return result


async def _create(source: SocialSource, key: str, item: rules.Incoming, settings: Settings,
                  calendar, now: dt.datetime) -> SocialItem:
    received = rules.received_moment(item.at, now)
    row = SocialItem(
        id=uuid.uuid4(), source_id=source.id, source_item_id=key, network=source.network,
        kind=item.kind, author_id=_short(item.author_id, 200),
        author_name=_short(item.author_name, 300), url=_short(item.url, 1000),
        post_id=_short(item.post_id, 200), text=clean_network_text(item.text),
        received_at=received, due_at=rules.due_at(calendar, item.kind, received),
        warn_at=rules.warn_at(calendar, item.kind, received,
                              settings.social_warning_working_hours),
        status=SocialStatus.NEW,
    )
    if item.action == rules.Action.EDIT:
        row.edited_at = now
    row.next_alert_at = row.warn_at
    await _assess(row)
    row.client_id = await events.known_client(row.network, row.author_id)
    await row.save()
    if row.client_id is not None:
        await events.item_received(row)
    events.publish_after_commit(row)
    return row


async def _assess(row: SocialItem) -> None:
    """R-7.3 analysis with the messages' detectors: the sphere (the best suggestion, which
    staff may correct when answering) and abusive words."""
    ranked = classify(row.text, await directory_queries.dictionaries())
    if ranked:
        best = await Sphere.get_or_none(code=ranked[0].sphere)
        if best is not None:
            row.suggested_sphere_id = row.sphere_id = best.id
            row.sphere_confidence = ranked[0].confidence
    report = detect_abuse(row.text)
    row.abuse_flags = [f.as_dict() for f in report.flags] or None
    row.abuse_status = SocialAbuse.SUSPECTED if report.abusive else SocialAbuse.NONE


async def _edited(row: SocialItem, text: str, now: dt.datetime) -> None:
    if row.original_text is None:
        row.original_text = row.text
    row.text, row.edited_at = text, now
    await row.save(update_fields=["text", "original_text", "edited_at", "updated_at"])
    if row.client_id is not None:
        await events.record(row, EventKind.SOCIAL_ITEM, "Автор изменил запись в социальной сети")
    events.publish_after_commit(row)


async def _deleted(row: SocialItem, now: dt.datetime) -> None:
    row.deleted_at = now
    if row.status == SocialStatus.NEW:
        row.next_alert_at = None
    await row.save(update_fields=["deleted_at", "next_alert_at", "updated_at"])
    if row.client_id is not None:
        await events.record(row, EventKind.SOCIAL_ITEM, "Автор удалил запись в социальной сети")
    events.publish_after_commit(row)


MAX_IMPORT = 1000


async def import_items(actor: Actor, source_id: Any, items: list[dict[str, Any]],
                       settings: Settings | None = None) -> IngestResult:
    """The batch import (staff): items in the generic shape, all checked before any is
    written (a bad one refuses the batch, naming it); deduplicated like webhooks."""
    access.require_staff(actor)
    source = await SocialSource.get_or_none(id=as_uuid(source_id)) \
        if as_uuid(source_id) else None
    if source is None:
        raise not_found("Источник", "sourceId")
    if not items or len(items) > MAX_IMPORT:
        raise DomainError(ErrorCode.INVALID, f"Передайте от 1 до {MAX_IMPORT} записей.", "items")
    parsed: list[rules.Incoming] = []
    errors: list[DomainError] = []
    for n, raw in enumerate(items):
        try:
            parsed.append(rules.parse_generic(raw))
        except rules.BadPayload as exc:
            errors.append(DomainError(ErrorCode.INVALID, f"Запись № {n + 1}: {exc}.",
                                      f"items.{n}"))
    if errors:
        raise ValidationFailed(errors)
    return await ingest(source, parsed, settings)
