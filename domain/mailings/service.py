"""Consent (R-6.1, R-6.3, R-6.4): lists, double opt-in sign-up, confirmation, revocation,
imports, and the consent ledger. Campaigns are in ``campaigns.py``; sending in
``sending.py``.

Every consent change writes one ``ConsentRecord`` (append-only) and, when the address
belongs to a client, one history event (R-1.5)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from domain import redis
from domain.actor import SYSTEM, Actor
from domain.clients.models import Client, ContactKind, ContactPoint
from domain.deliveries import staff as outbox
from domain.deliveries.models import Purpose, RouteReason, Template
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.ids import as_uuid, parse_uuid
from domain.mailings import access, rules
from domain.mailings.models import (
    AddressState,
    ConsentAction,
    ConsentRecord,
    ConsentSource,
    MailingAddress,
    MailingList,
    MailingSubscription,
    SubscriptionStatus,
)
from domain.settings import Settings, get_settings
from domain.surveys import tokens
from domain.transaction import transaction
from domain.validation import TEXT_MAX, clean_text

CONFIRM = "mailing-confirm"
UNSUBSCRIBE = "mailing-unsubscribe"
# Unsubscribe links must keep working as long as mail carrying them may be read.
NEVER = datetime(2200, 1, 1, tzinfo=UTC)
BAD_LINK = "Ссылка недействительна. Проверьте, что она скопирована из письма целиком."
EXPIRED_LINK = ("Срок действия ссылки истёк. Подпишитесь ещё раз — мы пришлём новое письмо "
                "для подтверждения.")
USED_LINK = "Подписка по этой ссылке уже подтверждена."
LIST_GONE = "Эта рассылка больше не ведётся, подтверждать нечего."
TOO_MANY = "Слишком много попыток. Попробуйте через час."
MAX_LISTS = 50


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Request:
    """Where a consent came from, for the ledger."""

    source: ConsentSource
    ip: str | None = None
    user_agent: str | None = None
    actor: Actor | None = None
    proof: str | None = None


# -- lists ---------------------------------------------------------------------------------


def _list_fields(name: Any, description: Any) -> tuple[str, str]:
    return (clean_text(name, "name", required=True),
            clean_text(description, "description", max_length=2000, required=True,
                       multiline=True))


async def create_list(actor: Actor, name: str, description: str) -> MailingList:
    access.require_manager(actor)
    name, description = _list_fields(name, description)
    return await MailingList.create(name=name, description=description,
                                    created_by=actor.subject)


async def live_list(list_id: Any, field: str = "id") -> MailingList:
    found = await MailingList.get_or_none(id=parse_uuid(list_id, field, "Рассылка"),
                                          deleted_at=None)
    if found is None:
        raise not_found("Рассылка", field)
    return found


async def update_list(actor: Actor, list_id: Any, name: str, description: str) -> MailingList:
    access.require_manager(actor)
    found = await live_list(list_id)
    found.name, found.description = _list_fields(name, description)
    await found.save(update_fields=["name", "description", "updated_at"])
    return found


async def delete_list(actor: Actor, list_id: Any) -> MailingList:
    """Marks the list deleted: nothing is mailed to it again; tokens of its subscriptions
    still unsubscribe (and say so), the ledger stays."""
    access.require_manager(actor)
    found = await live_list(list_id)
    found.deleted_at = now()
    await found.save(update_fields=["deleted_at", "updated_at"])
    return found


async def _lists(list_ids: Iterable[Any]) -> list[MailingList]:
    ids = []
    for i, raw in enumerate(list(list_ids)[:MAX_LISTS + 1]):
        ids.append(parse_uuid(raw, f"listIds.{i}", "Рассылка"))
    if not ids:
        raise DomainError(ErrorCode.REQUIRED, "Выберите хотя бы одну рассылку.", "listIds")
    if len(ids) > MAX_LISTS:
        raise DomainError(ErrorCode.INVALID, f"Не больше {MAX_LISTS} рассылок сразу.",
                          "listIds")
    found = {x.id: x for x in await MailingList.filter(id__in=ids, deleted_at=None)}
    missing = [DomainError(ErrorCode.NOT_FOUND, "Рассылка не найдена.", f"listIds.{i}")
               for i, x in enumerate(ids) if x not in found]
    if missing:
        raise ValidationFailed(missing)
    return [found[x] for x in dict.fromkeys(ids)]


# -- tokens and links ----------------------------------------------------------------------


def unsubscribe_token(sub_id: Any, nonce: str, settings: Settings) -> str:
    return tokens.sign(settings.link_secret, UNSUBSCRIBE, str(sub_id), nonce, NEVER)


def unsubscribe_url(sub_id: Any, nonce: str, settings: Settings) -> str:
    return f"{settings.public_base_url.rstrip('/')}/u/{unsubscribe_token(sub_id, nonce, settings)}"


def unsubscribe_mailto(settings: Settings) -> str:
    if settings.mailing_unsubscribe_mailto:
        return settings.mailing_unsubscribe_mailto
    return "unsubscribe@" + (settings.mail_from.rpartition("@")[2] or "okno.local")


def confirm_url(token: str, settings: Settings) -> str:
    return f"{settings.public_base_url.rstrip('/')}/m/confirm/{token}"


def _claims(token: Any, purpose: str, settings: Settings) -> tokens.Claims:
    try:
        return tokens.verify(settings.link_secret, token, purpose)
    except tokens.TokenExpired:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token") from None
    except tokens.TokenError:
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token") from None


# -- the ledger ----------------------------------------------------------------------------

ACTION_RU = {ConsentAction.REQUESTED: "Запрошена подписка на рассылку «{}» (ждёт подтверждения)",
             ConsentAction.GIVEN: "Подписка на рассылку «{}» подтверждена",
             ConsentAction.REVOKED: "Подписка на рассылку «{}» отменена"}
SOURCE_RU = {ConsentSource.FORM: "форма на сайте", ConsentSource.PROFILE: "личный кабинет",
             ConsentSource.OPERATOR: "сотрудник", ConsentSource.IMPORT: "импорт списка",
             ConsentSource.LINK: "ссылка в письме", ConsentSource.BOUNCE: "почтовый сервер"}


async def _ledger(sub: MailingSubscription, action: ConsentAction, request: Request,
                  list_name: str, client_id: Any, settings: Settings) -> None:
    at = now()
    await ConsentRecord.create(
        subscription_id=sub.id, action=action, source=request.source, at=at,
        ip=(request.ip or None) and request.ip[:64],
        user_agent=(request.user_agent or None) and request.user_agent[:500],
        text_version=settings.mailing_consent_version, proof=request.proof,
        actor=request.actor.subject if request.actor else None)
    if client_id is not None:
        await history.record(
            client_id, EventKind.MAILING_CONSENT,
            f"{ACTION_RU[action].format(list_name)} ({SOURCE_RU[request.source]})",
            actor=request.actor, occurred_at=at,
            details={"subscriptionId": str(sub.id), "action": str(action),
                     "source": str(request.source),
                     "textVersion": settings.mailing_consent_version})


# -- sign-up -------------------------------------------------------------------------------


async def _rate_limit(key: str, limit: int) -> None:
    """Fixed one-hour window in Redis shared by every API process; no Redis lets it pass."""
    if await redis.over_limit(key, limit, 3600):
        raise DomainError(ErrorCode.RATE_LIMITED, TOO_MANY, "email")


async def _address(email: str, client_id: Any = None) -> MailingAddress:
    """The address row; matched to a client by an email contact of theirs when first seen."""
    found = await MailingAddress.get_or_none(email=email)
    if found is None:
        if client_id is None:
            contact = await ContactPoint.filter(kind=ContactKind.EMAIL, value=email) \
                .order_by("-verified", "created_at").first().values("client_id")
            client_id = contact["client_id"] if contact else None
        found, _ = await MailingAddress.get_or_create(email=email,
                                                      defaults={"client_id": client_id})
    elif found.client_id is None and client_id is not None:
        found.client_id = client_id
        await found.save(update_fields=["client_id"])
    return found


async def _greeting(client_id: Any) -> str:
    from domain.clients.rules import display_name

    if client_id is None:
        return ""
    c = await Client.get_or_none(id=client_id)
    return display_name(c.kind, c.last_name, c.first_name, c.middle_name,
                        c.organisation_name) if c else ""


async def _request_consent(address: MailingAddress, lists: list[MailingList], request: Request,
                           settings: Settings) -> None:
    """Pending subscriptions for the lists not yet consented to, and one confirmation mail
    for them. Already confirmed lists are left alone (and not mentioned: no enumeration)."""
    at = now()
    confirm_nonce = secrets.token_urlsafe(12)
    expires = at + timedelta(hours=settings.mailing_confirm_ttl_hours)
    asked: list[MailingList] = []
    for mailing_list in lists:
        sub = await MailingSubscription.get_or_none(address_id=address.id,
                                                    mailing_list_id=mailing_list.id)
        if sub is not None and sub.status == SubscriptionStatus.CONFIRMED:
            continue
        if sub is None:
            sub = await MailingSubscription.create(
                address_id=address.id, mailing_list_id=mailing_list.id,
                status=SubscriptionStatus.PENDING, source=request.source,
                nonce=secrets.token_urlsafe(12), confirm_nonce=confirm_nonce,
                confirm_expires_at=expires)
        else:
            sub.status, sub.source = SubscriptionStatus.PENDING, request.source
            sub.confirm_nonce, sub.confirm_expires_at = confirm_nonce, expires
            await sub.save(update_fields=["status", "source", "confirm_nonce",
                                          "confirm_expires_at"])
        await _ledger(sub, ConsentAction.REQUESTED, request, mailing_list.name,
                      address.client_id, settings)
        asked.append(mailing_list)
    if not asked:
        return
    token = tokens.sign(settings.link_secret, CONFIRM, str(address.id), confirm_nonce, expires)
    await outbox.send_to_staff([outbox.StaffMail(
        name=await _greeting(address.client_id), email=address.email,
        purpose=Purpose.MAILING_CONFIRMATION, template=Template.MAILING_CONFIRMATION,
        context={"list_name": "», «".join(x.name for x in asked),
                 "confirm_url": confirm_url(token, settings)},
        source=("mailing_address", address.id),
        idempotency_key=f"mailing-confirm:{address.id}:{confirm_nonce}",
        route=RouteReason.FIXED)], actor=request.actor or SYSTEM)


async def subscribe(email: Any, list_ids: Iterable[Any], request: Request,
                    settings: Settings | None = None) -> None:
    """Public sign-up (R-6.3). The same answer for a new, pending or subscribed address:
    the only way to learn more is to read that mailbox."""
    settings = settings or get_settings()
    limit = settings.mailing_signup_limit_per_hour
    if request.ip:
        await _rate_limit(f"mailing-signup:ip:{request.ip}", limit)
    address_text = rules.signup_email(email if isinstance(email, str) else "")
    digest = hashlib.sha256(address_text.encode()).hexdigest()[:32]
    await _rate_limit(f"mailing-signup:email:{digest}", limit)
    lists = await _lists(list_ids)
    async with transaction():
        address = await _address(address_text)
        await _request_consent(address, lists, request, settings)


async def _client_email(client_id: Any) -> tuple[str, bool]:
    contacts = await ContactPoint.filter(client_id=client_id, kind=ContactKind.EMAIL) \
        .order_by("-verified", "-primary", "created_at").values("value", "verified")
    if not contacts:
        raise DomainError(ErrorCode.CONTACT_REQUIRED,
                          "Добавьте в профиль адрес электронной почты: рассылки приходят только "
                          "на почту.", "listIds")
    return contacts[0]["value"].lower(), contacts[0]["verified"]


async def subscribe_client(actor: Actor, list_ids: Iterable[Any], request: Request,
                           settings: Settings | None = None) -> list[MailingSubscription]:
    """A signed-in client from their profile: a verified email contact is consent at once,
    an unverified one gets the same confirmation mail as the public form."""
    settings = settings or get_settings()
    client_id = as_uuid(actor.client_id)
    if client_id is None:
        raise DomainError(ErrorCode.FORBIDDEN, access.FORBIDDEN)
    lists = await _lists(list_ids)
    email, verified = await _client_email(client_id)
    async with transaction():
        address = await _address(email, client_id)
        if not verified:
            await _request_consent(address, lists, request, settings)
        else:
            for mailing_list in lists:
                sub, created = await MailingSubscription.get_or_create(
                    address_id=address.id, mailing_list_id=mailing_list.id,
                    defaults={"status": SubscriptionStatus.CONFIRMED, "source": request.source,
                              "nonce": secrets.token_urlsafe(12), "confirmed_at": now()})
                if not created and sub.status == SubscriptionStatus.CONFIRMED:
                    continue
                if not created:
                    sub.status, sub.source = SubscriptionStatus.CONFIRMED, request.source
                    sub.confirmed_at, sub.revoked_at = now(), None
                    await sub.save(update_fields=["status", "source", "confirmed_at",
                                                  "revoked_at"])
                await _ledger(sub, ConsentAction.GIVEN, request, mailing_list.name, client_id,
                              settings)
    return await MailingSubscription.filter(address_id=address.id,
                                            mailing_list_id__in=[x.id for x in lists])


async def confirm(token: Any, request: Request, settings: Settings | None = None
                  ) -> list[MailingSubscription]:
    """The confirmation link: every pending subscription of that sign-up becomes consent."""
    settings = settings or get_settings()
    claims = _claims(token, CONFIRM, settings)
    address_id = as_uuid(claims.record_id)
    subs = [] if address_id is None else await MailingSubscription.filter(
        address_id=address_id, confirm_nonce=claims.nonce).prefetch_related("mailing_list")
    if not subs:  # a genuine token whose sign-up was purged or replaced
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token")
    pending = [s for s in subs if s.status == SubscriptionStatus.PENDING]
    if not pending:
        if any(s.status == SubscriptionStatus.CONFIRMED for s in subs):
            raise DomainError(ErrorCode.EXPIRED_TOKEN, USED_LINK, "token")
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token")
    live = [s for s in pending if s.mailing_list.deleted_at is None]
    if not live:
        raise DomainError(ErrorCode.INVALID_STATE, LIST_GONE, "token")
    address = await MailingAddress.get(id=address_id)
    at = now()
    async with transaction():
        for sub in live:
            changed = await MailingSubscription.filter(
                id=sub.id, status=SubscriptionStatus.PENDING).update(
                status=SubscriptionStatus.CONFIRMED, confirmed_at=at, revoked_at=None,
                confirm_expires_at=None)
            if changed:
                await _ledger(sub, ConsentAction.GIVEN, Request(
                    sub.source, request.ip, request.user_agent, request.actor),
                    sub.mailing_list.name, address.client_id, settings)
    return live


async def _subscription(sub_id: Any) -> MailingSubscription | None:
    if sub_id is None:
        return None
    return await MailingSubscription.get_or_none(id=sub_id).prefetch_related("mailing_list")


# -- revocation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    list_name: str | None  # None: the subscription no longer exists
    revoked_now: bool


async def _revoke(sub: MailingSubscription, request: Request, settings: Settings) -> bool:
    """Revoked at once. Waits for a batch being sent to this address to finish (it holds
    the row): once this returns, no further email of any campaign leaves for it."""
    at = now()
    async with transaction():
        changed = await MailingSubscription.filter(
            id=sub.id, status__in=[SubscriptionStatus.CONFIRMED, SubscriptionStatus.PENDING],
        ).update(status=SubscriptionStatus.REVOKED, revoked_at=at, confirm_expires_at=None)
        if changed:
            mailing_list = await MailingList.get(id=sub.mailing_list_id)
            address = await MailingAddress.get(id=sub.address_id)
            await _ledger(sub, ConsentAction.REVOKED, request, mailing_list.name,
                          address.client_id, settings)
    return bool(changed)


async def unsubscribe(token: Any, request: Request, settings: Settings | None = None
                      ) -> Unsubscribed:
    """R-6.4: a genuine token always succeeds — twice, after the list was deleted, after
    the subscription was purged."""
    settings = settings or get_settings()
    claims = _claims(token, UNSUBSCRIBE, settings)
    sub_id = as_uuid(claims.record_id)
    sub = await _subscription(sub_id)
    if sub is None:
        return Unsubscribed(None, False)
    if not secrets.compare_digest(sub.nonce, claims.nonce):
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token")
    revoked = await _revoke(sub, request, settings)
    return Unsubscribed(sub.mailing_list.name, revoked)


async def unsubscribe_preview(token: Any, settings: Settings | None = None) -> str | None:
    """The list a token unsubscribes from (for the page), without changing anything."""
    claims = _claims(token, UNSUBSCRIBE, settings or get_settings())
    sub_id = as_uuid(claims.record_id)
    sub = await _subscription(sub_id)
    if sub is not None and not secrets.compare_digest(sub.nonce, claims.nonce):
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token")
    return sub.mailing_list.name if sub else None


async def revoke(actor: Actor, subscription_id: Any, settings: Settings | None = None
                 ) -> MailingSubscription:
    """A client from their profile, or staff on the person's word (phone, reception)."""
    settings = settings or get_settings()
    sub = await MailingSubscription.get_or_none(
        id=parse_uuid(subscription_id, "subscriptionId", "Подписка")
    ).prefetch_related("address")
    if sub is None or not access.can_see_subscription(actor, sub.address.client_id):
        raise not_found("Подписка", "subscriptionId")
    source = ConsentSource.OPERATOR if actor.is_staff else ConsentSource.PROFILE
    await _revoke(sub, Request(source, actor=actor), settings)
    await sub.refresh_from_db()
    return sub


# -- imports -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRow:
    email: str
    consented_at: datetime | None
    proof: str | None  # how the person consented: form, paper, event; where it is kept


async def import_subscribers(actor: Actor, list_id: Any, rows: list[ImportRow],
                             settings: Settings | None = None) -> int:
    """An existing list: every row must carry its proof of consent and its time, or the
    whole import is refused (rows without proof are never mailed). Returns rows added."""
    settings = settings or get_settings()
    access.require_manager(actor)
    mailing_list = await live_list(list_id, "listId")
    if len(rows) > 10_000:
        raise DomainError(ErrorCode.INVALID, "Не больше 10 000 адресов за один импорт.", "rows")
    errors: list[DomainError] = []
    cleaned: list[tuple[str, datetime, str]] = []
    for i, row in enumerate(rows):
        try:
            email = rules.signup_email(row.email, f"rows.{i}.email")
            proof = clean_text(row.proof, f"rows.{i}.proof", max_length=TEXT_MAX // 10)
            if not proof or row.consented_at is None:
                raise DomainError(ErrorCode.REQUIRED, "Без подтверждения согласия адрес не "
                                  "импортируется: укажите, когда и как человек согласился.",
                                  f"rows.{i}.proof")
            if row.consented_at.tzinfo is None or row.consented_at > now():
                raise DomainError(ErrorCode.INVALID, "Неверная дата согласия.",
                                  f"rows.{i}.consentedAt")
            cleaned.append((email, row.consented_at, proof))
        except DomainError as exc:
            errors.append(exc)
    if errors:
        raise ValidationFailed(errors[:50])
    added = 0
    async with transaction():
        for email, consented_at, proof in cleaned:
            address = await _address(email)
            sub, created = await MailingSubscription.get_or_create(
                address_id=address.id, mailing_list_id=mailing_list.id,
                defaults={"status": SubscriptionStatus.CONFIRMED,
                          "source": ConsentSource.IMPORT, "nonce": secrets.token_urlsafe(12),
                          "confirmed_at": consented_at})
            if not created:  # whatever the person did here since wins over an old list
                continue
            added += 1
            await _ledger(sub, ConsentAction.GIVEN, Request(
                ConsentSource.IMPORT, actor=actor,
                proof=f"{consented_at.isoformat()}: {proof}"), mailing_list.name,
                address.client_id, settings)
    return added


# -- the purge -----------------------------------------------------------------------------


async def purge_unconfirmed(settings: Settings | None = None, at: datetime | None = None
                            ) -> int:
    """Sign-ups never confirmed in time: a row that never held consent is deleted with its
    ledger (no consent, no reason to keep the address); one that did (re-sign-up after a
    revocation) keeps its history and becomes expired. Addresses left without any
    subscription and without a client are deleted."""
    at = at or now()
    expired = await MailingSubscription.filter(
        status=SubscriptionStatus.PENDING, confirm_expires_at__lt=at).limit(5000) \
        .values_list("id", flat=True)
    if not expired:
        return 0
    async with transaction():
        consented = set(await ConsentRecord.filter(
            subscription_id__in=expired, action=ConsentAction.GIVEN
        ).values_list("subscription_id", flat=True))
        await MailingSubscription.filter(id__in=[x for x in expired if x in consented],
                                         status=SubscriptionStatus.PENDING).update(
            status=SubscriptionStatus.EXPIRED, confirm_expires_at=None)
        gone = [x for x in expired if x not in consented]
        if gone:
            addresses = set(await MailingSubscription.filter(id__in=gone).values_list(
                "address_id", flat=True))
            await MailingSubscription.filter(id__in=gone,
                                             status=SubscriptionStatus.PENDING).delete()
            kept = set(await MailingSubscription.filter(address_id__in=addresses).values_list(
                "address_id", flat=True))
            await MailingAddress.filter(id__in=addresses - kept, client_id=None).delete()
    return len(expired)


# -- bounces and complaints ----------------------------------------------------------------


async def record_bounce(raw: bytes, settings: Settings | None = None) -> dict[str, int]:
    """A returned message: hard-bounced addresses are marked and no longer mailed; a spam
    complaint also revokes every subscription of the address (it is the person's no)."""
    settings = settings or get_settings()
    report = rules.read_bounce(raw)
    at = now()
    counts = {"hard": 0, "complaints": 0}
    async with transaction():
        if report.hard:
            counts["hard"] = await MailingAddress.filter(
                email__in=list(report.hard), state=AddressState.OK).update(
                state=AddressState.BOUNCED, state_reason="постоянная ошибка доставки",
                state_at=at)
        if report.complaints:
            counts["complaints"] = await MailingAddress.filter(
                email__in=list(report.complaints)).exclude(
                state=AddressState.COMPLAINED).update(
                state=AddressState.COMPLAINED, state_reason="жалоба на спам", state_at=at)
            subs = await MailingSubscription.filter(
                address__email__in=list(report.complaints),
                status__in=[SubscriptionStatus.CONFIRMED, SubscriptionStatus.PENDING])
            for sub in subs:
                await _revoke(sub, Request(ConsentSource.BOUNCE), settings)
    return counts
