"""Retention of the interaction history (R-1.5): cases on the archive's clock, events outside
cases per kind; expired records anonymised or deleted, each run reported."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.deliveries.service import send
from domain.enums import Channel
from domain.history import retention, rules
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import InteractionEvent, RetentionRun
from domain.messages import service
from domain.messages.intake import IntakeData
from domain.messages.models import (
    Answer,
    Attachment,
    Clarification,
    InternalCategory,
    Message,
)
from domain.transaction import transaction
from jobs.history import HOLDERS
from tests.domain.history.history_cases import TEXT, answered_case
from tests.domain.messages.messages_world import OPERATOR, World, build_world, local

ADMIN = Actor(Role.ADMIN, "admin-1")
# The Government's clock: 31 Dec 2025 is the last day of 2020's five years.
LAST_DAY_KEPT = local(2025, 12, 31, 23, 59)
FIRST_DAY_SWEPT = local(2026, 1, 1, 0, 0)


@pytest.fixture
async def world(settings) -> World:
    return await build_world()


async def close_case_on(m: Message, closed: datetime) -> None:
    await Message.filter(id=m.id).update(closed_at=closed)


async def case_deliveries(m: Message) -> list[Delivery]:
    return await Delivery.filter(source_type="message", source_id=str(m.id))


async def case_events(m: Message, deliveries: list[Delivery]) -> list[InteractionEvent]:
    sources = [str(m.id), *(str(d.id) for d in deliveries)]
    return await InteractionEvent.filter(source_id__in=sources)


def test_archive_clock():
    """R-1.5: a period runs from 1 January of the year after the case was closed."""
    zone = "Europe/Ulyanovsk"
    assert rules.archive_cutoff(LAST_DAY_KEPT, 5, zone) == local(2020, 1, 1)
    assert rules.archive_cutoff(FIRST_DAY_SWEPT, 5, zone) == local(2021, 1, 1)
    closed = local(2020, 3, 15, 12)
    assert not closed < rules.archive_cutoff(LAST_DAY_KEPT, 5, zone)
    assert closed < rules.archive_cutoff(FIRST_DAY_SWEPT, 5, zone)


async def test_case_kept_to_year_end_then_every_record_anonymised(world: World, settings):
    """R-1.5: a case closed on 15 Mar 2020 with a 5-year period is kept on 31 Dec 2025 and
    swept on 1 Jan 2026 (counted from 1 Jan 2021): the message, answer, clarification,
    attachment, the deliveries about it and its events; the run reports each."""
    m = await answered_case(world, settings)
    await close_case_on(m, local(2020, 3, 15, 12))
    deliveries = await case_deliveries(m)
    assert len(deliveries) >= 2  # the receipt notice and the answer at least
    events = await case_events(m, deliveries)

    kept = await retention.sweep(settings, LAST_DAY_KEPT, holders=HOLDERS)
    assert kept.cases == {} and kept.records == {} and kept.total == 0
    assert (await Message.get(id=m.id)).body == TEXT

    run = await retention.sweep(settings, FIRST_DAY_SWEPT, holders=HOLDERS)
    assert run.action == "anonymise"
    assert run.cases == {"appeal": 1}
    assert run.records == {"message": 1, "answer": 1, "clarification": 1, "attachment": 1,
                           "delivery": len(deliveries)}
    assert run.total == len(events) == sum(run.affected.values())
    assert run.affected["message_received"] == 1 and run.affected["delivery"] >= 2

    swept = await Message.get(id=m.id)
    assert swept.body == rules.ANONYMISED_SUMMARY and swept.subject is None
    assert swept.swept_at is not None and swept.closed_at == local(2020, 3, 15, 12)
    assert (await Answer.get(message_id=m.id)).text == rules.ANONYMISED_SUMMARY
    clar = await Clarification.get(message_id=m.id)
    assert clar.note == rules.ANONYMISED_SUMMARY and clar.contact_value == ""
    assert "фото" not in (await Attachment.get(message_id=m.id)).file_name
    for d in await Delivery.filter(id__in=[d.id for d in deliveries]):
        assert d.body_text == rules.ANONYMISED_SUMMARY and d.address is None
        assert d.recipient_name == "" and d.body_html is None and d.context is None
    for e in await InteractionEvent.filter(id__in=[e.id for e in events]):
        assert e.anonymised and e.summary == rules.ANONYMISED_SUMMARY

    again = await retention.sweep(settings, FIRST_DAY_SWEPT, holders=HOLDERS)
    assert again.cases == {} and again.records == {} and again.total == 0
    stored = await RetentionRun.get(id=run.id)
    assert stored.cases == {"appeal": 1} and stored.records["answer"] == 1


async def test_delete_removes_every_record_of_the_case(world: World, settings):
    """R-1.5: with the delete mode the case's rows are gone, each type counted."""
    m = await answered_case(world, settings)
    await close_case_on(m, local(2020, 3, 15, 12))
    deliveries = await case_deliveries(m)
    events = await case_events(m, deliveries)
    deleting = settings.model_copy(update={"retention_action": "delete"})
    run = await retention.sweep(deleting, FIRST_DAY_SWEPT, holders=HOLDERS)
    assert run.action == "delete" and run.cases == {"appeal": 1}
    assert run.records == {"message": 1, "answer": 1, "clarification": 1, "attachment": 1,
                           "delivery": len(deliveries)}
    assert run.total == len(events)
    assert not await Message.exists(id=m.id)
    for model in (Answer, Clarification, Attachment):
        assert not await model.exists(message_id=m.id)
    assert not await Delivery.filter(id__in=[d.id for d in deliveries]).exists()
    assert not await InteractionEvent.filter(id__in=[e.id for e in events]).exists()
    assert await InteractionEvent.filter(client_id=world.client.id,
                                         kind="client_created").exists()


async def test_open_case_is_never_swept_however_old(world: World, settings):
    """R-1.5: a case still open is never swept, even one received in 2015."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EMAIL, body=TEXT, contact_id=world.email.id))
    await service.register(OPERATOR, m.id)
    old = local(2015, 2, 10, 10)
    await Message.filter(id=m.id).update(received_at=old, registered_at=old)
    deliveries = await case_deliveries(m)
    await InteractionEvent.filter(
        source_id__in=[str(m.id), *(str(d.id) for d in deliveries)]).update(occurred_at=old)
    await Delivery.filter(source_id=str(m.id)).update(created_at=old, sent_at=old,
                                                      status=DeliveryStatus.SENT)
    deleting = settings.model_copy(update={"retention_action": "delete"})
    run = await retention.sweep(deleting, local(2040, 6, 1), holders=HOLDERS)
    assert run.cases.get("appeal") is None and "message" not in run.records
    assert (await Message.get(id=m.id)).body == TEXT
    assert await Delivery.filter(source_id=str(m.id)).count() == len(deliveries)
    assert await InteractionEvent.filter(source_id=str(m.id), kind="message_received").exists()


async def test_internal_request_has_its_own_period(world: World, settings):
    """R-1.5: each record type of the archive list has its own period (settings)."""
    m = await service.receive(OPERATOR, IntakeData(
        client_id=world.employee.id, channel=Channel.EMAIL, body="Не работает принтер в 305.",
        category=InternalCategory.IT))
    await close_case_on(m, local(2024, 5, 1))
    configured = settings.model_copy(update={"retention_periods": {"internal_request": 1}})
    kept = await retention.sweep(configured, local(2025, 12, 31, 12), holders=HOLDERS)
    assert kept.cases == {}
    run = await retention.sweep(configured, local(2026, 1, 1, 12), holders=HOLDERS)
    assert run.cases == {"internal_request": 1} and run.records["message"] == 1
    with pytest.raises(ValueError):
        await retention.sweep(settings.model_copy(update={"retention_periods": {"apeal": 5}}),
                              holders=HOLDERS)


async def test_notice_outside_a_case_is_correspondence(world: World, settings):
    """R-1.5: delivery bodies outside any case are swept too, once closed (sent), by the
    correspondence period; one still waiting is never swept."""
    async with transaction():
        sent = (await send(world.client.id, Purpose.NOTICE, "notice",
                           {"title": "Приём", "text": "Приём переносится на понедельник."},
                           source=("client", world.client.id), idempotency_key="n-1"))[0]
        waiting = (await send(world.client.id, Purpose.NOTICE, "notice",
                              {"title": "Приём", "text": "Ждёт отправки."},
                              source=("client", world.client.id),
                              idempotency_key="n-2"))[0]
    old = local(2019, 6, 1)
    await Delivery.filter(id=sent.id).update(status=DeliveryStatus.SENT, sent_at=old,
                                             created_at=old)
    await Delivery.filter(id=waiting.id).update(created_at=old)
    event = await InteractionEvent.get(source_type="delivery", source_id=str(sent.id))
    run = await retention.sweep(settings, local(2026, 1, 1), holders=HOLDERS)
    assert run.cases == {"correspondence": 1} and run.records == {"delivery": 1}
    assert (await Delivery.get(id=sent.id)).body_text == rules.ANONYMISED_SUMMARY
    assert (await Delivery.get(id=waiting.id)).body_text != rules.ANONYMISED_SUMMARY
    assert (await InteractionEvent.get(id=event.id)).anonymised


# -- events outside any case -------------------------------------------------------------


async def make_client() -> str:
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Орлов"))
    return str(client.id)


async def old_event(cid: str, kind: EventKind, at: datetime, summary: str = "Звонок о шуме"):
    async with transaction():
        return await history.record(
            cid, kind, summary, actor=Actor(Role.OPERATOR, "op-7"), source=("client", cid),
            details={"text": "личные сведения"}, occurred_at=at)


async def test_events_outside_cases_on_the_archive_clock(settings):
    """R-1.5: an event outside any case is a record closed when it occurred: kept through
    the last day of its period's final year, anonymised from 1 January after."""
    cid = await make_client()
    expired = await old_event(cid, EventKind.CALL, local(2020, 3, 15, 12))
    later = await old_event(cid, EventKind.CALL, local(2021, 1, 10, 12))
    assert (await retention.sweep(settings, LAST_DAY_KEPT)).affected == {}
    run = await retention.sweep(settings, FIRST_DAY_SWEPT)
    assert run.action == "anonymise" and run.affected == {"call": 1} and run.total == 1
    gone = await InteractionEvent.get(id=expired.id)
    assert gone.anonymised and gone.summary == rules.ANONYMISED_SUMMARY
    assert (gone.details, gone.actor_subject, gone.actor_role, gone.source_type,
            gone.source_id) == (None, None, None, None, None)
    assert (gone.kind, gone.client_id, gone.occurred_at) == (
        expired.kind, expired.client_id, expired.occurred_at)  # statistics stay
    assert not (await InteractionEvent.get(id=later.id)).anonymised


async def test_case_events_are_not_swept_by_their_kind(settings):
    """R-1.5: an event about a message goes with its case, never by its own kind's period."""
    cid = await make_client()
    async with transaction():
        about_message = await history.record(
            cid, EventKind.MESSAGE_RECEIVED, "Получено обращение", source=("message", "m-1"),
            occurred_at=local(2010, 1, 1))
    run = await retention.sweep(settings, FIRST_DAY_SWEPT)
    assert run.affected == {}
    assert not (await InteractionEvent.get(id=about_message.id)).anonymised


async def test_per_kind_periods_and_keep_for_ever(settings):
    """R-1.5: each kind outside cases has its own period (settings.retention_years)."""
    cid = await make_client()
    now = local(2030, 6, 1)
    call = await old_event(cid, EventKind.CALL, local(2028, 6, 1))
    survey = await old_event(cid, EventKind.SURVEY, local(2000, 1, 1))
    reception = await old_event(cid, EventKind.RECEPTION, local(2028, 6, 1))
    configured = settings.model_copy(update={"retention_years": {"call": 1, "survey": 0}})
    run = await retention.sweep(configured, now)
    assert run.affected == {"call": 1}
    assert (await InteractionEvent.get(id=call.id)).anonymised
    assert not (await InteractionEvent.get(id=survey.id)).anonymised
    assert not (await InteractionEvent.get(id=reception.id)).anonymised


async def test_delete_action(settings):
    cid = await make_client()
    expired = await old_event(cid, EventKind.RECEPTION, local(2018, 1, 1))
    deleting = settings.model_copy(update={"retention_action": "delete"})
    run = await retention.sweep(deleting, FIRST_DAY_SWEPT)
    assert run.action == "delete" and run.affected == {"reception": 1}
    assert not await InteractionEvent.exists(id=expired.id)
    assert await InteractionEvent.filter(client_id=cid).count() == 1  # client_created stays


async def test_bounded_batches_and_idempotent(settings):
    """Batches of a fixed size, each its own transaction; a second run does nothing."""
    cid = await make_client()
    for _ in range(7):
        await old_event(cid, EventKind.NOTICE_SENT, local(2018, 1, 1))
    run = await retention.sweep(settings, FIRST_DAY_SWEPT, batch_size=3)
    assert run.affected == {"notice_sent": 7}
    assert await InteractionEvent.filter(anonymised=True).count() == 7
    again = await retention.sweep(settings, FIRST_DAY_SWEPT, batch_size=3)
    assert again.affected == {} and again.total == 0
    assert await RetentionRun.all().count() == 2


async def test_unknown_action_is_refused_before_touching_anything(settings):
    cid = await make_client()
    await old_event(cid, EventKind.CALL, local(2010, 1, 1))
    with pytest.raises(ValueError):
        await retention.sweep(settings.model_copy(update={"retention_action": "purge"}))
    assert await InteractionEvent.filter(anonymised=True).count() == 0
    assert await RetentionRun.all().count() == 0
