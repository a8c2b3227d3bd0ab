"""The supervisors' monitoring, in SQL (R-9): rule figures, overdue and at-risk lists,
volumes with satisfaction beside them. Every statement is built from ``registry.RULES``;
one text serves both databases except two fragments (a timestamp's local date and its
day/week/month bucket), which ``_Sql`` writes per dialect.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain import db
from domain import sql as sql_
from domain.calendar.service import load_calendar
from domain.errors import DomainError, ErrorCode
from domain.messages.rules import end_of
from domain.monitoring.registry import RULES, DueKind, Rule, RuleKey
from domain.settings import Settings
from domain.surveys import report

MAX_GROUPS = 5000
# The figures and volumes cost one pass over the period's items (README.md "Scale"): a
# period is at most this long, so no request reads more than about a year of history.
MAX_PERIOD_DAYS = 400


def period_bounds(date_from: dt.date, date_to: dt.date, settings: Settings
                  ) -> tuple[dt.datetime, dt.datetime]:
    """Both dates inclusive, in the government's zone, as a UTC half-open range."""
    if (date_to - date_from).days >= MAX_PERIOD_DAYS:
        raise DomainError(ErrorCode.INVALID, f"Слишком длинный период: не больше "
                          f"{MAX_PERIOD_DAYS} дней.", "to")
    return report.period_bounds(date_from, date_to, settings)


class GroupBy(StrEnum):
    CHANNEL = "channel"
    SPHERE = "sphere"
    DEPARTMENT = "department"
    EXECUTOR = "executor"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


PERIODS = (GroupBy.DAY, GroupBy.WEEK, GroupBy.MONTH)


class State(StrEnum):
    ON_TIME = "on_time"  # done by the deadline
    LATE = "late"  # done after it
    OVERDUE = "overdue"  # open, the deadline has passed
    AT_RISK = "at_risk"  # open, due within the warning horizon
    OPEN = "open"  # open, not yet near


@dataclass(frozen=True)
class Clock:
    """The moments every statement compares with: now, today in the government's zone,
    and the warning horizon (``message_warn_working_days`` working days ahead)."""

    now: dt.datetime
    today: dt.date
    soon: dt.date
    soon_at: dt.datetime


async def clock(settings: Settings, now: dt.datetime | None = None) -> Clock:
    calendar = await load_calendar(settings)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    today = now.astimezone(calendar.zone).date()
    soon = calendar.add_working_days(today, settings.message_warn_working_days)
    return Clock(now, today, soon, end_of(soon, calendar))


class _Sql:
    """Numbered parameters (a name used twice is one parameter) and the two fragments
    whose spelling differs between PostgreSQL and SQLite."""

    def __init__(self, settings: Settings, at: dt.datetime) -> None:
        self.postgres = db.is_postgres()
        self.values: list[Any] = []
        self._names: dict[str, int] = {}
        # The zone's offset at the period's end, on both databases (SQLite has no zone
        # database, and on PostgreSQL a fixed offset is cheaper per row) (Europe/
        # Ulyanovsk has kept one offset since 2016).
        offset = ZoneInfo(settings.timezone).utcoffset(at.replace(tzinfo=None))
        minutes = int(offset.total_seconds() // 60) if offset else 0
        self.offset: Any = (dt.timedelta(minutes=minutes) if self.postgres
                            else f"{minutes:+d} minutes")

    def p(self, name: str, value: Any) -> str:
        if name not in self._names:
            if not self.postgres:
                if isinstance(value, dt.datetime):
                    value = value.astimezone(dt.UTC).isoformat(" ")
                elif isinstance(value, dt.date | uuid.UUID):
                    value = str(value)
            self.values.append(value)
            self._names[name] = len(self.values)
        return f"${self._names[name]}"

    def local_date(self, column: str) -> str:
        if self.postgres:
            return f"CAST({self._local(column)} AS DATE)"
        return f"date({column}, {self.p('offset', self.offset)})"

    def _local(self, column: str) -> str:
        # A fixed offset, not AT TIME ZONE with the zone's name: half the CPU per row.
        off = self.p("offset", self.offset)
        return f"(({column} AT TIME ZONE 'UTC') + CAST({off} AS INTERVAL))"

    def bucket(self, column: str, period: GroupBy) -> str:
        """The period's first day (weeks start on Monday); ``key`` makes it 'YYYY-MM-DD'."""
        if self.postgres:
            # date_trunc is far cheaper per row than to_char: the key is formatted afterwards.
            return f"date_trunc('{period.value}', {self._local(column)})"
        off = self.p("offset", self.offset)
        if period == GroupBy.DAY:
            return f"date({column}, {off})"
        if period == GroupBy.WEEK:
            return f"date({column}, {off}, '-6 days', 'weekday 1')"
        return f"strftime('%Y-%m-01', {column}, {off})"


def _state(q: _Sql, rule: Rule, c: Clock) -> str:
    if rule.due_kind == DueKind.DATE:
        kept = f"{q.local_date(rule.done)} <= {rule.due}"
        today, soon = q.p("today", c.today), q.p("soon", c.soon)
    else:
        kept = f"{rule.done} <= {rule.due}"
        today, soon = q.p("now", c.now), q.p("soon_at", c.soon_at)
    return (f"CASE WHEN {rule.done} IS NOT NULL THEN CASE WHEN {kept} THEN 'on_time' "
            f"ELSE 'late' END WHEN {rule.due} < {today} THEN 'overdue' "
            f"WHEN {rule.due} <= {soon} THEN 'at_risk' ELSE 'open' END")


def _group(q: _Sql, rule: Rule, group: GroupBy | None) -> str:
    if group is None:
        return "NULL"
    if group in PERIODS:
        return q.bucket(rule.started, group)
    if group == GroupBy.SPHERE:
        return ("NULL" if rule.sphere_id == "NULL" else
                f"(SELECT s.code FROM sphere s WHERE s.id = {rule.sphere_id})")
    if group == GroupBy.DEPARTMENT:
        return ("NULL" if rule.department_id == "NULL" else
                f"CAST({rule.department_id} AS VARCHAR(36))")
    return rule.channel if group == GroupBy.CHANNEL else rule.executor


@dataclass(frozen=True)
class Figures:
    rule: RuleKey
    group: str | None
    total: int
    on_time: int
    late: int
    overdue: int
    at_risk: int
    open: int

    @property
    def on_time_rate(self) -> float | None:
        """Kept out of everything that has come due: on time / (on time + late + overdue)."""
        due = self.on_time + self.late + self.overdue
        return round(self.on_time / due, 4) if due else None


def _rules(keys: list[RuleKey] | None) -> list[Rule]:
    return [RULES[k] for k in (keys or list(RuleKey))]


async def figures(settings: Settings, date_from: dt.date, date_to: dt.date, c: Clock,
                  group: GroupBy | None = None, keys: list[RuleKey] | None = None
                  ) -> list[Figures]:
    """Per rule (and group): items started in the period, by state. One statement with one
    scan per source table: every row gets each of its rules' states once (NULL where a rule
    does not apply) and is counted by (group, states); the rules' figures are summed here
    from those few combinations."""
    start, end = period_bounds(date_from, date_to, settings)
    q = _Sql(settings, end)
    sources: dict[str, list[Rule]] = {}
    for rule in _rules(keys):
        sources.setdefault(rule.source, []).append(rule)
    width = max(len(rules) for rules in sources.values())
    parts = []
    for n, (source, rules) in enumerate(sources.items()):
        first = rules[0]
        states = [f"CASE WHEN {r.applies} THEN {_state(q, r, c)} END" for r in rules]
        states += ["NULL"] * (width - len(rules))
        columns = ", ".join(f"{expr} AS s{i}" for i, expr in enumerate(states))
        keys_ = ", ".join(str(i + 3) for i in range(width))
        parts.append(
            f"SELECT {n} AS part, {_group(q, first, group)} AS grp, {columns}, COUNT(*) AS n "
            f"{source} WHERE ({' OR '.join(r.applies for r in rules)}) "
            f"AND {first.started} >= {q.p('from', start)} AND {first.started} < {q.p('to', end)} "
            f"GROUP BY 1, 2, {keys_}")
    rows = await sql_.fetch(" UNION ALL ".join(parts), q.values)
    groups = list(sources.values())
    counts: dict[tuple[RuleKey, str | None], dict[str, int]] = {}
    for row in rows:
        for i, rule in enumerate(groups[int(row["part"])]):
            state = row[f"s{i}"]
            if state is not None:
                key = (rule.key, _key(row["grp"]))
                tally = counts.setdefault(key, {})
                tally[state] = tally.get(state, 0) + int(row["n"])
    order = {k: n for n, k in enumerate(RuleKey)}
    out = [Figures(rule, grp, sum(t.values()), *(t.get(s.value, 0) for s in State))
           for (rule, grp), t in counts.items()]
    out.sort(key=lambda f: (order[f.rule], f.group is None, f.group or ""))
    return out[:MAX_GROUPS]


@dataclass(frozen=True)
class Item:
    rule: RuleKey
    item_id: str
    reference: str | None
    started: dt.datetime
    due_date: dt.date | None  # a date term
    due_at: dt.datetime  # when it runs out (a date term: that day's closing time)
    message_id: str | None
    booking_id: str | None
    department_id: str | None
    executor: str | None
    cursor: str


def _cursor(due: Any, item_id: Any) -> str:
    return base64.urlsafe_b64encode(f"{due}|{item_id}".encode()).decode()


def _after(rule: Rule, cursor: str) -> tuple[Any, Any]:
    try:
        due, sep, item = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        if not sep:
            raise ValueError
        due_value: Any = (dt.date.fromisoformat(due) if rule.due_kind == DueKind.DATE
                          else dt.datetime.fromisoformat(due).astimezone(dt.UTC))
        return due_value, uuid.UUID(item)
    except (ValueError, UnicodeError, TypeError):
        raise DomainError(ErrorCode.INVALID, "Неверный курсор страницы.", "after") from None


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def items(settings: Settings, key: RuleKey, state: State, c: Clock, first: int,
                after: str | None = None) -> tuple[list[Item], bool]:
    """Open items of one rule that are overdue (or at risk), the most pressing first, in
    keyset pages on (deadline, id)."""
    if state not in (State.OVERDUE, State.AT_RISK):
        raise DomainError(ErrorCode.INVALID, "Список бывает только просроченных или "
                          "близких к сроку.", "state")
    rule = RULES[key]
    q = _Sql(settings, c.now)
    today, soon = ((c.today, c.soon) if rule.due_kind == DueKind.DATE else (c.now, c.soon_at))
    where = (f"x.due < {q.p('today', today)}" if state == State.OVERDUE
             else f"x.due >= {q.p('today', today)} AND x.due <= {q.p('soon', soon)}")
    if after:
        due, item = _after(rule, after)
        where += (f" AND (x.due > {q.p('c_due', due)} OR (x.due = {q.p('c_due', due)} "
                  f"AND x.item_id > {q.p('c_id', item)}))")
    text = (f"SELECT x.* FROM ({rule.items_sql()} AND {rule.open_hint}) x "
            f"WHERE x.done IS NULL AND {where} "
            f"ORDER BY x.due, x.item_id LIMIT {int(first) + 1}")
    moment = rule.due_kind == DueKind.MOMENT
    rows = await sql_.fetch(text, q.values, times=("started", "due") if moment else ("started",))
    calendar = await load_calendar(settings)
    out = []
    for r in rows[:first]:
        if rule.due_kind == DueKind.DATE:
            due_date = _as_date(r["due"])
            due_at, raw = end_of(due_date, calendar), due_date.isoformat()
        else:
            due_date, due_at = None, r["due"].astimezone(dt.UTC)
            raw = due_at.isoformat()
        out.append(Item(
            key, str(r["item_id"]), r["reference"], r["started"], due_date, due_at,
            None if r["message_id"] is None else str(r["message_id"]),
            None if r["booking_id"] is None else str(r["booking_id"]),
            None if r["department_id"] is None else str(r["department_id"]), r["executor"],
            _cursor(raw, r["item_id"])))
    return out, len(rows) > first


@dataclass(frozen=True)
class Volume:
    group: str | None
    received: int
    answered: int
    redirected: int
    closed_abusive: int
    open: int
    # Satisfaction beside the volumes: the survey invitations of the same group.
    invitations: int
    responses: int
    rating_count: int
    rating_sum: int
    satisfied: int

    @property
    def average_rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else None

    @property
    def satisfied_share(self) -> float | None:
        return round(self.satisfied / self.rating_count, 4) if self.rating_count else None


_MESSAGE_GROUP = {GroupBy.CHANNEL: "m.channel", GroupBy.SPHERE: "s.code",
                  GroupBy.DEPARTMENT: "CAST(m.department_id AS VARCHAR(36))",
                  GroupBy.EXECUTOR: "m.executor"}
_SURVEY_GROUP = {GroupBy.CHANNEL: "i.channel", GroupBy.SPHERE: "i.sphere",
                 GroupBy.DEPARTMENT: "CAST(i.department_id AS VARCHAR(36))",
                 GroupBy.EXECUTOR: "i.executor"}


async def volumes(settings: Settings, date_from: dt.date, date_to: dt.date, group: GroupBy
                  ) -> list[Volume]:
    """Messages received in the period per group, by outcome, with the satisfaction
    surveys of the same group and period beside them (two statements)."""
    start, end = period_bounds(date_from, date_to, settings)
    q = _Sql(settings, end)
    grp = q.bucket("m.received_at", group) if group in PERIODS else _MESSAGE_GROUP[group]
    join = "LEFT JOIN sphere s ON s.id = m.sphere_id " if group == GroupBy.SPHERE else ""
    outcome = ", ".join(f"SUM(CASE WHEN m.status = '{s}' THEN 1 ELSE 0 END) AS {s}"
                        for s in ("answered", "redirected", "closed_abusive"))
    text = (f"SELECT {grp} AS grp, COUNT(*) AS received, {outcome}, "
            "SUM(CASE WHEN m.closed_at IS NULL THEN 1 ELSE 0 END) AS still_open "
            f"FROM message m {join}WHERE m.received_at >= {q.p('from', start)} "
            f"AND m.received_at < {q.p('to', end)} GROUP BY 1 ORDER BY 1 LIMIT {MAX_GROUPS}")
    received = await sql_.fetch(text, q.values)
    q = _Sql(settings, end)
    grp = q.bucket("i.invited_at", group) if group in PERIODS else _SURVEY_GROUP[group]
    text = (f"SELECT {grp} AS grp, COUNT(*) AS invitations, COUNT(i.responded_at) AS responses, "
            "SUM(i.rating_count) AS rating_count, SUM(i.rating_sum) AS rating_sum, "
            "SUM(i.rating_satisfied) AS satisfied FROM survey_invitation i "
            f"WHERE i.invited_at >= {q.p('from', start)} AND i.invited_at < {q.p('to', end)} "
            f"GROUP BY 1 ORDER BY 1 LIMIT {MAX_GROUPS}")
    scores = {_key(r["grp"]): r for r in await sql_.fetch(text, q.values)}
    out: dict[str | None, Volume] = {}
    for r in received:
        key = _key(r["grp"])
        s = scores.pop(key, {})
        out[key] = Volume(key, int(r["received"]), int(r["answered"] or 0),
                          int(r["redirected"] or 0), int(r["closed_abusive"] or 0),
                          int(r["still_open"] or 0), *_scores(s))
    for key, s in scores.items():  # surveys of a group that received nothing in the period
        out[key] = Volume(key, 0, 0, 0, 0, 0, *_scores(s))
    return sorted(out.values(), key=lambda v: (v.group is None, v.group or ""))


def _key(value: Any) -> str | None:
    if isinstance(value, dt.date):  # PostgreSQL's period bucket (date_trunc)
        return value.isoformat()[:10]
    return None if value is None else str(value)


def _scores(row: dict[str, Any]) -> tuple[int, ...]:
    return tuple(int(row.get(k) or 0) for k in
                 ("invitations", "responses", "rating_count", "rating_sum", "satisfied"))
