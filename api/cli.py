"""The ``okno`` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from domain.settings import Settings, UnsafeProduction, get_settings, refuse_unsafe_production

# Commands that run okno for real: in production each refuses development stand-ins before
# it starts anything (no embedded Redis, no mail sink, no SQLite file).
GUARDED = {"serve", "worker", "migrate"}


def _exit_on_signal(signum: int, frame: object) -> None:
    # uvicorn stops gracefully on SIGTERM/SIGINT, then raises the signal again to die of
    # it: end in a normal exit instead, so the ``finally`` below stops the embedded Redis.
    raise SystemExit(0)


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import os
    import shutil
    import signal
    import tempfile

    import uvicorn

    from api.app import create_app
    from api.dev import follow_port
    from api.observability import configure_logging
    from domain import redis
    from jobs.internal_http import serve_internal

    configure_logging(json=True)
    follow_port(settings, args.host, args.port)
    workers = args.workers or settings.serve_workers
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _exit_on_signal)
    from api.http.protocol import JoinedWritesProtocol

    # uvloop and httptools named, not "auto": a missing one is an error, not a slow server.
    options = {"host": settings.host, "port": settings.port, "log_level": "warning",
               "loop": "uvloop", "http": JoinedWritesProtocol,
               "log_config": None, "proxy_headers": True, "access_log": False,
               "timeout_graceful_shutdown": settings.shutdown_grace_seconds,
               "ws_max_size": settings.max_body_bytes}  # a websocket message is capped like a body
    # The embedded Redis (no OKNO_REDIS_URL) starts here, once, for every process.
    redis_url = redis.resolve_redis_url(settings)
    metrics, metrics_dir = None, None
    try:
        if workers == 1:
            if settings.metrics_port:
                metrics = serve_internal(settings.metrics_host, settings.metrics_port)
            uvicorn.run(create_app(settings), workers=1, **options)
            return
        # N processes share the listening socket; each reads its settings from the
        # environment, so what this process decided is passed on there. Their metrics are
        # summed by prometheus_client's multiprocess mode and served here, once.
        from prometheus_client import CollectorRegistry
        from prometheus_client.multiprocess import MultiProcessCollector

        metrics_dir = tempfile.mkdtemp(prefix="okno-metrics-")
        os.environ.update({
            "PROMETHEUS_MULTIPROC_DIR": metrics_dir, "OKNO_REDIS_URL": redis_url,
            "OKNO_HOST": settings.host, "OKNO_PORT": str(settings.port),
            "OKNO_PUBLIC_BASE_URL": settings.public_base_url,
            "OKNO_SMTP_SINK_PORT": str(settings.smtp_sink_port),
        })
        if settings.metrics_port:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=metrics_dir)
            metrics = serve_internal(settings.metrics_host, settings.metrics_port,
                                     registry=registry)
        uvicorn.run("api.cli:serve_app", factory=True, workers=workers, **options)
    finally:
        if metrics:
            metrics.shutdown()
        redis.stop_embedded()
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def serve_app():
    """uvicorn's factory for each process of ``okno serve --workers N``."""
    from api.app import create_app
    from api.observability import configure_logging

    configure_logging(json=True)
    return create_app(get_settings())


def _worker(settings: Settings, args: argparse.Namespace) -> None:
    from api.dev import follow_port
    from api.embedded import start_smtp_sink
    from api.observability import configure_logging
    from domain import redis
    from jobs.internal_http import serve_internal
    from jobs.monitoring import OknoWorker, worker_health
    from jobs.worker import worker_settings

    configure_logging(json=True)
    follow_port(settings)  # the sink on OKNO_PORT + 25, like okno dev's
    sink = None if settings.smtp_host else start_smtp_sink(settings.mail_dir,
                                                           port=settings.smtp_sink_port)
    metrics = None
    if settings.worker_metrics_port:
        metrics = serve_internal(settings.metrics_host, settings.worker_metrics_port,
                                 health=lambda: worker_health(settings.heartbeat_path))
    try:
        OknoWorker(**worker_settings(redis.resolve_redis_url(settings), settings),
                   heartbeat_path=settings.heartbeat_path).run()
    finally:
        if metrics:
            metrics.shutdown()
        if sink:
            sink.stop()
        redis.stop_embedded()


def _worker_health(settings: Settings, args: argparse.Namespace) -> None:
    from jobs.monitoring import worker_health

    ok, text = worker_health(settings.heartbeat_path)
    print(text)
    raise SystemExit(0 if ok else 1)


def _migrate(settings: Settings, args: argparse.Namespace) -> None:
    from domain import db

    def waiting() -> None:
        print("another okno migrate holds the migration lock; waiting for it", flush=True)

    async def run() -> int:
        try:
            return await db.migrate(settings, on_wait=waiting)
        finally:
            await db.close_db()

    applied = asyncio.run(run())
    print(f"migrations applied: {applied}" if applied else "no migrations to apply")


def _makemigrations(settings: Settings, args: argparse.Namespace) -> None:
    from tortoise.cli.cli import run_cli_async

    argv = ["makemigrations"] + (["--name", args.name] if args.name else [])
    raise SystemExit(asyncio.run(run_cli_async(argv)))


def _export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from api.schema import export_sdl

    sdl = export_sdl()
    if args.output:
        Path(args.output).write_text(sdl, encoding="utf-8")
    else:
        sys.stdout.write(sdl)


def _lint_schema(settings: Settings, args: argparse.Namespace) -> None:
    from api.schema_lint import lint

    if args.file:
        sdl = Path(args.file).read_text(encoding="utf-8")
    else:
        from api.schema import export_sdl

        sdl = export_sdl()
    violations = lint(sdl)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} violations of the front-end contract (CONTRIBUTING)",
              file=sys.stderr)
        raise SystemExit(1)
    print("the schema keeps the front-end contract")


def _settings_doc(settings: Settings, args: argparse.Namespace) -> None:
    from api.settings_doc import replace_in, settings_table

    if not args.write:
        sys.stdout.write(settings_table())
        return
    readme = Path(args.write)
    readme.write_text(replace_in(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"configuration table in {readme} updated")


def _token(settings: Settings, args: argparse.Namespace) -> None:
    from api.auth import client_subject, mint_token
    from domain.actor import SELF_SERVICE_ROLES, Role

    role = Role(args.role)
    subject, client_id = args.subject or f"dev-{role}", None
    if role in SELF_SERVICE_ROLES:
        if not args.subject:
            raise SystemExit(f"--subject is required for {role} tokens: the client's ID "
                             "(a Client global ID as the API shows it, or a UUID)")
        try:
            subject = client_id = client_subject(args.subject)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
    print(mint_token(settings, role, subject, client_id, ttl_seconds=args.ttl))


def _seed(settings: Settings, args: argparse.Namespace) -> None:
    from domain import db, redis
    from domain.seed import seed_demo

    async def run() -> None:
        await db.init_db(settings)
        redis.connect(redis.resolve_redis_url(settings), settings)
        try:
            print(await seed_demo())
        finally:
            await redis.close()
            await db.close_db()

    asyncio.run(run())


def _dev(settings: Settings, args: argparse.Namespace) -> None:
    from api.dev import run_dev

    asyncio.run(run_dev(settings, host=args.host or settings.host, port=args.port or settings.port))


def main(argv: list[str] | None = None, settings: Settings | None = None) -> None:
    parser = argparse.ArgumentParser(prog="okno", description="okno: the Government's client "
                                     "interaction backend (GraphQL).")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, fn, help_text in [
        ("serve", _serve, "run the API (uvicorn)"),
        ("dev", _dev, ("migrate, seed demo data, run API + worker + embedded Redis + SMTP sink "
         "(on --port + 25)")),
    ]:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host")
        p.add_argument("--port", type=int, help="the API's port (default OKNO_PORT, 8000); "
                       "the SMTP sink and mailed links follow it unless set")
        if name == "serve":
            p.add_argument("--workers", type=int, help="API processes sharing the port "
                           "(default OKNO_SERVE_WORKERS, 1); each has its own database pool")
        p.set_defaults(func=fn)
    sub.add_parser("worker", help="run the job worker (arq)").set_defaults(func=_worker)
    sub.add_parser("worker-health", help="exit 1 when this machine's worker has not polled for "
                   "45 s (its heartbeat file; for container healthchecks)"
                   ).set_defaults(func=_worker_health)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    p = sub.add_parser("makemigrations", help="write a migration for model changes (developers)")
    p.add_argument("--name")
    p.set_defaults(func=_makemigrations)
    p = sub.add_parser("export-schema", help="print the GraphQL SDL (schema.graphql)")
    p.add_argument("--output", "-o")
    p.set_defaults(func=_export_schema)
    p = sub.add_parser("lint-schema", help="check the schema against the front-end contract; "
                       "exit 1 on any violation")
    p.add_argument("file", nargs="?", help="an SDL file to check instead of the live schema")
    p.set_defaults(func=_lint_schema)
    p = sub.add_parser("settings-doc", help="print the configuration table (OKNO_* settings)")
    p.add_argument("--write", nargs="?", const="README.md", metavar="FILE",
                   help="replace the table in FILE (default README.md) instead")
    p.set_defaults(func=_settings_doc)
    p = sub.add_parser("token", help="mint a development JWT (HS256 secret from settings)")
    p.add_argument("--role", required=True,
                   choices=["client", "employee", "operator", "executor", "supervisor", "admin"])
    p.add_argument("--subject", help="who the token is for; client/employee tokens need the "
                   "client's ID (global ID such as the API returns, or a UUID)")
    p.add_argument("--ttl", type=int, help="lifetime in seconds")
    p.set_defaults(func=_token)
    sub.add_parser("seed", help="insert demo data (idempotent)").set_defaults(func=_seed)
    args = parser.parse_args(argv)
    settings = settings or get_settings()
    if args.command in GUARDED:
        try:
            refuse_unsafe_production(settings)
        except UnsafeProduction as exc:
            raise SystemExit(str(exc)) from None
    args.func(settings, args)


if __name__ == "__main__":
    main()
