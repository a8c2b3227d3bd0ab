"""What social items leave behind outside their own tables: the client's history once the
person is known (every item and every answer), and the live updates staff subscribe to."""

from __future__ import annotations

from typing import Any

from domain import redis
from domain.clients.models import ContactKind, ContactPoint
from domain.clients.rules import MESSENGER_NETWORKS
from domain.enums import Channel
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.history.models import Direction
from domain.social.models import SocialAnswer, SocialItem
from domain.transaction import after_commit

TOPIC = "social"
STAFF_KEY = "staff"  # every staff subscriber listens here

NETWORK_RU = {"vk": "ВКонтакте", "telegram": "Telegram", "ok": "Одноклассники", "max": "MAX",
              "other": "социальная сеть"}


def contact_value(network: str, author_id: str | None) -> str | None:
    """The person's address in the network as a messenger contact («vk:12345»), for the
    networks a client's messenger contact may name."""
    if not author_id or network not in MESSENGER_NETWORKS:
        return None
    return f"{network}:{author_id.lower()}"


async def known_client(network: str, author_id: str | None) -> Any:
    """The client whose messenger contact is this author, if any (the first one made)."""
    value = contact_value(network, author_id)
    if value is None:
        return None
    found = await ContactPoint.filter(kind=ContactKind.MESSENGER, value=value).order_by(
        "created_at").values_list("client_id", flat=True)
    return found[0] if found else None


async def record(item: SocialItem, kind: EventKind, summary: str, *,
                 direction: Direction = Direction.INTERNAL, details: dict | None = None,
                 occurred_at=None) -> None:
    await history.record(item.client_id, kind, summary, direction=direction,
                         channel=Channel.SOCIAL, source=(SourceType.SOCIAL_ITEM, item.id),
                         details=details, occurred_at=occurred_at)


async def item_received(item: SocialItem) -> None:
    """The item itself, dated when the person wrote it."""
    where = NETWORK_RU.get(str(item.network), "социальная сеть")
    await record(item, EventKind.SOCIAL_ITEM, f"Запись в социальной сети ({where}): "
                 f"«{item.text[:300]}»", direction=Direction.INBOUND,
                 details={"kind": str(item.kind), "network": str(item.network),
                          "url": item.url}, occurred_at=item.received_at)


async def answer_posted(item: SocialItem, answer: SocialAnswer) -> None:
    await record(item, EventKind.SOCIAL_ANSWER, f"Опубликован ответ: «{answer.text[:300]}»",
                 direction=Direction.OUTBOUND, details={"answerId": str(answer.id)},
                 occurred_at=answer.posted_at)


def publish_after_commit(item: SocialItem) -> None:
    item_id = str(item.id)
    after_commit(lambda: publish(item_id))


async def publish(item_id: str) -> None:
    try:
        await redis.publish(TOPIC, STAFF_KEY, {"id": item_id})
    except Exception:  # noqa: BLE001 (live updates are best effort; the rows are the truth)
        return
