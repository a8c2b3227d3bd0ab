"""Download of the monthly call-quality report as CSV through its signed link (R-5.1).

``GET /call-quality-exports/{token}.csv``: no login, the token (made by the
``exportCallQualityReport`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts, like the
survey answers' export.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.http.survey_export import attachment_headers, csv_claims
from domain.consultation import review_export


async def download_call_quality_export(request: Request) -> Response:
    claims = await csv_claims(request, review_export.verify)
    if isinstance(claims, Response):
        return claims
    name = f"call-quality-{claims['year']:04d}-{claims['month']:02d}-{claims['group']}.csv"
    return Response(await review_export.csv_text(claims, request.app.state.settings),
                    media_type="text/csv; charset=utf-8", headers=attachment_headers(name))
