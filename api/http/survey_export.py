"""Download of a survey-answers CSV through its signed link (R-9 analysis).

``GET /survey-exports/{token}.csv``: no login, the token (made by the
``exportSurveyResponses`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts.
The file is streamed from the database, so its size does not matter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
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


async def signed_csv(request: Request, verify: Callable[[str, Any], dict[str, Any]],
                     file_name: Callable[[dict[str, Any]], str],
                     chunks: Callable[[dict[str, Any], Any], AsyncIterator[str]]) -> Response:
    """A CSV behind a signed link (survey answers, monitoring tables): throttled, the
    token checked by ``verify``, the file streamed as ``chunks`` makes it."""
    if (refused := await too_many_downloads(request)) is not None:
        return refused
    token, _, ext = request.path_params["name"].rpartition(".")
    if ext != "csv" or not token:
        return PlainTextResponse(INVALID, status_code=404, headers=PRIVATE)
    settings = request.app.state.settings
    try:
        claims = verify(token, settings)
    except DomainError as exc:
        expired = exc.code == ErrorCode.EXPIRED_TOKEN
        return PlainTextResponse(EXPIRED if expired else INVALID,
                                 status_code=410 if expired else 404, headers=PRIVATE)
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="{file_name(claims)}"'}
    return StreamingResponse(chunks(claims, settings), media_type="text/csv; charset=utf-8",
                             headers=headers)


def _file_name(claims: dict[str, Any]) -> str:
    return f"survey-answers-{claims['from']:%Y-%m-%d}_{claims['to']:%Y-%m-%d}.csv"


async def download_survey_export(request: Request) -> Response:
    return await signed_csv(request, export.verify, _file_name, export.csv_chunks)
