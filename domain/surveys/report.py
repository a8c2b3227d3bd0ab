"""Satisfaction monitoring (R-9): one GROUP BY over ``survey_invitation`` (see README.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from tortoise import Tortoise

from domain import db
from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.ids import parse_uuid
from domain.settings import Settings, get_settings
from domain.surveys.definitions import require_manager
from domain.surveys.models import SurveyPurpose
from domain.surveys.rules import Figures

MAX_GROUPS = 2000
MAX_PERIOD_DAYS = 3700
MAX_FILTER_VALUES = 50


class GroupBy(StrEnum):
    CHANNEL = "channel"
    SPHERE = "sphere"
    DEPARTMENT = "department"
    EXECUTOR = "executor"
    PURPOSE = "purpose"
    MONTH = "month"


_COLUMNS = {
    GroupBy.CHANNEL: "i.channel",
    GroupBy.SPHERE: "i.sphere",
    GroupBy.DEPARTMENT: "i.department_id",
    GroupBy.EXECUTOR: "i.executor",
    GroupBy.PURPOSE: "i.purpose",
}


@dataclass(frozen=True)
class ReportFilter:
    purposes: list[SurveyPurpose] | None = None
    channels: list[str] | None = None
    department_ids: list[Any] | None = None
    spheres: list[str] | None = None
    executors: list[str] | None = None


@dataclass(frozen=True)
class ReportRow:
    key: dict[GroupBy, str | None]
    figures: Figures


@dataclass(frozen=True)
class Report:
    total: Figures
    groups: list[ReportRow] = field(default_factory=list)
    truncated: bool = False


def period_bounds(date_from: date, date_to: date, settings: Settings) -> tuple[datetime, datetime]:
    """Both dates inclusive, in the government's zone; returned as a UTC half-open range."""
    if date_to < date_from:
        raise DomainError(ErrorCode.INVALID, "Конец периода раньше его начала.", "to")
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise DomainError(ErrorCode.INVALID, "Слишком длинный период: не больше 10 лет.", "to")
    return day_start(date_from, settings), day_start(date_to + timedelta(days=1), settings)


def day_start(day: date, settings: Settings) -> datetime:
    """Midnight of a local date, in UTC (how every timestamp is stored)."""
    return datetime.combine(day, time.min, ZoneInfo(settings.timezone)).astimezone(UTC)


class _Sql:
    """Placeholders and literals of the connection's dialect."""

    def __init__(self) -> None:
        self.postgres = db.is_postgres()
        self.values: list[Any] = []

    def param(self, value: Any) -> str:
        if isinstance(value, datetime) and not self.postgres:
            # SQLite compares the stored text; Tortoise writes "YYYY-MM-DD HH:MM:SS[.f]+00:00".
            value = value.astimezone(UTC).isoformat(" ")
        if isinstance(value, uuid.UUID) and not self.postgres:
            value = str(value)
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def month(self, column: str, settings: Settings, at: datetime) -> str:
        if self.postgres:
            # date_trunc is far cheaper per row than to_char; the key is formatted afterwards.
            return f"date_trunc('month', {column} AT TIME ZONE {self.param(settings.timezone)})"
        # SQLite has no zone database: shift by the zone's offset at the end of the period
        # (Europe/Ulyanovsk has had one fixed offset since 2016).
        offset = ZoneInfo(settings.timezone).utcoffset(at.replace(tzinfo=None))
        minutes = int(offset.total_seconds() // 60) if offset else 0
        return f"strftime('%Y-%m', {column}, {self.param(f'{minutes:+d} minutes')})"

    def within(self, column: str, values: list[Any]) -> str:
        return f"{column} IN ({', '.join(self.param(v) for v in values)})"


def clean_filter(flt: ReportFilter) -> list[tuple[str, list[Any]]]:
    parts: list[tuple[str, list[Any]]] = []
    for column, values, what in (
        ("i.purpose", flt.purposes, "purposes"), ("i.channel", flt.channels, "channels"),
        ("i.department_id", flt.department_ids, "departmentIds"),
        ("i.sphere", flt.spheres, "sphereCodes"),
        ("i.executor", flt.executors, "executorSubjects"),
    ):
        if not values:
            continue
        if len(values) > MAX_FILTER_VALUES:
            raise DomainError(ErrorCode.INVALID,
                              f"Не больше {MAX_FILTER_VALUES} значений в фильтре.", what)
        if column == "i.department_id":
            values = [parse_uuid(v, what, "Подразделение") for v in values]
        else:
            values = [str(v.value if hasattr(v, "value") else v)[:200] for v in values]
        parts.append((column, values))
    return parts


def _where(sql: _Sql, start: datetime, end: datetime, filters: list[tuple[str, list[Any]]]) -> str:
    clauses = [f"i.invited_at >= {sql.param(start)}", f"i.invited_at < {sql.param(end)}"]
    clauses += [sql.within(column, values) for column, values in filters]
    return " AND ".join(clauses)


_MEASURES = (
    "COUNT(*) AS invitations, COUNT(i.responded_at) AS responses, "
    "SUM(i.rating_count) AS rating_count, SUM(i.rating_satisfied) AS satisfied, "
    "SUM(i.rating_sum) AS rating_sum, SUM(i.nps_count) AS nps_count, "
    "SUM(i.nps_promoters) AS promoters, SUM(i.nps_detractors) AS detractors, "
    "SUM(i.effort_count) AS effort_count, SUM(i.effort_sum) AS effort_sum"
)


_TOTALS = ", ".join(f"SUM({m}) AS {m}" for m in (
    "invitations", "responses", "rating_count", "satisfied", "rating_sum", "nps_count",
    "promoters", "detractors", "effort_count", "effort_sum"))


async def _grouped(
    group_by: list[GroupBy], start: datetime, end: datetime,
    filters: list[tuple[str, list[Any]]], settings: Settings, limit: int,
) -> list[dict[str, Any]]:
    """One statement: invitations, responses and the responses' score counters (stored on
    each invitation when it is answered) summed per group, plus a last row (``is_total`` 1)
    with the period's total summed from the groups, so the table is scanned once (and in
    parallel on PostgreSQL, which GROUPING SETS would prevent)."""
    sql = _Sql()
    dims = [(sql.month("i.invited_at", settings, end) if g == GroupBy.MONTH else _COLUMNS[g])
            + f" AS g{n}" for n, g in enumerate(group_by)]
    ordinals = ", ".join(str(n + 1) for n in range(len(group_by)))
    blanks = "".join(f"NULL AS g{n}, " for n in range(len(group_by)))
    text = (
        f"WITH grp AS (SELECT {', '.join([*dims, _MEASURES])} FROM survey_invitation i "
        f"WHERE {_where(sql, start, end, filters)} GROUP BY {ordinals}) "
        f"SELECT * FROM (SELECT grp.*, 0 AS is_total FROM grp ORDER BY {ordinals} "
        f"LIMIT {int(limit)}) AS page "
        f"UNION ALL SELECT {blanks}{_TOTALS}, 1 AS is_total FROM grp"
    )
    return await Tortoise.get_connection("default").execute_query_dict(text, sql.values)


async def _total(start: datetime, end: datetime, filters: list[tuple[str, list[Any]]]
                 ) -> dict[str, Any]:
    sql = _Sql()
    text = (f"SELECT {_MEASURES} FROM survey_invitation i "
            f"WHERE {_where(sql, start, end, filters)}")
    [row] = await Tortoise.get_connection("default").execute_query_dict(text, sql.values)
    return row


def _figures(row: dict[str, Any]) -> Figures:
    def n(key: str) -> int:
        return int(row.get(key) or 0)

    return Figures(
        invitations=n("invitations"), responses=n("responses"),
        rating_count=n("rating_count"), satisfied=n("satisfied"), rating_sum=n("rating_sum"),
        nps_count=n("nps_count"), promoters=n("promoters"), detractors=n("detractors"),
        effort_count=n("effort_count"), effort_sum=n("effort_sum"),
    )


def _value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # PostgreSQL's month bucket (date_trunc)
        return f"{value:%Y-%m}"
    return str(value)


def _key(row: dict[str, Any], size: int) -> tuple[str | None, ...]:
    return tuple(_value(row[f"g{n}"]) for n in range(size))


async def satisfaction_report(
    actor: Actor, date_from: date, date_to: date, group_by: list[GroupBy],
    flt: ReportFilter | None = None, settings: Settings | None = None,
) -> Report:
    require_manager(actor)
    settings = settings or get_settings()
    start, end = period_bounds(date_from, date_to, settings)
    group_by = list(dict.fromkeys(GroupBy(g) for g in group_by))
    filters = clean_filter(flt or ReportFilter())
    if not group_by:
        return Report(total=_figures(await _total(start, end, filters)))
    rows = await _grouped(group_by, start, end, filters, settings, MAX_GROUPS + 1)
    total = next(r for r in rows if r["is_total"])
    rows = [r for r in rows if not r["is_total"]]
    size = len(group_by)
    groups = [ReportRow(dict(zip(group_by, _key(r, size), strict=True)), _figures(r))
              for r in rows[:MAX_GROUPS]]
    # One order on both databases (they sort NULLs differently): values first, blanks last.
    groups.sort(key=lambda row: tuple((v is None, v or "") for v in row.key.values()))
    return Report(total=_figures(total), groups=groups, truncated=len(rows) > MAX_GROUPS)
