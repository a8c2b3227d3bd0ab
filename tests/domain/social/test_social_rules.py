"""Pure rules of social items: limits, signatures, the networks' shapes, retry pauses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.schedule import Schedule
from domain.calendar.work_calendar import WorkCalendar
from domain.social import rules
from domain.social.models import Network, SocialKind

ZONE = ZoneInfo("Europe/Ulyanovsk")
CAL = WorkCalendar(Schedule.government(), "Europe/Ulyanovsk")
FRIDAY_15 = dt.datetime(2026, 3, 13, 15, 0, tzinfo=ZONE)


def test_comment_on_friday_afternoon_is_due_on_monday():
    """R-7.2: 5 working hours for a comment: 1 h 45 min on Friday (to 16:45), 3 h 15 min on
    Monday; the warning an hour of working time earlier."""
    due = rules.due_at(CAL, SocialKind.COMMENT, FRIDAY_15)
    assert due.astimezone(ZONE) == dt.datetime(2026, 3, 16, 12, 15, tzinfo=ZONE)
    assert due.tzinfo == dt.UTC
    warn = rules.warn_at(CAL, SocialKind.COMMENT, FRIDAY_15, 1.0)
    assert warn.astimezone(ZONE) == dt.datetime(2026, 3, 16, 11, 15, tzinfo=ZONE)


def test_limits_per_kind():
    """R-7.2: 6 working hours for mentions, 5 for official appeals and comments; lunch and
    nights do not count."""
    monday_9 = dt.datetime(2026, 3, 16, 9, 0, tzinfo=ZONE)
    assert rules.due_at(CAL, SocialKind.MENTION, monday_9).astimezone(ZONE) == \
        dt.datetime(2026, 3, 16, 15, 45, tzinfo=ZONE)
    assert rules.due_at(CAL, SocialKind.OFFICIAL_APPEAL, monday_9).astimezone(ZONE) == \
        dt.datetime(2026, 3, 16, 14, 45, tzinfo=ZONE)
    night = dt.datetime(2026, 3, 16, 23, 0, tzinfo=ZONE)  # counts from 09:00 next day
    assert rules.due_at(CAL, SocialKind.COMMENT, night).astimezone(ZONE) == \
        dt.datetime(2026, 3, 17, 14, 45, tzinfo=ZONE)


def test_on_time():
    due = dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC)
    assert rules.on_time(due, due, due) is True
    assert rules.on_time(due, due + dt.timedelta(seconds=1), due) is False
    assert rules.on_time(due, None, due - dt.timedelta(hours=1)) is None
    assert rules.on_time(due, None, due + dt.timedelta(hours=1)) is False


def test_answer_limits_per_network():
    assert rules.answer_limit(Network.TELEGRAM) == 4096
    assert rules.answer_limit(Network.OTHER) == 2000


def test_secrets_differ_per_source_and_version_and_fit_telegram():
    a = rules.webhook_secret("server", "source-a", 1)
    assert a != rules.webhook_secret("server", "source-b", 1)
    assert a != rules.webhook_secret("server", "source-a", 2)
    assert a == rules.webhook_secret("server", "source-a", 1)
    assert len(a) == 43 and all(c.isalnum() or c in "-_" for c in a)


def test_generic_signature():
    """R-7.1: HMAC-SHA256 of "<timestamp>.<body>", within five minutes."""
    now = dt.datetime(2026, 3, 13, 12, tzinfo=dt.UTC)
    stamp = str(int(now.timestamp()))
    body = b'{"items": []}'
    good = "sha256=" + rules.body_signature("k", stamp, body)
    assert rules.check_body_signature("k", stamp, good, body, now) is None
    assert rules.check_body_signature("k", None, good, body, now) == rules.Refusal.UNSIGNED
    assert rules.check_body_signature("k", stamp, None, body, now) == rules.Refusal.UNSIGNED
    assert rules.check_body_signature("k", stamp, good, body + b" ", now) == rules.Refusal.FORGED
    assert rules.check_body_signature("other", stamp, good, body, now) == rules.Refusal.FORGED
    later = now + dt.timedelta(minutes=6)
    assert rules.check_body_signature("k", stamp, good, body, later) == rules.Refusal.FORGED
    assert rules.check_body_signature("k", "soon", good, body, now) == rules.Refusal.FORGED


def test_vk_shapes():
    new = rules.parse_vk({"type": "wall_reply_new", "object": {
        "id": 77, "from_id": 501, "post_id": 12, "owner_id": -100, "text": "Когда дорога?",
        "date": 1773400000}})
    assert (new.action, new.item_id, new.kind, new.post_id) == (
        rules.Action.NEW, "-100_77", SocialKind.COMMENT, "-100_12")
    assert new.url == "https://vk.com/wall-100_12?reply=77"
    gone = rules.parse_vk({"type": "wall_reply_delete", "object": {
        "id": 77, "owner_id": -100, "post_id": 12, "deleter_id": 501}})
    assert (gone.action, gone.item_id, gone.text) == (rules.Action.DELETE, "-100_77", None)
    appeal = rules.parse_vk({"type": "message_new", "object": {"message": {
        "id": 5, "peer_id": 501, "from_id": 501, "text": "Здравствуйте", "date": 1773400000}}})
    assert (appeal.kind, appeal.item_id) == (SocialKind.OFFICIAL_APPEAL, "m501_5")
    assert rules.parse_vk({"type": "group_join", "object": {}}) is None
    with pytest.raises(rules.BadPayload):
        rules.parse_vk({"type": "wall_reply_new", "object": "x"})
    with pytest.raises(rules.BadPayload):
        rules.parse_vk({"type": "wall_reply_new", "object": {"id": 1, "owner_id": -1,
                                                             "date": "yesterday"}})


def test_telegram_shapes():
    private = rules.parse_telegram({"update_id": 1, "message": {
        "message_id": 9, "date": 1773400000, "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "first_name": "Анна", "last_name": "Ким"}, "text": "Вопрос"}})
    assert (private.kind, private.item_id, private.author_name) == (
        SocialKind.OFFICIAL_APPEAL, "42:9", "Анна Ким")
    reply = rules.parse_telegram({"update_id": 2, "edited_message": {
        "message_id": 10, "date": 1773400000, "edit_date": 1773400100,
        "chat": {"id": -1001, "type": "supergroup", "username": "gov_chat"},
        "from": {"id": 43}, "text": "Исправил", "reply_to_message": {"message_id": 3}}})
    assert (reply.action, reply.kind, reply.url) == (
        rules.Action.EDIT, SocialKind.COMMENT, "https://t.me/gov_chat/10")
    assert rules.parse_telegram({"update_id": 3, "poll": {}}) is None


def test_generic_shape_refuses_what_it_cannot_read():
    item = rules.parse_generic({"id": "p1", "kind": "mention", "text": "Правительство",
                                "at": "2026-03-13T15:00:00+04:00"})
    assert item.at == FRIDAY_15
    for bad in ({"kind": "mention", "text": "x"}, {"id": "1", "text": "x"},
                {"id": "1", "kind": "rumour", "text": "x"}, {"id": "1", "kind": "comment"},
                {"id": "1", "kind": "comment", "text": "x", "at": "2026-03-13T15:00"},
                {"id": "1", "kind": "comment", "text": "x", "action": "burn"},
                {"id": ["1"], "kind": "comment", "text": "x"}):
        with pytest.raises(rules.BadPayload):
            rules.parse_generic(bad)


def test_received_moment_never_after_intake():
    now = dt.datetime(2026, 3, 13, 12, tzinfo=dt.UTC)
    assert rules.received_moment(None, now) == now
    assert rules.received_moment(now + dt.timedelta(hours=1), now) == now
    assert rules.received_moment(now - dt.timedelta(hours=1), now) == now - dt.timedelta(hours=1)


def test_retry_delay():
    assert rules.retry_delay(1, None, 30, 3600) == 30
    assert rules.retry_delay(3, None, 30, 3600) == 120
    assert rules.retry_delay(20, None, 30, 3600) == 3600
    assert rules.retry_delay(1, 7, 30, 3600) == 7  # the network's Retry-After wins
    assert rules.retry_delay(1, 99999, 30, 3600) == 3600
