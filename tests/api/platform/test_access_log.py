"""The access log (api/http/front.py): one line per HTTP request, carrying the GraphQL
operation; successful fast requests at INFO only for a sample, the rest at DEBUG; errors,
refusals and slow requests always at INFO."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
import structlog
from okno_platform import plain_settings  # noqa: F401 (fixture)

from api.app import create_app
from api.observability import configure_logging


def _capture(level: str) -> io.StringIO:
    buffer = io.StringIO()
    configure_logging(level, json=True, stream=buffer, cache=False)
    return buffer


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers, root.level
    try:
        yield
    finally:
        root.handlers, root.level = handlers, level
        structlog.reset_defaults()


def _lines(buffer: io.StringIO) -> list[dict]:
    """Our own records (the test's HTTP client logs its requests too, as a named logger)."""
    records = [json.loads(line) for line in buffer.getvalue().splitlines()
               if line.startswith("{")]
    return [r for r in records if "logger" not in r]


async def _requests(settings) -> None:
    app = create_app(settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as http:
        ok = await http.post("/graphql", json={"query": "query Ok { __typename }"})
        assert ok.status_code == 200
        refused = await http.post("/graphql", json={"query": "query Who { me { id } }"})
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.post("/graphql", content=b"{", headers={
            "Content-Type": "application/json"})).status_code == 400


async def test_successful_fast_requests_are_sampled_errors_never(plain_settings,  # noqa: F811
                                                                 restore_logging):
    settings = plain_settings.model_copy(update={"access_log_sample": 0.0})
    buffer = _capture("INFO")
    await _requests(settings)
    lines = _lines(buffer)
    assert all(line["event"] == "http" for line in lines)  # one line a request, no "graphql"
    assert [(line["status"], line.get("operation"), line.get("outcome")) for line in lines] == [
        (200, "Who", "error"), (400, None, None)]
    assert lines[0]["root"] == "me" and lines[0]["error_codes"] == ["UNAUTHENTICATED"]

    buffer = _capture("DEBUG")  # the unsampled ones are there at DEBUG
    await _requests(settings)
    assert [(line["level"], line["status"]) for line in _lines(buffer)] == [
        ("debug", 200), ("info", 200), ("debug", 200), ("info", 400)]


@pytest.mark.parametrize("update", [{"access_log_sample": 1.0}, {"log_slow_ms": 0}])
async def test_every_request_when_sampled_or_slow(plain_settings, restore_logging,  # noqa: F811
                                                  update):
    buffer = _capture("INFO")
    await _requests(plain_settings.model_copy(update=update))
    lines = _lines(buffer)
    assert [(line["status"], line["path"]) for line in lines] == [
        (200, "/graphql"), (200, "/graphql"), (200, "/healthz"), (400, "/graphql")]
    assert lines[0]["operation"] == "Ok" and lines[0]["outcome"] == "ok"
    assert lines[0]["type"] == "query" and lines[0]["request_id"]


async def test_a_refused_variable_is_the_callers_error_not_a_bug(plain_settings,  # noqa: F811
                                                                 restore_logging):
    """null for an ``ID!``: INVALID_QUERY in the log line and the metrics, and no traceback
    (strawberry logs bugs, INTERNAL, with theirs)."""
    buffer = _capture("INFO")
    app = create_app(plain_settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as http:
        response = await http.post("/graphql", json={
            "query": "query Card($id: ID!) { client(id: $id) { id } }", "variables": {"id": None}})
        assert "Variable '$id'" in response.json()["errors"][0]["message"]
    [line] = [line for line in _lines(buffer) if line["event"] == "http"]
    assert line["error_codes"] == ["INVALID_QUERY"]
    assert "Traceback" not in buffer.getvalue()
