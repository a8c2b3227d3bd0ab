"""``okno dev`` stops its in-process worker gracefully: a running job finishes within the
grace, and one that does not is cancelled without aborting the rest of the shutdown
(arq's ``close`` re-raises its jobs' cancellation, which once skipped closing the
database and left the process hanging on aiosqlite's thread)."""

from __future__ import annotations

import asyncio
import uuid

from arq.worker import Worker, func
from redis.asyncio import Redis

from api.dev import stop_worker
from tests.conftest import REDIS_URL


async def _run(grace: float, job_seconds: float, *, at_pickup: bool = False
               ) -> tuple[list[str], Worker]:
    finished: list[str] = []
    started = asyncio.Event()

    async def slow(ctx: dict, name: str) -> None:
        started.set()
        await asyncio.sleep(job_seconds)
        finished.append(name)

    queue = f"okno-test-dev-{uuid.uuid4().hex[:8]}"
    pool = Redis.from_url(REDIS_URL)
    worker = Worker(functions=[func(slow, name="slow")], redis_pool=pool, queue_name=queue,
                    handle_signals=False, poll_delay=0.05, max_tries=1)
    task = asyncio.create_task(worker.async_run())
    try:
        from arq.connections import ArqRedis

        await ArqRedis(connection_pool=pool.connection_pool).enqueue_job(
            "slow", "job", _queue_name=queue)
        if at_pickup:  # stop while arq is still reading the job: its task is not ours yet
            while not worker.tasks:
                await asyncio.sleep(0)
        else:
            await asyncio.wait_for(started.wait(), 10)
        await stop_worker(worker, task, grace)
        assert task.done()
        return finished, worker
    finally:
        if not task.done():
            task.cancel()
        await pool.delete(queue)
        await pool.aclose()


async def test_a_running_job_finishes_within_the_grace():
    finished, worker = await _run(grace=5, job_seconds=0.3)
    assert finished == ["job"]
    assert worker.jobs_complete == 1


async def test_a_job_past_the_grace_is_cancelled_and_the_shutdown_goes_on():
    finished, _ = await _run(grace=0.1, job_seconds=30)
    assert finished == []  # cancelled, and stop_worker returned instead of raising


async def test_a_job_cancelled_while_arq_picks_it_up_does_not_abort_the_shutdown():
    """The CI failure: cancelled before the job's function ran, arq's job task raises
    ``CancelledError`` and ``Worker.close`` re-raises it."""
    finished, _ = await _run(grace=0, job_seconds=30, at_pickup=True)
    assert finished == []
