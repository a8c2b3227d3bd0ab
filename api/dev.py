"""``okno dev``: the whole product in one process for a developer's machine.

Migrates, adds the demo data, and runs the API, a job worker, the embedded Redis
(unless ``OKNO_REDIS_URL`` is set) and the SMTP sink (unless ``OKNO_SMTP_HOST`` is
set) in one event loop. Ctrl-C (SIGINT) or SIGTERM stops them all, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from typing import Any

import structlog
import uvicorn

from domain.settings import Settings

log = structlog.get_logger("okno.dev")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``run_dev`` owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _banner(settings: Settings, url: str, seeded: str, client_id: str | None) -> str:
    lines = [
        "",
        "okno is running (development)",
        f"  GraphQL   {url}/graphql",
    ]
    if settings.graphiql_enabled:
        lines.append(f"  GraphiQL  {url}/graphql  (open in a browser)")
    lines += [
        f"  health    {url}/readyz   metrics {url}/metrics",
        f"  database  {settings.effective_database_url}",
        f"  mail      {'SMTP ' + settings.smtp_host if settings.smtp_host else settings.mail_dir}",
        f"  {seeded}",
        "",
        "A token for your requests (Authorization: Bearer <token>):",
        "  uv run okno token --role admin",
    ]
    if client_id:
        lines.append(f"  uv run okno token --role client --subject {client_id}")
    lines += ["Ctrl-C stops everything.", ""]
    return "\n".join(lines)


async def run_dev(settings: Settings, host: str, port: int) -> None:
    from arq.worker import Worker

    from api.app import create_app
    from api.embedded import start_smtp_sink
    from api.observability import configure_logging
    from domain import db, redis
    from domain.seed import demo_client_id, seed_demo
    from jobs import worker as jobs

    configure_logging(json=False)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sink = None
    worker: Worker | None = None
    tasks: list[asyncio.Task[Any]] = []
    try:
        try:
            await db.migrate(settings)
        finally:
            await db.close_db()
        await db.init_db(settings)
        redis_url = redis.resolve_redis_url(settings)
        redis.connect(redis_url)
        seeded = await seed_demo()
        client_id = await demo_client_id()
        if not settings.smtp_host:
            sink = start_smtp_sink(settings.mail_dir, port=settings.smtp_sink_port)

        config = uvicorn.Config(
            create_app(settings, manage_resources=False), host=host, port=port,
            log_level="warning", log_config=None, access_log=False, lifespan="on",
        )
        server = _Server(config)
        tasks.append(asyncio.create_task(server.serve(), name="api"))
        if jobs.FUNCTIONS or jobs.CRON_JOBS:
            # The worker shares this process's DB and Redis set-up (jobs.worker.startup).
            worker = Worker(**jobs.worker_settings(redis_url), handle_signals=False,
                            ctx={"external_resources": True})
            tasks.append(asyncio.create_task(worker.async_run(), name="worker"))
        while not server.started and not stop.is_set():
            if tasks[0].done():  # e.g. the port is taken
                await tasks[0]
                raise SystemExit(f"the API could not start on {host}:{port}")
            await asyncio.sleep(0.05)
        print(_banner(settings, f"http://{host}:{port}", seeded, client_id), flush=True)

        stopped = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([stopped, *tasks], return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        for task in done:
            if task is not stopped and not task.cancelled() and task.exception():
                log.error("stopped unexpectedly", task=task.get_name(), exc_info=task.exception())
        print("stopping…", flush=True)
        server.should_exit = True
    finally:
        if worker is not None:
            await worker.close()  # cancels the main loop, waits for running jobs' cancellation
        for task in tasks:
            try:
                await asyncio.wait_for(task, timeout=10)
            except (asyncio.CancelledError, TimeoutError):
                pass
            except Exception:  # keep shutting the rest down
                log.error("error while stopping", task=task.get_name(), exc_info=True)
        if sink is not None:
            sink.stop()
        await redis.close()
        await db.close_db()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
