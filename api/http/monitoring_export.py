"""Download of a monitoring CSV through its signed link (R-9).

``GET /monitoring-exports/{token}.csv``: no login, the token (made by the
``exportMonitoring`` mutation for a supervisor) is the permission. Forged or
wrong-purpose tokens get 404, expired ones 410, both as short Russian texts.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.http.survey_export import signed_csv
from domain.monitoring import export


async def download_monitoring_export(request: Request) -> Response:
    return await signed_csv(request, export.verify, export.file_name, export.csv_chunks)
