"""Email through a real aiosmtpd server and a real arq worker: headers, parts, retry policy."""

from __future__ import annotations

import pytest
from arq import Retry

from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose, RouteReason
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from jobs import deliveries as delivery_jobs
from jobs.worker import CRON_JOBS, FUNCTIONS
from tests.support.deliveries import MailRecorder, SmtpServer, free_port, make_client, run_worker

ANSWER = {"answer_text": "Дорогу отремонтируют в мае.", "message_number": "12",
          "survey_url": "https://okno.example/survey/t1"}


async def send_answer(person, n: int = 1) -> Delivery:
    [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                  source=("message", f"m-{n}"))
    return row


def test_jobs_registered_with_the_worker():
    assert "send_delivery" in {getattr(f, "name", None) for f in FUNCTIONS}
    assert "sweep_deliveries" in {c.name for c in CRON_JOBS}


async def test_mail_arrives_with_headers_parts_and_message_id(settings):
    """R-2.9, R-2.10: the answer reaches the chosen mailbox as text + HTML, survey link in
    both, Message-ID derived from the delivery."""
    person = await make_client(email="petrov@example.ru", last_name="Петров", first_name="Пётр")
    row = await send_answer(person)
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    [mail] = server.handler.messages
    assert mail["From"] == settings.mail_from
    assert mail["To"].addresses[0].addr_spec == "petrov@example.ru"
    assert mail["To"].addresses[0].display_name == "Петров Пётр"
    assert mail["Subject"] == "Ответ на ваше обращение № 12"
    assert mail["Message-ID"] == f"<{row.id}@ulgov.example>"
    assert server.handler.envelopes[0].rcpt_tos == ["petrov@example.ru"]
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Дорогу отремонтируют в мае." in text and "https://okno.example/survey/t1" in text
    assert "Дорогу отремонтируют в мае." in html and 'href="https://okno.example/survey/t1"' in html
    row = await Delivery.get(id=row.id)
    assert (row.status, row.attempts, row.message_id) == (
        DeliveryStatus.SENT, 1, f"<{row.id}@ulgov.example>")
    assert row.sent_at is not None and row.last_error is None


async def test_connections_are_reused_across_a_batch(settings):
    people = [await make_client(email=f"c{i}@example.ru") for i in range(12)]
    for i, person in enumerate(people):
        await send_answer(person, i)
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings, smtp_pool_size=2))
    assert len(server.handler.messages) == 12
    assert len(server.handler.peers) <= 2
    assert await Delivery.filter(status=DeliveryStatus.SENT).count() == 12


async def test_4xx_then_250_is_delivered_on_retry(settings):
    """A transient SMTP answer (451) is retried with backoff; the second try is accepted."""
    person = await make_client()
    row = await send_answer(person)
    with SmtpServer(MailRecorder(script=["451 4.3.0 Try again later"])) as server:
        await run_worker(server.settings(settings))
    assert len(server.handler.messages) == 1
    row = await Delivery.get(id=row.id)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)


async def test_550_fails_at_once_with_the_reason(settings):
    """A permanent refusal (550 no such user) fails the delivery on the first try, with the
    server's words, and the failure is in the client's history."""
    person = await make_client(email="nobody@example.ru")
    row = await send_answer(person)
    recorder = MailRecorder(rcpt_script={"nobody@example.ru": "550 5.1.1 No such user"})
    with SmtpServer(recorder) as server:
        await run_worker(server.settings(settings))
    assert server.handler.messages == []
    row = await Delivery.get(id=row.id)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert "550" in row.last_error and "No such user" in row.last_error
    assert await InteractionEvent.filter(kind="delivery_failed", source_id=str(row.id)).exists()


async def test_data_refused_with_554_is_permanent(settings):
    person = await make_client()
    row = await send_answer(person)
    with SmtpServer(MailRecorder(script=["554 5.7.1 Message rejected"])) as server:
        await run_worker(server.settings(settings))
    row = await Delivery.get(id=row.id)
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert "554" in row.last_error


async def test_server_down_is_transient_then_gives_up_after_the_limit(settings):
    """Connection refused: retried with exponential backoff, failed after the limit."""
    person = await make_client()
    row = await send_answer(person)
    dead = settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": free_port(), "delivery_max_attempts": 2,
        "delivery_retry_base_seconds": 30})
    ctx = {"settings": dead}
    with pytest.raises(Retry):
        await delivery_jobs.send_delivery(ctx, str(row.id))
    row = await Delivery.get(id=row.id)
    assert row.status == DeliveryStatus.PENDING and "недоступен" in row.last_error
    assert (row.next_attempt_at - row.updated_at).total_seconds() == pytest.approx(30, abs=1)
    # Not due yet: a second run of the same job does nothing.
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "skipped"
    await Delivery.filter(id=row.id).update(next_attempt_at=row.updated_at)
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "failed"
    row = await Delivery.get(id=row.id)
    assert row.status == DeliveryStatus.FAILED and "попыток: 2" in row.last_error
    await delivery_jobs.close(ctx)


async def test_invalid_address_fails_without_touching_the_server(settings):
    person = await make_client(email="ok@example.ru")
    row = await send_answer(person)
    await Delivery.filter(id=row.id).update(address="not an address")
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    row = await Delivery.get(id=row.id)
    assert row.status == DeliveryStatus.FAILED and "Неверный адрес" in row.last_error
    assert server.handler.messages == []


async def test_a_second_run_of_a_sent_job_sends_nothing(settings):
    """arq is at-least-once: the claim makes a repeated job a no-op."""
    person = await make_client()
    row = await send_answer(person)
    with SmtpServer(MailRecorder()) as server:
        ctx = {"settings": server.settings(settings)}
        assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
        assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "skipped"
        assert await delivery_jobs.send_delivery(ctx, "not-a-uuid") == "skipped"
        await delivery_jobs.close(ctx)
    assert len(server.handler.messages) == 1


async def test_mailing_carries_one_click_unsubscribe_headers(settings):
    """R-6.2, R-6.4, RFC 8058: a mailing goes by email (also to a client who prefers SMS or
    post) with its unsubscribe link in the headers; a URL with a line break (header
    injection) is refused before anything is written; a client without an email gets a
    failed delivery with the reason, never an SMS or a letter."""
    good = await make_client(email="reader@example.ru")
    sms_fan = await make_client(email="sms-fan@example.ru", phone="+79021234567",
                                preferred=Channel.SMS)
    letter_fan = await make_client(email="paper@example.ru",
                                   postal="432017, Ульяновск, ул. Гончарова, 1",
                                   preferred=Channel.POSTAL)
    no_email = await make_client(email=None, phone="+79027654321", preferred=Channel.SMS)
    evil = await make_client(email="evil@example.ru")
    issue = {"title": "Новости", "text": "Текст.", "unsubscribe_url": "https://okno.example/u/tok"}
    for person in (good, sms_fan, letter_fan):
        [row] = await deliveries.send(person.id, Purpose.MAILING, "mailing", issue,
                                      source=("campaign", "c-1"))
        assert (row.channel, row.route) == (Channel.EMAIL, RouteReason.FIXED)
    [failed] = await deliveries.send(no_email.id, Purpose.MAILING, "mailing", issue,
                                     source=("campaign", "c-1"))
    assert (failed.channel, failed.status) == (Channel.EMAIL, DeliveryStatus.FAILED)
    assert "электронная почта" in failed.last_error
    with pytest.raises(DomainError) as err:
        await deliveries.send(evil.id, Purpose.MAILING, "mailing",
                              {**issue, "unsubscribe_url":
                               "https://okno.example/u\r\nBcc: victim@example.ru"},
                              source=("campaign", "c-1"))
    assert err.value.code == ErrorCode.UNSUBSCRIBE_LINK_REQUIRED
    assert not await Delivery.exists(client_id=evil.id)
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    mails = {m["To"].addresses[0].addr_spec: m for m in server.handler.messages}
    assert set(mails) == {"reader@example.ru", "sms-fan@example.ru", "paper@example.ru"}
    for mail in mails.values():
        assert mail["List-Unsubscribe"] == "<https://okno.example/u/tok>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not await Delivery.filter(purpose=Purpose.MAILING).exclude(
        channel=Channel.EMAIL).exists()
