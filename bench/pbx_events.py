"""PBX webhook benchmark: signed events at a fixed rate against a live `okno serve`, then a
count of what was lost or doubled.

    uv run python bench/pbx_events.py [--rate 1000] [--duration 60] [--replays 0.05]
                                      [--workers 1] [--keep]
    quick proof that it works:
    uv run python bench/pbx_events.py --rate 200 --duration 5

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis
(OKNO_BENCH_REDIS, default redis://127.0.0.1:6379/0). A fresh database of its own is migrated
and given one line of the PBX "bench"; `okno serve` runs as a child process on a free port.

The load is open-loop: every 1/rate seconds one event is sent, whatever the answers, so a slow
server shows as latency and a pile of requests in flight, not as a lower rate. Each call is
three events (started, answered, ended) sent in a shuffled order (a third of the calls end
before they start); a share (``--replays``) of events is sent a second time, freshly signed.
Afterwards the database must hold exactly one ``pbx_event`` per distinct event, one complete
ENDED call per call id, and every replay must have been answered "duplicate": the script prints
lost and doubled counts (both must be 0), the webhook's p50/p99/max latency, the achieved rate,
and the server's CPU ms per request (utime+stime of its process tree; PostgreSQL's own CPU is
not in it). On a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain.consultation.rules import sign

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OKNO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
PBX_ID = "bench"
SECRET = "bench-pbx-secret-0123456789-abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime+stime of a process and its live children (seconds)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


async def create_db(db_name: str) -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{db_name}"')
    await admin.close()


async def drop_db(db_name: str) -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
    await admin.close()


async def add_line(url: str) -> None:
    conn = await asyncpg.connect(url)
    await conn.execute(
        "INSERT INTO consultation_line (id, name, number, display_number, pbx_id, active, "
        "position, created_at, updated_at) VALUES ($1, 'Линия', '+78422589358', "
        "'8 (8422) 58-93-58', $2, true, 0, now(), now())", uuid.uuid4(), PBX_ID)
    await conn.close()


def plan(rate: int, duration: float, replays: float) -> tuple[list[dict], int, int]:
    """The events to send, in sending order: whole calls shuffled within themselves and
    interleaved with their neighbours, plus replays of earlier events."""
    total = int(rate * duration)
    calls = max(1, int(total / (3 + 3 * replays)))
    start = datetime.now(UTC) - timedelta(minutes=5)
    events: list[dict] = []
    for n in range(calls):
        call_id = f"call-{n}"
        at = start + timedelta(milliseconds=n)
        three = [{"eventId": f"{call_id}-{kind}", "callId": call_id, "kind": kind,
                  "occurredAt": (at + timedelta(seconds=offset)).isoformat(),
                  "callerNumber": f"+7927{n % 10_000_000:07d}", "lineNumber": "+78422589358"}
                 for kind, offset in (("started", 0), ("answered", 10), ("ended", 90))]
        random.shuffle(three)
        events.extend(three)
    unique = len(events)
    for _ in range(int(unique * replays)):
        events.insert(random.randrange(len(events) // 2, len(events) + 1),
                      dict(random.choice(events[: len(events) // 2])))
    return events, calls, unique


async def wait_ready(port: int, server: subprocess.Popen) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        for _ in range(600):
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("okno serve did not start (run it by hand to see why)")


async def connection(port: int, queue: asyncio.Queue, latencies: list[float],
                     answers: dict[str, int]) -> None:
    """One keep-alive HTTP/1.1 connection taking events off the queue (httpx's pool spends
    more CPU than the server at this rate on a shared machine)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        item = await queue.get()
        if item is None:
            writer.close()
            return
        due, payload = item
        body = orjson.dumps(payload)
        stamp = str(int(time.time()))
        request = (f"POST /pbx/{PBX_ID}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   f"Content-Type: application/json\r\nX-Okno-Timestamp: {stamp}\r\n"
                   f"X-Okno-Signature: {sign(SECRET, stamp, body)}\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        answer = orjson.loads(await reader.readexactly(length)) if length else {}
        # Open-loop latency: from when the event was due, so queueing counts.
        latencies.append(time.perf_counter() - due)
        key = answer.get("status", str(status)) if status == 200 else str(status)
        answers[key] = answers.get(key, 0) + 1


async def run(args: argparse.Namespace, url: str, server: subprocess.Popen, port: int
              ) -> None:
    await wait_ready(port, server)
    events, calls, unique = plan(args.rate, args.duration, args.replays)
    latencies: list[float] = []
    answers: dict[str, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    workers = [asyncio.create_task(connection(port, queue, latencies, answers))
               for _ in range(args.connections)]
    cpu_before = cpu_seconds(server.pid)
    started = time.perf_counter()
    backlog = 0
    for n, payload in enumerate(events):
        due = started + n / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        backlog = max(backlog, queue.qsize())
        queue.put_nowait((due, payload))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    wall = time.perf_counter() - started
    cpu = cpu_seconds(server.pid) - cpu_before
    in_flight_max = backlog + args.connections
    conn = await asyncpg.connect(url)
    stored = await conn.fetchval("SELECT count(*) FROM pbx_event")
    call_rows = await conn.fetchval("SELECT count(*) FROM call")
    complete = await conn.fetchval(
        "SELECT count(*) FROM call WHERE status = 'ended' AND answered_at IS NOT NULL "
        "AND ended_at IS NOT NULL AND started_at < answered_at")
    linked = await conn.fetchval("SELECT count(*) FROM pbx_event WHERE call_id IS NOT NULL")
    await conn.close()
    sent = len(events)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    print(f"events sent {sent} ({unique} distinct, {sent - unique} replays) for {calls} calls "
          f"in {wall:.1f} s: {sent / wall:.0f} req/s (asked {args.rate}/s), "
          f"most waiting or in flight {in_flight_max}")
    print(f"answers: {dict(sorted(answers.items()))}")
    print(f"webhook latency ms: p50 {statistics.median(ms):.1f}  "
          f"p99 {ms[int(len(ms) * 0.99) - 1]:.1f}  max {ms[-1]:.1f}")
    print(f"server CPU: {cpu:.1f} s = {cpu * 1000 / sent:.2f} ms/request "
          f"({args.workers} worker(s)); load average {os.getloadavg()[0]:.1f}")
    lost = unique - stored
    doubled = max(0, stored - unique) + max(0, call_rows - calls)
    print(f"stored events {stored}, linked to a call {linked}, calls {call_rows}, complete "
          f"{complete}: lost {lost}, doubled {doubled}, incomplete calls {calls - complete}")
    if lost or doubled or complete != calls or answers.get("duplicate", 0) != sent - unique:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=1000, help="events per second")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--replays", type=float, default=0.05, help="share of events resent")
    parser.add_argument("--workers", type=int, default=1, help="okno serve --workers")
    parser.add_argument("--pool", type=int, default=20, help="OKNO_DB_POOL_SIZE per worker")
    parser.add_argument("--connections", type=int, default=100,
                        help="keep-alive client connections (requests in flight at most)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    db_name = f"okno_bench_pbx_{uuid.uuid4().hex[:6]}"
    url = f"{PG}/{db_name}"
    asyncio.run(create_db(db_name))
    env = {**os.environ, "OKNO_DATABASE_URL": url, "OKNO_REDIS_URL": REDIS}
    subprocess.run(["uv", "run", "okno", "migrate"], cwd=ROOT, check=True, env=env,
                   stdout=subprocess.DEVNULL)
    asyncio.run(add_line(url))
    port = free_port()
    env.update({"OKNO_PBX_SECRETS": json.dumps({PBX_ID: SECRET}), "OKNO_PORT": str(port),
                "OKNO_HOST": "127.0.0.1", "OKNO_DB_POOL_SIZE": str(args.pool)})
    # The server's log is dropped: a pipe nobody reads fills up and stops the server.
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", str(args.workers)], cwd=ROOT,
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        asyncio.run(run(args, url, server, port))
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            asyncio.run(drop_db(db_name))


if __name__ == "__main__":
    main()
