"""Download of a monitoring CSV through its signed link (R-9).

``GET /monitoring-exports/{token}.csv``: no login, the token (made by the
``exportMonitoring`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from api.http.survey_export import EXPIRED, INVALID, PRIVATE
from api.http.throttle import too_many_downloads
from domain.errors import DomainError, ErrorCode
from domain.monitoring import export


async def download_monitoring_export(request: Request) -> Response:
    if (refused := await too_many_downloads(request)) is not None:
        return refused
    token, _, ext = request.path_params["name"].rpartition(".")
    if ext != "csv" or not token:
        return PlainTextResponse(INVALID, status_code=404, headers=PRIVATE)
    settings = request.app.state.settings
    try:
        claims = export.verify(token, settings)
    except DomainError as exc:
        expired = exc.code == ErrorCode.EXPIRED_TOKEN
        return PlainTextResponse(EXPIRED if expired else INVALID,
                                 status_code=410 if expired else 404, headers=PRIVATE)
    headers = {**PRIVATE,
               "Content-Disposition": f'attachment; filename="{export.file_name(claims)}"'}
    return StreamingResponse(export.csv_chunks(claims, settings),
                             media_type="text/csv; charset=utf-8", headers=headers)
