"""Download of a history export through its signed link (R-1.5).

``GET /exports/{token}.json`` or ``.html``: no login, the token is the permission.
A forged or wrong-purpose token, an unknown export or format is 404; an expired token
or export is 410 (the person requests a new export). Answers are short Russian texts,
never a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from api.http.throttle import too_many_downloads
from domain.errors import DomainError, ErrorCode
from domain.history import exports, links
from domain.history.models import ExportStatus, HistoryExport
from domain.history.rules import export_file_name
from domain.ids import as_uuid

MEDIA_TYPES = {"json": "application/json", "html": "text/html; charset=utf-8"}
# The token sits in the URL: keep it out of caches and other sites' Referer headers.
PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff"}
INVALID = "Ссылка недействительна. Проверьте, что она скопирована целиком."
EXPIRED = "Срок действия ссылки истёк. Запросите выгрузку истории ещё раз."


def _text(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=PRIVATE)


async def download_export(request: Request) -> Response:
    if (refused := await too_many_downloads(request)) is not None:
        return refused
    token, _, fmt = request.path_params["name"].rpartition(".")
    if fmt not in links.FORMATS or not token:
        return _text(404, INVALID)
    settings = request.app.state.settings
    try:
        export_id = links.verify(settings, token)
    except DomainError as exc:
        return _text(410, EXPIRED) if exc.code == ErrorCode.EXPIRED_TOKEN else _text(404, INVALID)
    export_uuid = as_uuid(export_id)  # a validly signed but malformed ID names nothing
    export = await HistoryExport.get_or_none(id=export_uuid) if export_uuid else None
    if export is None:
        return _text(404, INVALID)
    if (export.status == ExportStatus.EXPIRED or export.expires_at is None
            or export.expires_at <= datetime.now(UTC)):
        return _text(410, EXPIRED)
    path = exports.file_path(settings, export.id, fmt)
    if export.status != ExportStatus.READY or not path.is_file():
        return _text(410, EXPIRED)
    name = export_file_name(export.created_at.date(), fmt)
    headers = dict(PRIVATE)
    if fmt == "html":
        # Our own page, escaped; still, no scripts and nothing loaded from elsewhere.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=headers, filename=name,
                        content_disposition_type="inline" if fmt == "html" else "attachment")
