"""The internal HTTP port of a process (API or worker): ``/metrics`` for Prometheus and,
for the worker, ``/healthz``. In a thread of its own, so rendering the page never runs on
an event loop; bound to an internal interface, never the public port."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

log = logging.getLogger(__name__)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve_internal(
    host: str, port: int, *, registry: CollectorRegistry = REGISTRY,
    health: Callable[[], tuple[bool, str]] | None = None,
) -> ThreadingWSGIServer | None:
    """``/metrics`` (and ``/healthz`` when given) on an internal port, in a thread of its own:
    rendering the page never runs on an event loop."""
    metrics = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/healthz" and health is not None:
            ok, text = health()
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "text/plain; charset=utf-8")])
            return [text.encode()]
        return metrics(environ, start_response)

    try:
        server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_Quiet)
    except OSError as exc:  # watching must not stop the work: say so and go on
        log.error("internal metrics port %s:%s not opened: %s", host, port, exc)
        return None
    threading.Thread(target=server.serve_forever, name=f"metrics:{port}", daemon=True).start()
    log.info("internal metrics on http://%s:%s/metrics (pid %s)", host, port, os.getpid())
    return server

