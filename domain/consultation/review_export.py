"""CSV of the monthly call-quality report (R-5.1) through a signed, expiring download link,
the same way as the survey answers' export (domain/surveys/export.py).

The link is an HS256 JWT (``settings.link_secret``, purpose ``call-quality-export``)
carrying the month and the grouping, so nothing is stored: the report is computed again
when the link is followed (one SQL statement, a row per operator or line) and written
through ``domain/spreadsheet.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import signed_links
from domain.actor import Actor
from domain.consultation.models import ConsultationLine
from domain.consultation.reviews import (
    ITEMS,
    ReportGroup,
    month_bounds,
    report_rows,
    require_manager,
)
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode
from domain.settings import Settings, get_settings
from domain.spreadsheet import CsvRows

PURPOSE = "call-quality-export"
HEADER = ["month", "group", "id", "name", "calls", "reviewed_calls", "reviews", "percent",
          *(f"avg_{item}" for item in ITEMS)]
NO_OPERATOR = "без оператора (звонки, записанные только АТС)"


def export_link(actor: Actor, year: int, month: int, group: ReportGroup | str,
                settings: Settings | None = None) -> tuple[str, datetime]:
    """The download URL and when it stops working."""
    require_manager(actor)
    settings = settings or get_settings()
    month_bounds(year, month, settings)
    until = signed_links.expires_at(settings)
    token = signed_links.sign(settings, PURPOSE, {
        "sub": actor.subject, "year": year, "month": month, "group": str(ReportGroup(group))},
        until)
    return signed_links.url(settings, "call-quality-exports", token, "csv"), until


def verify(token: str, settings: Settings) -> dict[str, Any]:
    claims = signed_links.verify(settings, token, PURPOSE, ("year", "month", "group"))
    if claims.get("group") not in set(ReportGroup) or \
            not isinstance(claims.get("year"), int) or not isinstance(claims.get("month"), int):
        raise DomainError(ErrorCode.INVALID_TOKEN, signed_links.INVALID)
    return claims


async def csv_text(claims: dict[str, Any], settings: Settings) -> str:
    """The report as CSV (a BOM first, so spreadsheets read it as UTF-8)."""
    group = ReportGroup(claims["group"])
    rows = await report_rows(claims["year"], claims["month"], group, settings)
    keys = [r.key for r in rows if r.key]
    model = StaffMember if group == ReportGroup.OPERATOR else ConsultationLine
    label = "full_name" if group == ReportGroup.OPERATOR else "name"
    names = {str(i): n for i, n in await model.filter(id__in=keys).values_list("id", label)} \
        if keys else {}
    month = f"{claims['year']:04d}-{claims['month']:02d}"
    lines = [(month, str(group), r.key or "", names.get(r.key or "", NO_OPERATOR), r.calls,
              r.reviewed_calls, r.reviews, "" if r.percent is None else r.percent,
              *("" if r.items[str(i)] is None else r.items[str(i)] for i in ITEMS))
             for r in rows]
    return "\ufeff" + CsvRows().text([HEADER, *lines])
