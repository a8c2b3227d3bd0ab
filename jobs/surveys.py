"""Survey jobs: the single reminder for unanswered invitations (and closing expired ones).

Hourly; the sweep claims each invitation's reminder with a conditional UPDATE, so running it
twice, or in two workers at once, never sends a second reminder.
"""

from __future__ import annotations

from typing import Any

from arq.cron import cron

from domain.settings import get_settings
from domain.surveys import reminders


async def send_survey_reminders(ctx: dict[str, Any]) -> int:
    return await reminders.send_due_reminders(ctx.get("settings") or get_settings())


FUNCTIONS: list[Any] = [send_survey_reminders]
CRON_JOBS: list[Any] = [
    cron(send_survey_reminders, name="send_survey_reminders", minute=7, second=0, unique=True,
         timeout=600),
]
