"""No token in any log: signed links, bearer tokens, JWTs and ``token=`` parameters are
masked in every record, ours and libraries' alike."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog

from api.observability import REDACTED, configure_logging, redact
from domain.actor import Actor, Role
from domain.history import exports
from jobs.history import build_history_export
from tests.conftest import token as mint
from tests.support.deliveries import MailRecorder, SmtpServer, make_client, run_worker


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Logs rendered as in production (JSON lines), into a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers, root.level
    buffer = io.StringIO()
    configure_logging("DEBUG", json=True, stream=buffer, cache=False)
    try:
        yield buffer
    finally:
        root.handlers, root.level = handlers, level
        structlog.reset_defaults()


async def test_export_flow_writes_no_token_to_the_logs(settings, http, captured):
    """The whole history-export flow (request, build, mail, download through the signed
    link) logged at DEBUG: the link's token appears nowhere in the logs."""
    person = await make_client(email="secret@example.ru")
    export = await exports.request_export(Actor(Role.ADMIN, "admin-1"), person.id)
    await build_history_export({"settings": settings, "job_try": 1}, str(export.id))
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    [mail] = server.handler.messages
    text = mail.get_body(("plain",)).get_content()
    url = next(line.split(": ", 1)[1] for line in text.splitlines()
               if line.startswith("- Открыть в браузере"))
    link_token = url.rsplit("/", 1)[1].removesuffix(".html")
    bearer = mint(settings, "admin")
    response = await http.get(url.removeprefix("http://testserver"),
                              headers={"Authorization": f"Bearer {bearer}"})
    assert response.status_code == 200
    # the same token where a careless call site might put it
    logging.getLogger("somewhere").info("download %s?token=%s", url, link_token)
    structlog.get_logger("okno").info("link", url=url, nested={"headers": [f"Bearer {bearer}"]})
    logs = captured.getvalue()
    assert f'"path": "/exports/{REDACTED}' in logs  # the access log line, masked
    assert link_token not in logs and bearer not in logs
    assert link_token.split(".")[-1] not in logs  # not even the signature
    assert REDACTED in logs


@pytest.mark.parametrize("secret_text", [
    "GET /exports/{jwt}.json 200",
    "GET /survey-exports/{jwt}.csv",
    "https://okno.example/survey/{survey}",
    "Authorization: Bearer {jwt}",
    "callback?a=1&token={survey}&b=2",
    "raised for {jwt}",
    "invitation {survey} expired",
])
def test_every_token_shape_is_masked(secret_text):
    jwt_like = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjMiLCJwdXJwb3NlIjoieCJ9."
                "c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMTIz")
    survey = ("c3VydmV5fDEyMzQ1Njc4LWFiY2R8bm9uY2V8MTcwMDAwMDAwMA."
              "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq")
    line = secret_text.format(jwt=jwt_like, survey=survey)
    masked = redact(line)
    assert REDACTED in masked
    assert jwt_like not in masked and survey not in masked
    assert jwt_like.rsplit(".", 1)[1] not in masked and survey.rsplit(".", 1)[1] not in masked


def test_passwords_in_urls_are_masked():
    for url in ("postgres://okno:s3cr3t-pw@db:5432/okno", "redis://:s3cr3t-pw@redis:6379/0"):
        assert "s3cr3t-pw" not in redact(f"connecting to {url}")
        assert "@" in redact(url) and REDACTED in redact(url)


def test_ordinary_text_is_left_alone():
    for text in ("delivery 0b7c8d1e-1111-4222-8333-944445555666: publish failed",
                 "domain.deliveries.dispatch", "GET /graphql 200", "sweep: {'stuck': 0}",
                 "/exports/short.json", "http://127.0.0.1:8000/graphql"):
        assert redact(text) == text
