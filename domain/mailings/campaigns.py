"""Campaigns (R-6.1, R-6.2): draft, preview, test send, schedule, start, pause, resume,
cancel. Starting writes one ``CampaignSend`` row per consenting recipient (the fan-out, one
INSERT … SELECT); the workers send them in batches (``sending.py``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from domain import redis
from domain.actor import SYSTEM, Actor
from domain.deliveries import rendering
from domain.deliveries import staff as outbox
from domain.deliveries.models import Purpose, RouteReason, Template
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.mailings import access, rules, service
from domain.mailings.models import (
    Campaign,
    CampaignSend,
    CampaignStatus,
    MailingSubscription,
    SendStatus,
    SubscriptionStatus,
)
from domain.settings import Settings, get_settings
from domain.transaction import after_commit, transaction
from domain.validation import TEXT_MAX, clean_text

TOPIC = "mailings"
JOB = "send_campaign"
# Rendered once per campaign; each recipient's own link replaces the marker.
LINK_MARKER = "https://okno.invalid/u/LINK"
NO_RECIPIENTS = ("В рассылке нет ни одного подписчика, давшего согласие: отправлять некому.")


def now() -> datetime:
    return datetime.now(UTC)


def _content(subject: Any, text: Any) -> tuple[str, str]:
    return (clean_text(subject, "subject", max_length=300, required=True),
            clean_text(text, "text", max_length=TEXT_MAX, required=True, multiline=True))


async def get(campaign_id: Any, field: str = "id") -> Campaign:
    found = await Campaign.get_or_none(id=parse_uuid(campaign_id, field, "Рассылка"))
    if found is None:
        raise not_found("Рассылка", field)
    return found


async def create(actor: Actor, list_id: Any, subject: Any, text: Any) -> Campaign:
    access.require_manager(actor)
    mailing_list = await service.live_list(list_id, "listId")
    subject, text = _content(subject, text)
    return await Campaign.create(mailing_list_id=mailing_list.id, subject=subject, text=text,
                                 created_by=actor.subject)


async def update(actor: Actor, campaign_id: Any, subject: Any, text: Any) -> Campaign:
    """Only a draft or a scheduled campaign may change: what a recipient got is what the
    campaign says (editing while sending is INVALID_STATE)."""
    access.require_manager(actor)
    subject, text = _content(subject, text)
    campaign = await get(campaign_id)
    changed = await Campaign.filter(id=campaign.id, status__in=list(rules.EDITABLE)).update(
        subject=subject, text=text, updated_at=now())
    if not changed:
        rules.check_step(campaign.status, frozenset(), "изменить текст")
    return await Campaign.get(id=campaign.id)


def rendered(campaign: Campaign, list_name: str) -> rendering.Rendered:
    return rendering.render(Template.MAILING, {
        "title": campaign.subject, "text": campaign.text, "list_name": list_name,
        "unsubscribe_url": LINK_MARKER})


def rendered_parts(campaign: Campaign, list_name: str) -> tuple[str, str]:
    """(text, html) of the campaign with ``LINK_MARKER`` for each recipient's link."""
    return rendering.email_parts(rendered(campaign, list_name))


def personal(part: str | None, link: str) -> str | None:
    return part.replace(LINK_MARKER, link) if part is not None else None


async def preview(actor: Actor, campaign_id: Any, settings: Settings | None = None
                  ) -> tuple[str, str, str, str]:
    """(subject, text, html, sample address) as the first consenting subscriber would get
    it, with their real unsubscribe link; writes nothing."""
    settings = settings or get_settings()
    access.require_manager(actor)
    campaign = await get(campaign_id)
    await campaign.fetch_related("mailing_list")
    sample = await MailingSubscription.filter(
        mailing_list_id=campaign.mailing_list_id, status=SubscriptionStatus.CONFIRMED,
    ).order_by("confirmed_at").first().prefetch_related("address")
    link = service.unsubscribe_url(sample.id, sample.nonce, settings) if sample else \
        f"{settings.public_base_url.rstrip('/')}/u/preview"
    text, html = rendering.email_parts(rendered(campaign, campaign.mailing_list.name))
    return (campaign.subject, personal(text, link) or "", personal(html, link) or "",
            sample.address.email if sample else "")


async def test_send(actor: Actor, campaign_id: Any, email: Any,
                    settings: Settings | None = None) -> None:
    """The campaign to one staff mailbox through the outbox, headers included; its
    unsubscribe link names no subscription (following it changes nothing)."""
    settings = settings or get_settings()
    access.require_manager(actor)
    address = rules.signup_email(email if isinstance(email, str) else "")
    campaign = await get(campaign_id)
    link = f"{settings.public_base_url.rstrip('/')}/u/test"
    async with transaction():
        await outbox.send_to_staff([outbox.StaffMail(
            name="", email=address, purpose=Purpose.MAILING, template=Template.MAILING,
            context={"title": campaign.subject, "text": campaign.text,
                     "unsubscribe_url": link},
            source=("mailing_campaign", campaign.id),
            idempotency_key=f"mailing-test:{campaign.id}:{now().timestamp()}",
            route=RouteReason.FIXED, headers=headers(link, settings))], actor=actor)


def headers(link: str, settings: Settings) -> dict[str, str]:
    """RFC 8058: the one-click URL and a mailto fallback; the POST form is one-click."""
    return {"List-Unsubscribe": f"<{link}>, <mailto:{service.unsubscribe_mailto(settings)}"
                                f"?subject=unsubscribe>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Precedence": "bulk"}


async def schedule(actor: Actor, campaign_id: Any, at: datetime,
                   settings: Settings | None = None) -> Campaign:
    settings = settings or get_settings()
    access.require_manager(actor)
    campaign = await get(campaign_id)
    rules.check_step(campaign.status, rules.EDITABLE, "запланировать")
    rules.check_schedule(at, now(), settings.timezone, settings.mailing_send_from_hour,
                         settings.mailing_send_to_hour)
    await _recipients_exist(campaign)
    await Campaign.filter(id=campaign.id, status__in=list(rules.EDITABLE)).update(
        status=CampaignStatus.SCHEDULED, scheduled_at=at, updated_at=now())
    return await Campaign.get(id=campaign.id)


async def _recipients_exist(campaign: Campaign) -> None:
    if not await MailingSubscription.filter(
            mailing_list_id=campaign.mailing_list_id, status=SubscriptionStatus.CONFIRMED,
            address__state="ok").exists():
        raise DomainError(ErrorCode.NO_RECIPIENTS, NO_RECIPIENTS, "id")


FAN_OUT = (
    "INSERT INTO mailing_send (campaign_id, subscription_id, status, attempts) "
    "SELECT {0}, s.id, 'queued', 0 FROM mailing_subscription s "
    "JOIN mailing_address a ON a.id = s.address_id "
    "WHERE s.mailing_list_id = {1} AND s.status = 'confirmed' AND a.state = 'ok' "
    "ON CONFLICT (campaign_id, subscription_id) DO NOTHING"
)


async def start(actor: Actor, campaign_id: Any, settings: Settings | None = None) -> Campaign:
    """Now: one queued row per consenting, mailable subscriber, then the workers. Consent
    is checked again for every batch when it is sent (R-6.1)."""
    settings = settings or get_settings()
    access.require_manager(actor)
    campaign = await get(campaign_id)
    await campaign.fetch_related("mailing_list")
    rules.check_step(campaign.status, rules.STARTABLE, "начать отправку")
    if campaign.mailing_list.deleted_at is not None:
        raise DomainError(ErrorCode.INVALID_STATE, service.LIST_GONE, "id")
    async with transaction() as conn:
        claimed = await Campaign.filter(id=campaign.id, status__in=list(rules.STARTABLE)) \
            .update(status=CampaignStatus.SENDING, started_at=now(), updated_at=now())
        if not claimed:
            raise DomainError(ErrorCode.INVALID_STATE, "Рассылку уже начали отправлять.", "id")
        pg = conn.capabilities.dialect == "postgres"
        marks = ("$1::uuid", "$2::uuid") if pg else ("?", "?")
        await conn.execute_query(FAN_OUT.format(*marks),
                                 [str(campaign.id), str(campaign.mailing_list_id)])
        if not await CampaignSend.filter(campaign_id=campaign.id).exists():
            raise DomainError(ErrorCode.NO_RECIPIENTS, NO_RECIPIENTS, "id")
        if pg:  # the rows are new: without fresh statistics the batch queries scan the table
            await conn.execute_script("ANALYZE mailing_send, mailing_subscription, mailing_address")
        hand_off(campaign.id, settings)
    return await Campaign.get(id=campaign.id)


def hand_off(campaign_id: Any, settings: Settings) -> None:
    """After commit: N batch jobs, each claiming batches until none is left."""
    key = str(campaign_id)

    async def go() -> None:
        for part in range(settings.mailing_workers_per_campaign):
            await redis.get_redis().enqueue_job(JOB, key, part,
                                                _job_id=f"{JOB}:{key}:{part}:{now().timestamp()}")
        await publish(key)
    after_commit(go)


async def _step(actor: Actor, campaign_id: Any, allowed: frozenset[CampaignStatus],
                doing: str, to: CampaignStatus, **extra: Any) -> Campaign:
    access.require_manager(actor)
    campaign = await get(campaign_id)
    rules.check_step(campaign.status, allowed, doing)
    async with transaction():
        changed = await Campaign.filter(id=campaign.id, status__in=list(allowed)).update(
            status=to, updated_at=now(), **extra)
        if not changed:
            current = await Campaign.get(id=campaign.id)
            rules.check_step(current.status, frozenset(), doing)
        if to == CampaignStatus.CANCELLED:
            await CampaignSend.filter(campaign_id=campaign.id, status=SendStatus.QUEUED) \
                .update(status=SendStatus.SKIPPED, error="отменена")
        key = str(campaign.id)
        after_commit(lambda: publish(key))
    return await Campaign.get(id=campaign.id)


async def pause(actor: Actor, campaign_id: Any) -> Campaign:
    """Workers stop claiming; a batch already claimed finishes."""
    return await _step(actor, campaign_id, rules.PAUSABLE, "приостановить",
                       CampaignStatus.PAUSED)


async def resume(actor: Actor, campaign_id: Any, settings: Settings | None = None
                 ) -> Campaign:
    settings = settings or get_settings()
    campaign = await _step(actor, campaign_id, rules.RESUMABLE, "продолжить",
                           CampaignStatus.SENDING)
    async with transaction():
        hand_off(campaign.id, settings)
    return campaign


async def cancel(actor: Actor, campaign_id: Any) -> Campaign:
    return await _step(actor, campaign_id, rules.CANCELLABLE, "отменить",
                       CampaignStatus.CANCELLED, finished_at=now())


async def start_due(settings: Settings, at: datetime | None = None) -> int:
    """Cron: scheduled campaigns whose time has come."""
    at = at or now()
    due = await Campaign.filter(status=CampaignStatus.SCHEDULED, scheduled_at__lte=at) \
        .values_list("id", flat=True)
    started = 0
    for campaign_id in due:
        try:
            await start(SYSTEM, campaign_id, settings)
            started += 1
        except DomainError as exc:  # nobody consenting any more: cancelled, with the reason
            if exc.code == ErrorCode.NO_RECIPIENTS:
                await Campaign.filter(id=campaign_id, status=CampaignStatus.SCHEDULED).update(
                    status=CampaignStatus.CANCELLED, finished_at=now())
    return started


async def progress(campaign_id: Any) -> rules.Progress:
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    rows = await conn.execute_query_dict(
        f"SELECT status, COUNT(*) AS n FROM mailing_send WHERE campaign_id = {mark} "
        "GROUP BY status", [str(campaign_id)])
    counts = {r["status"]: r["n"] for r in rows}
    return rules.Progress(*(counts.get(s, 0) for s in (
        SendStatus.QUEUED, SendStatus.SENDING, SendStatus.SENT, SendStatus.FAILED,
        SendStatus.SKIPPED)))


async def publish(campaign_id: str) -> None:
    try:
        await redis.publish(TOPIC, campaign_id, {"id": campaign_id})
    except Exception:  # noqa: BLE001 (live progress is best effort; the rows are the truth)
        return
