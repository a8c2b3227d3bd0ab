"""CSV export of survey answers through a signed, expiring download link (R-9 analysis).

The link is an HS256 JWT (``settings.link_secret``, purpose ``survey-export``) carrying the
period and filters, so nothing is stored: the CSV is streamed from the database when the
link is followed, in keyset batches, one row per answer. The period selects responses by
when they were submitted.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from domain import signed_links
from domain.actor import Actor
from domain.directory.models import Department
from domain.errors import DomainError, ErrorCode
from domain.settings import Settings, get_settings
from domain.spreadsheet import CsvRows
from domain.surveys.definitions import require_manager
from domain.surveys.models import SurveyAnswer, SurveyVersion
from domain.surveys.queries import ANSWER_FILTER_FIELDS, EXPORT_COLUMNS
from domain.surveys.report import ReportFilter, clean_filter, day_start, period_bounds

PURPOSE = "survey-export"
BATCH = 2000
HEADER = [
    "response_id", "submitted_at", "purpose", "channel", "sphere", "department", "executor",
    "subject_type", "subject_id", "client_id", "survey", "survey_version", "question_id",
    "question", "kind", "value", "choices", "text",
]


def export_link(actor: Actor, date_from: date, date_to: date, flt: ReportFilter,
                settings: Settings | None = None) -> tuple[str, datetime]:
    """The download URL and when it stops working."""
    require_manager(actor)
    settings = settings or get_settings()
    period_bounds(date_from, date_to, settings)
    filters = {column: [str(v) for v in values] for column, values in clean_filter(flt)}
    until = signed_links.expires_at(settings)
    token = signed_links.sign(settings, PURPOSE, {
        "sub": actor.subject, "from": date_from.isoformat(), "to": date_to.isoformat(),
        "filters": filters}, until)
    return signed_links.url(settings, "survey-exports", token, "csv"), until


def verify(token: str, settings: Settings) -> dict[str, Any]:
    claims = signed_links.verify(settings, token, PURPOSE, ("from", "to"))
    if not isinstance(claims.get("filters", {}), dict):
        raise DomainError(ErrorCode.INVALID_TOKEN, signed_links.INVALID)
    try:
        claims["from"], claims["to"] = date.fromisoformat(claims["from"]), date.fromisoformat(
            claims["to"])
    except (TypeError, ValueError):
        raise DomainError(ErrorCode.INVALID_TOKEN, signed_links.INVALID) from None
    return claims


async def csv_chunks(claims: dict[str, Any], settings: Settings) -> AsyncIterator[str]:
    """The export, as text chunks (a BOM first, so spreadsheets read it as UTF-8)."""
    zone = ZoneInfo(settings.timezone)
    query = SurveyAnswer.filter(
        submitted_at__gte=day_start(claims["from"], settings),
        submitted_at__lt=day_start(claims["to"] + timedelta(days=1), settings),
    )
    for column, values in claims.get("filters", {}).items():
        if column in ANSWER_FILTER_FIELDS and isinstance(values, list):
            query = query.filter(**{ANSWER_FILTER_FIELDS[column]: values})
    versions: dict[str, SurveyVersion] = {}
    departments: dict[str, str] = {}
    out = CsvRows()
    yield "\ufeff" + out.text([HEADER])
    last: tuple[datetime, int] | None = None
    while True:
        page = query
        if last is not None:
            page = page.filter(Q(submitted_at__gt=last[0]) | Q(submitted_at=last[0],
                                                               id__gt=last[1]))
        rows = await page.order_by("submitted_at", "id").limit(BATCH).values(*EXPORT_COLUMNS)
        if not rows:
            return
        last = (rows[-1]["submitted_at"], rows[-1]["id"])
        await _load_names(rows, versions, departments)
        lines = []
        for row in rows:
            version = versions[str(row["response__version_id"])]
            question = next((q for q in version.questions if q["id"] == row["question_id"]), {})
            options = {o["id"]: o["text"] for o in question.get("options", [])}
            lines.append((
                row["response_id"], row["submitted_at"].astimezone(zone).isoformat(),
                row["invitation__purpose"], row["invitation__channel"],
                row["invitation__sphere"],
                departments.get(str(row["invitation__department_id"]), ""),
                row["invitation__executor"], row["invitation__subject_type"],
                row["invitation__subject_id"], row["invitation__client_id"], version.title,
                version.number, row["question_id"], question.get("text", ""), row["kind"],
                row["value"], "; ".join(options.get(c, c) for c in row["choice_ids"] or []),
                row["text"],
            ))
        yield out.text(lines)


async def _load_names(rows: list[dict[str, Any]], versions: dict[str, SurveyVersion],
                      departments: dict[str, str]) -> None:
    """Version texts and department names once per export, not once per row."""
    wanted = {str(r["response__version_id"]) for r in rows} - versions.keys()
    if wanted:
        for version in await SurveyVersion.filter(id__in=list(wanted)):
            versions[str(version.id)] = version
    wanted = {str(r["invitation__department_id"]) for r in rows
              if r["invitation__department_id"]} - departments.keys()
    if wanted:
        for dep in await Department.filter(id__in=list(wanted)).values("id", "name"):
            departments[str(dep["id"])] = dep["name"]
