"""Monitoring benchmark (R-9): every dashboard query over 1M messages and 100k social items on
PostgreSQL, p50/p99 of N runs and the plan PostgreSQL chose.

    uv run python bench/monitoring.py [--messages 1000000] [--social 100000] [--runs 20] [--keep]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432). The data lives
in its own database, ``okno_bench_monitoring``: migrated with okno's migrations, then loaded by
``INSERT … SELECT FROM generate_series``: messages spread over two years (2025–2026) with
3-day registration, 30-day answer terms, 5 % urgent, 1 % abusive, 3 % redirected, ~2 % still
open, ~4 % answered late, an answer row per answered message; social items of the three
kinds with their working-hour limits; 20k callbacks. ``now`` is fixed at 2026-12-15 12:00
(Ulyanovsk), so the last weeks hold the open, at-risk and overdue items. The database is
reused when it already holds the requested size; ``--keep`` leaves it after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain import db
from domain import sql as sql_
from domain.monitoring import queries
from domain.monitoring.queries import GroupBy, State
from domain.monitoring.registry import RuleKey
from domain.settings import Settings

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "okno_bench_monitoring"
DSN = f"{PG}/{DB}"
NOW = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)  # 12:00 in Ulyanovsk
CHANNELS = ["email", "postal", "web", "in_person", "phone", "mobile_app", "social"]


async def _exists(messages: int, social: int) -> bool:
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB):
            return False
    finally:
        await admin.close()
    conn = await asyncpg.connect(DSN)
    try:
        return (await conn.fetchval("SELECT count(*) FROM message") == messages
                and await conn.fetchval("SELECT count(*) FROM social_item") == social)
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await conn.close()


async def _recreate() -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()


async def _load(messages: int, social: int) -> None:
    conn = await asyncpg.connect(DSN)
    try:
        t0 = time.perf_counter()
        await conn.execute("SELECT setseed(0.42)")
        await conn.execute("""
            INSERT INTO department (id, name, created_at)
            SELECT md5('dep' || g)::uuid, 'Подразделение ' || g, now()
            FROM generate_series(1, 20) g""")
        await conn.execute("""
            INSERT INTO sphere (id, code, name, position, active, created_at, updated_at)
            SELECT md5('sphere' || g)::uuid, 'sphere_' || g, 'Сфера ' || g, g, TRUE, now(), now()
            FROM generate_series(1, 12) g""")
        await conn.execute("""
            INSERT INTO client (id, kind, last_name, search_name, created_at, updated_at)
            SELECT md5('client' || g)::uuid, 'person', 'Клиент ' || g, 'клиент ' || g, now(), now()
            FROM generate_series(1, 20000) g""")
        channels = "ARRAY[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
        # One row per message; the kind of outcome comes from g's residues, so the figures
        # are the same on every run. Two years back from "now", newest last.
        span = 730 * 86400
        await conn.execute(f"""
            INSERT INTO message (
                id, client_id, audience, form, channel, body, received_at, registered_at,
                registration_number, status, department_id, executor, sphere_id,
                urgency_suggested, urgent, urgent_due_date, abuse_status,
                abuse_notice_due_date, abuse_notice_sent_at, registration_due_date,
                answer_due_date, redirect_due_date, extended, closed_at, created_at, updated_at)
            SELECT id, client_id, 'external', 'written', channel, 'Текст обращения', received,
                   CASE WHEN state <> 'unregistered' THEN received + interval '1 day' END,
                   'ОГ-' || g, status, dep, 'executor_' || ((g * 31) % 200), sphere,
                   FALSE, g % 20 = 0, CASE WHEN g % 20 = 0 THEN day + 5 END,
                   CASE WHEN g % 100 = 7 THEN 'confirmed' ELSE 'none' END,
                   CASE WHEN g % 100 = 7 THEN day + 9 END,
                   CASE WHEN g % 100 = 7 AND state <> 'open' THEN received + interval '3 days' END,
                   day + 3, CASE WHEN g % 100 <> 7 THEN day + 33 END, day + 8, FALSE,
                   CASE WHEN state IN ('open', 'unregistered') THEN NULL
                        WHEN state = 'late' THEN received + interval '40 days'
                        ELSE received + interval '20 days' END,
                   received, received
            FROM (SELECT g, md5('msg' || g)::uuid AS id, md5('client' || (1 + g % 20000))::uuid
                         AS client_id, ({channels})[1 + (g * 3) % {len(CHANNELS)}] AS channel,
                         md5('dep' || (1 + (g * 13) % 20))::uuid AS dep,
                         CASE WHEN g % 9 = 0 THEN NULL ELSE md5('sphere' || (1 + g % 12))::uuid
                         END AS sphere, received,
                         (received AT TIME ZONE 'Europe/Ulyanovsk')::date AS day,
                         CASE WHEN received > $1::timestamptz - interval '40 days' AND g % 3 = 0
                                  THEN 'open'
                              WHEN received > $1::timestamptz - interval '10 days' AND g % 3 = 1
                                  THEN 'unregistered'
                              WHEN g % 100 = 7 THEN 'abusive'
                              WHEN g % 33 = 5 THEN 'redirected'
                              WHEN g % 25 = 3 THEN 'late' ELSE 'answered' END AS state,
                         CASE WHEN received > $1::timestamptz - interval '40 days' AND g % 3 = 0
                                  THEN 'in_work'
                              WHEN received > $1::timestamptz - interval '10 days' AND g % 3 = 1
                                  THEN 'received'
                              WHEN g % 100 = 7 THEN 'closed_abusive'
                              WHEN g % 33 = 5 THEN 'redirected' ELSE 'answered' END AS status
                  FROM (SELECT g, $1::timestamptz - ({messages} - g) * ({span}.0 / {messages})
                                   * interval '1 second' AS received
                        FROM generate_series(1::bigint, {messages}) g) s) m""", NOW)
        await conn.execute("""
            INSERT INTO message_answer (id, message_id, text, outcome, method, drafted_by,
                                        drafted_at, sent_at, sent_by, updated_at)
            SELECT md5('ans' || m.id)::uuid, m.id, 'Ответ', 'resolved', 'written', m.executor,
                   m.closed_at, m.closed_at, m.executor, m.closed_at
            FROM message m WHERE m.status = 'answered'""")
        await conn.execute("""
            INSERT INTO social_source (id, network, name, secret_version, active, created_at)
            VALUES (md5('src')::uuid, 'vk', 'Правительство', 1, TRUE, now())""")
        sspan = 365 * 86400
        await conn.execute(f"""
            INSERT INTO social_item (id, source_id, source_item_id, network, kind, text,
                                     received_at, due_at, warn_at, answered_at, status,
                                     abuse_status, sphere_id, created_at, updated_at)
            SELECT md5('si' || g)::uuid, md5('src')::uuid, 'item' || g, 'vk',
                   (ARRAY['mention', 'official_appeal', 'comment'])[1 + g % 3], 'Текст',
                   received, received + interval '8 hours', received + interval '6 hours',
                   CASE WHEN received > $1::timestamptz - interval '1 day' AND g % 2 = 0 THEN NULL
                        WHEN g % 17 = 0 THEN received + interval '10 hours'
                        ELSE received + interval '3 hours' END,
                   CASE WHEN received > $1::timestamptz - interval '1 day' AND g % 2 = 0 THEN 'new'
                        ELSE 'answered' END, 'none', md5('sphere' || (1 + g % 12))::uuid,
                   received, received
            FROM (SELECT g, $1::timestamptz
                            - ({social} - g) * ({sspan}.0 / {social}) * interval '1 second'
                         AS received FROM generate_series(1, {social}) g) s""", NOW)
        await conn.execute("VACUUM ANALYZE")
        print(f"loaded {messages:,} messages, {social:,} social items in "
              f"{time.perf_counter() - t0:.1f} s")
    finally:
        await conn.close()


class Recorder:
    """The statements a call sent (to EXPLAIN them afterwards)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, list]] = []
        self._fetch = sql_.fetch

    async def fetch(self, sql, params, **kw):
        self.calls.append((sql, list(params)))
        return await self._fetch(sql, params, **kw)


def _plan_summary(lines: list[str]) -> str:
    """The scan nodes of a plan, e.g. 'Index Scan using …', 'Parallel Seq Scan on message'."""
    nodes = []
    for line in lines:
        text = line.strip().lstrip("->").strip()
        if "Scan" in text.split("(")[0]:
            node = text.split("  (")[0]
            if node not in nodes:
                nodes.append(node)
    return "; ".join(nodes)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--social", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    settings = Settings(_env_file=None, database_url=DSN, environment="bench")
    reuse = await _exists(args.messages, args.social)
    if not reuse:
        await _recreate()
    await db.migrate(settings)  # a reused database gets migrations added since
    await db.close_db()
    await db.init_db(settings)
    recorder = Recorder()
    sql_.fetch = recorder.fetch
    try:
        if reuse:
            print(f"reusing {DB} with {args.messages:,} messages, {args.social:,} social items")
        else:
            await _load(args.messages, args.social)
        clock = await queries.clock(settings, NOW)
        month, year = (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 1, 1),
                                                                 date(2026, 12, 31))
        cases = [
            ("figures, every rule, one month", lambda: queries.figures(settings, *month, clock)),
            ("figures, every rule, one year", lambda: queries.figures(settings, *year, clock)),
            ("figures by department, one month",
             lambda: queries.figures(settings, *month, clock, GroupBy.DEPARTMENT)),
            ("figures by month, one year",
             lambda: queries.figures(settings, *year, clock, GroupBy.MONTH)),
            ("figures by sphere, one month",
             lambda: queries.figures(settings, *month, clock, GroupBy.SPHERE)),
            *[(f"overdue list {k.value}, first 20",
               lambda k=k: queries.items(settings, k, State.OVERDUE, clock, 20))
              for k in RuleKey],
            ("at-risk list answer, first 20",
             lambda: queries.items(settings, RuleKey.ANSWER, State.AT_RISK, clock, 20)),
            ("volumes by channel, one month",
             lambda: queries.volumes(settings, *month, GroupBy.CHANNEL)),
            ("volumes by week, one year",
             lambda: queries.volumes(settings, *year, GroupBy.WEEK)),
        ]
        conn = await asyncpg.connect(DSN)
        print(f"\n{'query':<42} {'rows':>6} {'p50 ms':>8} {'p99 ms':>8}  plan (scan nodes)")
        for name, call in cases:
            times = []
            for _ in range(args.runs):
                recorder.calls.clear()
                t0 = time.perf_counter()
                result = await call()
                times.append((time.perf_counter() - t0) * 1000)
            rows = len(result[0] if isinstance(result, tuple) else result)
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            plans = []
            for text, params in recorder.calls:
                if text.lstrip().upper().startswith("SELECT"):
                    plan = await conn.fetch(f"EXPLAIN {text}", *params)
                    plans.append(_plan_summary([r[0] for r in plan]))
            print(f"{name:<42} {rows:>6} {statistics.median(times):>8.1f} {p99:>8.1f}  "
                  f"{' | '.join(p for p in plans if p)}")
        await conn.close()
    finally:
        sql_.fetch = recorder._fetch
        await db.close_db()
        if not args.keep:
            admin = await asyncpg.connect(f"{PG}/postgres")
            await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
