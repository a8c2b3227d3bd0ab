"""Download of the monthly call-quality report as CSV through its signed link (R-5.1).

``GET /call-quality-exports/{token}.csv``: no login, the token (made by the
``exportCallQualityReport`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts, like the
survey answers' export.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from api.http.survey_export import EXPIRED, INVALID, PRIVATE
from api.http.throttle import too_many_downloads
from domain.consultation import review_export
from domain.errors import DomainError, ErrorCode


async def download_call_quality_export(request: Request) -> Response:
    if (refused := await too_many_downloads(request)) is not None:
        return refused
    token, _, ext = request.path_params["name"].rpartition(".")
    if ext != "csv" or not token:
        return PlainTextResponse(INVALID, status_code=404, headers=PRIVATE)
    settings = request.app.state.settings
    try:
        claims = review_export.verify(token, settings)
    except DomainError as exc:
        expired = exc.code == ErrorCode.EXPIRED_TOKEN
        return PlainTextResponse(EXPIRED if expired else INVALID,
                                 status_code=410 if expired else 404, headers=PRIVATE)
    name = f"call-quality-{claims['year']:04d}-{claims['month']:02d}-{claims['group']}.csv"
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(await review_export.csv_text(claims, settings),
                    media_type="text/csv; charset=utf-8", headers=headers)
