"""Free-text comments of survey responses, for supervisors (R-9 analysis), newest first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.actor import Actor
from domain.pagination import newest_first
from domain.settings import Settings, get_settings
from domain.surveys.definitions import require_manager
from domain.surveys.models import QuestionKind, SurveyAnswer
from domain.surveys.queries import ANSWER_FILTER_FIELDS, COMMENT_COLUMNS
from domain.surveys.report import ReportFilter, clean_filter, day_start, period_bounds


@dataclass(frozen=True)
class CommentFilter:
    date_from: date | None = None  # by when the comment was written, inclusive
    date_to: date | None = None
    report: ReportFilter = field(default_factory=ReportFilter)


async def list_comments(
    actor: Actor, flt: CommentFilter, first: int, after: str | None,
    settings: Settings | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Index (kind, submitted_at, id) serves every page."""
    require_manager(actor)
    settings = settings or get_settings()
    query = SurveyAnswer.filter(kind=QuestionKind.FREE_TEXT, text__isnull=False)
    if flt.date_from and flt.date_to:
        period_bounds(flt.date_from, flt.date_to, settings)  # refuses a reversed period
    if flt.date_from:
        query = query.filter(submitted_at__gte=day_start(flt.date_from, settings))
    if flt.date_to:
        query = query.filter(submitted_at__lt=day_start(flt.date_to + timedelta(days=1), settings))
    for column, values in clean_filter(flt.report):
        query = query.filter(**{ANSWER_FILTER_FIELDS[column]: values})
    return await newest_first(query, "submitted_at", first, after, COMMENT_COLUMNS, int)
