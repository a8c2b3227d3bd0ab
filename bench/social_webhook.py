"""Social webhook benchmark: signed VK webhooks through the whole app (middleware, signature,
dedupe, analysis, limit on the working calendar, insert), new items then their replays, in a
PostgreSQL database of its own.

    uv run python bench/social_webhook.py [--items 2000] [--concurrency 8]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis
(OKNO_BENCH_REDIS; PUBLISH of live updates only). Requests go through httpx's ASGI transport
in this process, so the CPU time per request is okno's own (plus the client's small share),
not the network's; on a shared machine prefer it to the wall-clock figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from api.app import create_app
from domain import db, redis
from domain.actor import Actor, Role
from domain.directory import service as directory
from domain.settings import Settings
from domain.social import intake, rules, sources
from domain.social.models import Network

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OKNO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
TEXT = "Здравствуйте! В нашем доме третий день нет отопления, управляющая компания молчит."


def comment(secret: str, n: int) -> dict:
    return {"type": "wall_reply_new", "group_id": 1, "secret": secret,
            "object": {"id": n, "from_id": 1000 + n % 500, "post_id": 1 + n % 50,
                       "owner_id": -1, "text": f"{TEXT} №{n}",
                       "date": int(dt.datetime.now(dt.UTC).timestamp())}}


async def send_all(http: httpx.AsyncClient, path: str, bodies: list[dict],
                   concurrency: int) -> tuple[float, float, list[float]]:
    queue = list(bodies)
    latencies: list[float] = []

    async def worker() -> None:
        while queue:
            body = queue.pop()
            started = time.perf_counter()
            response = await http.post(path, json=body)
            assert response.status_code == 200, response.text
            latencies.append(time.perf_counter() - started)

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return time.perf_counter() - wall, time.process_time() - cpu, latencies


async def run(items: int, concurrency: int) -> None:
    name = f"okno_bench_social_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    settings = Settings(_env_file=None, database_url=f"{PG}/{name}", redis_url=REDIS,
                        environment="bench")
    try:
        await db.migrate(settings)
        await Tortoise.close_connections()
        await db.init_db(settings)
        redis.connect(settings.redis_url)
        await directory.ensure_spheres()
        source = await sources.save_source(Actor(Role.ADMIN, "bench"), None, sources.SourceData(
            network=Network.VK, name="bench"))
        secret = sources.secret_of(source, settings)
        bodies = [comment(secret, n) for n in range(items)]
        app = create_app(settings, manage_resources=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://bench") as http:
            path = f"/social/{source.id}/webhook"
            await send_all(http, path, bodies[:20], 1)  # warm-up (these 20 are replays later)
            print(f"\n{items} VK comments, concurrency {concurrency}\n")
            print(f"{'run':<10}{'req/s':>8}{'CPU ms/req':>12}{'p50 ms':>9}{'p99 ms':>9}")
            for label in ("new", "replay"):
                wall, cpu, lat = await send_all(http, path, bodies, concurrency)
                lat.sort()
                print(f"{label:<10}{items / wall:>8.0f}{cpu * 1000 / items:>12.2f}"
                      f"{statistics.median(lat) * 1000:>9.1f}"
                      f"{lat[int(len(lat) * 0.99) - 1] * 1000:>9.1f}")
            # The import path: the same items of another source in batches of 100, where the
            # calendar and the keyword dictionaries are read and compiled once per batch.
            other = await sources.save_source(Actor(Role.ADMIN, "bench"), None,
                                              sources.SourceData(network=Network.OK,
                                                                 name="bench import"))
            parsed = [rules.parse_generic({"id": str(n), "kind": "comment",
                                           "text": f"{TEXT} №{n}"}) for n in range(items)]
            wall, cpu = time.perf_counter(), time.process_time()
            for start in range(0, items, 100):
                await intake.ingest(other, parsed[start:start + 100], settings)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{'import':<10}{items / wall:>8.0f}{cpu * 1000 / items:>12.2f}"
                  f"{'(per item, batches of 100)':>30}")
    finally:
        await redis.close()
        await db.close_db()
        admin = await asyncpg.connect(f"{PG}/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(run(args.items, args.concurrency))


if __name__ == "__main__":
    main()
