"""Shutdown drills for the worker: a real ``okno worker`` process, a real SMTP server that
answers slowly, SIGTERM in the middle of a batch. And its liveness: the heartbeat, the
``okno worker-health`` command and the worker's internal metrics port."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from jobs.monitoring import HEARTBEAT_STALE, worker_health
from tests.jobs.test_deliveries_faults import PrivateRedis
from tests.support.deliveries import MailRecorder, SmtpServer, free_port, make_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def settings(settings, tmp_path):
    """A redis-server of this test's own: the machine's Redis databases are shared by every
    test run on it, and another run's worker could take these jobs."""
    from domain import redis

    private = PrivateRedis(tmp_path)
    private.start()
    shared = redis.get_redis()
    redis.connect(private.url)
    try:
        yield settings.model_copy(update={"redis_url": private.url})
    finally:
        await redis.close()
        redis._client = shared
        private.stop()


def start_worker(settings, smtp_port: int, log: Path, **extra: str) -> subprocess.Popen:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("OKNO_")},
           "OKNO_ENVIRONMENT": "test", "OKNO_DATABASE_URL": settings.database_url,
           "OKNO_REDIS_URL": settings.redis_url, "OKNO_VAR_DIR": str(settings.var_dir),
           "OKNO_SMTP_HOST": "127.0.0.1", "OKNO_SMTP_PORT": str(smtp_port),
           "OKNO_SMTP_POOL_SIZE": "4", "OKNO_WORKER_METRICS_PORT": "0", **extra}
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main(['worker'])"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


async def batch(total: int) -> set[str]:
    people = [await make_client(email=f"drill{i}@example.ru") for i in range(4)]
    rows = []
    for i in range(total):
        rows.extend(await deliveries.send(people[i % 4].id, Purpose.NOTICE, "notice",
                                          {"title": f"Уведомление {i}", "text": "Текст."},
                                          source=("test", str(i))))
    return {f"<{r.id}@ulgov.example>" for r in rows}


@pytest.mark.slow
async def test_sigterm_mid_batch_finishes_running_jobs_and_loses_none(settings, tmp_path):
    """SIGTERM while mails are on the wire (the SMTP server takes 1 s per message): the
    worker takes no new job, finishes every send it started (none is left 'sending', to be
    sent again by the stuck sweep), and exits. A second worker sends the rest. Every mail
    reached the server exactly once; none was lost."""
    total = 16
    expected = await batch(total)
    log = tmp_path / "worker.log"
    with SmtpServer(MailRecorder(delay=1.0)) as server:
        first = start_worker(settings, server.port, log, OKNO_WORKER_SHUTDOWN_GRACE_SECONDS="20")
        try:
            deadline = time.monotonic() + 60
            while not server.handler.messages:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                assert first.poll() is None, log.read_text()[-3000:]
                await asyncio.sleep(0.05)
            in_flight = await Delivery.filter(status=DeliveryStatus.SENDING).count()
            first.send_signal(signal.SIGTERM)
            signalled = time.monotonic()
            assert first.wait(30) == 0, log.read_text()[-3000:]
            took = time.monotonic() - signalled
        finally:
            if first.poll() is None:
                first.kill()
        assert in_flight > 0, "the signal must land while mails are being sent"
        sending = await Delivery.filter(status=DeliveryStatus.SENDING).count()
        sent = await Delivery.filter(status=DeliveryStatus.SENT).count()
        assert sending == 0, log.read_text()[-3000:]  # every started send finished
        assert 0 < sent < total and sent == len(server.handler.messages)
        assert "will be run again" not in log.read_text()  # nothing was cut off

        second = start_worker(settings, server.port, log)
        try:
            deadline = time.monotonic() + 90
            while await Delivery.filter(status=DeliveryStatus.SENT).count() < total:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                await asyncio.sleep(0.2)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
    seen = server.handler.message_ids()
    assert set(seen) == expected and set(seen.values()) == {1}, seen
    print(f"\nSIGTERM with {in_flight} in flight, {sent}/{total} sent by the first worker, "
          f"which stopped {took:.1f} s later; the rest by the second, none twice")


@pytest.mark.slow
async def test_jobs_past_the_grace_are_requeued_once(settings, tmp_path):
    """A grace shorter than a send: what still runs when it ends is cancelled and handed
    back to the queue, each job once (arq's queue is a set keyed by job id), and the
    worker exits promptly instead of hanging."""
    from domain import redis

    await batch(4)
    log = tmp_path / "worker.log"
    with SmtpServer(MailRecorder(delay=5.0)) as server:
        worker = start_worker(settings, server.port, log, OKNO_WORKER_SHUTDOWN_GRACE_SECONDS="1")
        try:
            deadline = time.monotonic() + 60
            while await Delivery.filter(status=DeliveryStatus.SENDING).count() < 4:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                await asyncio.sleep(0.05)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(20) == 0, log.read_text()[-3000:]
        finally:
            if worker.poll() is None:
                worker.kill()
    queued = await redis.get_redis().zrange("arq:queue", 0, -1)
    ids = {str(r) for r in await Delivery.all().values_list("id", flat=True)}
    assert sorted(q.decode() for q in queued if q.decode() in ids) == sorted(ids)
    for job_id in ids:  # handed back, not held: the next worker may take it at once
        assert not await redis.get_redis().exists(f"arq:in-progress:{job_id}")
    assert log.read_text().count("will be run again") == 4


def test_worker_health_fails_on_a_stale_heartbeat(tmp_path):
    """The liveness signal: fresh heartbeat ok, none or older than a minute fails."""
    beat = tmp_path / "worker-heartbeat"
    assert worker_health(beat)[0] is False
    beat.touch()
    assert worker_health(beat)[0] is True
    old = time.time() - HEARTBEAT_STALE - 5
    os.utime(beat, (old, old))
    ok, text = worker_health(beat)
    assert not ok and "stuck" in text


async def health_command(settings) -> subprocess.CompletedProcess:
    """``okno worker-health`` as the container's healthcheck runs it."""
    env = {**os.environ, "OKNO_VAR_DIR": str(settings.var_dir)}
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "api.cli", "worker-health"], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False)


@pytest.mark.slow
async def test_worker_heartbeat_metrics_and_health_command(settings, tmp_path):
    """A running worker writes its heartbeat from its poll loop; ``okno worker-health``
    passes, its internal port serves /healthz and metrics (jobs by function and outcome,
    queue depth, outbox backlog). A stopped (SIGSTOP: stuck) worker's heartbeat ages."""
    await batch(3)
    port = free_port()
    log = tmp_path / "worker.log"
    beat = settings.var_dir / "worker-heartbeat"
    beat.unlink(missing_ok=True)
    env_extra = {"OKNO_WORKER_METRICS_PORT": str(port)}
    with SmtpServer(MailRecorder()) as server:
        worker = start_worker(settings, server.port, log, **env_extra)
        try:
            deadline = time.monotonic() + 60
            while await Delivery.filter(status=DeliveryStatus.SENT).count() < 3 or \
                    not beat.exists():
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                await asyncio.sleep(0.1)
            check = await health_command(settings)
            assert check.returncode == 0, check.stdout + check.stderr
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as internal:
                assert (await internal.get("/healthz")).status_code == 200
                deadline = time.monotonic() + 30
                while True:  # the gauges refresh with the heartbeat (15 s): all sent
                    text = (await internal.get("/metrics")).text
                    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
                               for f in text_string_to_metric_families(text) for s in f.samples}
                    if samples.get(("okno_outbox_backlog", (("state", "pending"),))) == 0 and \
                            samples.get(("okno_outbox_backlog", (("state", "sending"),))) == 0:
                        break
                    assert time.monotonic() < deadline, text[-2000:]
                    await asyncio.sleep(0.5)
            assert samples[("okno_worker_jobs_total",
                            (("function", "send_delivery"), ("outcome", "ok")))] == 3
            assert ("okno_worker_queue_depth", ()) in samples
            assert samples[("okno_worker_job_seconds_count", (("function", "send_delivery"),))] == 3
            worker.send_signal(signal.SIGSTOP)  # stuck: no poll, no heartbeat
            old = time.time() - HEARTBEAT_STALE - 1
            os.utime(beat, (old, old))  # a minute passes
            check = await health_command(settings)
            assert check.returncode == 1 and "stuck" in check.stdout
            worker.send_signal(signal.SIGCONT)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
