"""The on-time figures and the overdue and at-risk lists of every monitored rule (R-9),
on both databases, at a fixed ``now`` (Wednesday 11 March 2026, noon in Ulyanovsk)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.messages.models import AbuseStatus, Audience, MessageStatus
from domain.monitoring import queries
from domain.monitoring.queries import GroupBy, State
from domain.monitoring.registry import RULES, DueKind, RuleKey
from tests.domain.monitoring.monitoring_world import (
    MARCH,
    NOW,
    CallbackStatus,
    a_client,
    callback,
    change_notice,
    local,
    message,
    social_item,
)

D = dt.date


async def figures_of(settings, key: RuleKey, group: GroupBy | None = None):
    c = await queries.clock(settings, NOW)
    return [f for f in await queries.figures(settings, *MARCH, c, group, [key])]


async def one(settings, key: RuleKey) -> queries.Figures:
    [f] = await figures_of(settings, key)
    return f


async def listed(settings, key: RuleKey, state: State) -> list[queries.Item]:
    c = await queries.clock(settings, NOW)
    found, more = await queries.items(settings, key, state, c, 100)
    assert not more
    return found


# Every rule has a test here: the registry walk checks this table.
TESTED: set[RuleKey] = set()


def covers(key: RuleKey):
    TESTED.add(key)
    return lambda f: f


@covers(RuleKey.REGISTRATION)
async def test_registration_in_three_days(settings):
    """59-FZ art. 8 (R-2.1, R-9): registered by the due date in the government's zone is on
    time. 02:00 local on the day after is late although it is still the due date in UTC."""
    client = await a_client()
    await message(client, registration_due_date=D(2026, 3, 5),
                            registered_at=local(2026, 3, 5, 23, 30),
                            status=MessageStatus.REGISTERED)
    await message(client, registration_due_date=D(2026, 3, 5),
                         registered_at=local(2026, 3, 6, 2, 0), status=MessageStatus.REGISTERED)
    overdue = await message(client, registration_due_date=D(2026, 3, 10))
    soon = await message(client, registration_due_date=D(2026, 3, 12))
    await message(client, registration_due_date=D(2026, 3, 20))  # open, not near
    await message(client, registration_due_date=D(2026, 3, 9),  # internal: not this rule's
                  audience=Audience.INTERNAL)
    february = await message(client, registration_due_date=D(2026, 2, 5),  # not in March
                             received=local(2026, 2, 2, 10))
    f = await one(settings, RuleKey.REGISTRATION)
    assert (f.total, f.on_time, f.late, f.overdue, f.at_risk, f.open) == (5, 1, 1, 1, 1, 1)
    assert f.on_time_rate == pytest.approx(1 / 3, abs=1e-4)
    # The lists are every open item, whenever it came: the oldest deadline first.
    assert [i.message_id for i in await listed(settings, RuleKey.REGISTRATION,
                                                State.OVERDUE)] == [str(february.id),
                                                                    str(overdue.id)]
    [risk] = await listed(settings, RuleKey.REGISTRATION, State.AT_RISK)
    assert risk.message_id == str(soon.id) and risk.due_date == D(2026, 3, 12)
    assert risk.due_at == local(2026, 3, 12, 18, 0)  # the day's closing time


@covers(RuleKey.ANSWER)
async def test_answer_in_thirty_days(settings):
    """59-FZ art. 12 (R-2.9, R-9): the answer sent by its due date; redirected and abusive
    appeals get none and are not counted."""
    client = await a_client()
    await message(client, answer_due_date=D(2026, 3, 10), answered=local(2026, 3, 10, 17),
                  status=MessageStatus.ANSWERED)
    await message(client, answer_due_date=D(2026, 3, 10), answered=local(2026, 3, 11, 9),
                  status=MessageStatus.ANSWERED)
    late_open = await message(client, answer_due_date=D(2026, 3, 6),
                              status=MessageStatus.IN_WORK)
    await message(client, answer_due_date=D(2026, 3, 6), status=MessageStatus.REDIRECTED)
    await message(client, answer_due_date=D(2026, 3, 6), status=MessageStatus.CLOSED_ABUSIVE)
    f = await one(settings, RuleKey.ANSWER)
    assert (f.total, f.on_time, f.late, f.overdue) == (3, 1, 1, 1)
    [item] = await listed(settings, RuleKey.ANSWER, State.OVERDUE)
    assert item.message_id == str(late_open.id)


@covers(RuleKey.URGENT)
async def test_urgent_within_five_working_days(settings):
    """R-2.4 (R-9): an urgent message answered by its urgent date; the non-urgent ones are
    not this rule's items."""
    client = await a_client()
    await message(client, urgent=True, urgent_due_date=D(2026, 3, 6),
                  answered=local(2026, 3, 5, 15), status=MessageStatus.ANSWERED)
    await message(client, urgent=True, urgent_due_date=D(2026, 3, 12),
                  status=MessageStatus.IN_WORK)
    await message(client, urgent=False, urgent_due_date=D(2026, 3, 6))
    f = await one(settings, RuleKey.URGENT)
    assert (f.total, f.on_time, f.at_risk, f.on_time_rate) == (2, 1, 1, 1.0)


@covers(RuleKey.ABUSE_NOTICE)
async def test_abuse_notice_within_seven_working_days(settings):
    """R-2.5 (R-9): the notice sent by its date; a rejected suspicion owes none."""
    client = await a_client()
    await message(client, abuse_status=AbuseStatus.CONFIRMED,
                  abuse_notice_due_date=D(2026, 3, 11), abuse_notice_sent_at=local(2026, 3, 12, 9),
                  status=MessageStatus.CLOSED_ABUSIVE)
    waiting = await message(client, abuse_status=AbuseStatus.SUSPECTED,
                            abuse_notice_due_date=D(2026, 3, 10))
    await message(client, abuse_status=AbuseStatus.REJECTED, abuse_notice_due_date=D(2026, 3, 1))
    f = await one(settings, RuleKey.ABUSE_NOTICE)
    assert (f.total, f.late, f.overdue, f.on_time_rate) == (2, 1, 1, 0.0)
    [item] = await listed(settings, RuleKey.ABUSE_NOTICE, State.OVERDUE)
    assert item.message_id == str(waiting.id)


@covers(RuleKey.REDIRECT)
async def test_redirect_within_seven_days(settings):
    """59-FZ art. 8 (R-2.6, R-9): redirected by the date; a message taken into work has
    left the rule."""
    client = await a_client()
    await message(client, redirect_due_date=D(2026, 3, 9), status=MessageStatus.REDIRECTED,
                  closed_at=local(2026, 3, 9, 16))
    await message(client, redirect_due_date=D(2026, 3, 9), status=MessageStatus.ASSIGNED)
    await message(client, redirect_due_date=D(2026, 3, 9), status=MessageStatus.IN_WORK)
    f = await one(settings, RuleKey.REDIRECT)
    assert (f.total, f.on_time, f.overdue) == (2, 1, 1)


@covers(RuleKey.RECEPTION_CHANGE_NOTICE)
async def test_reception_change_notice_before_the_reception(settings):
    """R-4.4 (R-9): the change notice sent before the old reception time is on time; one
    not sent while the reception is near is at risk, past it overdue."""
    from tests.domain.reception.reception_world import build_world, make_slot

    world = await build_world(clients=1)
    slot = await make_slot(world)
    client = world.clients[0]
    await change_notice(slot, client, old_start=local(2026, 3, 10, 14),
                        sent=local(2026, 3, 3, 9, 5))
    await change_notice(slot, client, old_start=local(2026, 3, 4, 14),
                        sent=local(2026, 3, 4, 15))
    overdue = await change_notice(slot, client, old_start=local(2026, 3, 10, 14), sent=None)
    near = await change_notice(slot, client, old_start=local(2026, 3, 12, 14), sent=None)
    f = await one(settings, RuleKey.RECEPTION_CHANGE_NOTICE)
    assert (f.total, f.on_time, f.late, f.overdue, f.at_risk) == (4, 1, 1, 1, 1)
    [item] = await listed(settings, RuleKey.RECEPTION_CHANGE_NOTICE, State.OVERDUE)
    assert item.item_id == str(overdue.id) and item.booking_id == str(overdue.booking_id)
    assert item.due_at == local(2026, 3, 10, 14) and item.due_date is None
    [item] = await listed(settings, RuleKey.RECEPTION_CHANGE_NOTICE, State.AT_RISK)
    assert item.item_id == str(near.id)


@covers(RuleKey.SOCIAL_MENTION)
@covers(RuleKey.SOCIAL_APPEAL)
async def test_social_items_within_working_hours(settings):
    """R-7.2 (R-9): a mention has 6 working hours, an appeal or a comment 5 (the limit is on
    the item); answered or moved by it is on time; deleted at the source unanswered, none is
    owed."""
    await social_item("mention", due=local(2026, 3, 2, 16), answered=local(2026, 3, 2, 15))
    await social_item("mention", due=local(2026, 3, 11, 13))  # an hour left: at risk
    await social_item("comment", due=local(2026, 3, 2, 15), answered=local(2026, 3, 3, 9))
    late = await social_item("official_appeal", due=local(2026, 3, 10, 15))
    await social_item("comment", due=local(2026, 3, 2, 15), deleted=local(2026, 3, 2, 11))
    mention = await one(settings, RuleKey.SOCIAL_MENTION)
    assert (mention.total, mention.on_time, mention.at_risk, mention.on_time_rate) == (
        2, 1, 1, 1.0)
    appeal = await one(settings, RuleKey.SOCIAL_APPEAL)
    assert (appeal.total, appeal.late, appeal.overdue, appeal.on_time_rate) == (2, 1, 1, 0.0)
    [item] = await listed(settings, RuleKey.SOCIAL_APPEAL, State.OVERDUE)
    assert item.item_id == str(late.id) and item.due_at == local(2026, 3, 10, 15)


@covers(RuleKey.CALLBACK)
async def test_callbacks_by_the_agreed_window(settings):
    """R-3.8 (R-9): a callback done by the end of its window is on time; a failed one stays
    overdue; a cancelled one is nobody's."""
    await callback(due_until=local(2026, 3, 5, 12), done=local(2026, 3, 5, 11),
                   status=CallbackStatus.DONE)
    failed = await callback(due_until=local(2026, 3, 6, 12), status=CallbackStatus.FAILED)
    await callback(due_until=local(2026, 3, 6, 12), status=CallbackStatus.CANCELLED)
    f = await one(settings, RuleKey.CALLBACK)
    assert (f.total, f.on_time, f.overdue, f.on_time_rate) == (2, 1, 1, 0.5)
    [item] = await listed(settings, RuleKey.CALLBACK, State.OVERDUE)
    assert item.item_id == str(failed.id) and item.reference == "+79171234567"


def test_every_rule_has_sql_and_a_test():
    """R-9: a rule is one registry entry; each has its SQL pieces and a test above."""
    for key in RuleKey:
        rule = RULES[key]
        assert rule.requirement and rule.title and rule.due_kind in DueKind
        assert rule.source.startswith("FROM ") and rule.applies
        assert rule.due != "NULL" and rule.done != "NULL"
        assert f"'{key.value}' AS rule" in rule.items_sql()
    assert TESTED == set(RuleKey)
    # Rules counted in one scan of a source share everything but their terms.
    shared = ("item_id", "reference", "started", "channel", "sphere_id", "department_id",
              "executor", "message_id", "booking_id")
    for rule in RULES.values():
        first = next(r for r in RULES.values() if r.source == rule.source)
        assert [getattr(rule, f) for f in shared] == [getattr(first, f) for f in shared]


async def test_figures_by_group_and_pages(settings):
    """R-9: figures by department and by week; a list pages by cursor without repeats."""
    from domain.directory.models import Department

    client = await a_client()
    dep = await Department.create(name="Отдел")
    for day in (2, 3, 4):
        await message(client, registration_due_date=D(2026, 3, 5), department=dep,
                      received=local(2026, 3, day, 10))
    await message(client, registration_due_date=D(2026, 3, 6), received=local(2026, 3, 10, 10))
    by_dep = await figures_of(settings, RuleKey.REGISTRATION, GroupBy.DEPARTMENT)
    assert [(f.group, f.total) for f in by_dep] == [(str(dep.id), 3), (None, 1)]
    by_week = await figures_of(settings, RuleKey.REGISTRATION, GroupBy.WEEK)
    assert [(f.group, f.total) for f in by_week] == [("2026-03-02", 3), ("2026-03-09", 1)]
    c = await queries.clock(settings, NOW)
    seen, after = [], None
    while True:
        page, more = await queries.items(settings, RuleKey.REGISTRATION, State.OVERDUE, c, 3,
                                         after)
        seen += [i.item_id for i in page]
        if not more:
            break
        after = page[-1].cursor
    assert len(seen) == len(set(seen)) == 4
    assert seen[-1] == str((await message_last()).id)


async def message_last():
    from domain.messages.models import Message

    return await Message.filter(registration_due_date=D(2026, 3, 6)).get()


async def test_volumes_with_satisfaction_beside(settings):
    """R-9: messages by channel with outcomes, and the same channel's survey scores."""
    from domain.enums import Channel

    client = await a_client()
    await message(client, channel=Channel.EMAIL, status=MessageStatus.ANSWERED,
                  closed_at=local(2026, 3, 5, 10))
    await message(client, channel=Channel.EMAIL)
    await message(client, channel=Channel.POSTAL, status=MessageStatus.REDIRECTED,
                  closed_at=local(2026, 3, 5, 10))
    rows = await queries.volumes(settings, *MARCH, GroupBy.CHANNEL)
    by = {v.group: v for v in rows}
    assert (by["email"].received, by["email"].answered, by["email"].open) == (2, 1, 1)
    assert (by["postal"].received, by["postal"].redirected) == (1, 1)
    monthly = await queries.volumes(settings, *MARCH, GroupBy.MONTH)
    assert [(v.group, v.received) for v in monthly] == [("2026-03-01", 3)]
