"""Watching the worker: its metrics (jobs, queue depth, outbox backlog) and a heartbeat
file for liveness (served on the internal port by ``jobs.internal_http``).

The heartbeat is written from arq's poll loop itself (``OknoWorker.heart_beat`` runs on
every poll), so it stops when the loop is blocked or cannot reach Redis, not merely when
the process is gone; ``okno worker-health`` fails once it is older than 45 s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from arq import Retry
from arq.cron import CronJob
from arq.worker import Function, Worker, func
from prometheus_client import Counter, Gauge, Histogram

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = 15  # seconds between heartbeat writes (and gauge refreshes)
HEARTBEAT_STALE = 45  # a heartbeat older than this: stuck (three beats missed)

JOBS = Counter("okno_worker_jobs_total", "Jobs run by this worker, by function and outcome "
               "(ok, retry, cancelled, failed)", ["function", "outcome"])
JOB_SECONDS = Histogram("okno_worker_job_seconds", "Job duration by function", ["function"],
                        buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 600))
JOBS_RUNNING = Gauge("okno_worker_jobs_running", "Jobs running in this worker now")
QUEUE_DEPTH = Gauge("okno_worker_queue_depth", "Jobs in the arq queue (due and deferred)")
OUTBOX = Gauge("okno_outbox_backlog", "Deliveries not yet finished, by state", ["state"])
OUTBOX_OLDEST = Gauge("okno_outbox_oldest_pending_seconds",
                      "Age of the oldest pending delivery that is due (0: none)")
HEARTBEAT = Gauge("okno_worker_heartbeat_timestamp_seconds",
                  "When the worker's poll loop last wrote its heartbeat (Unix time)")


def timed(name: str, coroutine: Callable[..., Any]) -> Callable[..., Any]:
    """The job function, counted and timed under its (fixed, code-defined) name."""

    @functools.wraps(coroutine)
    async def run(ctx: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        outcome = "failed"
        JOBS_RUNNING.inc()
        try:
            result = await coroutine(ctx, *args, **kwargs)
            outcome = "ok"
            return result
        except Retry:
            outcome = "retry"
            raise
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        finally:
            JOBS_RUNNING.dec()
            JOBS.labels(name, outcome).inc()
            JOB_SECONDS.labels(name).observe(time.perf_counter() - started)

    return run


def instrument(functions: list[Any], cron_jobs: list[CronJob]) -> tuple[list[Function],
                                                                        list[CronJob]]:
    wrapped = [func(f) for f in functions]
    return ([dataclasses.replace(f, coroutine=timed(f.name, f.coroutine)) for f in wrapped],
            [dataclasses.replace(c, coroutine=timed(c.name, c.coroutine)) for c in cron_jobs])


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    HEARTBEAT.set(time.time())


def heartbeat_age(path: Path) -> float | None:
    """Seconds since the heartbeat was written; None when there is none."""
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None


def worker_health(path: Path) -> tuple[bool, str]:
    age = heartbeat_age(path)
    if age is None:
        return False, f"no heartbeat at {path}"
    if age > HEARTBEAT_STALE:
        return False, f"heartbeat {age:.0f} s old (stuck: more than {HEARTBEAT_STALE} s)"
    return True, f"heartbeat {age:.0f} s old"


async def refresh_gauges(worker: Worker) -> None:
    from domain.deliveries.queries import backlog

    try:
        QUEUE_DEPTH.set(await worker.pool.zcard(worker.queue_name))
        counts, oldest = await asyncio.wait_for(backlog(), timeout=10)
        for state in ("pending", "sending"):
            OUTBOX.labels(state).set(counts.get(state, 0))
        OUTBOX_OLDEST.set(oldest)
    except Exception:  # metrics are best effort; the jobs are not
        log.warning("worker gauges not refreshed", exc_info=True)


class OknoWorker(Worker):
    """arq's worker plus the heartbeat and gauges, refreshed from its own poll loop."""

    def __init__(self, *args: Any, heartbeat_path: Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heartbeat_path = heartbeat_path
        self._last_beat = 0.0
        self._gauges: asyncio.Task[None] | None = None

    async def heart_beat(self) -> None:
        await super().heart_beat()
        now = time.monotonic()
        if now - self._last_beat < HEARTBEAT_EVERY:
            return
        self._last_beat = now
        if self.heartbeat_path is not None:
            touch(self.heartbeat_path)
        if self._gauges is None or self._gauges.done():
            self._gauges = asyncio.create_task(refresh_gauges(self))
