"""A campaign to N subscribers through a local SMTP server, next to a raw aiosmtplib loop in
the same run; peak memory; and the emails that reached the 10% who revoke while it runs.

    uv run python bench/mailings.py [--count 100000] [--db postgres|sqlite]

The campaign path is the product's: ``campaigns.start`` fans out one ``mailing_send`` row per
consenting subscriber (one INSERT … SELECT), then a real arq worker runs
``mailing_workers_per_campaign`` batch jobs (claim, lock consent, send, record). While it
runs, a revoker unsubscribes a random 10% of the recipients through ``service.unsubscribe``
(the one-click path), noting when each call returned. The SMTP sink (its own process) notes
when each email arrived; an email to a revoked address that arrived after its revocation
returned is a violation of R-6.1 — the figure must be 0. The raw loop sends the same number
of emails of the same size over as many connections as the campaign's jobs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib
import asyncpg

from bench.deliveries_email import PG_ADMIN_URL, free_port, start_redis
from domain import db, redis
from domain.actor import Actor, Role
from domain.mailings import campaigns, service
from domain.mailings.models import (
    CampaignSend,
    ConsentSource,
    MailingAddress,
    MailingSubscription,
    SendStatus,
    SubscriptionStatus,
)
from domain.settings import Settings

HEAD = Actor(Role.SUPERVISOR, "bench")
SINK = r"""
import json, sys, time
from aiosmtpd.controller import Controller

class Sink:
    seen = []
    async def handle_DATA(self, server, session, envelope):
        at = time.time()
        for rcpt in envelope.rcpt_tos:
            Sink.seen.append((rcpt, at))
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "count":
        print(len(Sink.seen), flush=True)
    elif command.startswith("dump "):
        with open(command[5:], "w") as f:
            json.dump(Sink.seen, f)
        print("dumped", flush=True)
controller.stop()
"""


class Sink:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", SINK, str(self.port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def ask(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


async def seed(count: int) -> tuple[str, list[tuple[str, str, str]]]:
    """A list with ``count`` confirmed subscribers, written in bulk (the ledger is not
    needed for sending, so the seed skips it)."""
    mailing_list = await service.create_list(HEAD, "Новости", "Раз в неделю")
    subs: list[tuple[str, str, str]] = []
    for start in range(0, count, 5000):
        addresses = [MailingAddress(id=uuid.uuid4(), email=f"r{i}@example.ru")
                     for i in range(start, min(start + 5000, count))]
        await MailingAddress.bulk_create(addresses)
        rows = [MailingSubscription(
            id=uuid.uuid4(), address_id=a.id, mailing_list_id=mailing_list.id,
            status=SubscriptionStatus.CONFIRMED, source=ConsentSource.IMPORT,
            nonce=secrets.token_urlsafe(12), confirmed_at=datetime.now(UTC)) for a in addresses]
        await MailingSubscription.bulk_create(rows)
        subs += [(str(r.id), r.nonce, a.email) for r, a in zip(rows, addresses, strict=True)]
    return str(mailing_list.id), subs


async def run_worker(settings: Settings) -> float:
    from arq.worker import Worker

    from jobs.worker import worker_settings

    options = {**worker_settings(settings.redis_url), "cron_jobs": [], "burst": True,
               "handle_signals": False, "poll_delay": 0.05,
               "ctx": {"settings": settings, "external_resources": True}}
    worker = Worker(**options)
    started = time.perf_counter()
    await worker.main()
    elapsed = time.perf_counter() - started
    await worker.close()
    return elapsed


async def revoker(victims: list[tuple[str, str, str]], settings: Settings, campaign_id: str,
                  revoked: dict[str, float]) -> None:
    """Spread over the campaign: wait for sending to begin, then revoke one every 20 ms
    (as clicks arrive at the API, not a loop hogging the worker's event loop) until the
    campaign is over."""
    while not await CampaignSend.filter(campaign_id=campaign_id,
                                        status=SendStatus.SENT).exists():
        await asyncio.sleep(0.01)
    for sub_id, nonce, email in victims:
        await service.unsubscribe(service.unsubscribe_token(sub_id, nonce, settings),
                                  service.Request(ConsentSource.LINK), settings)
        revoked[email] = time.time()
        await asyncio.sleep(0.02)


async def raw_loop(emails: list[str], port: int, mail_from: str, message: bytes,
                   connections: int) -> float:
    async def one(part: list[str]) -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await smtp.connect()
        for address in part:
            await smtp.sendmail(mail_from, [address], message)
        await smtp.quit()

    started = time.perf_counter()
    await asyncio.gather(*(one(emails[i::connections]) for i in range(connections)))
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--revoke", type=float, default=0.10)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="okno-bench-")
    redis_proc, redis_port = start_redis(tmp)
    sink = Sink()
    pg_name = None
    if args.db == "postgres":
        pg_name = f"okno_bench_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN_URL)
        await admin.execute(f'CREATE DATABASE "{pg_name}"')
        await admin.close()
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        url = f"sqlite://{tmp}/okno.sqlite3"
    settings = Settings(_env_file=None, environment="bench", database_url=url,
                        redis_url=f"redis://127.0.0.1:{redis_port}/0", var_dir=Path(tmp),
                        smtp_host="127.0.0.1", smtp_port=sink.port,
                        mailing_rate_per_second=1_000_000, public_base_url="https://okno.example")
    try:
        await db.migrate(settings)
        await db.close_db()
        await db.init_db(settings)
        redis.connect(settings.redis_url)

        seed_started = time.perf_counter()
        list_id, subs = await seed(args.count)
        seed_s = time.perf_counter() - seed_started
        campaign = await campaigns.create(HEAD, list_id, "Новости недели",
                                          "Ремонт улицы Гончарова закончится в мае.\n\n"
                                          "Подробности на сайте правительства области.")
        fan_started = time.perf_counter()
        await campaigns.start(HEAD, campaign.id, settings)
        fan_s = time.perf_counter() - fan_started

        victims = random.Random(7).sample(subs, int(len(subs) * args.revoke))
        revoked: dict[str, float] = {}
        revoking = asyncio.create_task(revoker(victims, settings, str(campaign.id), revoked))
        send_s = await run_worker(settings)
        revoking.cancel()
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        progress = await campaigns.progress(campaign.id)

        dump = os.path.join(tmp, "seen.json")
        assert sink.ask(f"dump {dump}") == "dumped"
        seen = json.loads(Path(dump).read_text())
        late = sum(1 for rcpt, at in seen if rcpt in revoked and at > revoked[rcpt])
        to_revoked = sum(1 for rcpt, _ in seen if rcpt in revoked)

        # The raw loop: the same number of emails, a message of the campaign's size.
        text, html = campaigns.rendered_parts(campaign, "Новости")
        from domain.deliveries.channels.email import EmailAdapter
        from domain.mailings.sending import Email
        sample = Email(id="raw", address="r0@example.ru", subject=campaign.subject,
                       body_text=text, body_html=html,
                       headers=campaigns.headers("https://okno.example/u/x", settings),
                       created_at=datetime.now(UTC))
        _, message = EmailAdapter(settings).build(sample, "r0@example.ru")
        emails = [e for _, _, e in subs][:progress.sent]
        jobs = settings.mailing_workers_per_campaign
        raw_s = await raw_loop(emails, sink.port, settings.mail_from, message, jobs)

        n = progress.sent
        print(f"\n{args.count:,} subscribers, {args.db}, {jobs} batch jobs x "
              f"{settings.mailing_batch_size} per batch, aiosmtpd in its own process, "
              f"{os.cpu_count()} CPUs (shared machine: figures are noisy)")
        print(f"seed {seed_s:.1f} s, fan-out (INSERT … SELECT) {fan_s:.2f} s")
        print(f"campaign: sent {progress.sent:,}, skipped {progress.skipped:,}, failed "
              f"{progress.failed:,}, remaining {progress.remaining:,}")
        print(f"{'path':<48}{'seconds':>9}{'emails/s':>10}")
        print(f"{'campaign: worker batches -> SMTP':<48}{send_s:>9.2f}{n / send_s:>10.0f}")
        print(f"{f'raw aiosmtplib loop, {jobs} connections':<48}{raw_s:>9.2f}{n / raw_s:>10.0f}")
        print(f"ratio campaign / raw: {(n / send_s) / (n / raw_s):.2f}")
        print(f"peak memory (RSS of this process: worker + revoker): {rss_mb:.0f} MB")
        print(f"revoked during the run: {len(revoked):,}; emails they got before revoking: "
              f"{to_revoked - late:,}; after revoking: {late} (must be 0)")
        assert late == 0
    finally:
        await redis.close()
        await db.close_db()
        sink.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
        if pg_name:
            admin = await asyncpg.connect(PG_ADMIN_URL)
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
