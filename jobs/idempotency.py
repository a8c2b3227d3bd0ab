"""Forget stored answers to ``Idempotency-Key`` requests once their time to live is over
(``api/idempotency.py``; a lookup ignores expired ones anyway, this keeps the table small)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from arq.cron import cron

from domain import idempotency


async def sweep_idempotency(ctx: dict[str, Any]) -> int:
    return await idempotency.purge(timedelta(hours=ctx["settings"].idempotency_ttl_hours))


FUNCTIONS: list[Any] = [sweep_idempotency]
CRON_JOBS: list[Any] = [cron(sweep_idempotency, minute={17}, unique=True)]
