"""Every open term of a message is watched at once, and alerts reach people by email:
the sweep against a real database, Redis, the deliveries outbox and an aiosmtpd server."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from domain.deliveries.models import Delivery, DeliveryStatus, Purpose, RouteReason
from domain.directory.models import StaffMember
from domain.enums import Channel
from domain.messages import deadlines, handling, service
from domain.messages.intake import IntakeData
from domain.messages.models import AbuseStatus, AlertKind, DeadlineAlert, DeadlineKind, Message
from tests.domain.messages.messages_world import (
    EXECUTOR,
    HEAD,
    OPERATOR,
    World,
    build_world,
    local,
)
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

ABUSIVE = "Вы там все м*даки, когда включите отопление?!"


@pytest.fixture
async def world(settings) -> World:
    return await build_world()


async def _alerts(message_id) -> list[tuple[str, str, dt.datetime]]:
    rows = await DeadlineAlert.filter(message_id=message_id).order_by("id").values(
        "kind", "due_kind", "due_at")
    return [(r["kind"], r["due_kind"], r["due_at"]) for r in rows]


async def _edms(world: World, *, assign: bool = True) -> Message:
    """An EDMS import registered on Monday 2 November 2026: redirect term 9 November (7 days),
    answer term 2 December (30 days)."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EDMS, body="Прошу отремонтировать дорогу.",
        edms_number=f"73-ОГ/{uuid.uuid4().hex[:12]}", received_at=local(2026, 11, 2, 10),
        edms_registered_at=local(2026, 11, 2, 10)))
    if assign:
        m = await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    return m


async def test_suspected_abuse_hides_no_term(world: World):
    """R-2.4, R-2.5, 59-FZ (registration within 3 days): a message received on 2 November 2026
    and flagged SUSPECTED is watched for its registration term (5 November) and for the abuse
    notice (12 November) at once; each term gets its own warning and overdue alert, named by
    its kind, and a rerun says nothing twice. An urgent term set meanwhile is watched too."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.POSTAL, body=ABUSIVE,
        received_at=local(2026, 11, 2, 10)))
    assert m.abuse_status == AbuseStatus.SUSPECTED
    assert [(t["kind"], t["date"]) for t in m.terms] == [
        ("registration", "2026-11-05"), ("abuse_notice", "2026-11-12")]
    assert m.due_kind == DeadlineKind.REGISTRATION  # the nearest
    reg_at, abuse_at = local(2026, 11, 5, 18), local(2026, 11, 12, 18)

    warned = await deadlines.sweep(local(2026, 11, 3, 9, 10), keep=True)  # 4 Nov is a holiday
    assert [(a["kind"], a["dueKind"]) for a in warned.alerts] == [("warning", "registration")]
    assert (await deadlines.sweep(local(2026, 11, 3, 9, 20))).alerts == []
    overdue = await deadlines.sweep(local(2026, 11, 5, 18, 5), keep=True)
    assert [(a["kind"], a["dueKind"]) for a in overdue.alerts] == [("overdue", "registration")]
    abuse = await deadlines.sweep(local(2026, 11, 11, 9, 10), keep=True)
    assert [(a["kind"], a["dueKind"]) for a in abuse.alerts] == [("warning", "abuse_notice")]
    late = await deadlines.sweep(local(2026, 11, 12, 18, 5), keep=True)
    assert [(a["kind"], a["dueKind"]) for a in late.alerts] == [("overdue", "abuse_notice")]
    for _ in range(2):
        assert (await deadlines.sweep(local(2026, 11, 13, 9))).alerts == []
    assert await _alerts(m.id) == [
        (AlertKind.WARNING, DeadlineKind.REGISTRATION, reg_at),
        (AlertKind.OVERDUE, DeadlineKind.REGISTRATION, reg_at),
        (AlertKind.WARNING, DeadlineKind.ABUSE_NOTICE, abuse_at),
        (AlertKind.OVERDUE, DeadlineKind.ABUSE_NOTICE, abuse_at)]
    assert (await Message.get(id=m.id)).next_alert_at is None


async def test_urgent_term_watched_beside_abuse_notice(world: World, settings):
    """R-2.4, R-2.5: an urgent message flagged SUSPECTED is alerted about its urgent term
    (the date staff set), not only about the abuse notice."""
    today = dt.datetime.now(dt.UTC)
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.POSTAL, body=ABUSIVE, received_at=today))
    m = await service.register(OPERATOR, m.id)
    cal = (await service.context(settings)).calendar
    due = cal.add_working_days(today.astimezone(cal.zone).date(), 2)
    m = await service.set_urgency(HEAD, m.id, True, due, "Нет отопления")
    kinds = [t["kind"] for t in m.terms]
    assert {"urgent", "abuse_notice", "redirect", "answer"} == set(kinds)
    result = await deadlines.sweep(dt.datetime.fromisoformat(
        next(t["at"] for t in m.terms if t["kind"] == "urgent")) + dt.timedelta(minutes=1),
        keep=True)
    assert ("overdue", "urgent") in {(a["kind"], a["dueKind"]) for a in result.alerts}


async def test_redirect_term_watched_and_met_by_redirect(world: World):
    """59-FZ art. 8 (7 days of registration to redirect): a message nobody took into work is
    alerted about its redirect term (9 November); a message redirected in time has no such
    term any more and is never alerted about it."""
    waiting = await _edms(world)
    redirected = await _edms(world)
    assert [t["kind"] for t in waiting.terms] == ["redirect", "answer"]
    assert waiting.due_kind == DeadlineKind.REDIRECT and waiting.due_date == dt.date(2026, 11, 9)
    await handling.redirect(HEAD, redirected.id, world.agency.id,
                            "Вопрос о федеральной трассе решает Росавтодор.")
    redirected = await Message.get(id=redirected.id)
    assert redirected.terms is None and redirected.next_alert_at is None
    result = await deadlines.sweep(local(2026, 11, 9, 18, 5), keep=True)
    assert [(a["messageId"], a["kind"], a["dueKind"]) for a in result.alerts] == [
        (str(waiting.id), "overdue", "redirect")]
    assert result.alerts[0]["recipients"] == ["exec-1", "head-1"]
    # Taken into work: the Government answers it; the answer term alone runs on.
    waiting = await service.start_work(EXECUTOR, waiting.id)
    assert [t["kind"] for t in waiting.terms] == ["answer"]
    assert (await deadlines.sweep(local(2026, 11, 10, 9))).alerts == []


async def test_messages_stored_before_terms_are_upgraded_by_the_sweep(world: World):
    """Rows written before `terms` existed (migration 0013 points them at the sweep) get every
    open term from the first sweep, so a hidden term is found then."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.POSTAL, body=ABUSIVE,
        received_at=local(2026, 11, 2, 10)))
    # As the old code stored it: only the abuse notice watched, no terms.
    await Message.filter(id=m.id).update(terms=None, due_kind=DeadlineKind.ABUSE_NOTICE,
                                         due_date=dt.date(2026, 11, 12),
                                         due_at=local(2026, 11, 12, 18),
                                         next_alert_at=m.received_at)
    result = await deadlines.sweep(local(2026, 11, 5, 18, 5), keep=True)
    assert [(a["kind"], a["dueKind"]) for a in result.alerts] == [("overdue", "registration")]
    m = await Message.get(id=m.id)
    assert [t["kind"] for t in m.terms] == ["registration", "abuse_notice"]
    assert m.due_kind == DeadlineKind.REGISTRATION and m.next_alert_at == local(2026, 11, 11, 9)


async def test_alerts_reach_executor_and_supervisor_by_email(world: World, settings):
    """R-2.4, 59-FZ: deadline alerts reach people, not only a subscription. The executor gets
    the warning by email; on escalation the executor and the department's head do; without a
    head every supervisor does. One email per alert and recipient, however often the sweep
    runs; the mails arrive at a real SMTP server."""
    await StaffMember.filter(subject="exec-1").update(email="petrov@ulgov.example")
    await StaffMember.filter(subject="head-1").update(email="sidorova@ulgov.example")
    await StaffMember.create(subject="boss-2", full_name="Орлов Игорь", supervisor=True,
                             email="orlov@ulgov.example")
    await StaffMember.create(subject="boss-3", full_name="Без почты", supervisor=True)
    m = await _edms(world)
    m = await service.start_work(EXECUTOR, m.id)  # the answer term alone: 2 December
    stray = await service.receive(OPERATOR, IntakeData(  # nobody named: every supervisor
        client_id=world.client.id, channel=Channel.POSTAL, body="Прошу починить фонарь.",
        received_at=local(2026, 11, 2, 10)))

    for _ in range(2):
        warned = await deadlines.sweep(local(2026, 12, 1, 9, 10))
    rows = await Delivery.filter(purpose=Purpose.DEADLINE_ALERT).order_by("address").values(
        "address", "client_id", "route", "status", "subject", "source_id")
    # The stray message's registration term ran out on 5 November: escalated to supervisors.
    assert [(r["address"], r["source_id"]) for r in rows] == [
        ("orlov@ulgov.example", str(stray.id)), ("petrov@ulgov.example", str(m.id)),
        ("sidorova@ulgov.example", str(stray.id))]
    assert {(r["client_id"], r["route"], r["status"]) for r in rows} == {
        (None, RouteReason.EMPLOYEE, DeliveryStatus.PENDING)}
    assert warned.emails == 0  # the second run wrote nothing

    for _ in range(2):
        await deadlines.sweep(local(2026, 12, 2, 18, 5))
    mine = await Delivery.filter(purpose=Purpose.DEADLINE_ALERT, source_id=str(m.id)).order_by(
        "created_at").values_list("address", flat=True)
    assert sorted(mine) == ["petrov@ulgov.example", "petrov@ulgov.example",
                            "sidorova@ulgov.example"]
    assert await Delivery.filter(purpose=Purpose.DEADLINE_ALERT).count() == 5

    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    mails = server.handler.messages
    assert len(mails) == 5
    to = sorted(mail["To"].addresses[0].addr_spec for mail in mails)
    assert to == ["orlov@ulgov.example", "petrov@ulgov.example", "petrov@ulgov.example",
                  "sidorova@ulgov.example", "sidorova@ulgov.example"]
    number = m.registration_number
    subjects = sorted(str(mail["Subject"]) for mail in mails if number in str(mail["Subject"]))
    assert len(subjects) == 3
    assert any(s.startswith("Срок истекает") and "ответ на обращение" in s for s in subjects)
    assert sum(s.startswith("Срок истёк") for s in subjects) == 2
    text = next(mail for mail in mails if mail["To"].addresses[0].addr_spec
                == "orlov@ulgov.example").get_body(("plain",)).get_content()
    assert "Орлов Игорь" in text and "регистрация обращения" in text and "истёк" in text
    assert await Delivery.filter(purpose=Purpose.DEADLINE_ALERT,
                                 status=DeliveryStatus.SENT).count() == 5
    # the citizen's history holds the case, never the staff's alert mails; the case's
    # retention still takes them (its sources).
    from domain.messages import archive

    [case] = [c for c in await archive.client_cases(world.client.id) if c.id == str(m.id)]
    assert all("Срок" not in (r.title or "") for r in case.records)
    alert_ids = {str(i) for i in await Delivery.filter(
        purpose=Purpose.DEADLINE_ALERT, source_id=str(m.id)).values_list("id", flat=True)}
    assert alert_ids <= {source_id for _, source_id in case.sources}
