"""Deadline-sweep benchmark: 100k open messages in a PostgreSQL database of its own, then the
sweep (warn one working day before, escalate overdue), run twice.

    uv run python bench/deadline_sweep.py [--messages 100000] [--batch 500] [--keep]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432) and Redis for
the alerts' pub/sub (OKNO_BENCH_REDIS, default redis://127.0.0.1:6379/0; only PUBLISH is
used). Messages are written with one bulk ``INSERT … SELECT generate_series`` statement;
their deadlines are spread from 3 days ago to 27 days ahead, so about a tenth are overdue
and a thirtieth are due for a warning — the sweep must touch only those, in keyset batches,
and never hold all 100k rows in memory. Prints the sweep's wall time, SQL statements,
batches, alerts, the peak RSS growth, and the plan of the batch query.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import resource
import sys
import time
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from domain import db, redis
from domain.messages import deadlines
from domain.settings import Settings

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("OKNO_BENCH_REDIS", "redis://127.0.0.1:6379/0")


class Statements(logging.Handler):
    """Counts the SQL statements Tortoise sends (it logs each on ``tortoise.db_client``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        sql = str(args[0]) if args else record.getMessage()
        if sql.lstrip().split(" ", 1)[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE",
                                                      "WITH"}:
            self.count += 1


async def fill(dsn: str, messages: int) -> None:
    conn = await asyncpg.connect(dsn)
    started = time.perf_counter()
    department = uuid.uuid4()
    await conn.execute("INSERT INTO department (id, name, created_at) VALUES ($1, $2, now())",
                       department, "Управление по работе с обращениями граждан")
    await conn.executemany(
        "INSERT INTO staff_member (id, subject, full_name, department_id, supervisor, active, "
        "created_at) VALUES ($1, $2, $3, $4, $5, true, now())",
        [(uuid.uuid4(), "exec-1", "Петров Пётр", department, False),
         (uuid.uuid4(), "head-1", "Сидорова Анна", department, True)])
    await conn.execute("""
        INSERT INTO client (id, kind, last_name, first_name, search_name, created_at, updated_at)
        SELECT gen_random_uuid(), 'person', 'Клиент ' || i, 'Иван', 'клиент ' || i, now(), now()
        FROM generate_series(1, 1000) AS i""")
    # One statement for all messages: each gets a client, a received date in the last two
    # months and an answer deadline from 3 days ago to 27 days ahead (its one open term,
    # stored as ``refresh`` would); the warning moment is a day before the deadline (the
    # sweep's index is on next_alert_at).
    await conn.execute("""
        WITH clients AS (SELECT id, row_number() OVER () - 1 AS n FROM client)
        INSERT INTO message (id, client_id, audience, form, channel, body, received_at,
            registered_at, registration_number, status, department_id, executor,
            urgency_suggested, abuse_status, extended, answer_due_date, terms, due_kind,
            due_date, due_at, next_alert_at, created_at, updated_at)
        SELECT gen_random_uuid(), c.id, 'external', 'written', 'email',
            'Прошу отремонтировать дорогу у дома ' || i,
            d.due - interval '30 days', d.due - interval '30 days',
            'ОГ-B-' || lpad(i::text, 7, '0'), 'in_work', $1,
            CASE WHEN i % 10 = 0 THEN NULL ELSE 'exec-1' END,
            false, 'none', false, d.due::date,
            json_build_array(json_build_object(
                'kind', 'answer', 'date', d.due::date, 'at', to_char(d.due AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'), 'warnAt', to_char(
                (d.due - interval '1 day') AT TIME ZONE 'UTC',
                'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))),
            'answer', d.due::date, d.due,
            d.due - interval '1 day', now(), now()
        FROM generate_series(1, $2) AS i
        CROSS JOIN LATERAL (SELECT now() + ((i % 30) - 3) * interval '1 day'
                                   + (i % 97) * interval '1 minute' AS due) AS d
        JOIN clients c ON c.n = i % 1000""", department, messages)
    await conn.execute("ANALYZE message")
    print(f"filled {messages} messages in {time.perf_counter() - started:.1f} s")
    await conn.close()


async def explain(dsn: str, now: dt.datetime, batch: int) -> list[str]:
    conn = await asyncpg.connect(dsn)
    rows = await conn.fetch(
        "EXPLAIN SELECT id FROM message WHERE next_alert_at <= $1 AND due_at IS NOT NULL "
        "ORDER BY next_alert_at, id LIMIT $2 FOR UPDATE SKIP LOCKED", now, batch)
    await conn.close()
    return [r[0] for r in rows]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(messages: int, batch: int, keep: bool) -> None:
    name = f"okno_bench_sweep_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    dsn = f"{PG}/{name}"
    settings = Settings(_env_file=None, database_url=dsn, redis_url=REDIS, environment="bench")
    try:
        await db.migrate(settings)
        await Tortoise.close_connections()
        await fill(dsn, messages)
        await db.init_db(settings)
        redis.connect(settings.redis_url)
        counter = Statements()
        logger = logging.getLogger("tortoise.db_client")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(counter)
        now = dt.datetime.now(dt.UTC)
        rows = []
        for label in ("first run", "second run (idempotent)"):
            counter.count = 0
            before = rss_mb()
            started = time.perf_counter()
            result = await deadlines.sweep(now, batch=batch)
            seconds = time.perf_counter() - started
            rows.append((label, seconds, counter.count, result.batches, result.warnings,
                         result.overdue, rss_mb() - before))
        logger.removeHandler(counter)
        conn = await asyncpg.connect(dsn)
        alerts = await conn.fetchval("SELECT count(*) FROM message_deadline_alert")
        due = await conn.fetchval("SELECT count(*) FROM message WHERE due_at < $1", now)
        await conn.close()
        print(f"\n{messages} open messages, batch {batch}; {due} overdue, {alerts} alerts "
              f"written in all\n")
        print(f"{'run':<26}{'seconds':>9}{'SQL':>7}{'batches':>9}{'warnings':>10}"
              f"{'overdue':>9}{'RSS +MB':>9}")
        for label, seconds, sql, batches, warnings, overdue, grown in rows:
            print(f"{label:<26}{seconds:>9.2f}{sql:>7}{batches:>9}{warnings:>10}{overdue:>9}"
                  f"{grown:>9.1f}")
        print("\nbatch query plan:")
        for line in await explain(dsn, now, batch):
            print("  " + line)
    finally:
        await redis.close()
        await db.close_db()
        if not keep:
            admin = await asyncpg.connect(f"{PG}/postgres")
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()
        else:
            print(f"\nkept database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.batch, args.keep))


if __name__ == "__main__":
    main()
