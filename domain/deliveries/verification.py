"""Self-service confirmation of a contact point by a code (R-1.4, issue 15 "Government mail to
anyone"): the client asks for a 6-digit code, it goes to that address only (``rules.ONE_ADDRESS``,
through the outbox like every communication), and typing it back marks the address verified.

Only an HMAC of the code (keyed with ``link_secret``) is kept, in Redis, with its expiry and a
count of attempts: no migration, and a lost Redis only means asking for a new code. Requests are
rate-limited per address and per requester, so nobody can flood an address or guess by asking.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from domain.actor import Actor
from domain.clients import contacts
from domain.clients.models import ContactKind, ContactPoint
from domain.deliveries.models import Purpose, Template
from domain.deliveries.service import send
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.redis import count_hit, get_redis
from domain.settings import get_settings
from domain.transaction import transaction

CODE_TTL_SECONDS = 600
MAX_ATTEMPTS = 5  # wrong codes typed; then the code is void
WINDOW_SECONDS = 3600
PER_CONTACT = 3  # codes per address per hour
PER_SUBJECT = 10  # codes per requester per hour
# Kinds a code can reach and the channel that carries it (a letter with a code would arrive
# after the code expired: a postal address is confirmed by staff).
CHANNEL_OF: dict[ContactKind, Channel] = {
    ContactKind.EMAIL: Channel.EMAIL,
    ContactKind.PHONE: Channel.SMS,
    ContactKind.MESSENGER: Channel.MESSENGER,
}


def _key(contact_id: Any) -> str:
    return f"okno:contact-code:{contact_id}"


def _digest(contact_id: Any, code: str) -> str:
    secret = get_settings().link_secret.encode()
    return hmac.new(secret, f"{contact_id}:{code}".encode(), hashlib.sha256).hexdigest()


async def _contact(actor: Actor, contact_id: Any) -> ContactPoint:
    contact = await contacts.contact_for(actor, contact_id)  # NOT_FOUND for another's contact
    if contact.verified:
        raise DomainError(ErrorCode.INVALID_STATE, "Этот контакт уже подтверждён.", "contactId")
    return contact


async def _limit(key: str, limit: int) -> None:
    if await count_hit(key, WINDOW_SECONDS) > limit:
        raise DomainError(ErrorCode.RATE_LIMITED, "Слишком много запросов кода. Попробуйте "
                          "через час.", "contactId")


async def request_code(actor: Actor, contact_id: Any) -> ContactPoint:
    """Send a new code to the contact (the previous one is void). The message names nobody:
    the address is unverified, so ``send`` renders it without the client's name."""
    contact = await _contact(actor, contact_id)
    channel = CHANNEL_OF.get(contact.kind)
    if channel is None:
        raise DomainError(ErrorCode.INVALID, "Почтовый адрес подтверждают сотрудники на приёме.",
                          "contactId")
    await _limit(f"contact-code:contact:{contact.id}", PER_CONTACT)
    await _limit(f"contact-code:subject:{actor.role}:{actor.subject}", PER_SUBJECT)
    code = f"{secrets.randbelow(10**6):06d}"
    key = _key(contact.id)
    async with get_redis().pipeline(transaction=True) as pipe:
        pipe.delete(key)
        pipe.hset(key, mapping={"digest": _digest(contact.id, code), "attempts": 0})
        pipe.expire(key, CODE_TTL_SECONDS)
        await pipe.execute()
    async with transaction():
        await send(contact.client_id, Purpose.CONTACT_VERIFICATION, Template.CONTACT_VERIFICATION,
                   {"code": code}, source=("contact", contact.id), legal_channel=channel,
                   legal_contact_id=contact.id, actor=actor)
    return contact


async def confirm_code(actor: Actor, contact_id: Any, code: str) -> ContactPoint:
    """Mark the contact verified if ``code`` is its current code; at most ``MAX_ATTEMPTS``
    tries per code."""
    contact = await _contact(actor, contact_id)
    key = _key(contact.id)
    # Count the attempt and read the digest in one step: parallel guesses each count.
    async with get_redis().pipeline(transaction=True) as pipe:
        pipe.hincrby(key, "attempts", 1)
        pipe.hget(key, "digest")
        attempts, digest = await pipe.execute()
    if digest is None or attempts > MAX_ATTEMPTS:
        await get_redis().delete(key)  # also what the HINCRBY made of an expired code
        raise DomainError(ErrorCode.EXPIRED_TOKEN, "Код устарел или не запрашивался. "
                          "Запросите новый код.", "code")
    expected = digest.decode() if isinstance(digest, bytes) else str(digest)
    if not hmac.compare_digest(expected, _digest(contact.id, (code or "").strip())):
        if attempts >= MAX_ATTEMPTS:
            await get_redis().delete(key)
            raise DomainError(ErrorCode.EXPIRED_TOKEN, "Неверный код. Попытки закончились, "
                              "запросите новый код.", "code")
        raise DomainError(ErrorCode.INVALID, f"Неверный код. Осталось попыток: "
                          f"{MAX_ATTEMPTS - attempts}.", "code")
    await get_redis().delete(key)
    async with transaction():
        return await contacts.mark_verified(actor, contact)
