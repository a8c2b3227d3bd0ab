"""Reception benchmark: a month of slots for 50 officials with 10,000 bookings in a PostgreSQL
database of its own; ``availableSlots`` latency over HTTP, and 200 clients racing for 100
slots through a live uvicorn server.

    uv run python bench/reception.py [--officials 50] [--bookings 10000] [--queries 200]
                                     [--racers 200] [--race-slots 100] [--keep]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis
(OKNO_BENCH_REDIS, default redis://127.0.0.1:6379/0; only PUBLISH is used). Slots are made by
the schedules service itself (weekdays 09:00-16:40 in 20-minute slots, lunch cut out, for a
31-day horizon); bookings are inserted with one SQL statement on random free slots. Prints
the slot-generation time, availableSlots p50/p99 (no filter, by official, by point), and the
race's wall time, requests/s, winners, SLOT_TAKEN answers and double bookings (must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("OKNO_RECEPTION_HORIZON_DAYS", "31")
os.environ.setdefault("OKNO_RECEPTION_MAX_FUTURE_BOOKINGS", "100")

import asyncpg
import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from api.app import create_app
from api.auth import mint_token
from api.observability import configure_logging
from api.relay import encode_id
from domain import db, redis
from domain.actor import SYSTEM, Role
from domain.reception import schedules
from domain.settings import Settings

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OKNO_BENCH_REDIS", "redis://127.0.0.1:6379/0")
SLOTS = """query($f: AvailableSlotsFilter!) { availableSlots(filter: $f, first: 20) {
  edges { node { id startsAt freeSeats official { position } point { address } } } } }"""
BOOK = """mutation($input: BookReceptionInput!) { bookReception(input: $input) {
  booking { id } errors { code } } }"""


async def fill(settings: Settings, officials: int, bookings: int) -> dict:
    conn = await asyncpg.connect(settings.database_url)
    points = []
    for n in range(5):
        point = await schedules.save_point(SYSTEM, name=f"Приёмная {n + 1}",
                                           address=f"г. Ульяновск, ул. Гончарова, {n + 1}")
        points.append(point.id)
    staff_ids = [uuid.uuid4() for _ in range(officials)]
    await conn.executemany(
        "INSERT INTO staff_member (id, subject, full_name, supervisor, active, created_at) "
        "VALUES ($1, $2, $3, false, true, now())",
        [(sid, f"official-{n}", f"Должностное лицо {n}") for n, sid in enumerate(staff_ids)])
    started = time.perf_counter()
    official_ids = []
    for n, sid in enumerate(staff_ids):
        official = await schedules.save_official(SYSTEM, staff_member_id=sid,
                                                 position=f"Министр {n}")
        official_ids.append(official.id)
        await schedules.save_schedule(
            SYSTEM, official_id=official.id, point_id=points[n % len(points)],
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", valid_from=schedules.today(),
            start_time="09:00", end_time="16:40", slot_minutes=20)
    generation = time.perf_counter() - started
    slots = await conn.fetchval("SELECT count(*) FROM reception_slot")
    await conn.execute("""
        INSERT INTO client (id, kind, last_name, first_name, search_name, created_at, updated_at)
        SELECT gen_random_uuid(), 'person', 'Клиент ' || i, 'Иван', 'клиент ' || i, now(), now()
        FROM generate_series(1, $1) AS i""", bookings)
    # Each client books one random slot (10,000 of the month's slots, seat 1).
    await conn.execute("""
        WITH s AS (SELECT id, row_number() OVER (ORDER BY random()) AS n FROM reception_slot),
             c AS (SELECT id, row_number() OVER () AS n FROM client)
        INSERT INTO booking (id, client_id, slot_id, seat, topic, status, booked_by,
                             booked_by_subject, created_at)
        SELECT gen_random_uuid(), c.id, s.id, 1, 'Вопрос', 'booked', 'client', 'bench', now()
        FROM c JOIN s ON s.n = c.n""")
    await conn.execute("ANALYZE")
    booked = await conn.fetchval("SELECT count(*) FROM booking")
    await conn.close()
    print(f"{officials} officials, {slots} slots made in {generation:.1f} s "
          f"({slots / generation:.0f} slots/s through the service); {booked} bookings")
    return {"points": points, "officials": official_ids}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure_queries(settings: Settings, world: dict, queries: int) -> None:
    app = create_app(settings, manage_resources=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://bench") as http:
        filters = {
            "no filter": lambda n: {},
            "by official": lambda n: {"officialId": encode_id(
                "ReceivingOfficial", world["officials"][n % len(world["officials"])])},
            "by point": lambda n: {"pointId": encode_id(
                "ReceptionPoint", world["points"][n % len(world["points"])])},
        }
        print(f"\navailableSlots (first: 20), {queries} sequential requests each, in-process "
              "HTTP:")
        for label, make in filters.items():
            times = []
            for n in range(queries):
                started = time.perf_counter()
                response = await http.post("/graphql", json={"query": SLOTS,
                                                              "variables": {"f": make(n)}})
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and "errors" not in response.json(), \
                    response.text
            print(f"  {label:<12} p50 {statistics.median(times):6.1f} ms   "
                  f"p99 {percentile(times, 99):6.1f} ms")


async def race(settings: Settings, racers: int, race_slots: int) -> None:
    conn = await asyncpg.connect(settings.database_url)
    slot_ids = [r["id"] for r in await conn.fetch(
        "SELECT s.id FROM reception_slot s WHERE s.starts_at > now() + interval '1 day' "
        "AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.slot_id = s.id) "
        "ORDER BY s.starts_at LIMIT $1", race_slots)]
    client_ids = [r["id"] for r in await conn.fetch(
        "SELECT id FROM client ORDER BY id LIMIT $1", racers)]
    server = uvicorn.Server(uvicorn.Config(create_app(settings, manage_resources=False),
                                           host="127.0.0.1", port=0, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    tokens = [mint_token(settings, Role.CLIENT, str(c)) for c in client_ids]
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(
            max_connections=racers)) as http:
        gate = asyncio.Event()

        async def one(n: int) -> dict:
            await gate.wait()
            response = await http.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": BOOK, "variables": {"input": {
                    "slotId": encode_id("ReceptionSlot", slot_ids[n % len(slot_ids)]),
                    "topic": "Вопрос"}}},
                headers={"Authorization": f"Bearer {tokens[n]}"})
            assert response.status_code == 200, response.text
            return response.json()["data"]["bookReception"]

        tasks = [asyncio.create_task(one(n)) for n in range(len(tokens))]
        await asyncio.sleep(0.2)
        started = time.perf_counter()
        gate.set()
        results = await asyncio.gather(*tasks)
        wall = time.perf_counter() - started
    server.should_exit = True
    await task
    won = sum(1 for r in results if r["booking"])
    taken = sum(1 for r in results if r["errors"] and r["errors"][0]["code"] == "SLOT_TAKEN")
    double = await conn.fetchval(
        "SELECT count(*) FROM (SELECT b.slot_id FROM booking b JOIN reception_slot s "
        "ON s.id = b.slot_id WHERE b.seat IS NOT NULL GROUP BY b.slot_id, s.capacity "
        "HAVING count(*) > s.capacity) AS over")
    await conn.close()
    print(f"\nrace: {len(tokens)} clients for {len(slot_ids)} slots through live uvicorn: "
          f"{wall:.2f} s, {len(tokens) / wall:.0f} bookings attempted/s, {won} booked, "
          f"{taken} SLOT_TAKEN, other errors {len(tokens) - won - taken}, "
          f"double bookings {double}")


async def run(args: argparse.Namespace) -> None:
    configure_logging("WARNING", json=False)  # one request log line each would drown the figures
    name = f"okno_bench_reception_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    settings = Settings(_env_file=None, database_url=f"{PG}/{name}", redis_url=REDIS,
                        environment="bench", db_pool_size=20)
    try:
        await db.migrate(settings)
        await Tortoise.close_connections()
        await db.init_db(settings)
        redis.connect(settings.redis_url)
        world = await fill(settings, args.officials, args.bookings)
        await measure_queries(settings, world, args.queries)
        await race(settings, args.racers, args.race_slots)
    finally:
        await redis.close()
        await db.close_db()
        if not args.keep:
            admin = await asyncpg.connect(f"{PG}/postgres")
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
        else:
            print(f"\nkept database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officials", type=int, default=50)
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--racers", type=int, default=200)
    parser.add_argument("--race-slots", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
