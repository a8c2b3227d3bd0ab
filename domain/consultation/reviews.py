"""Call quality (R-3.5, R-3.6, R-5.1): a supervisor's checklist per call, and the monthly
report per operator and per line, computed in SQL.

The procedure makes tone and listening human duties supported by evaluation, not enforced:
so a review scores every checklist item 0 (not done), 1 (partly) or 2 (fully), all items
at once, and the report averages them. A reviewer who reviews the same call again replaces
their own review; different reviewers each keep one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from domain import sql
from domain.actor import Actor, Role
from domain.consultation.models import Call, CallReview, CallStatus
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.settings import Settings, get_settings
from domain.transaction import transaction
from domain.validation import clean_text

MAX_SCORE = 2
COMMENT_MAX = 4000


class ChecklistItem(StrEnum):
    """What a supervisor checks in a call (R-3.4–R-3.10, R-5.1)."""

    GREETING = "greeting"  # opened with the line's greeting script
    COURTESY = "courtesy"  # polite, even tone
    LISTENING = "listening"  # let the caller speak, asked, summed up
    CORRECTNESS = "correctness"  # the answer was complete and correct
    PLAIN_LANGUAGE = "plain_language"  # no jargon, no legal references unexplained
    TRANSFER_RULES = "transfer_rules"  # told the caller before a transfer, at most two
    NO_ACTING_FOR_CALLER = "no_acting_for_caller"  # did nothing on the caller's behalf
    FAREWELL = "farewell"  # closed with the farewell script


ITEMS = tuple(ChecklistItem)


class ReportGroup(StrEnum):
    OPERATOR = "operator"
    LINE = "line"


def check_scores(scores: list[tuple[Any, Any]]) -> dict[str, int]:
    """Every item exactly once, each 0..MAX_SCORE; errors name ``scores.N``."""
    found: dict[str, int] = {}
    for i, (item, score) in enumerate(scores):
        try:
            key = ChecklistItem(item)
        except ValueError:
            raise DomainError(ErrorCode.INVALID, "Неизвестный пункт оценки.",
                              f"scores.{i}.item") from None
        if key in found:
            raise DomainError(ErrorCode.DUPLICATE, "Пункт оценки указан дважды.",
                              f"scores.{i}.item")
        if not isinstance(score, int) or isinstance(score, bool) or not \
                0 <= score <= MAX_SCORE:
            raise DomainError(ErrorCode.INVALID, f"Оценка — от 0 до {MAX_SCORE}.",
                              f"scores.{i}.score")
        found[key] = score
    missing = [item for item in ITEMS if item not in found]
    if missing:
        raise DomainError(ErrorCode.REQUIRED, "Оцените все пункты: не хватает "
                          f"{len(missing)}.", "scores")
    return {str(item): found[item] for item in ITEMS}


async def review_call(actor: Actor, call_id: Any, scores: list[tuple[Any, Any]],
                      comment: Any = None) -> CallReview:
    """A supervisor's checklist for an ended call (R-5.1)."""
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise DomainError(ErrorCode.FORBIDDEN, "Оценивать звонки могут только руководители.")
    checked = check_scores(scores)
    text = clean_text(comment, "comment", max_length=COMMENT_MAX, multiline=True) or ""
    call = await Call.get_or_none(id=parse_uuid(call_id, "callId", "Звонок"))
    if call is None:
        raise not_found("Звонок", "callId")
    if call.status != CallStatus.ENDED:
        raise DomainError(ErrorCode.INVALID_STATE, "Звонок ещё не закончен.", "callId")
    reviewer = await StaffMember.get_or_none(subject=actor.subject)
    values = {"scores": checked, "total": sum(checked.values()),
              "max_total": MAX_SCORE * len(ITEMS), "comment": text}
    async with transaction():
        review = await CallReview.select_for_update().get_or_none(
            call_id=call.id, reviewer_subject=actor.subject)
        if review is not None:
            await CallReview.filter(id=review.id).update(**values)
            return await CallReview.get(id=review.id)
        return await CallReview.create(
            call_id=call.id, line_id=call.line_id, operator_id=call.operator_id,
            reviewer_id=reviewer.id if reviewer else None, reviewer_subject=actor.subject,
            call_started_at=call.started_at, **values)


def month_bounds(year: int, month: int, settings: Settings) -> tuple[dt.datetime, dt.datetime]:
    """The month in the government's zone, as UTC moments [start, end)."""
    if not 2000 <= year <= 2100 or not 1 <= month <= 12:
        raise DomainError(ErrorCode.INVALID, "Неверный месяц.", "month")
    zone = ZoneInfo(settings.timezone)
    start = dt.datetime(year, month, 1, tzinfo=zone)
    end = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class ReportRow:
    key: str | None  # the operator's StaffMember id, or the line's id
    calls: int  # calls in the month
    reviewed_calls: int
    reviews: int
    percent: float | None  # average total as a share of the maximum, 0..100
    items: dict[str, float | None]  # average score per checklist item, 0..MAX_SCORE


# One statement for both databases: ``->>`` reads a JSON member on PostgreSQL (jsonb) and
# on SQLite (3.38+). The item names come from the enum, never from input.
_ITEM_COLUMNS = ", ".join(
    f"AVG(CAST(r.scores ->> '{item}' AS INTEGER)) AS item_{item}" for item in ITEMS)
_REPORT_SQL = """
SELECT c.{key} AS key, COUNT(DISTINCT c.id) AS calls, COUNT(DISTINCT r.call_id) AS reviewed,
       COUNT(r.id) AS reviews, AVG(100.0 * r.total / r.max_total) AS percent, {items}
FROM call c LEFT JOIN call_review r ON r.call_id = c.id
WHERE c.started_at >= $1 AND c.started_at < $2
GROUP BY c.{key}
ORDER BY COUNT(r.id) DESC, c.{key}
"""
_KEYS = {ReportGroup.OPERATOR: "operator_id", ReportGroup.LINE: "line_id"}


def _number(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def require_manager(actor: Actor) -> None:
    if actor.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise DomainError(ErrorCode.FORBIDDEN, "Отчёт о качестве видят только руководители.")


async def monthly_report(actor: Actor, year: int, month: int, group: ReportGroup | str,
                         settings: Settings | None = None) -> list[ReportRow]:
    """R-5.1: per operator or per line, the month's calls, how many were reviewed, the
    average share of the checklist done and each item's average (calls by start time)."""
    require_manager(actor)
    return await report_rows(year, month, group, settings)


async def report_rows(year: int, month: int, group: ReportGroup | str,
                      settings: Settings | None = None) -> list[ReportRow]:
    """The report itself; callers check who asks (a signed export link is the permission)."""
    settings = settings or get_settings()
    start, end = month_bounds(year, month, settings)
    text = _REPORT_SQL.format(key=_KEYS[ReportGroup(group)], items=_ITEM_COLUMNS)
    rows = await sql.fetch(text, [start, end])
    return [ReportRow(
        key=str(r["key"]) if r["key"] is not None else None, calls=int(r["calls"]),
        reviewed_calls=int(r["reviewed"]), reviews=int(r["reviews"]),
        percent=_number(r["percent"]),
        items={str(item): _number(r[f"item_{item}"]) for item in ITEMS},
    ) for r in rows]

REVIEW_COLUMNS = ("id", "call_id", "line_id", "operator_id", "reviewer_id", "reviewer_subject",
                  "scores", "total", "max_total", "comment", "call_started_at", "created_at")


async def reviews_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await CallReview.filter(id__in=ids).values(*REVIEW_COLUMNS)
