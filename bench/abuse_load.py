"""Load check of issue 15: do the largest requests the limits allow, sent anonymously by one
client, slow down everyone else?

    uv run python bench/abuse_load.py [--clients 20] [--duration 20]

Starts `okno serve` (production mode) on a fresh PostgreSQL database `okno_bench_abuse`
(OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and the machine's Redis
(OKNO_BENCH_REDIS, default redis://127.0.0.1:6379/0). 20 clients, each with its own client
token, run normal traffic in a loop (their card with history, their messages), first alone,
then while one anonymous client (another process) sends back to back the largest requests
the limits allow: as many aliases of the public `workingCalendar` (a year each) as the
anonymous query-cost cap admits, filled up to `OKNO_MAX_TOKENS` tokens, and a query
`OKNO_MAX_QUERY_DEPTH` deep; each body padded to `OKNO_MAX_BODY_BYTES` with the longest texts
the variable limits admit. The limits are read from the settings (environment), so the
script follows them when they change. Prints the normal clients' p50/p99 without and with
the abuser and the ratio (goal: p99 within 2x). On a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.auth import mint_token
from domain.actor import Role
from domain.settings import Settings

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OKNO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
DB = "okno_bench_abuse"
SECRET = "bench-secret-0123456789-0123456789-0123456789"
CARD = ("query { me { id displayName contacts { kind value } "
        "history(first: 20) { edges { node { id kind occurredAt summary } } } } }")
MESSAGES = ("query { messages(first: 20) { edges { node { id number status subject "
            "receivedAt } } } }")
RECEIVE = """mutation($c: ID!, $b: String!) { receiveMessage(input: {clientId: $c,
    channel: WEB, body: $b}) { errors { code } } }"""
DAY = "date kind working workingMinutes shortened note overridden timeZone"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(port: int, var_dir: str) -> dict[str, str]:
    return {**os.environ, "OKNO_ENVIRONMENT": "production", "OKNO_DATABASE_URL": f"{PG}/{DB}",
            "OKNO_REDIS_URL": REDIS, "OKNO_JWT_SECRET": SECRET, "OKNO_LINK_SECRET": SECRET,
            "OKNO_PORT": str(port), "OKNO_HOST": "127.0.0.1", "OKNO_VAR_DIR": var_dir,
            # Production refuses development stand-ins: the API sends no mail or SMS itself.
            "OKNO_SMTP_HOST": "127.0.0.1", "OKNO_SMS_GATEWAY_URL": "disabled",
            "OKNO_MESSENGER_GATEWAY_URL": "disabled",
            "OKNO_PUBLIC_BASE_URL": "https://okno.bench.example",
            "OKNO_PUBLIC_SURVEY_URL": "https://front.bench.example/survey/{token}",
            "OKNO_CORS_ORIGINS": '["https://front.bench.example"]'}


def _valid(settings: Settings, query: str) -> bool:
    from graphql import parse, validate

    from api.schema import build_schema

    return not validate(build_schema(settings)._schema, parse(query))


def abusive_bodies(settings: Settings) -> list[bytes]:
    """The largest requests the limits allow, each padded to the body cap: the most
    aliases of the widest public field, filled with fields up to the token limit (as many as
    still validate), and a query as deep as allowed."""
    # As many year calendars as the anonymous cost cap admits (a year costs 366 days).
    years = max(1, min(settings.max_aliases, settings.max_cost_anonymous // 366))
    aliases = " ".join(f'y{i}: workingCalendar(from: "2025-01-01", to: "2025-12-31") {{ {DAY} }}'
                       for i in range(years))
    used = len(aliases.split()) + aliases.count("(") * 6  # roughly: names, punctuation
    low, high = 0, max(0, settings.max_tokens - used - 50)
    while low < high:  # graphql-core gives up ("Validation aborted.") on too many repeats
        mid = (low + high + 1) // 2
        if _valid(settings, "query Wide { " + aliases + " __typename" * mid + " }"):
            low = mid
        else:
            high = mid - 1
    wide = "query Wide { " + aliases + " __typename" * low + " }"
    inner = "name"
    for _ in range(max(1, settings.max_query_depth - 2)):
        inner = f"ofType {{ {inner} }}"
    deep = "query Deep { __schema { types { fields { type { " + inner + " } } } } }"
    bodies = []
    for query in (wide, deep):
        # Padding the variable limits admit: texts of the longest length allowed, as many
        # as fit under the body cap.
        text = settings.max_variable_string_chars
        skeleton = len(orjson.dumps({"query": query, "variables": {"pad": []}}))
        count = min(settings.max_variable_list_length,
                    max(0, settings.max_body_bytes - skeleton - 16) // (text + 3))
        bodies.append(orjson.dumps({"query": query, "variables": {"pad": ["x" * text] * count}}))
    return bodies


def abuse(url: str, bodies: list[bytes], stop: multiprocessing.synchronize.Event,
          sent: multiprocessing.sharedctypes.Synchronized) -> None:
    """Another process: one anonymous client, back to back, no pause."""
    with httpx.Client(timeout=60) as client:
        n = 0
        while not stop.is_set():
            try:
                client.post(url, content=bodies[n % len(bodies)],
                            headers={"Content-Type": "application/json"})
            except httpx.HTTPError:
                pass
            n += 1
            with sent.get_lock():
                sent.value += 1


async def prepare_database() -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {DB}")
    await admin.close()


async def seed(url: str, settings: Settings, clients: int) -> list[str]:
    """Clients (staff mutation), five messages each; one client token per client."""
    staff = {"Authorization": "Bearer " + mint_token(settings, Role.OPERATOR, "bench-operator")}
    tokens = []
    async with httpx.AsyncClient(timeout=30) as http:
        for i in range(clients):
            made = (await http.post(url, headers=staff, json={"query": """mutation($n: String!) {
                createClient(input: {kind: PERSON, lastName: $n, firstName: "Иван"}) {
                client { id } errors { code } } }""", "variables": {"n": f"Клиентов{i}"}})).json()
            gid = made["data"]["createClient"]["client"]["id"]
            for m in range(5):
                await http.post(url, headers=staff, json={"query": RECEIVE, "variables": {
                    "c": gid, "b": f"Прошу сообщить о ремонте дороги на улице номер {m}."}})
            from strawberry.relay import GlobalID

            tokens.append(mint_token(settings, Role.CLIENT, f"bench-client-{i}",
                                     GlobalID.from_id(gid).node_id))
    return tokens


async def normal_traffic(url: str, tokens: list[str], seconds: float) -> list[float]:
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def one(token: str) -> None:
        headers = {"Authorization": "Bearer " + token}
        async with httpx.AsyncClient(timeout=60) as http:
            n = 0
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await http.post(url, headers=headers,
                                           json={"query": (CARD, MESSAGES)[n % 2]})
                latencies.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text[:300]
                n += 1

    await asyncio.gather(*(one(t) for t in tokens))
    return latencies


def figures(latencies: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20, help="seconds per phase")
    args = parser.parse_args()
    port = free_port()
    var_dir = Path(tempfile.mkdtemp(prefix="okno-bench-"))
    env = environment(port, str(var_dir))
    os.environ.update({k: v for k, v in env.items() if k.startswith("OKNO_")})
    settings = Settings(_env_file=None)
    url = f"http://127.0.0.1:{port}/graphql"
    print(f"limits: body {settings.max_body_bytes} B, tokens {settings.max_tokens}, "
          f"depth {settings.max_query_depth}, aliases {settings.max_aliases}")
    asyncio.run(prepare_database())
    subprocess.run([sys.executable, "-c", "from api.cli import main; main(['migrate'])"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with (var_dir / "serve.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main(['serve'])"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        tokens = asyncio.run(seed(url, settings, args.clients))
        bodies = abusive_bodies(settings)
        for body in bodies:
            probe = httpx.post(url, content=body, headers={"Content-Type": "application/json"},
                               timeout=120)
            print(f"abusive request: {len(body)} B -> HTTP {probe.status_code}, "
                  f"{len(probe.content)} B answered, "
                  f"{probe.elapsed.total_seconds() * 1000:.0f} ms alone: {probe.text[:120]}")
        asyncio.run(normal_traffic(url, tokens, 2))  # warm-up
        calm = asyncio.run(normal_traffic(url, tokens, args.duration))
        stop = multiprocessing.Event()
        sent = multiprocessing.Value("i", 0)
        abuser = multiprocessing.Process(target=abuse, args=(url, bodies, stop, sent))
        abuser.start()
        try:
            busy = asyncio.run(normal_traffic(url, tokens, args.duration))
        finally:
            stop.set()
            abuser.join(120)
        (p50, p99), (b50, b99) = figures(calm), figures(busy)
        print(f"{args.clients} clients, {args.duration:.0f} s per phase (noisy: shared machine)")
        print(f"without abuser: {len(calm)} requests, p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        print(f"with abuser:    {len(busy)} requests, p50 {b50:.1f} ms, p99 {b99:.1f} ms "
              f"({sent.value} abusive requests)")
        print(f"ratio p50 {b50 / p50:.2f}x, p99 {b99 / p99:.2f}x (goal: p99 within 2x)")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
