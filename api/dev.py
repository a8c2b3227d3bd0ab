"""``okno dev``: the whole product in one process for a developer's machine.

Migrates, adds the demo data, and runs the API, a job worker, the embedded Redis
(unless ``OKNO_REDIS_URL`` is set) and the SMTP sink (unless ``OKNO_SMTP_HOST`` is
set) in one event loop. Ctrl-C (SIGINT) or SIGTERM stops them all, in order.

Ports: everything ``okno dev --port N`` opens follows N, so a second instance (in
another ``OKNO_VAR_DIR``) runs side by side with ``--port M``: the API on N, the SMTP
sink on N + 25 (8000 → 8025), the links it mails on ``http://HOST:N``. Redis and the
database are a socket and a file under the var dir. ``OKNO_SMTP_SINK_PORT`` and
``OKNO_PUBLIC_BASE_URL``, when set, win.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import structlog
import uvicorn

from domain.settings import Settings

if TYPE_CHECKING:
    from arq.worker import Worker

log = structlog.get_logger("okno.dev")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ``run_dev`` owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


SMTP_SINK_OFFSET = 25


def follow_port(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Make every port and URL that is not set explicitly follow the API port: the SMTP
    sink listens on port + 25 and mailed links point at this API. In place, because jobs
    and services read the process's one ``get_settings()``."""
    explicit = set(settings.model_fields_set)
    settings.host = host or settings.host
    settings.port = port or settings.port
    if "smtp_sink_port" not in explicit:
        settings.smtp_sink_port = settings.port + SMTP_SINK_OFFSET
    if "public_base_url" not in explicit:
        shown = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        settings.public_base_url = f"http://{shown}:{settings.port}"


def role_tokens(client_id: str | None) -> list[tuple[str, list[str]]]:
    """One ready ``okno token`` command per role, for the demo people ``okno seed`` wrote
    (staff subjects are directory rows: ``domain.seed.STAFF``)."""
    from domain.clients.rules import display_name
    from domain.seed import PERSONS, STAFF

    found: list[tuple[str, list[str]]] = []
    if client_id:
        p = PERSONS[0]
        name = display_name(p.kind, p.last_name, p.first_name, p.middle_name, None)
        found.append((f"client ({name})", ["--role", "client", "--subject", client_id]))
    for member in STAFF:
        argv = ["--role", str(member.role)]
        if member.subject != f"dev-{member.role}":
            argv += ["--subject", member.subject]
        where = f", {member.department}" if member.department else ""
        found.append((f"{member.role} ({member.full_name}{where})", argv))
    return found


def _banner(settings: Settings, url: str, seeded: str, client_id: str | None) -> str:
    lines = [
        "",
        "okno is running (development)",
        f"  GraphQL   {url}/graphql",
    ]
    if settings.graphiql_enabled:
        lines.append(f"  GraphiQL  {url}/graphql  (open in a browser)")
    mail = (f"SMTP {settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else
            f"SMTP sink 127.0.0.1:{settings.smtp_sink_port} -> {settings.mail_dir}/")
    lines += [
        f"  health    {url}/readyz   metrics {url}/metrics",
        f"  database  {settings.effective_database_url}",
        f"  mail      {mail}",
        f"  links     {settings.public_base_url}",
        f"  {seeded}",
        "",
        "A token per role for your requests (Authorization: Bearer <token>):",
    ]
    for label, argv in role_tokens(client_id):
        lines += [f"  # {label}", f"  uv run okno token {' '.join(argv)}"]
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
    follow_port(settings, host, port)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker: Worker | None = None
    tasks: list[asyncio.Task[Any]] = []
    # Every resource registers its own cleanup as soon as it exists, so a failure while
    # stopping one (or while starting the next) never skips the rest: an aiosqlite
    # connection left open is a non-daemon thread that keeps the process from exiting.
    async with contextlib.AsyncExitStack() as cleanup:
        cleanup.callback(_remove_signal_handlers, loop)
        try:
            await db.migrate(settings)
        finally:
            await db.close_db()
        await db.init_db(settings)
        cleanup.push_async_callback(_step, "database", db.close_db)
        redis_url = redis.resolve_redis_url(settings)
        redis.connect(redis_url, settings)
        cleanup.push_async_callback(_step, "redis", redis.close)
        seeded = await seed_demo()
        client_id = await demo_client_id()
        if not settings.smtp_host:
            sink = start_smtp_sink(settings.mail_dir, port=settings.smtp_sink_port)
            cleanup.push_async_callback(_step, "smtp sink", asyncio.to_thread, sink.stop)

        config = uvicorn.Config(
            create_app(settings, manage_resources=False), host=host, port=port,
            log_level="warning", log_config=None, access_log=False, lifespan="on",
            ws_max_size=settings.max_body_bytes,
        )
        server = _Server(config)
        tasks.append(asyncio.create_task(server.serve(), name="api"))
        cleanup.push_async_callback(_stop_api, server, tasks[0])
        if jobs.FUNCTIONS or jobs.CRON_JOBS:
            # The worker shares this process's DB and Redis set-up (jobs.worker.startup).
            worker = Worker(**jobs.worker_settings(redis_url, settings), handle_signals=False,
                            ctx={"external_resources": True})
            tasks.append(asyncio.create_task(worker.async_run(), name="worker"))
            # Stopped before the API, so a job never outlives the database it writes to.
            cleanup.push_async_callback(_step, "worker", stop_worker, worker, tasks[-1],
                                        min(settings.worker_shutdown_grace_seconds, DEV_GRACE))
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


DEV_GRACE = 10
"""Seconds a running job gets to finish on Ctrl-C in ``okno dev`` (a developer is waiting)."""


async def stop_worker(worker: Worker, task: asyncio.Task[Any], grace: float) -> None:
    """Take no new jobs, let the running ones finish for up to ``grace`` seconds, then
    cancel the rest (arq requeues a cancelled job once) and close the worker.

    arq's ``close`` gathers the job tasks it has just cancelled, so it raises
    ``CancelledError`` whenever a job was still running; that is the jobs' cancellation,
    not ours, and must not abort the rest of the shutdown."""
    worker.allow_pick_jobs = False
    running = [t for t in worker.tasks.values() if not t.done()]
    if running and grace > 0:
        await asyncio.wait(running, timeout=grace)
    try:
        await worker.close()
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
    if not task.done():
        task.cancel()
    await asyncio.wait([task], timeout=10)


async def _stop_api(server: uvicorn.Server, task: asyncio.Task[Any]) -> None:
    server.should_exit = True
    await _step("api", asyncio.wait_for, asyncio.shield(task), 10)
    if not task.done():
        task.cancel()


async def _step(name: str, stop: Callable[..., Awaitable[Any]], *args: Any) -> None:
    """Run one shutdown step; log its failure and go on with the others."""
    try:
        await stop(*args)
    except (Exception, asyncio.CancelledError):
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        log.warning("error while stopping", step=name, exc_info=True)


def _remove_signal_handlers(loop: asyncio.AbstractEventLoop) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(sig)
