"""``okno dev`` and the other commands, run as real processes on embedded defaults."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import httpx
import jwt
import pytest
from okno_platform import free_port, okno, okno_env, run_okno, stopped_at_exit, wait_until_up

from api.auth import mint_token
from domain.actor import Role
from domain.settings import Settings


def _graphql(base: str, query: str, token: str, variables: dict | None = None) -> dict:
    response = httpx.post(base + "/graphql", json={"query": query, "variables": variables or {}},
                          headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_dev_runs_everything_in_one_process_and_stops_on_ctrl_c(tmp_path: Path):
    """``okno dev`` on a fresh machine: migrates, seeds, serves GraphQL with embedded
    Redis, SMTP sink and worker; SIGINT stops it all with exit code 0."""
    port, smtp_port = free_port(), free_port()
    env = okno_env(tmp_path / "var", OKNO_PORT=str(port), OKNO_SMTP_SINK_PORT=str(smtp_port))
    proc = okno("dev", env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    with stopped_at_exit(proc):
        wait_until_up(base, proc, "/readyz")
        ready = httpx.get(base + "/readyz").json()
        assert ready["checks"] == {"database": "ok", "redis": "ok", "migrations": "ok"}

        # The embedded SMTP sink accepts mail and files it under var/mail/.
        import smtplib

        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
            smtp.sendmail("okno@ulgov.example", ["maria.ivanova@example.ru"],
                          b"Subject: test\r\n\r\nhello\r\n")

        defaults = Settings(_env_file=None)  # the same development secret okno dev uses
        admin = mint_token(defaults, Role.ADMIN, "dev-admin")
        data = _graphql(base, "{ clients(first: 20) { edges { node { id displayName kind } } } }",
                        admin)
        names = {e["node"]["displayName"]: e["node"] for e in data["clients"]["edges"]}
        assert "Иванова Мария Петровна" in names and "ООО «Волжские окна»" in names

        # The banner's client-token hint works: a client token from a global ID sees itself.
        maria = names["Иванова Мария Петровна"]["id"]
        out = run_okno("token", "--role", "client", "--subject", maria, env=env, cwd=tmp_path)
        me = _graphql(base, "{ me { displayName contacts { kind value } } }", out.strip())
        assert me["me"]["displayName"] == "Иванова Мария Петровна"

        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert time.monotonic() - started < 15, "stopping took too long"
    assert "okno is running" in out and f"{base}/graphql" in out and "okno token" in out
    assert "Traceback" not in err, err
    assert list((tmp_path / "var" / "mail").glob("*.eml"))
    # The embedded redis-server went away with it.
    time.sleep(0.5)
    leftover = subprocess.run(["pgrep", "-f", str(tmp_path / "var")], capture_output=True,
                              check=False)  # pgrep exits 1 when nothing is left: the good case
    assert leftover.stdout == b""


def _free_port_with_sink() -> int:
    """A free port N whose SMTP sink port N + 25 is free too."""
    import socket

    for _ in range(50):
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 25))
            except OSError:
                continue
        return port
    raise AssertionError("no free port pair")


def _export_notices(mail_dir: Path) -> list[tuple[str, str]]:
    """(recipient, plain text) of the history-export notices filed in ``mail_dir``."""
    from email import message_from_bytes, policy

    found = []
    for path in mail_dir.glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        if "/exports/" in text or "история" in str(message["Subject"]).lower():
            found.append((str(message["To"]), text))
    return found


def test_two_dev_instances_run_side_by_side(tmp_path: Path):
    """``okno dev --port N`` moves every port it opens (the SMTP sink to N + 25, mailed
    links to N): a second instance with ``--port M`` in another var dir starts next to
    the first, both answer /readyz, and each one's sink receives that instance's own
    mail (a history export notice, with a link to that instance)."""
    ports = [_free_port_with_sink()]
    while len(ports) < 2:
        candidate = _free_port_with_sink()
        if abs(candidate - ports[0]) != 25 and candidate != ports[0]:
            ports.append(candidate)
    homes = [tmp_path / "one", tmp_path / "two"]
    procs = []
    for port, home in zip(ports, homes, strict=True):
        home.mkdir()
        procs.append(okno("dev", "--port", str(port), env=okno_env(home / "var"), cwd=home))
    admin = mint_token(Settings(_env_file=None), Role.ADMIN, "dev-admin")
    with stopped_at_exit(procs[0]), stopped_at_exit(procs[1]):
        for port, proc in zip(ports, procs, strict=True):
            wait_until_up(f"http://127.0.0.1:{port}", proc, "/readyz", timeout=60)
        for port in ports:
            base = f"http://127.0.0.1:{port}"
            assert httpx.get(base + "/readyz").json()["checks"] == {
                "database": "ok", "redis": "ok", "migrations": "ok"}
            cid = _graphql(base, '{ clients(first: 1, search: "Иванова") { edges { node { id }'
                           " } } }", admin)["clients"]["edges"][0]["node"]["id"]
            requested = _graphql(base, """mutation($id: ID!) { requestHistoryExport(input:
                {clientId: $id}) { historyExport { id } errors { code } } }""", admin, {"id": cid})
            assert requested["requestHistoryExport"]["errors"] == []
        for port, home, proc in zip(ports, homes, procs, strict=True):
            deadline = time.monotonic() + 60
            while not (notices := _export_notices(home / "var" / "mail")):
                assert time.monotonic() < deadline, f"no mail reached the sink of :{port}"
                assert proc.poll() is None, proc.communicate()
                time.sleep(0.3)
            [(to, text)] = notices
            assert to.endswith("<maria.ivanova@example.ru>")
            assert f"http://127.0.0.1:{port}/exports/" in text
        outs = []
        for proc in procs:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
            assert proc.returncode == 0 and "Traceback" not in err, err
            outs.append(out)
    for port, out in zip(ports, outs, strict=True):
        assert f"http://127.0.0.1:{port}/graphql" in out
        assert f"SMTP sink 127.0.0.1:{port + 25}" in out
        for role in ("client", "operator", "executor", "supervisor", "admin"):
            assert f"okno token --role {role}" in out


def test_migrate_seed_serve_and_worker_on_defaults(tmp_path: Path):
    """``okno migrate``, ``seed``, ``serve`` and ``worker`` on the embedded defaults (SQLite
    file and Redis under ``var/``): a second seed adds nothing, and a job requested through
    the API process is done by the separate worker process (R-1.5 history export)."""
    port = free_port()
    env = okno_env(tmp_path / "var", OKNO_PORT=str(port), OKNO_SMTP_SINK_PORT=str(free_port()),
                   OKNO_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    assert "migrations applied" in run_okno("migrate", env=env, cwd=tmp_path)
    assert (tmp_path / "var" / "okno.sqlite3").exists()
    first = run_okno("seed", env=env, cwd=tmp_path)
    assert first.startswith("demo data added:") and "3 persons" in first
    assert run_okno("seed", env=env, cwd=tmp_path).strip() == (
        "demo data already present: nothing added")

    base = f"http://127.0.0.1:{port}"
    admin = mint_token(Settings(_env_file=None), Role.ADMIN, "dev-admin")
    with stopped_at_exit(okno("serve", env=env, cwd=tmp_path)) as serve, \
            stopped_at_exit(okno("worker", env=env, cwd=tmp_path)) as worker:
        wait_until_up(base, serve, "/readyz")
        clients = _graphql(
            base, '{ clients(first: 1, search: "Иванова") { edges { node { id } } } }', admin)
        cid = clients["clients"]["edges"][0]["node"]["id"]
        requested = _graphql(base, """mutation($id: ID!) {
            requestHistoryExport(input: {clientId: $id}) { historyExport { id } errors { code } }
        }""",
                             admin, {"id": cid})
        export_id = requested["requestHistoryExport"]["historyExport"]["id"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = _graphql(
                base, "query($id: ID!) { historyExport(id: $id) { status downloadUrlJson } }",
                admin, {"id": export_id})["historyExport"]
            if found["status"] == "READY":
                break
            assert worker.poll() is None, worker.communicate()
            time.sleep(0.3)
        assert found["status"] == "READY", found
        document = httpx.get(found["downloadUrlJson"], timeout=10)
        assert document.status_code == 200 and "client_created" in document.text
        for proc in (worker, serve):
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=30)
            # uvicorn re-raises the signal after its graceful shutdown (exit status -15).
            assert proc.returncode in (0, -signal.SIGTERM), err
            assert "Tortoise-ORM shutdown" in err and "Traceback" not in err


def test_token_accepts_a_global_id_or_a_uuid_for_client_tokens(tmp_path: Path):
    """Client and employee tokens carry the client's UUID, however the ID was given."""
    from api.cli import main

    settings = Settings(_env_file=None)
    uuid_ = "72830e8b-7601-4399-8744-23a27bd1c636"
    global_id = "Q2xpZW50OjcyODMwZThiLTc2MDEtNDM5OS04NzQ0LTIzYTI3YmQxYzYzNg=="

    def claims(*args: str) -> dict:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            main(["token", *args])
        return jwt.decode(buffer.getvalue().strip(), settings.jwt_secret, algorithms=["HS256"],
                          audience=settings.jwt_audience)

    for subject in (uuid_, global_id):
        got = claims("--role", "client", "--subject", subject)
        assert (got["sub"], got["client_id"], got["role"]) == (uuid_, uuid_, "client")
    assert claims("--role", "employee", "--subject", global_id)["client_id"] == uuid_
    admin = claims("--role", "admin")
    assert admin["role"] == "admin" and "client_id" not in admin
    with pytest.raises(SystemExit):
        main(["token", "--role", "client", "--subject", "not-an-id"])
    with pytest.raises(SystemExit):
        main(["token", "--role", "client"])
