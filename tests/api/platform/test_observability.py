"""Request ids, per-front-end metrics, structured logs, liveness and readiness."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from okno_platform import (  # noqa: F401
    free_port,
    okno,
    okno_env,
    plain_settings,
    run_okno,
    stopped_at_exit,
    wait_until_up,
)
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.auth import mint_token
from domain.actor import Role
from domain.settings import Settings


@pytest.fixture
async def http_plain(plain_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    app = create_app(plain_settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        yield client


def _samples(text: str, name: str) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples
            if s.name == name]


async def test_request_id_is_echoed_or_made_up(http_plain):
    response = await http_plain.get("/healthz", headers={"X-Request-ID": "front-abc-123"})
    assert response.headers["x-request-id"] == "front-abc-123"
    odd = await http_plain.get("/healthz", headers={"X-Request-ID": "a b<script>" + "x" * 80})
    assert len(odd.headers["x-request-id"]) == 32 and "<" not in odd.headers["x-request-id"]
    made_up = (await http_plain.get("/healthz")).headers["x-request-id"]
    assert len(made_up) == 32 and made_up != (await http_plain.get("/healthz")).headers[
        "x-request-id"]


async def test_metrics_count_operations_per_front_end(http_plain, plain_settings):  # noqa: F811
    """Each known front end (X-Client-App, OKNO_CLIENT_APPS) and each root field is visible
    on its own."""
    admin = {"Authorization": "Bearer " + mint_token(plain_settings, Role.ADMIN, "a"),
             "X-Client-App": "citizen-web"}
    for _ in range(3):
        response = await http_plain.post(
            "/graphql", json={"query": "query CitizenCard { me { id } }"}, headers=admin)
        assert response.status_code == 200 and "errors" not in response.json()
    await http_plain.post("/graphql", json={"query": "query WhoAmI { me { id } }"},
                          headers={"X-Client-App": "operator-desk"})
    text = (await http_plain.get("/metrics")).text

    def value(name: str, **labels: str) -> float:
        return sum(s.value for s in _samples(text, name)
                   if all(s.labels.get(k) == v for k, v in labels.items()))

    assert value("okno_graphql_operations_total", root_field="me",
                 client_app="citizen-web", type="query", outcome="ok") >= 3
    assert value("okno_graphql_operations_total", root_field="me",
                 client_app="operator-desk", outcome="error") >= 1
    assert value("okno_graphql_errors_total", root_field="me", client_app="operator-desk",
                 code="UNAUTHENTICATED") >= 1
    assert value("okno_graphql_operation_seconds_count", root_field="me",
                 client_app="citizen-web") >= 3
    assert value("okno_http_requests_total", path="/graphql", status="200",
                 client_app="citizen-web") >= 3
    assert value("okno_http_request_seconds_bucket", path="/graphql", client_app="citizen-web",
                 le="+Inf") >= 3


async def test_unknown_front_ends_are_other(http_plain, plain_settings):  # noqa: F811
    """A front end not named in OKNO_CLIENT_APPS (or a hostile header) is counted as
    'other': its words never become a label."""
    await http_plain.get("/healthz", headers={"X-Client-App": 'x"}\nevil{a="b'})
    text = (await http_plain.get("/metrics")).text
    apps = {s.labels["client_app"] for s in _samples(text, "okno_http_requests_total")}
    assert "other" in apps
    assert apps <= {*plain_settings.client_apps, "other", "unknown"}


async def test_healthz_and_readyz_when_everything_is_up(settings, http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {
        "database": "ok", "redis": "ok", "migrations": "ok"}}


def test_readyz_unready_without_database_degraded_without_redis_and_logs_are_json(
        tmp_path: Path):
    """Two real ``okno serve`` processes: one whose Redis is a closed port, one whose
    PostgreSQL is. Both live (/healthz 200); without the database not ready (503), without
    Redis ready but degraded (200: requests that need no Redis still work), answered within
    the 3 s healthcheck. Their logs are JSON lines carrying the request id and the front
    end's name: the 503 is logged although no successful request is sampled there
    (OKNO_ACCESS_LOG_SAMPLE=0), the 200 because every one is (1)."""
    closed = free_port()
    servers = {}
    for name, extra in {
        "redis": {"OKNO_REDIS_URL": f"redis://127.0.0.1:{closed}/0",
                  "OKNO_ACCESS_LOG_SAMPLE": "1"},
        "database": {"OKNO_DATABASE_URL": f"postgres://okno@127.0.0.1:{closed}/okno",
                     "OKNO_ACCESS_LOG_SAMPLE": "0"},
    }.items():
        port = free_port()
        env = okno_env(tmp_path / name, OKNO_PORT=str(port), OKNO_SMTP_SINK_PORT=str(free_port()),
                       **extra)
        (tmp_path / name).mkdir()
        if name == "redis":  # its SQLite database must be migrated to be ready
            run_okno("migrate", env=env, cwd=tmp_path / name)
        servers[name] = (f"http://127.0.0.1:{port}", okno("serve", env=env, cwd=tmp_path / name))

    for name, (base, proc) in servers.items():
        with stopped_at_exit(proc):
            wait_until_up(base, proc)
            assert httpx.get(base + "/healthz").status_code == 200
            started = time.monotonic()
            response = httpx.get(base + "/readyz", timeout=10,
                                 headers={"X-Request-ID": f"probe-{name}",
                                          "X-Client-App": "load-balancer"})
            assert time.monotonic() - started < 3
            expected = {"database": (503, "unavailable"), "redis": (200, "degraded")}[name]
            assert (response.status_code, response.json()["status"]) == expected
            checks = response.json()["checks"]
            assert checks[name].startswith("error")
            assert checks["redis" if name == "database" else "database"] == "ok"
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=15)
        lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        assert len(lines) == len(err.strip().splitlines()), err  # every line is JSON
        access = [r for r in lines if r.get("event") == "http" and r.get("path") == "/readyz"]
        assert access and access[0]["request_id"] == f"probe-{name}"
        assert access[0]["client_app"] == "load-balancer"
        assert access[0]["status"] == expected[0]
        assert {"timestamp", "level"} <= set(access[0])
