"""The deadline sweep as the arq worker runs it: real database, real Redis pub/sub."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import orjson
import pytest

from domain import redis
from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.directory.models import Department, StaffMember
from domain.enums import Channel
from domain.messages import deadlines, handling, service
from domain.messages.intake import IntakeData
from domain.messages.models import AlertKind, AnswerOutcome, DeadlineAlert, DeadlineKind, Message
from jobs import messages as message_jobs
from jobs.worker import CRON_JOBS, FUNCTIONS
from tests.conftest import count_queries

ZONE = ZoneInfo("Europe/Ulyanovsk")
OPERATOR = Actor(Role.OPERATOR, "op-1")
ADMIN = Actor(Role.ADMIN, "admin-1")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


async def make_messages(n: int, *, department: Department | None, executor: str | None
                        ) -> list[Message]:
    """EDMS imports registered on Monday 2 November 2026: answer due Wednesday 2 December."""
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Иванов", first_name="Иван"))
    out = []
    for i in range(n):
        m = await service.receive(OPERATOR, IntakeData(
            client_id=client.id, channel=Channel.EDMS, body="Прошу отремонтировать дорогу.",
            edms_number=f"73-ОГ/{uuid.uuid4().hex[:12]}",
            received_at=local(2026, 11, 2, 10), edms_registered_at=local(2026, 11, 2, 10)))
        if department is not None:
            m = await service.assign(OPERATOR, m.id, department.id, executor)
        if executor is not None:  # in work: the redirect term (59-FZ art. 8) is settled
            m = await service.start_work(Actor(Role.EXECUTOR, executor), m.id)
        out.append(m)
    return out


@pytest.fixture
async def staff(settings):
    department = await Department.create(name="Департамент дорожного хозяйства")
    await StaffMember.create(subject="exec-1", full_name="Петров Пётр", department=department)
    await StaffMember.create(subject="head-1", full_name="Сидорова Анна", department=department,
                             supervisor=True)
    return department


def test_registered_with_the_worker():
    assert "sweep_message_deadlines" in {getattr(f, "name", None) or f.__name__ for f in FUNCTIONS}
    assert "cron:sweep_message_deadlines" in {c.name for c in CRON_JOBS}


async def test_warn_then_escalate_once(staff, settings):
    """The executor is warned one working day before the deadline; past it the executor and
    the department's head get the escalation; each alert is sent exactly once however often
    the sweep runs."""
    [m] = await make_messages(1, department=staff, executor="exec-1")
    assert m.due_kind == DeadlineKind.ANSWER and m.due_date == dt.date(2026, 12, 2)
    assert m.next_alert_at == local(2026, 12, 1, 9)  # the working day before, at opening
    nothing = await deadlines.sweep(local(2026, 11, 30, 17))
    assert (nothing.warnings, nothing.overdue) == (0, 0)

    pubsub = redis.get_redis().pubsub()
    await pubsub.subscribe(redis.channel(deadlines.TOPIC, deadlines.STAFF_KEY))
    warned = await deadlines.sweep(local(2026, 12, 1, 9, 10), keep=True)
    assert (warned.warnings, warned.overdue) == (1, 0)
    assert warned.alerts[0]["recipients"] == ["exec-1"]
    again = await deadlines.sweep(local(2026, 12, 1, 9, 20))
    assert (again.warnings, again.overdue) == (0, 0)
    overdue = await deadlines.sweep(local(2026, 12, 2, 18, 5), keep=True)
    assert (overdue.warnings, overdue.overdue) == (0, 1)
    assert overdue.alerts[0]["recipients"] == ["exec-1", "head-1"]
    for _ in range(2):
        assert (await deadlines.sweep(local(2026, 12, 3, 9))).overdue == 0
    alerts = await DeadlineAlert.filter(message_id=m.id).order_by("id").values("kind", "due_kind")
    assert [(a["kind"], a["due_kind"]) for a in alerts] == [
        (AlertKind.WARNING, DeadlineKind.ANSWER), (AlertKind.OVERDUE, DeadlineKind.ANSWER)]
    m = await Message.get(id=m.id)
    assert m.next_alert_at is None and m.escalated_at is not None
    heard = []
    give_up = asyncio.get_running_loop().time() + 5
    while len(heard) < 2 and asyncio.get_running_loop().time() < give_up:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
        if message is not None:
            heard.append(orjson.loads(message["data"]))
    await pubsub.aclose()
    assert [(h["kind"], h["messageId"]) for h in heard] == [
        ("warning", str(m.id)), ("overdue", str(m.id))]


async def test_new_deadline_gets_new_alerts_and_closed_get_none(staff, settings):
    """An extension is a new deadline: warned and escalated again. An answered message is
    never alerted about."""
    first, second = await make_messages(2, department=staff, executor="exec-1")
    await deadlines.sweep(local(2026, 12, 2, 18, 5))  # straight to overdue, no warning
    assert await DeadlineAlert.filter(kind=AlertKind.WARNING).count() == 0
    assert await DeadlineAlert.filter(kind=AlertKind.OVERDUE).count() == 2
    head = Actor(Role.SUPERVISOR, "head-1")
    extended = await handling.extend(head, first.id, "Нужна проверка на месте")
    assert extended.next_alert_at is not None and extended.due_date > dt.date(2026, 12, 2)
    await service.classify_message(head, second.id, await _sphere())
    await handling.draft_answer(head, second.id, "Мы отремонтируем дорогу до 1 июня.",
                                AnswerOutcome.RESOLVED)
    await handling.send_answer(head, second.id)
    late = extended.due_at + dt.timedelta(hours=1)
    result = await deadlines.sweep(late, keep=True)
    assert [a["messageId"] for a in result.alerts] == [str(first.id)]
    assert await DeadlineAlert.filter(message_id=first.id).count() == 2


async def _sphere():
    from domain.directory import service as directory
    from domain.directory.models import Sphere

    await directory.ensure_spheres()
    return (await Sphere.get(code="transport")).id


async def test_unassigned_escalates_to_supervisors(settings):
    """With no executor or head named, the alert goes to every supervisor."""
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Мария"))
    m = await service.receive(OPERATOR, IntakeData(
        client_id=client.id, channel=Channel.POSTAL, body="Прошу помочь с работой.",
        received_at=local(2026, 11, 2, 10)))
    assert m.due_kind == DeadlineKind.REGISTRATION and m.due_date == dt.date(2026, 11, 5)
    result = await deadlines.sweep(local(2026, 11, 6, 9), keep=True)
    assert [(a["kind"], a["recipients"], a["dueKind"]) for a in result.alerts] == [
        ("overdue", [deadlines.SUPERVISORS], "registration")]


async def test_sweep_statements_do_not_grow_with_messages(staff, settings):
    """The sweep's SQL count depends on batches, not on the number of messages."""
    await make_messages(3, department=staff, executor="exec-1")
    with count_queries() as small:
        await deadlines.sweep(local(2026, 12, 1, 10))
    await Message.all().update(next_alert_at=local(2026, 12, 1, 9))
    await DeadlineAlert.all().delete()
    await make_messages(12, department=staff, executor="exec-1")
    with count_queries() as large:
        result = await deadlines.sweep(local(2026, 12, 1, 10))
    assert result.warnings == 15
    assert large.count == small.count


async def test_job_function(staff, settings):
    await make_messages(1, department=staff, executor="exec-1")
    out = await message_jobs.sweep_message_deadlines({"settings": settings})
    assert set(out) == {"warnings", "overdue", "batches", "emails", "seconds"}
    await asyncio.sleep(0)
