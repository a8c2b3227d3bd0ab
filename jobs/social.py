"""Social jobs: posting one public answer (enqueued after the answer commits), and the
cron that posts answers whose attempt is due (after a failure, a Retry-After, a lost
hand-off or a dead worker) and sends the R-7.2 warnings and escalations. Idempotent: an
answer is claimed under a lock and posted with its own idempotency key; alerts are keyed."""

from __future__ import annotations

from typing import Any

from arq.cron import cron
from arq.worker import func

from domain.settings import get_settings
from domain.social import deadlines, handling, posting


async def post_social_answer(ctx: dict[str, Any], answer_id: str) -> str | None:
    return await posting.post(answer_id, ctx.get("settings") or get_settings())


async def social_cron(ctx: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.get("settings") or get_settings()
    alerts = await deadlines.sweep(settings=settings)
    return {"posted": await posting.post_due(settings), "warnings": alerts.warnings,
            "overdue": alerts.overdue, "emails": alerts.emails}


FUNCTIONS: list[Any] = [
    func(post_social_answer, name=handling.POST_JOB, keep_result=0, max_tries=3, timeout=120),
]
CRON_JOBS: list[Any] = [
    # Every minute: working-hour limits are hours long, a warning a minute late is fine.
    cron(social_cron, name="social_cron", second={40}, unique=True, timeout=300),
]
