"""History jobs: building exports (R-1.5 "on request the client gets their whole history")
and the retention sweep."""

from __future__ import annotations

from typing import Any

FUNCTIONS: list[Any] = []
CRON_JOBS: list[Any] = []
