"""Shutdown drills for the API: a real ``okno serve`` process (embedded Redis, SQLite),
a request in flight and an open websocket when the signal comes; and the multi-process
form, ``okno serve --workers 2``."""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import time
from pathlib import Path

import httpx
import psutil
import pytest
import websockets
from okno_platform import free_port, okno, okno_env, stopped_at_exit, wait_until_up
from prometheus_client.parser import text_string_to_metric_families


def embedded_redis_pid(var_dir: Path) -> int:
    registry = json.loads((var_dir / "redis.db.settings").read_text())
    return int(Path(registry["pidfile"]).read_text().strip())


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def slow_graphql(base: str, seconds: float, answer: dict) -> None:
    """A request whose body arrives over ``seconds``: in flight when the signal comes."""

    def body():
        yield b'{"query": "{ __typename }"'
        for _ in range(int(seconds / 0.1)):
            time.sleep(0.1)
            yield b" "
        yield b"}"

    try:
        response = httpx.post(base + "/graphql", content=body(), timeout=30,
                              headers={"Content-Type": "application/json"})
        answer.update(status=response.status_code, body=response.json())
    except Exception as exc:  # noqa: BLE001 - the test reports it
        answer.update(error=repr(exc))


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_signal_mid_request_answers_it_tells_sockets_and_stops_redis(tmp_path, sig):
    """The request in flight gets its answer; the websocket is closed with 1012 (service
    restart: reconnect); the process exits 0 and its embedded redis-server is gone."""
    port = free_port()
    env = okno_env(tmp_path / "var", OKNO_PORT=str(port), OKNO_METRICS_PORT="0",
                   OKNO_SHUTDOWN_GRACE_SECONDS="10")
    with stopped_at_exit(okno("serve", env=env, cwd=tmp_path)) as proc:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, proc)
        redis_pid = embedded_redis_pid(tmp_path / "var")
        assert not gone(redis_pid)
        ws = await websockets.connect(f"ws://127.0.0.1:{port}/graphql",
                                      subprotocols=["graphql-transport-ws"])
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        answer: dict = {}
        request = threading.Thread(target=slow_graphql, args=(base, 2.0, answer))
        request.start()
        await asyncio.sleep(0.7)
        proc.send_signal(sig)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        await asyncio.to_thread(request.join, 20)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1012
        assert answer.get("status") == 200, answer
        assert answer["body"] == {"data": {"__typename": "Query"}}
        _, err = await asyncio.to_thread(proc.communicate, timeout=20)
        assert proc.returncode == 0, err[-3000:]
    deadline = time.monotonic() + 10
    while not gone(redis_pid):
        assert time.monotonic() < deadline, "the embedded redis-server outlived okno serve"
        await asyncio.sleep(0.1)


@pytest.mark.slow
def test_serve_with_two_workers(tmp_path):
    """``okno serve --workers 2``: two processes serve the port (each reports itself in
    the metrics the parent serves on the internal port); SIGTERM stops them all, and the
    embedded Redis with them."""
    port, metrics_port = free_port(), free_port()
    env = okno_env(tmp_path / "var", OKNO_PORT=str(port), OKNO_METRICS_PORT=str(metrics_port))
    with stopped_at_exit(okno("serve", "--workers", "2", env=env, cwd=tmp_path)) as proc:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, proc, timeout=60)
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 30
        while True:
            text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
            pids = {int(s.labels["pid"]) for f in text_string_to_metric_families(text)
                    for s in f.samples if s.name == "okno_api_process_up" and s.value == 1}
            if len(pids) == 2:
                break
            assert time.monotonic() < deadline, text[-2000:]
            time.sleep(0.2)
        assert pids <= {child.pid for child in parent.children(recursive=True)}
        assert proc.pid not in pids
        for _ in range(20):  # fresh connections, shared by both processes
            assert httpx.get(base + "/healthz").status_code == 200
        text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        served = sum(s.value for f in text_string_to_metric_families(text) for s in f.samples
                     if s.name == "okno_http_requests_total" and s.labels["path"] == "/healthz")
        assert served >= 20  # summed over both processes
        redis_pid = embedded_redis_pid(tmp_path / "var")
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
        assert proc.returncode == 0
    deadline = time.monotonic() + 10
    while not all(gone(pid) for pid in (*pids, redis_pid)):
        assert time.monotonic() < deadline, "a worker or redis-server outlived okno serve"
        time.sleep(0.1)


@pytest.mark.slow
def test_worker_stops_its_embedded_redis(tmp_path):
    """``okno worker`` on the embedded Redis: SIGTERM, exit 0, no redis-server left."""
    env = okno_env(tmp_path / "var", OKNO_WORKER_METRICS_PORT="0",
                   OKNO_SMTP_SINK_PORT=str(free_port()))
    with stopped_at_exit(okno("worker", env=env, cwd=tmp_path)) as proc:
        deadline = time.monotonic() + 60
        while not (tmp_path / "var" / "worker-heartbeat").exists():  # polling
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        redis_pid = embedded_redis_pid(tmp_path / "var")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]
    deadline = time.monotonic() + 10
    while not gone(redis_pid):
        assert time.monotonic() < deadline, "the embedded redis-server outlived okno worker"
        time.sleep(0.1)
