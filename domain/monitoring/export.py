"""CSV of every monitoring table through a signed, expiring download link (R-9).

The link is an HS256 JWT (``settings.link_secret``, purpose ``monitoring-export``) naming
the table and its arguments, so nothing is stored: the CSV is computed when the link is
followed, by the same functions the GraphQL fields call, and written by
``domain/spreadsheet.py``. Lists are read in keyset pages, so their length does not matter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from domain import signed_links
from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.monitoring import queries
from domain.monitoring.access import require_monitor
from domain.monitoring.queries import GroupBy, State
from domain.monitoring.registry import RULES, RuleKey
from domain.settings import Settings, get_settings
from domain.spreadsheet import CsvRows

PURPOSE = "monitoring-export"
BATCH = 500


class Table(StrEnum):
    RULES = "rules"  # on-time figures per rule (and group)
    ITEMS = "items"  # the overdue or at-risk list of one rule
    VOLUMES = "volumes"  # messages per group with satisfaction beside them


def export_link(actor: Actor, table: Table, date_from: date, date_to: date,
                group: GroupBy | None, rule: RuleKey | None, state: State | None,
                settings: Settings | None = None) -> tuple[str, datetime]:
    """The download URL and when it stops working."""
    require_monitor(actor)
    settings = settings or get_settings()
    queries.period_bounds(date_from, date_to, settings)
    if table == Table.ITEMS and (rule is None or state not in (State.OVERDUE, State.AT_RISK)):
        raise DomainError(ErrorCode.INVALID, "Для списка укажите правило и вид: просроченные "
                          "или близкие к сроку.", "rule")
    if table == Table.VOLUMES and group is None:
        raise DomainError(ErrorCode.INVALID, "Для объёмов укажите группировку.", "groupBy")
    until = signed_links.expires_at(settings)
    token = signed_links.sign(settings, PURPOSE, {
        "sub": actor.subject, "table": table.value, "from": date_from.isoformat(),
        "to": date_to.isoformat(), "group": group and group.value, "rule": rule and rule.value,
        "state": state and state.value}, until)
    return signed_links.url(settings, "monitoring-exports", token, "csv"), until


def verify(token: str, settings: Settings) -> dict[str, Any]:
    claims = signed_links.verify(settings, token, PURPOSE, ("table", "from", "to"))
    try:
        return {"table": Table(claims["table"]), "from": date.fromisoformat(claims["from"]),
                "to": date.fromisoformat(claims["to"]),
                "group": GroupBy(claims["group"]) if claims.get("group") else None,
                "rule": RuleKey(claims["rule"]) if claims.get("rule") else None,
                "state": State(claims["state"]) if claims.get("state") else None}
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_TOKEN, signed_links.INVALID) from None


def file_name(claims: dict[str, Any]) -> str:
    parts = [claims["table"].value, *(str(claims[k].value) for k in ("rule", "state", "group")
                                      if claims[k] is not None)]
    return f"monitoring-{'-'.join(parts)}-{claims['from']:%Y-%m-%d}_{claims['to']:%Y-%m-%d}.csv"


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


async def csv_chunks(claims: dict[str, Any], settings: Settings,
                     now: datetime | None = None) -> AsyncIterator[str]:
    """The table as text chunks (a BOM first, so spreadsheets read it as UTF-8)."""
    out = CsvRows()
    table = claims["table"]
    clock = await queries.clock(settings, now)
    if table == Table.RULES:
        yield "\ufeff" + out.text([["rule", "requirement", "title", "group", "total", "on_time",
                                    "late", "overdue", "at_risk", "open", "on_time_rate"]])
        rows = await queries.figures(settings, claims["from"], claims["to"], clock,
                                     claims["group"])
        yield out.text([(f.rule.value, RULES[f.rule].requirement, RULES[f.rule].title,
                         f.group, f.total, f.on_time, f.late, f.overdue, f.at_risk, f.open,
                         _rate(f.on_time_rate)) for f in rows])
    elif table == Table.VOLUMES:
        yield "\ufeff" + out.text([["group", "received", "answered", "redirected",
                                    "closed_abusive", "open", "survey_invitations",
                                    "survey_responses", "ratings", "average_rating",
                                    "satisfied_share"]])
        rows = await queries.volumes(settings, claims["from"], claims["to"], claims["group"])
        yield out.text([(v.group, v.received, v.answered, v.redirected, v.closed_abusive,
                         v.open, v.invitations, v.responses, v.rating_count,
                         "" if v.average_rating is None else f"{v.average_rating:.2f}",
                         _rate(v.satisfied_share)) for v in rows])
    else:
        yield "\ufeff" + out.text([["rule", "reference", "started_at", "due_date", "due_at",
                                    "message_id", "booking_id", "department_id", "executor"]])
        after = None
        while True:
            page, more = await queries.items(settings, claims["rule"], claims["state"], clock,
                                             BATCH, after)
            yield out.text([(i.rule.value, i.reference, i.started.isoformat(),
                             i.due_date.isoformat() if i.due_date else "", i.due_at.isoformat(),
                             i.message_id, i.booking_id, i.department_id, i.executor)
                            for i in page])
            if not more:
                return
            after = page[-1].cursor
