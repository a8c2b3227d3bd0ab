"""Handling a social item (R-7.3–R-7.5): a short public answer on the merits, checked for
plain language and the network's length, posted back through the outbox (``posting``); or,
when a public answer cannot help, a move to an individual channel: the person becomes a
client (found or created) and the item a message with its own legal terms, linked both ways.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from domain import redis
from domain.actor import Actor
from domain.clients import contacts
from domain.clients import service as clients
from domain.clients.access import get_client_for
from domain.clients.models import ClientKind, ContactKind, ContactPoint
from domain.directory.models import Sphere
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history.kinds import EventKind
from domain.ids import parse_uuid
from domain.messages import service as messages
from domain.messages import wording
from domain.messages.intake import IntakeData
from domain.messages.models import Message
from domain.settings import Settings, get_settings
from domain.social import access, events, rules
from domain.social.models import PostState, SocialAnswer, SocialItem, SocialStatus
from domain.texts import TextAudience
from domain.transaction import after_commit, transaction
from domain.validation import NAME_MAX, TEXT_MAX, clean_text

POST_JOB = "post_social_answer"


async def _item(item_id: Any) -> SocialItem:
    found = await SocialItem.filter(id=parse_uuid(item_id, "itemId", "Запись")) \
        .select_for_update().first()
    if found is None:
        raise not_found("Запись", "itemId")
    return found


async def _sphere(item: SocialItem, sphere_id: Any) -> None:
    """Staff's decision on the sphere, when given, replaces the detector's suggestion."""
    if sphere_id is None:
        return
    sphere = await Sphere.get_or_none(id=parse_uuid(sphere_id, "sphereId", "Сфера"))
    if sphere is None:
        raise not_found("Сфера", "sphereId")
    item.sphere_id = sphere.id


def _open_answer(answer: SocialAnswer | None) -> bool:
    return answer is not None and answer.state != PostState.FAILED


async def enqueue_post(answer_id: str) -> None:
    """The hand-off to the worker; the posting sweep repeats it if Redis was down."""
    try:
        await redis.enqueue(POST_JOB, answer_id, job_id=f"{POST_JOB}:{answer_id}:{uuid.uuid4()}")
    except Exception:  # noqa: BLE001 (the answer row is the outbox: the sweep posts it)
        return


async def answer_item(actor: Actor, item_id: Any, text: str, sphere_id: Any = None,
                      settings: Settings | None = None) -> SocialAnswer:
    """Write the public answer and queue its posting. An answer the network refused for good
    may be rewritten and queued again, under the same idempotency key."""
    access.require_staff(actor)
    settings = settings or get_settings()
    text = clean_text(text, "text", max_length=TEXT_MAX, multiline=True, required=True)
    async with transaction():
        item = await _item(item_id)
        answer = await SocialAnswer.get_or_none(item_id=item.id)
        if item.status == SocialStatus.MOVED:
            raise DomainError(ErrorCode.INVALID_STATE, "Запись уже передана в обращение: "
                              "ответ даётся по нему.", "itemId")
        if item.status == SocialStatus.ANSWERED or _open_answer(answer):
            raise DomainError(ErrorCode.ALREADY_ANSWERED, "На эту запись уже ответили.",
                              "itemId")
        if item.deleted_at is not None:
            raise DomainError(ErrorCode.INVALID_STATE, "Автор удалил запись, ответить под ней "
                              "нельзя. Её можно передать в обращение.", "itemId")
        limit = rules.answer_limit(item.network)
        if len(text) > limit:
            raise DomainError(ErrorCode.TOO_LONG, f"Ответ длиннее, чем принимает сеть: не "
                              f"больше {limit} символов, сейчас {len(text)}.", "text")
        audience = (await wording.audience_of(item.client_id) if item.client_id
                    else TextAudience.PERSON)
        # an answer on the merits, in the reader's words: one that only points at a
        # legal act is refused, as a stated reason is (other findings are advice).
        findings = wording.check(text, audience, settings, reason=True)
        wording.refuse_blocking(findings, "text")
        await _sphere(item, sphere_id)
        now = dt.datetime.now(dt.UTC)
        if answer is None:
            answer = SocialAnswer(id=uuid.uuid4(), item_id=item.id,
                                  idempotency_key=uuid.uuid4().hex, created_at=now)
        answer.text, answer.findings, answer.answered_by = text, findings, actor.subject
        answer.state, answer.attempts, answer.last_error = PostState.QUEUED, 0, None
        answer.next_attempt_at = None  # due at once
        await answer.save()
        item.status = SocialStatus.ANSWERING
        await item.save(update_fields=["status", "sphere_id", "updated_at"])
        answer_id = str(answer.id)
        after_commit(lambda: enqueue_post(answer_id))
        events.publish_after_commit(item)
    return answer


async def _client_for(actor: Actor, item: SocialItem, client_id: Any, last_name: str | None,
                      first_name: str | None) -> Any:
    """The client named by staff, else the one already linked or known by the network
    address, else a new client card from the names given (or the network's display name)."""
    if client_id is not None:
        return (await get_client_for(actor, client_id)).id
    known = item.client_id or await events.known_client(item.network, item.author_id)
    if known is not None:
        return known
    last = clean_text(last_name, "lastName", max_length=NAME_MAX)
    first = clean_text(first_name, "firstName", max_length=NAME_MAX)
    if not last and not first:
        first = clean_text(item.author_name, "firstName", max_length=NAME_MAX)
    client = await clients.create_client(actor, clients.ClientData(
        kind=ClientKind.PERSON, last_name=last, first_name=first))
    return client.id


async def _contact(actor: Actor, client_id: Any, item: SocialItem) -> Any:
    """The person's network address as the client's messenger contact (the way later items
    of the same author find the client); an existing one is reused."""
    value = events.contact_value(item.network, item.author_id)
    if value is None:
        return None
    found = await ContactPoint.filter(client_id=client_id, kind=ContactKind.MESSENGER,
                                      value=value).values_list("id", flat=True)
    if found:
        return found[0]
    try:
        return (await contacts.add_contact(actor, client_id, ContactKind.MESSENGER, value,
                                           label="Из социальной сети")).id
    except DomainError:  # an id the messenger rules do not accept: the link is the item
        return None


async def link_author(item: SocialItem, client_id: Any) -> None:
    """Once the person is known, every item of theirs (this one and earlier ones from the
    same network account) and every answer posted to them go into the client's history."""
    query = SocialItem.filter(client_id__isnull=True)
    if item.author_id:
        query = query.filter(network=item.network, author_id=item.author_id)
    else:
        query = query.filter(id=item.id)
    rows = await query.select_for_update()
    if item.id not in {r.id for r in rows} and item.client_id is None:
        rows.append(item)
    answers = {a.item_id: a for a in await SocialAnswer.filter(
        item_id__in=[r.id for r in rows], state=PostState.POSTED)}
    for row in sorted(rows, key=lambda r: r.received_at):
        row.client_id = client_id
        await SocialItem.filter(id=row.id).update(client_id=client_id)
        await events.item_received(row)
        if row.id in answers:
            await events.answer_posted(row, answers[row.id])
    item.client_id = client_id


async def move_to_message(actor: Actor, item_id: Any, client_id: Any = None,
                          last_name: str | None = None, first_name: str | None = None,
                          sphere_id: Any = None, settings: Settings | None = None
                          ) -> tuple[SocialItem, Message]:
    """R-7.3: the public answer is impossible, so the person is answered individually. The
    message runs its own legal terms from the moment the person wrote."""
    access.require_staff(actor)
    async with transaction():
        item = await _item(item_id)
        if item.status == SocialStatus.MOVED:
            raise DomainError(ErrorCode.INVALID_STATE, "Запись уже передана в обращение.",
                              "itemId")
        answer = await SocialAnswer.get_or_none(item_id=item.id)
        if item.status == SocialStatus.ANSWERED or _open_answer(answer):
            raise DomainError(ErrorCode.ALREADY_ANSWERED, "На эту запись уже ответили "
                              "публично.", "itemId")
        await _sphere(item, sphere_id)
        client = await _client_for(actor, item, client_id, last_name, first_name)
        contact_id = await _contact(actor, client, item)
        where = events.NETWORK_RU.get(str(item.network), "социальная сеть")
        message = await messages.receive(actor, IntakeData(
            client_id=client, channel=Channel.SOCIAL, contact_id=contact_id,
            subject=f"Из социальной сети ({where})", received_at=item.received_at,
            body=item.text or item.original_text or "Запись без текста: см. ссылку.",
            from_social_item=True,
        ), settings)
        await link_author(item, client)
        item.message_id, item.status = message.id, SocialStatus.MOVED
        item.answered_at, item.next_alert_at = dt.datetime.now(dt.UTC), None
        item.moved_by = actor.subject
        await item.save(update_fields=["client_id", "message_id", "status", "answered_at",
                                       "next_alert_at", "moved_by", "sphere_id", "updated_at"])
        await events.record(item, EventKind.SOCIAL_ITEM, "Запись из социальной сети передана "
                            f"в обращение № {messages.number_of(message)}",
                            details={"messageId": str(message.id)})
        events.publish_after_commit(item)
    return item, message
