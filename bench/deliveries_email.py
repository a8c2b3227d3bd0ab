"""Emails per second from the outbox to a local aiosmtpd server, next to a raw aiosmtplib loop
sending the same mails to the same server in the same run.

    uv run python bench/deliveries_email.py [--count 10000] [--db postgres|sqlite]

The outbox path is the product's: ``deliveries.send`` writes the rows (timed separately),
then a real arq worker (one process, default settings, SMTP pool from settings) claims,
sends and records each one. The raw loop is one aiosmtplib connection sending the same
messages one after another. The SMTP server runs in its own process; Redis is a private
redis-server; PostgreSQL is the machine's (``OKNO_TEST_POSTGRES_URL``), in a scratch database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from email import policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiosmtplib
import asyncpg

from domain import db, redis
from domain.clients.models import (
    ChannelPreference,
    Client,
    ClientKind,
    ContactKind,
    ContactPoint,
)
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.enums import Channel
from domain.settings import Settings
from domain.transaction import transaction

PG_ADMIN_URL = os.environ.get("OKNO_TEST_POSTGRES_URL",
                              "postgres://postgres@127.0.0.1:5432/postgres")
SERVER = r"""
import sys
from aiosmtpd.controller import Controller

class Counter:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Counter.count += 1
        return "250 OK"

controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for line in sys.stdin:
    if line.strip() == "count":
        print(Counter.count, flush=True)
controller.stop()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpProcess:
    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([sys.executable, "-c", SERVER, str(self.port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def count(self) -> int:
        self.proc.stdin.write("count\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


def start_redis(directory: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", directory],
                            stdout=subprocess.DEVNULL)
    for _ in range(200):
        ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                              text=True, check=False)
        if ping.stdout.strip() == "PONG":
            return proc, port
        time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


async def write_outbox(count: int, clients: int) -> float:
    people = []
    for i in range(clients):
        client = await Client.create(kind=ClientKind.PERSON, last_name=f"Клиент{i}",
                                     first_name="Иван", search_name=f"клиент{i}")
        contact = await ContactPoint.create(client_id=client.id, kind=ContactKind.EMAIL,
                                            value=f"client{i}@example.ru", verified=True,
                                            primary=True)
        await ChannelPreference.create(client_id=client.id, preferred_channel=Channel.EMAIL,
                                       preferred_contact_id=contact.id)
        people.append(client.id)
    started = time.perf_counter()
    for start in range(0, count, 100):
        async with transaction():
            for i in range(start, min(start + 100, count)):
                await deliveries.send(
                    people[i % clients], Purpose.NOTICE, "notice",
                    {"title": f"Уведомление № {i}", "text": "Срок рассмотрения продлён.\n\n"
                     "Подробности в личном кабинете: https://okno.example/cabinet"},
                    source=("bench", str(i)))
    return time.perf_counter() - started


async def drain_outbox(settings: Settings) -> float:
    from arq.worker import Worker

    from jobs.worker import worker_settings

    options = {**worker_settings(settings.redis_url), "cron_jobs": [], "burst": True,
               "handle_signals": False,
               "ctx": {"settings": settings, "external_resources": True}}
    worker = Worker(**options)
    started = time.perf_counter()
    await worker.main()
    elapsed = time.perf_counter() - started
    await worker.close()
    return elapsed


def build(row: dict, mail_from: str) -> bytes:
    """The same MIME as the email adapter builds (multipart/alternative, utf-8 parts)."""
    msg = MIMEMultipart("alternative")
    msg.attach(MIMEText(row["body_text"], "plain", "utf-8"))
    msg.attach(MIMEText(row["body_html"], "html", "utf-8"))
    msg["From"] = mail_from
    msg["To"] = formataddr((row["recipient_name"], row["address"]))
    msg["Subject"] = Header(row["subject"], "utf-8")
    msg["Date"] = format_datetime(row["created_at"])
    msg["Message-ID"] = f"<raw-{row['id']}@ulgov.example>"
    return msg.as_bytes(policy=policy.compat32.clone(linesep="\r\n"))


async def raw_loop(rows: list[dict], port: int, mail_from: str, connections: int = 1) -> float:
    async def one(part: list[dict]) -> None:
        smtp = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await smtp.connect()
        for row in part:
            await smtp.sendmail(mail_from, [row["address"]], build(row, mail_from))
        await smtp.quit()

    started = time.perf_counter()
    await asyncio.gather(*(one(rows[i::connections]) for i in range(connections)))
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="okno-bench-")
    redis_proc, redis_port = start_redis(tmp)
    smtp = SmtpProcess()
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
                        smtp_host="127.0.0.1", smtp_port=smtp.port)
    try:
        await db.migrate(settings)
        await db.close_db()
        await db.init_db(settings)
        redis.connect(settings.redis_url)

        write_s = await write_outbox(args.count, args.clients)
        drain_s = await drain_outbox(settings)
        sent = await Delivery.filter(status=DeliveryStatus.SENT).count()
        received = smtp.count()
        assert sent == args.count == received, (sent, received)

        rows = await Delivery.all().order_by("created_at").values(
            "id", "recipient_name", "address", "subject", "body_text", "body_html",
            "created_at")
        raw_s = await raw_loop(rows, smtp.port, settings.mail_from)
        raw4_s = await raw_loop(rows, smtp.port, settings.mail_from,
                                connections=settings.smtp_pool_size)
        assert smtp.count() == 3 * args.count

        n = args.count
        outbox, raw, raw4 = n / drain_s, n / raw_s, n / raw4_s
        print(f"\n{n:,} emails, {args.db}, SMTP pool {settings.smtp_pool_size}, "
              f"arq worker max_jobs 10, aiosmtpd in its own process, {os.cpu_count()} CPUs")
        print(f"{'path':<52}{'seconds':>9}{'emails/s':>10}")
        print(f"{'outbox: send() writes rows (+ enqueue after commit)':<52}{write_s:>9.2f}"
              f"{n / write_s:>10.0f}")
        print(f"{'outbox: arq worker -> SMTP (claim, send, record)':<52}{drain_s:>9.2f}"
              f"{outbox:>10.0f}")
        print(f"{'raw aiosmtplib loop, 1 connection':<52}{raw_s:>9.2f}{raw:>10.0f}")
        print(f"{f'raw aiosmtplib, {settings.smtp_pool_size} connections in parallel':<52}"
              f"{raw4_s:>9.2f}{raw4:>10.0f}")
        print(f"ratio outbox / raw loop: {outbox / raw:.2f}   "
              f"(outbox / raw with {settings.smtp_pool_size} connections: {outbox / raw4:.2f})")
    finally:
        await redis.close()
        await db.close_db()
        smtp.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
        if pg_name:
            admin = await asyncpg.connect(PG_ADMIN_URL)
            await admin.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
