"""Reception jobs: keep every schedule's slots filled for the booking horizon.

Saving a schedule or an exception regenerates its slots at once; this cron moves the horizon
on each day (and picks up calendar overrides made since: a new holiday loses its free slots).
Idempotent: a run that finds everything in place changes nothing.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.reception import schedules


async def fill_reception_horizon(ctx: dict[str, Any]) -> dict[str, Any]:
    result = await schedules.fill_horizon()
    return {"created": result.created, "removed": result.removed, "kept": result.kept}


FUNCTIONS: list[Any] = [fill_reception_horizon]
# Nightly, and at start-up, so a fresh deployment has its slots at once.
CRON_JOBS: list[Any] = [
    cron(fill_reception_horizon, hour={1}, minute={5}, unique=True, run_at_startup=True),
]
