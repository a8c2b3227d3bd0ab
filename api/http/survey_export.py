"""Download of a survey-answers CSV through its signed link (R-9 analysis).

``GET /survey-exports/{token}.csv``: no login, the token (made by the
``exportSurveyResponses`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts.
The file is streamed from the database, so its size does not matter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from api.http.throttle import too_many_downloads
from domain.errors import DomainError, ErrorCode
from domain.surveys import export

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff"}
INVALID = "Ссылка недействительна. Проверьте, что она скопирована целиком."
EXPIRED = "Срок действия ссылки истёк. Запросите выгрузку ещё раз."


async def csv_claims(request: Request, verify: Callable[[str, Any], dict[str, Any]]
                     ) -> dict[str, Any] | Response:
    """The claims of a signed ``{token}.csv`` link, or the answer refusing it (429 when this
    client downloads too much, 404 forged, 410 expired). Every CSV download link uses it."""
    if (refused := await too_many_downloads(request)) is not None:
        return refused
    token, _, ext = request.path_params["name"].rpartition(".")
    if ext != "csv" or not token:
        return PlainTextResponse(INVALID, status_code=404, headers=PRIVATE)
    try:
        return verify(token, request.app.state.settings)
    except DomainError as exc:
        expired = exc.code == ErrorCode.EXPIRED_TOKEN
        return PlainTextResponse(EXPIRED if expired else INVALID,
                                 status_code=410 if expired else 404, headers=PRIVATE)


def attachment_headers(name: str) -> dict[str, str]:
    return {**PRIVATE, "Content-Disposition": f'attachment; filename="{name}"'}


async def download_survey_export(request: Request) -> Response:
    claims = await csv_claims(request, export.verify)
    if isinstance(claims, Response):
        return claims
    name = f"survey-answers-{claims['from']:%Y-%m-%d}_{claims['to']:%Y-%m-%d}.csv"
    return StreamingResponse(export.csv_chunks(claims, request.app.state.settings),
                             media_type="text/csv; charset=utf-8",
                             headers=attachment_headers(name))
