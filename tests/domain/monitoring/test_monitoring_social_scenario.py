"""The issue's proof, from the monitoring's side: a comment taken in on Friday 15:00 has its
5-working-hour limit on Monday; answered and posted through the adapter (the development
file sink) on Monday morning, the figures count it on time (R-7.2, R-9)."""

from __future__ import annotations

import datetime as dt

from domain.actor import Actor, Role
from domain.monitoring import queries
from domain.monitoring.registry import RuleKey
from domain.social import handling, intake, posting, rules
from domain.social.models import Network, SocialAnswer, SocialItem, SocialSource
from tests.domain.monitoring.monitoring_world import local

FRIDAY_15 = local(2026, 3, 13, 15, 0)
MONDAY_10 = local(2026, 3, 16, 10, 0)


async def test_friday_comment_answered_monday_counts_on_time(settings):
    """R-7.2, R-9: the limit lands on Monday, the answer posted before it is on time."""
    source = await SocialSource.create(network=Network.VK, name="Правительство области")
    await intake.ingest(source, [rules.Incoming(
        action=rules.Action.NEW, item_id="wall-1_77", kind="comment",
        text="Когда откроют поликлинику после ремонта?", at=FRIDAY_15)], settings, FRIDAY_15)
    item = await SocialItem.get(source_item_id="wall-1_77")
    assert item.due_at.astimezone(dt.UTC).date() == dt.date(2026, 3, 16)  # Monday
    answer = await handling.answer_item(
        Actor(Role.OPERATOR, "op-1"), item.id,
        "Поликлиника откроется 1 апреля, приём по записи.", settings=settings)
    # The service queues the post at the wall clock; this test's Monday is another day.
    await SocialAnswer.filter(id=answer.id).update(next_attempt_at=MONDAY_10)
    assert await posting.post(answer.id, settings, now=MONDAY_10) == "posted"
    clock = await queries.clock(settings, MONDAY_10 + dt.timedelta(hours=1))
    [f] = await queries.figures(settings, dt.date(2026, 3, 1), dt.date(2026, 3, 31), clock,
                                keys=[RuleKey.SOCIAL_APPEAL])
    assert (f.total, f.on_time, f.on_time_rate) == (1, 1, 1.0)
