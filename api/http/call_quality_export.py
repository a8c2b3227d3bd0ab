"""Download of the monthly call-quality report as CSV through its signed link (R-5.1).

``GET /call-quality-exports/{token}.csv``: no login, the token (made by the
``exportCallQualityReport`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts, like the
survey answers' export.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.http.survey_export import signed_csv
from domain.consultation import review_export


def _file_name(claims: dict[str, Any]) -> str:
    return f"call-quality-{claims['year']:04d}-{claims['month']:02d}-{claims['group']}.csv"


async def _chunks(claims: dict[str, Any], settings: Any) -> AsyncIterator[str]:
    # A month's report is one row per operator or line: built whole, sent as one chunk.
    yield await review_export.csv_text(claims, settings)


async def download_call_quality_export(request: Request) -> Response:
    return await signed_csv(request, review_export.verify, _file_name, _chunks)
