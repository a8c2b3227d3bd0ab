"""Client-card benchmark: okno's GraphQL endpoint next to a raw Starlette+asyncpg+orjson
endpoint returning the same JSON, on the same PostgreSQL data, in the same run.

    uv run python bench/client_card.py [--clients 10000] [--events 1000000] [--duration 10]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and `wrk`
(Debian package). Data is generated once into the database `okno_bench` and reused.
Prints p50/p99 latency and requests/s at 1, 10 and 50 concurrent users, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "okno_bench"
DSN = f"{PG}/{DB}"
QUERY = (
    "query Card($id: ID!) { client(id: $id) { id displayName kind "
    "contacts { id kind value verified primary } "
    "preference { preferredChannel additionalChannel } "
    "history(first: 20) { edges { node { id kind channel direction occurredAt summary } } } } }"
)


def migrate() -> None:
    subprocess.run(["uv", "run", "okno", "migrate"], cwd=ROOT, check=True,
                   env={**os.environ, "OKNO_DATABASE_URL": DSN})


async def prepare(clients: int, events: int) -> list[str]:
    admin = await asyncpg.connect(f"{PG}/postgres")
    exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB)
    await admin.close()
    if exists:
        conn = await asyncpg.connect(DSN)
        try:
            have = (await conn.fetchval("SELECT count(*) FROM client"),
                    await conn.fetchval("SELECT count(*) FROM interaction_event"))
        except asyncpg.UndefinedTableError:
            have = (0, 0)
        await conn.close()
        if have == (clients, events):
            print(f"reusing {DB}: {clients} clients, {events} events")
            await asyncio.to_thread(migrate)
            return await client_ids()
        admin = await asyncpg.connect(f"{PG}/postgres")
        await admin.execute(f"DROP DATABASE {DB} WITH (FORCE)")
        await admin.close()
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"CREATE DATABASE {DB}")
    await admin.close()
    await asyncio.to_thread(migrate)
    started = time.perf_counter()
    conn = await asyncpg.connect(DSN)
    per_client = events // clients
    await conn.execute(f"""
        INSERT INTO client (id, kind, last_name, first_name, search_name, created_at, updated_at)
        SELECT gen_random_uuid(), 'person', 'Иванов' || i, 'Иван', 'иванов' || i || ' иван',
               now() - make_interval(mins => i), now()
        FROM generate_series(1, {clients}) AS i;
        INSERT INTO contact_point (id, client_id, kind, value, verified, "primary", created_at)
        SELECT gen_random_uuid(), c.id, k.kind, k.kind || '-' || c.id, true, true, now()
        FROM client c CROSS JOIN (VALUES ('email'), ('phone'), ('postal')) AS k(kind);
        INSERT INTO channel_preference (client_id, preferred_channel, preferred_contact_id,
                                        additional_channel, chosen_via, updated_at)
        SELECT cp.client_id, 'email', cp.id, 'web', 'web', now()
        FROM contact_point cp WHERE cp.kind = 'email';
        INSERT INTO interaction_event (public_id, client_id, kind, channel, direction,
                                       occurred_at, summary, anonymised)
        SELECT gen_random_uuid(), c.id,
               (ARRAY['message_received','message_answered','call','delivery'])[1 + g % 4],
               (ARRAY['email','phone','web','postal'])[1 + g % 4], 'inbound',
               now() - make_interval(hours => g), 'Событие номер ' || g, false
        FROM client c CROSS JOIN generate_series(1, {per_client}) AS g;
        ANALYZE;
    """)
    await conn.close()
    print(f"generated {clients} clients and {clients * per_client} events "
          f"in {time.perf_counter() - started:.0f} s")
    return await client_ids()


async def client_ids() -> list[str]:
    conn = await asyncpg.connect(DSN)
    rows = await conn.fetch("SELECT id FROM client ORDER BY random() LIMIT 2000")
    await conn.close()
    return [base64.b64encode(f"Client:{r['id']}".encode()).decode() for r in rows]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, token: str, ids: list[str]) -> dict:
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            r = httpx.post(url, json={"query": QUERY, "variables": {"id": ids[0]}},
                           headers={"Authorization": f"Bearer {token}"}, timeout=5)
            if r.status_code == 200:
                return r.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def lua_script(ids: list[str], token: str, directory: Path) -> Path:
    body = '{"query":"' + QUERY.replace('"', '\\"') + '","variables":{"id":"'
    path = directory / "card.lua"
    path.write_text(
        "ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n"
        "math.randomseed(42)\n"
        "request = function()\n"
        "  local id = ids[math.random(#ids)]\n"
        f"  return wrk.format('POST', '/graphql', {{['Content-Type']='application/json', "
        f"['Authorization']='Bearer {token}', ['X-Client-App']='bench'}}, "
        f"'{body}' .. id .. '\"}}}}')\n"
        "end\n"
    )
    return path


def run_wrk(url: str, script: Path, users: int, duration: int) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{users}", f"-d{duration}s", "--latency", "-s", str(script), url],
        capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError("non-2xx responses:\n" + out)

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return ms("50"), ms("99"), rps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--users", default="1,10,50")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    ids = asyncio.run(prepare(args.clients, args.events))

    sys.path.insert(0, str(ROOT))
    from api.auth import mint_token
    from domain.actor import Role
    from domain.settings import Settings

    secret = "bench-secret-0123456789-0123456789-abcdef"
    token = mint_token(Settings(_env_file=None, jwt_secret=secret), Role.OPERATOR, "bench")
    okno_port, raw_port = free_port(), free_port()
    env = {**os.environ, "OKNO_DATABASE_URL": DSN, "OKNO_JWT_SECRET": secret,
           "OKNO_LINK_SECRET": secret + "-links",
           "OKNO_ENVIRONMENT": "production", "OKNO_REDIS_URL": "redis://127.0.0.1:6379/0"}
    with tempfile.TemporaryDirectory() as tmp:
        env["OKNO_VAR_DIR"] = tmp
        okno = subprocess.Popen(["uv", "run", "okno", "serve", "--port", str(okno_port)],
                                cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        raw = subprocess.Popen([sys.executable, str(ROOT / "bench" / "raw_card.py"), DSN,
                                str(raw_port)], cwd=ROOT, stderr=subprocess.DEVNULL)
        try:
            urls = {"okno GraphQL": f"http://127.0.0.1:{okno_port}/graphql",
                    "raw endpoint": f"http://127.0.0.1:{raw_port}/graphql"}
            answers = {name: wait_ready(url, token, ids) for name, url in urls.items()}
            if answers["okno GraphQL"] != answers["raw endpoint"]:
                print("warning: the two endpoints' JSON differ:\n", answers)
            script = lua_script(ids, token, Path(tmp))
            results: dict[tuple[str, int], tuple[float, float, float]] = {}
            for users in [int(u) for u in args.users.split(",")]:
                for name, url in urls.items():
                    run_wrk(url, script, users, 2)  # warm-up
                    results[(name, users)] = run_wrk(url, script, users, args.duration)
        finally:
            for proc in (okno, raw):
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=20)

    print(f"\nclient card: client + 3 contacts + preference + 20 newest of "
          f"{args.events // args.clients} events ({args.events} in all), "
          f"{args.duration} s per cell")
    print(f"{'endpoint':<14} {'users':>5} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for (name, users), (p50, p99, rps) in results.items():
        print(f"{name:<14} {users:>5} {p50:>8.2f} {p99:>8.2f} {rps:>8.0f}")
    for users in sorted({u for _, u in results}):
        ratio = results[("okno GraphQL", users)][2] / results[("raw endpoint", users)][2]
        print(f"ratio okno/raw at {users} users: {ratio:.2f}")


if __name__ == "__main__":
    main()
