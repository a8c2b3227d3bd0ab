"""Load check for the request limits (issue 15): while N clients run normal traffic, one
anonymous client sends the largest requests the limits allow; compare the normal clients'
latency with a run without it.

    uv run python bench/abuse_load.py [--clients 20] [--duration 10]

Starts `okno dev` (embedded SQLite, Redis, mail sink) in a temporary directory on a free
port. Normal traffic: the working calendar and `__typename` (anonymous). The abuser, one
request at a time: the longest query text allowed, variables at their list, text and value
limits, and year calendars up to the anonymous cost cap. Prints p50/p99 of the normal
requests in both runs and their ratio (the goal: p99 within 2× of the quiet run). Figures
on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
NORMAL = [
    {"query": "{ __typename }"},
    {"query": "{ workingCalendar(from: \"2026-11-01\", to: \"2026-12-01\") { __typename } }"},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def abusive_requests() -> list[dict]:
    from domain.settings import Settings

    s = Settings(_env_file=None)
    longest = "{ __typename }" + "#" * (s.max_query_chars - 20) + "\n"
    lists = {"a": [[1] * s.max_variable_list_length] * (s.max_variable_values // 1001 - 1)}
    text = {"t": "я" * s.max_variable_string_chars}
    # As many year calendars as the anonymous cost cap allows (366 days each).
    years = s.max_cost_anonymous // 367
    aliases = " ".join(f"a{i}: workingCalendar(from: \"2026-01-01\", to: \"2026-12-31\") "
                       "{ __typename }" for i in range(years))
    return [{"query": longest}, {"query": "{ __typename }", "variables": lists},
            {"query": "{ __typename }", "variables": text}, {"query": "{ " + aliases + " }"}]


async def normal_client(http: httpx.AsyncClient, until: float, latencies: list[float]) -> None:
    n = 0
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await http.post("/graphql", json=NORMAL[n % len(NORMAL)])
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
        n += 1


async def abuser(http: httpx.AsyncClient, until: float, counts: dict[str, int]) -> None:
    requests = abusive_requests()
    n = 0
    while time.perf_counter() < until:
        response = await http.post("/graphql", json=requests[n % len(requests)])
        key = str(response.status_code) + (" refused" if "errors" in response.text else " ok")
        counts[key] = counts.get(key, 0) + 1
        n += 1


async def run(url: str, clients: int, duration: float, abuse: bool) -> list[float]:
    latencies: list[float] = []
    counts: dict[str, int] = {}
    until = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=clients + 2)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as http:
        tasks = [normal_client(http, until, latencies) for _ in range(clients)]
        if abuse:
            tasks.append(abuser(http, until, counts))
        await asyncio.gather(*tasks)
    if abuse:
        print(f"  abusive requests: {counts}")
    return sorted(latencies)


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10)
    args = parser.parse_args()
    port, sink = free_port(), free_port()
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "OKNO_VAR_DIR": var, "OKNO_PORT": str(port),
               "OKNO_SMTP_SINK_PORT": str(sink)}
        log = open(Path(var) / "dev.log", "w")  # noqa: SIM115 - closed with the directory
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "dev"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=log)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 90
            while time.time() < deadline:
                try:
                    if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.3)
            else:
                raise RuntimeError("okno dev did not come up")
            quiet = asyncio.run(run(url, args.clients, args.duration, abuse=False))
            loud = asyncio.run(run(url, args.clients, args.duration, abuse=True))
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
            log.close()
            if os.environ.get("OKNO_BENCH_LOG"):
                print((Path(var) / "dev.log").read_text()[-3000:])
    for name, values in (("quiet", quiet), ("with abuser", loud)):
        print(f"{name:12} n={len(values):6}  p50={percentile(values, 0.5):7.1f} ms  "
              f"p99={percentile(values, 0.99):7.1f} ms")
    print(f"p99 ratio: {percentile(loud, 0.99) / percentile(quiet, 0.99):.2f}× (goal ≤ 2×)")


if __name__ == "__main__":
    main()
