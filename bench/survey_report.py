"""Satisfaction-report benchmark (R-9): ``satisfaction_report`` over 1M survey responses on
PostgreSQL, timed for each grouping.

    uv run python bench/survey_report.py [--responses 1000000] [--rate 0.5] [--repeat 3] [--keep]

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432). The data lives
in its own database, ``okno_bench_surveys``: migrated with okno's migrations, then bulk-loaded
by ``INSERT … SELECT FROM generate_series`` (``--rate`` 0.5: two invitations per response;
every response rates 1–5, ~70 % also give NPS, ~50 % effort, ~10 % a comment),
spread over two years, 20 departments, 12 spheres, 200 executors, 6 channels, 4 purposes.
The database is reused when it already holds the requested size; ``--keep`` leaves it after
the run (dropped otherwise). Prints the time of each grouping (median of ``--repeat``) and
the figures it returned.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from domain import db
from domain.actor import Actor, Role
from domain.settings import Settings
from domain.surveys import report
from domain.surveys.definitions import ensure_default_surveys, latest_version
from domain.surveys.report import GroupBy

PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "okno_bench_surveys"
DSN = f"{PG}/{DB}"
SUPERVISOR = Actor(Role.SUPERVISOR, "bench")
CHANNELS = ["email", "postal", "web", "in_person", "phone", "mobile_app"]
GROUPINGS: list[list[GroupBy]] = [
    [], [GroupBy.CHANNEL], [GroupBy.SPHERE], [GroupBy.DEPARTMENT], [GroupBy.EXECUTOR],
    [GroupBy.PURPOSE], [GroupBy.MONTH], [GroupBy.DEPARTMENT, GroupBy.MONTH],
    [GroupBy.CHANNEL, GroupBy.SPHERE, GroupBy.DEPARTMENT, GroupBy.EXECUTOR, GroupBy.PURPOSE,
     GroupBy.MONTH],
]


async def _exists(responses: int) -> bool:
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB):
            return False
    finally:
        await admin.close()
    conn = await asyncpg.connect(DSN)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM survey_invitation WHERE rating_count > 0") == responses
    except (asyncpg.UndefinedTableError, asyncpg.UndefinedColumnError):
        return False
    finally:
        await conn.close()


async def _recreate() -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()


async def _load(responses: int, rate: float) -> None:
    """Bulk data in a handful of set-based statements; the services make the surveys."""
    surveys = {str(s.purpose): s for s in await ensure_default_surveys()}
    versions = {p: (await latest_version(s.id)) for p, s in surveys.items()}
    purposes = sorted(surveys)
    conn = await asyncpg.connect(DSN)
    try:
        invitations = round(responses / rate)
        # Exactly `responses` of the invitations are answered, evenly spread.
        answered = f"floor(g * {rate!r}) > floor((g - 1) * {rate!r})"
        t0 = time.perf_counter()
        await conn.execute("""
            INSERT INTO department (id, name, created_at)
            SELECT md5('dep' || g)::uuid, 'Подразделение ' || g, now()
            FROM generate_series(1, 20) g""")
        await conn.execute("""
            INSERT INTO client (id, kind, last_name, search_name, created_at, updated_at)
            SELECT md5('client' || g)::uuid, 'person', 'Клиент ' || g, 'клиент ' || g, now(), now()
            FROM generate_series(1, 20000) g""")
        purpose_case = " ".join(
            f"WHEN {n} THEN '{p}'" for n, p in enumerate(purposes))
        survey_case = " ".join(
            f"WHEN {n} THEN '{surveys[p].id}'::uuid" for n, p in enumerate(purposes))
        version_case = " ".join(
            f"WHEN {n} THEN '{versions[p].id}'::uuid" for n, p in enumerate(purposes))
        channels = "ARRAY[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
        await conn.execute("SELECT setseed(0.42)")
        await conn.execute(f"""
            INSERT INTO survey_invitation (
                id, survey_id, version_id, client_id, subject_type, subject_id, open_key, status,
                purpose, channel, sphere, department_id, executor, nonce, invited_at,
                expires_at, remind_on, reminder_sent_at, responded_at, rating_count, rating_sum,
                rating_satisfied, nps_count, nps_promoters, nps_detractors, effort_count,
                effort_sum)
            SELECT md5('inv' || g)::uuid,
                   CASE g % 4 {survey_case} END, CASE g % 4 {version_case} END,
                   md5('client' || (1 + g % 20000))::uuid, 'bench', g::text, NULL,
                   CASE WHEN {answered} THEN 'responded' ELSE 'expired' END,
                   CASE g % 4 {purpose_case} END,
                   ({channels})[1 + (g * 7) % {len(CHANNELS)}],
                   'sphere_' || ((g * 11) % 12),
                   md5('dep' || (1 + (g * 13) % 20))::uuid,
                   'executor_' || ((g * 31) % 200),
                   md5('nonce' || g),
                   at, at + interval '60 days', (at + interval '5 days')::date,
                   CASE WHEN NOT {answered} THEN at + interval '5 days' END,
                   CASE WHEN {answered} THEN at + interval '1 day' END,
                   0, 0, 0, 0, 0, 0, 0, 0
            FROM (SELECT g, timestamptz '2024-01-01 06:00+00' + (g % 730) * interval '1 day'
                            + ((g * 7919) % 36000) * interval '1 second' AS at
                  FROM generate_series(1::bigint, {invitations}) g) s""")
        await conn.execute("""
            INSERT INTO survey_response (id, invitation_id, version_id, client_id, submitted_at)
            SELECT md5('resp' || substr(i.subject_id, 1))::uuid, i.id, i.version_id, i.client_id,
                   i.responded_at
            FROM survey_invitation i WHERE i.responded_at IS NOT NULL""")
        # Ratings skewed towards satisfied, as real ones are.
        await conn.execute("""
            INSERT INTO survey_answer (response_id, invitation_id, question_id, kind, value,
                                       submitted_at)
            SELECT r.id, r.invitation_id, 'satisfaction', 'rating_1_5',
                   (ARRAY[1, 2, 3, 3, 4, 4, 4, 5, 5, 5])[1 + floor(random() * 10)::int],
                   r.submitted_at
            FROM survey_response r""")
        await conn.execute("""
            INSERT INTO survey_answer (response_id, invitation_id, question_id, kind, value,
                                       submitted_at)
            SELECT r.id, r.invitation_id, 'nps', 'nps_0_10', floor(random() * 11)::int,
                   r.submitted_at
            FROM survey_response r WHERE random() < 0.7""")
        await conn.execute("""
            INSERT INTO survey_answer (response_id, invitation_id, question_id, kind, value,
                                       submitted_at)
            SELECT r.id, r.invitation_id, 'effort', 'effort', 1 + floor(random() * 7)::int,
                   r.submitted_at
            FROM survey_response r WHERE random() < 0.5""")
        await conn.execute("""
            INSERT INTO survey_answer (response_id, invitation_id, question_id, kind, text,
                                       submitted_at)
            SELECT r.id, r.invitation_id, 'comment', 'free_text', 'Комментарий ' || r.id,
                   r.submitted_at
            FROM survey_response r WHERE random() < 0.1""")
        # What submit_response stores on each answered invitation, set-based here.
        await conn.execute("""
            UPDATE survey_invitation i SET
                rating_count = a.rating_count, rating_sum = a.rating_sum,
                rating_satisfied = a.rating_satisfied, nps_count = a.nps_count,
                nps_promoters = a.nps_promoters, nps_detractors = a.nps_detractors,
                effort_count = a.effort_count, effort_sum = a.effort_sum
            FROM (SELECT invitation_id,
                         count(*) FILTER (WHERE kind = 'rating_1_5') AS rating_count,
                         coalesce(sum(value) FILTER (WHERE kind = 'rating_1_5'), 0) AS rating_sum,
                         count(*) FILTER (WHERE kind = 'rating_1_5' AND value >= 4)
                             AS rating_satisfied,
                         count(*) FILTER (WHERE kind = 'nps_0_10') AS nps_count,
                         count(*) FILTER (WHERE kind = 'nps_0_10' AND value >= 9) AS nps_promoters,
                         count(*) FILTER (WHERE kind = 'nps_0_10' AND value <= 6)
                             AS nps_detractors,
                         count(*) FILTER (WHERE kind = 'effort') AS effort_count,
                         coalesce(sum(value) FILTER (WHERE kind = 'effort'), 0) AS effort_sum
                  FROM survey_answer GROUP BY invitation_id) a
            WHERE i.id = a.invitation_id""")
        # The bulk UPDATE left a dead copy of every answered row; a live table reuses that
        # space, so measure on a compact one.
        await conn.execute("VACUUM FULL survey_invitation")
        await conn.execute("VACUUM ANALYZE")
        answers = await conn.fetchval("SELECT count(*) FROM survey_answer")
        print(f"loaded {invitations:,} invitations, {responses:,} responses, {answers:,} answers "
              f"in {time.perf_counter() - t0:.1f} s")
    finally:
        await conn.close()


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--rate", type=float, default=0.5,
                        help="response rate: invitations = responses / rate")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    settings = Settings(_env_file=None, database_url=DSN, environment="bench")
    reuse = await _exists(args.responses)
    if not reuse:
        await _recreate()
        await db.migrate(settings)
        await db.close_db()
    await db.init_db(settings)
    try:
        if reuse:
            print(f"reusing {DB} with {args.responses:,} responses")
        else:
            await _load(args.responses, args.rate)
        period = (date(2024, 1, 1), date(2025, 12, 31))
        print(f"\nsatisfaction_report {period[0]} … {period[1]}, median of {args.repeat} runs "
              f"(PostgreSQL: one SQL statement per call)\n")
        print(f"{'groupBy':<58} {'groups':>7} {'ms':>8}")
        total = None
        for group_by in GROUPINGS:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = await report.satisfaction_report(SUPERVISOR, *period, group_by,
                                                          settings=settings)
                times.append((time.perf_counter() - t0) * 1000)
            total = result.total
            name = ", ".join(g.name for g in group_by) or "(total only)"
            groups = f"{len(result.groups):,}" + ("+" if result.truncated else "")
            print(f"{name:<58} {groups:>7} {statistics.median(times):>8.0f}")
        t0 = time.perf_counter()
        month = await report.satisfaction_report(SUPERVISOR, date(2025, 3, 1),
                                                 date(2025, 3, 31), [GroupBy.DEPARTMENT],
                                                 settings=settings)
        print(f"{'DEPARTMENT, one month (March 2025)':<58} {len(month.groups):>7} "
              f"{(time.perf_counter() - t0) * 1000:>8.0f}")
        f = total
        print(f"\nfigures (whole period): invitations {f.invitations:,}, responses "
              f"{f.responses:,}, response rate {_fmt(f.response_rate)} %, CSAT {_fmt(f.csat)} %, "
              f"average rating {_fmt(f.average_rating)}, NPS {_fmt(f.nps)} "
              f"({f.promoters:,} promoters, {f.detractors:,} detractors of {f.nps_count:,}), "
              f"average effort {_fmt(f.average_effort)}")
    finally:
        await db.close_db()
        if not args.keep:
            admin = await asyncpg.connect(f"{PG}/postgres")
            await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
