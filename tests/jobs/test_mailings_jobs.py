"""Campaign sending with a real SMTP server: DKIM covers the List-Unsubscribe headers, the
send-rate limit holds across batches, stuck batches go back to the queue."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime, timedelta

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from domain.actor import Actor, Role
from domain.deliveries.channels.email import EmailAdapter
from domain.mailings import campaigns, sending, service
from domain.mailings.models import CampaignSend, SendStatus
from jobs.worker import CRON_JOBS, FUNCTIONS
from tests.support.deliveries import MailRecorder, SmtpServer

HEAD = Actor(Role.SUPERVISOR, "head-1")


def test_jobs_registered_with_the_worker():
    assert campaigns.JOB in {getattr(f, "name", None) for f in FUNCTIONS}
    assert {"mailing_cron", "purge_mailing_signups"} <= {c.name for c in CRON_JOBS}


async def started_campaign(settings, count: int) -> str:
    mailing_list = await service.create_list(HEAD, "Дороги", "О ремонте дорог")
    await service.import_subscribers(HEAD, mailing_list.id, [
        service.ImportRow(f"r{i}@example.ru", datetime(2025, 1, 1, tzinfo=UTC), "анкета")
        for i in range(count)], settings)
    campaign = await campaigns.create(HEAD, mailing_list.id, "Новости", "Текст новости.")
    await campaigns.start(HEAD, campaign.id, settings)
    return str(campaign.id)


def dkim_settings(settings, server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    return server.settings(settings, dkim_domain="ulgov.example", dkim_selector="mail2026",
                           dkim_private_key=pem), record


async def test_mailing_email_is_dkim_signed_over_the_unsubscribe_headers(settings):
    """R-6.4: a receiver can trust the one-click headers: the DKIM signature covers them,
    and altering them breaks it."""
    campaign_id = await started_campaign(settings, 1)
    with SmtpServer(MailRecorder()) as server:
        signed, record = dkim_settings(settings, server)
        adapter = EmailAdapter(signed)
        totals = await sending.send_batches(campaign_id, adapter, signed)
        await adapter.close()
    assert totals["sent"] == 1
    [envelope] = server.handler.envelopes
    raw = envelope.content

    def dns(name, timeout=5):
        assert name == b"mail2026._domainkey.ulgov.example."
        return record

    assert dkim.verify(raw, dnsfunc=dns)
    signature = server.handler.messages[0]["DKIM-Signature"]
    signed_headers = "".join(signature.split()).split("h=")[1].split(";")[0].split(":")
    assert {"list-unsubscribe", "list-unsubscribe-post", "from", "subject"} <= set(
        signed_headers)
    tampered = raw.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                           b"List-Unsubscribe-Post: nothing")
    assert tampered != raw and not dkim.verify(tampered, dnsfunc=dns)


async def test_send_rate_limit_per_smtp_server(settings):
    """At most ``mailing_rate_per_second`` emails leave for one SMTP server each second."""
    campaign_id = await started_campaign(settings, 12)
    with SmtpServer(MailRecorder()) as server:
        limited = server.settings(settings, mailing_rate_per_second=5, mailing_batch_size=4)
        adapter = EmailAdapter(limited)
        started = time.monotonic()
        totals = await sending.send_batches(campaign_id, adapter, limited)
        elapsed = time.monotonic() - started
        await adapter.close()
    assert totals["sent"] == 12 and len(server.handler.messages) == 12
    assert elapsed >= 1.0  # 12 emails at 5/s span at least three clock seconds


async def test_a_stuck_batch_goes_back_to_the_queue(settings):
    campaign_id = await started_campaign(settings, 2)
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.delivery_stuck_after_seconds + 5)
    await CampaignSend.filter(campaign_id=campaign_id).update(status=SendStatus.SENDING,
                                                              claimed_at=long_ago)
    assert await sending.recover_stuck(settings) == 2
    assert await CampaignSend.filter(campaign_id=campaign_id,
                                     status=SendStatus.QUEUED).count() == 2


async def test_a_stuck_batch_of_a_cancelled_campaign_is_dropped(settings):
    campaign_id = await started_campaign(settings, 2)
    long_ago = datetime.now(UTC) - timedelta(seconds=settings.delivery_stuck_after_seconds + 5)
    await CampaignSend.filter(campaign_id=campaign_id).update(status=SendStatus.SENDING,
                                                              claimed_at=long_ago)
    await campaigns.cancel(HEAD, campaign_id)
    assert await sending.recover_stuck(settings) == 0
    assert await CampaignSend.filter(campaign_id=campaign_id,
                                     status=SendStatus.SKIPPED).count() == 2
