"""Fault tests for the outbox: Redis down while the change commits; a worker killed with
SIGKILL in the middle of a batch. Real redis-server, real arq workers, real aiosmtpd."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain import redis
from domain.deliveries import dispatch
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.transaction import transaction
from tests.support.deliveries import MailRecorder, SmtpServer, free_port, make_client, run_worker

ANSWER = {"answer_text": "Ответ.", "survey_url": "https://okno.example/survey/t1"}

ROOT = Path(__file__).resolve().parents[2]
POOL = 4  # SMTP connections per worker


class PrivateRedis:
    """A redis-server of this test's own, to stop and start at will."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.dir = tmp
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], check=False,
                             capture_output=True, text=True).stdout.strip() != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


async def test_redis_down_at_commit_then_the_sweep_sends(settings, tmp_path):
    """The outbox row commits although Redis is down (the hand-off fails quietly); once
    Redis is back, the sweep enqueues it and the mail goes out."""
    private = PrivateRedis(tmp_path)
    private.start()
    shared = redis.get_redis()
    redis.connect(private.url)
    try:
        person = await make_client(email="patient@example.ru")
        private.stop()
        async with transaction():  # what a mutation does
            [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer",
                                          ANSWER, source=("message", "m-1"))
        row = await Delivery.get(id=row.id)
        assert row.status == DeliveryStatus.PENDING  # committed, only the hand-off was lost
        private.start()
        assert await redis.get_redis().exists(f"arq:job:{row.id}") == 0  # really never queued
        with SmtpServer(MailRecorder()) as server:
            configured = server.settings(settings, redis_url=private.url,
                                         delivery_sweep_after_seconds=0)
            counts = await dispatch.sweep(configured)
            assert counts["enqueued"] == 1
            await run_worker(configured)
        [mail] = server.handler.messages
        assert mail["Message-ID"] == f"<{row.id}@ulgov.example>"
        assert (await Delivery.get(id=row.id)).status == DeliveryStatus.SENT
    finally:
        await redis.close()
        redis._client = shared
        private.stop()



async def test_redis_down_while_a_mutation_commits(settings, tmp_path, gql):
    """The same through GraphQL: staff retry a failed delivery while Redis is down; the
    mutation succeeds (no error, no 500), and the sweep sends the mail once Redis is back."""
    from api.relay import encode_id

    private = PrivateRedis(tmp_path)
    private.start()
    shared = redis.get_redis()
    redis.connect(private.url)
    try:
        person = await make_client(email="again@example.ru")
        [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer",
                                      ANSWER, source=("message", "m-2"))
        await Delivery.filter(id=row.id).update(status=DeliveryStatus.FAILED)
        private.stop()
        body = await gql("""mutation($id: ID!) { retryDelivery(input: {id: $id}) {
            delivery { status } errors { code } } }""", {"id": encode_id("Delivery", row.id)},
            as_="operator")
        assert body["data"]["retryDelivery"] == {"delivery": {"status": "PENDING"}, "errors": []}
        private.start()
        with SmtpServer(MailRecorder()) as server:
            configured = server.settings(settings, redis_url=private.url,
                                         delivery_sweep_after_seconds=0)
            assert (await dispatch.sweep(configured))["enqueued"] == 1
            await run_worker(configured)
        assert len(server.handler.messages) == 1
        assert (await Delivery.get(id=row.id)).status == DeliveryStatus.SENT
    finally:
        await redis.close()
        redis._client = shared
        private.stop()


def start_worker(settings, smtp_port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ,
           "OKNO_ENVIRONMENT": "test", "OKNO_DATABASE_URL": settings.database_url,
           "OKNO_REDIS_URL": settings.redis_url, "OKNO_VAR_DIR": str(settings.var_dir),
           "OKNO_SMTP_HOST": "127.0.0.1", "OKNO_SMTP_PORT": str(smtp_port),
           "OKNO_DELIVERY_SWEEP_AFTER_SECONDS": "1", "OKNO_DELIVERY_STUCK_AFTER_SECONDS": "3",
           "OKNO_DELIVERY_RETRY_BASE_SECONDS": "0.2", "OKNO_SMTP_POOL_SIZE": str(POOL)}
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main(['worker'])"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


@pytest.mark.slow
async def test_worker_killed_mid_batch_every_delivery_sent_once(settings, tmp_path):
    """A worker SIGKILLed mid-batch: another worker (its start-up and cron sweep) finishes
    the batch; every delivery ends SENT and the SMTP server saw every Message-ID.

    Exactly once on the wire is not to be had across SIGKILL: a mail whose DATA the server
    had taken (or answered 250) before the worker died, but whose row did not yet say SENT,
    is sent again after the stuck timeout (RFC 1047's duplicate). It carries the same
    Message-ID, so receivers drop it, and there is at most one per SMTP connection that was
    in a transaction at the kill (the pool size); everything else is sent exactly once."""
    total = 120
    people = [await make_client(email=f"batch{i}@example.ru") for i in range(12)]
    rows = []
    for i in range(total):
        rows.extend(await deliveries.send(people[i % 12].id, Purpose.NOTICE, "notice",
                                          {"title": f"Уведомление {i}", "text": "Текст."},
                                          source=("test", str(i))))
    expected = {f"<{r.id}@ulgov.example>" for r in rows}
    log = tmp_path / "worker.log"
    with SmtpServer(MailRecorder(delay=0.01)) as server:
        first = start_worker(settings, server.port, log)
        try:
            deadline = time.monotonic() + 60
            while len(server.handler.messages) < total // 3:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                await asyncio.sleep(0.01)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        at_kill = len(server.handler.messages)
        in_flight = await Delivery.filter(status=DeliveryStatus.SENDING).count()
        assert 0 < at_kill < total, "the kill must land mid-batch"
        second = start_worker(settings, server.port, log)
        try:
            deadline = time.monotonic() + 90
            while await Delivery.filter(status=DeliveryStatus.SENT).count() < total:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                assert second.poll() is None, log.read_text()[-3000:]
                await asyncio.sleep(0.2)
        finally:
            second.terminate()
            second.wait(20)
    seen = server.handler.message_ids()
    assert set(seen) == expected  # every delivery reached the server, nothing else did
    resent = sum(seen.values()) - total
    assert resent <= min(in_flight, POOL), (resent, in_flight)
    assert all(count <= 2 for count in seen.values())
    print(f"\nkilled after {at_kill}/{total} mails, {in_flight} in flight, resent {resent}")
