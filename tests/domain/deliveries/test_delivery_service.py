"""send(): outbox rows written with the caller's transaction, routed, rendered, recorded."""

from __future__ import annotations

import pytest

from domain import redis
from domain.actor import Actor, Role
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose, RouteReason
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from domain.transaction import transaction
from tests.support.deliveries import make_client

OPERATOR = Actor(Role.OPERATOR, "op-1")
ANSWER = {"answer_text": "Дорогу отремонтируют в мае.", "message_number": "12",
          "survey_url": "https://okno.example/survey/t1"}


async def job_exists(delivery_id) -> bool:
    return bool(await redis.get_redis().exists(f"arq:job:{delivery_id}"))


async def test_send_by_preferred_channel_writes_row_event_and_job(settings):
    """R-2.9, R-1.5: the answer goes by the chosen channel; the delivery is in the client's
    history and handed to a worker after commit."""
    person = await make_client(email="petrov@example.ru")
    async with transaction():
        rows = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                     source=("message", "m-1"), actor=OPERATOR)
        assert not await job_exists(rows[0].id)  # nothing leaves before the commit
    [row] = rows
    assert (row.channel, row.route, row.address, row.status) == (
        Channel.EMAIL, RouteReason.PREFERRED, "petrov@example.ru", DeliveryStatus.PENDING)
    assert row.subject == "Ответ на ваше обращение № 12"
    assert "Дорогу отремонтируют в мае." in row.body_text and "<html" in row.body_html
    assert (row.source_type, row.source_id, row.created_by) == ("message", "m-1", "op-1")
    assert await job_exists(row.id)
    event = await InteractionEvent.get(source_type="delivery", source_id=str(row.id))
    assert event.kind == "delivery" and event.direction == "outbound" and event.channel == "email"


async def test_legal_channel_the_preferred_and_the_additional_one(settings):
    """R-2.6, R-1.4: a redirect notice goes by the legal channel (a paper letter), and by
    every channel the client chose: the preferred one and the additional one."""
    person = await make_client(email="a@example.ru", phone="+79021234567",
                               postal="432017, Ульяновск, ул. Гончарова, 1",
                               preferred=Channel.EMAIL, additional=Channel.SMS)
    rows = await deliveries.send(person.id, Purpose.REDIRECT_NOTICE, "redirect_notice",
                                 {"agency_name": "Министерство здравоохранения"},
                                 source=("message", "m-2"), legal_channel=Channel.POSTAL)
    assert [(r.channel, r.route) for r in rows] == [
        (Channel.POSTAL, RouteReason.LEGAL), (Channel.EMAIL, RouteReason.PREFERRED),
        (Channel.SMS, RouteReason.ADDITIONAL)]
    letter, _, sms = rows
    assert "432017, Ульяновск" in letter.body_html and "@page" in letter.body_html
    assert sms.body_html is None and "Министерство здравоохранения" in sms.body_text


async def test_unreachable_client_gets_a_failed_delivery_with_the_reason(settings):
    """Never silently dropped: no contact at all -> a failed delivery staff can see."""
    person = await make_client(email=None, preferred=None)
    [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                  source=("message", "m-3"))
    assert row.status == DeliveryStatus.FAILED and row.channel is None
    assert "нет ни электронной почты" in row.last_error
    assert not await job_exists(row.id)
    event = await InteractionEvent.get(source_id=str(row.id))
    assert event.kind == "delivery_failed"


async def test_same_idempotency_key_sends_once(settings):
    person = await make_client()
    first = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                  source=("message", "m-4"), idempotency_key="answer:m-4")
    again = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                  source=("message", "m-4"), idempotency_key="answer:m-4")
    assert [r.id for r in again] == [r.id for r in first]
    assert await Delivery.all().count() == 1


async def test_rolled_back_caller_leaves_nothing(settings):
    """The outbox row lives and dies with the caller's transaction."""
    person = await make_client()
    with pytest.raises(RuntimeError):
        async with transaction():
            rows = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                         source=("message", "m-5"))
            raise RuntimeError("the caller's own failure")
    assert await Delivery.all().count() == 0
    assert not await job_exists(rows[0].id)


@pytest.mark.parametrize(("client_id", "template", "context", "code"), [
    ("not-a-uuid", "answer", ANSWER, ErrorCode.NOT_FOUND),
    ("00000000-0000-0000-0000-000000000000", "answer", ANSWER, ErrorCode.NOT_FOUND),
    (None, "no_such", ANSWER, ErrorCode.UNKNOWN_TEMPLATE),
    (None, "answer", {"survey_url": "https://okno.example/survey/t1"}, ErrorCode.TEMPLATE_ERROR),
    (None, "answer", {"answer_text": "\x00", "survey_url": "https://okno.example/survey/t1"},
     ErrorCode.FORBIDDEN_CHARACTERS),
    (None, "answer", {"answer_text": "Ответ."}, ErrorCode.SURVEY_LINK_REQUIRED),
])
async def test_bad_calls_are_domain_errors(settings, client_id, template, context, code):
    person = await make_client()
    with pytest.raises(DomainError) as err:
        await deliveries.send(client_id or person.id, Purpose.ANSWER, template, context,
                              source=("message", "m-6"))
    assert err.value.code == code
    assert await Delivery.all().count() == 0


async def test_preferred_channel_is_not_dropped_when_the_law_fixes_another(settings):
    """R-1.4, R-2.9: a paper letter gets a paper answer; the client who prefers email and
    named no additional channel gets the email too, as the optional extra."""
    person = await make_client(email="b@example.ru", postal="432017, Ульяновск, ул. Гончарова, 1",
                               preferred=Channel.EMAIL)
    rows = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                 source=("message", "m-9"), legal_channel=Channel.POSTAL)
    assert [(r.channel, r.route, r.address) for r in rows] == [
        (Channel.POSTAL, RouteReason.LEGAL, "432017, Ульяновск, ул. Гончарова, 1"),
        (Channel.EMAIL, RouteReason.PREFERRED, "b@example.ru")]


@pytest.mark.parametrize("purpose", [Purpose.ANSWER, Purpose.INFORMATION,
                                     Purpose.SERVICE_RESULT])
async def test_final_communication_without_the_survey_link_is_refused(settings, purpose):
    """R-2.10: an answer, requested information or a service's result without the survey
    link is refused by send(): nothing is written, nothing is queued."""
    person = await make_client(email="c@example.ru")
    template = {Purpose.ANSWER: "answer", Purpose.INFORMATION: "information",
                Purpose.SERVICE_RESULT: "service_result"}[purpose]
    with pytest.raises(DomainError) as err:
        await deliveries.send(person.id, purpose, template,
                              {"answer_text": "Ответ.", "text": "Справка.",
                               "result_text": "Готово.", "message_number": "1"},
                              source=("message", "m-10"))
    assert err.value.code == ErrorCode.SURVEY_LINK_REQUIRED
    assert await Delivery.all().count() == 0
