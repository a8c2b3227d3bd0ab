"""The outbox under database outages (PostgreSQL only: the outage is a TCP proxy between okno
and the server, cut and restored; plus pg_terminate_backend). Real arq worker, real aiosmtpd
answering in 0.3 s, as in the failure report of issue 15."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from arq.connections import RedisSettings
from arq.worker import Worker
from tortoise import connections

from domain import db
from domain.deliveries import dispatch
from domain.deliveries import service as deliveries
from domain.deliveries.channels import Channels
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.transaction import transaction
from jobs import worker as okno_worker
from tests.support.deliveries import MailRecorder, SmtpServer, make_client
from tests.support.outage import proxied_database, sessions, terminate_sessions

NOTICE = {"title": "Уведомление", "text": "Текст."}


@pytest.fixture
async def pg(settings):
    if not db.is_postgres():
        pytest.skip("the outage is a TCP proxy in front of PostgreSQL")
    return settings


async def _notice(person_id: str, n: int) -> Delivery:
    async with transaction():
        [row] = await deliveries.send(person_id, Purpose.NOTICE, "notice",
                                      {**NOTICE, "title": f"Уведомление {n}"},
                                      source=("test", str(n)))
    return row


async def _until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_database_lost_after_the_smtp_server_took_the_mail(pg):
    """The connection dies while the SMTP server holds the mail (its 250 comes while the
    database is away): the job retries its final update until the database is back, the row
    is SENT and the mail went out once (before: the update failed, the row stayed `sending`
    and the stuck sweep sent it again)."""
    async with proxied_database(pg) as (proxy, proxied):
        person = await make_client(email="blip@example.ru")
        row = await _notice(person.id, 1)
        with SmtpServer(MailRecorder(delay=1.0)) as server:
            configured = server.settings(proxied, delivery_db_retry_seconds=20)
            adapters = Channels(configured)
            try:
                sending = asyncio.create_task(dispatch.deliver(row.id, adapters, configured))
                await _until(lambda: _status_is(row.id, DeliveryStatus.SENDING), 10,
                             "never claimed")
                await proxy.cut()
                await _until(_count(server.handler.messages, 1), 10, "mail never accepted")
                await asyncio.sleep(1.5)  # the update has failed and is being retried
                await proxy.start()
                outcome = await asyncio.wait_for(sending, 30)
            finally:
                await adapters.close()
        assert outcome.status == "sent"
        assert (await Delivery.get(id=row.id)).status == DeliveryStatus.SENT
        assert server.handler.message_ids() == {f"<{row.id}@ulgov.example>": 1}


async def test_claim_survives_terminated_sessions(pg):
    """pg_terminate_backend of every okno session just before the claim: the claim is
    retried on the fresh connection and the mail goes out once."""
    async with proxied_database(pg) as (_, proxied):
        person = await make_client(email="kill@example.ru")
        row = await _notice(person.id, 1)
        with SmtpServer(MailRecorder()) as server:
            configured = server.settings(proxied, delivery_db_retry_seconds=20)
            adapters = Channels(configured)
            try:
                assert await terminate_sessions(pg) >= 1
                outcome = await dispatch.deliver(row.id, adapters, configured)
            finally:
                await adapters.close()
        assert outcome.status == "sent"
        assert server.handler.message_ids() == {f"<{row.id}@ulgov.example>": 1}


def _count(items: list, n: int):
    async def enough() -> bool:
        return len(items) >= n
    return enough


async def _status_is(delivery_id, status) -> bool:
    with contextlib.suppress(Exception):
        return (await Delivery.get(id=delivery_id)).status == status
    return False


@pytest.mark.slow
async def test_fault_drill_mail_load_through_two_outages(pg):
    """Issue 15's drill: mail-sending load (new deliveries at ~10/s, a real arq worker with
    its sweep, an SMTP server answering in 0.3 s) while the database is unreachable for 10 s,
    its sessions are terminated, and it is unreachable for 10 s again. Afterwards: 0 lost
    (every row written is SENT and reached the server), 0 sent twice (by Message-ID), no
    session idle in transaction, and the pool whole (every connection can be taken)."""
    async with proxied_database(pg) as (proxy, proxied):
        people = [await make_client(email=f"drill{i}@example.ru") for i in range(10)]
        with SmtpServer(MailRecorder(delay=0.3)) as server:
            configured = server.settings(
                proxied, delivery_db_retry_seconds=15, delivery_sweep_after_seconds=2,
                delivery_stuck_after_seconds=40, smtp_timeout_seconds=5,
                delivery_retry_base_seconds=0.2)
            worker = Worker(
                functions=okno_worker.FUNCTIONS, cron_jobs=okno_worker.CRON_JOBS,
                redis_settings=RedisSettings.from_dsn(configured.redis_url), poll_delay=0.05,
                handle_signals=False, max_jobs=8, on_startup=okno_worker.startup,
                on_shutdown=okno_worker.shutdown,
                ctx={"settings": configured, "external_resources": True})
            running = asyncio.create_task(worker.main())
            written = refused = 0
            stop = asyncio.Event()

            async def load() -> None:
                nonlocal written, refused
                n = 0
                while not stop.is_set():
                    n += 1
                    try:
                        await _notice(people[n % 10].id, n)
                        written += 1
                    except Exception:  # noqa: BLE001 - the database is away: the caller retries
                        refused += 1
                    await asyncio.sleep(0.1)

            loader = asyncio.create_task(load())
            try:
                await asyncio.sleep(3)
                await proxy.cut()
                await asyncio.sleep(10)
                await proxy.start()
                await asyncio.sleep(3)
                await terminate_sessions(pg)
                await asyncio.sleep(2)
                await proxy.cut()
                await asyncio.sleep(10)
                await proxy.start()
                await asyncio.sleep(2)
                stop.set()
                await loader

                async def all_sent() -> bool:
                    with contextlib.suppress(Exception):
                        return not await Delivery.exclude(status=DeliveryStatus.SENT).exists()
                    return False

                await _until(all_sent, 40, "deliveries left unsent")
            finally:
                stop.set()
                running.cancel()
                with contextlib.suppress(BaseException):
                    await running
                await worker.close()
            rows = await Delivery.all().values_list("id", flat=True)
            seen = server.handler.message_ids()
        assert written > 20 and refused > 0  # load ran, and the outages were felt
        assert len(rows) >= written
        assert set(seen) == {f"<{r}@ulgov.example>" for r in rows}  # 0 lost
        twice = {k: v for k, v in seen.items() if v > 1}
        assert not twice, twice  # 0 sent twice
        pool = connections.get("default")._pool
        size = pool.get_max_size()
        taken = [await asyncio.wait_for(pool.acquire(), 5) for _ in range(size)]
        for conn in taken:
            assert await conn.fetchval("SELECT 1") == 1
            await pool.release(conn)
        assert not [s for s in await sessions(pg) if s["state"] == "idle in transaction"]
        print(f"\ndrill: {len(rows)} deliveries, {sum(seen.values())} mails, "
              f"{refused} writes refused during the outages, pool {size} whole")
