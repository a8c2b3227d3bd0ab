"""Survey links and reminders end to end: real outbox rows, the deliveries job function sending
through a real aiosmtpd server, the reminder cron function run twice."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.history.models import InteractionEvent
from domain.surveys import reminders, service
from domain.surveys.models import InvitationStatus, SurveyInvitation
from domain.surveys.rules import AnswerDraft as A
from jobs import deliveries as delivery_jobs
from jobs.surveys import send_survey_reminders
from jobs.worker import CRON_JOBS, FUNCTIONS
from tests.support.deliveries import MailRecorder, SmtpServer, make_client

LINK = re.compile(r"https://okno\.example/survey/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)")


def _settings(settings):
    return settings.model_copy(update={"public_survey_url": "https://okno.example/survey/{token}"})


async def _deliver_all(settings, server: SmtpServer) -> None:
    """The deliveries job function itself, once per pending row, as a worker would run it."""
    ctx = {"settings": server.settings(settings)}
    try:
        for row in await Delivery.filter(status=DeliveryStatus.PENDING).order_by("created_at"):
            assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
    finally:
        await delivery_jobs.close(ctx)


def _body(mail, kind: str) -> str:
    return mail.get_body((kind,)).get_content()


def test_reminder_cron_is_registered():
    assert send_survey_reminders in FUNCTIONS
    assert "send_survey_reminders" in {c.name for c in CRON_JOBS}


async def test_final_answer_email_carries_a_working_survey_link(settings):
    """R-2.10: the final communication (answer on the merits) reaches the mailbox with the
    survey link, and the link's token opens the survey."""
    settings = _settings(settings)
    person = await make_client(email="smirnova@example.ru", last_name="Смирнова")
    invitation = await service.invite(("message", "M-12"), person.id, "written_answer",
                                      channel="email", settings=settings)
    await deliveries.send(person.id, Purpose.ANSWER, "answer",
                          {"answer_text": "Дорогу отремонтируют в мае.", "message_number": "12",
                           "survey_url": invitation.link},
                          source=("message", "M-12"), idempotency_key="answer:M-12")
    with SmtpServer(MailRecorder()) as server:
        await _deliver_all(settings, server)
    [mail] = server.handler.messages
    text, html = _body(mail, "plain"), _body(mail, "html")
    assert "Дорогу отремонтируют в мае." in text
    [token] = LINK.findall(text)
    assert f'href="https://okno.example/survey/{token}"' in html
    assert token == invitation.token
    page = await service.survey_by_token(token, settings)
    assert page.questions[0]["id"] == "satisfaction"
    await service.submit_response(token, [A("satisfaction", 5)], settings=settings)


async def test_invite_and_notify_sends_one_invitation(settings):
    """R-4.9: after a reception the client is offered to rate it, by their chosen channel."""
    settings = _settings(settings)
    person = await make_client(email="orlov@example.ru", last_name="Орлов")
    first = await service.invite_and_notify(("reception", "R-1"), person.id, "reception",
                                            channel="in_person", about="приём 3 марта",
                                            settings=settings)
    again = await service.invite_and_notify(("reception", "R-1"), person.id, "reception",
                                            settings=settings)
    assert again.id == first.id and not again.created
    rows = await Delivery.filter(purpose=Purpose.SURVEY_INVITATION)
    assert len(rows) == 1 and rows[0].source_id == str(first.id)
    with SmtpServer(MailRecorder()) as server:
        await _deliver_all(settings, server)
    [mail] = server.handler.messages
    assert mail["Subject"] == "Оцените, пожалуйста, нашу работу"
    text = _body(mail, "plain")
    assert "Оцените, пожалуйста, личный приём (приём 3 марта)." in text
    assert LINK.findall(text) == [first.token]


async def test_reminder_is_sent_exactly_once(settings):
    """R-9: one reminder when there is no answer after the configured working days; the
    cron function run twice sends it once; answered and recent invitations get none."""
    # The cron function reads the real clock: allow every hour for this test.
    settings = _settings(settings).model_copy(update={"survey_reminder_from_hour": 0,
                                                      "survey_reminder_to_hour": 24})
    person = await make_client(email="kuz@example.ru", last_name="Кузнецов")
    old = datetime.now(UTC) - timedelta(days=20)  # always past 3 working days
    due = await service.invite(("message", "M-1"), person.id, "written_answer", settings=settings,
                               now=old)
    answered = await service.invite(("message", "M-2"), person.id, "written_answer",
                                    settings=settings, now=old)
    await service.submit_response(answered.token, [A("satisfaction", 3)], settings=settings)
    recent = await service.invite(("message", "M-3"), person.id, "written_answer",
                                  settings=settings)
    ctx = {"settings": settings}
    assert await send_survey_reminders(ctx) == 1
    assert await send_survey_reminders(ctx) == 0
    rows = await Delivery.filter(purpose=Purpose.SURVEY_REMINDER)
    assert [r.source_id for r in rows] == [str(due.id)]
    assert rows[0].idempotency_key == f"survey-reminder:{due.id}"
    assert (await SurveyInvitation.get(id=due.id)).reminder_sent_at is not None
    assert (await SurveyInvitation.get(id=recent.id)).reminder_sent_at is None
    assert await InteractionEvent.filter(kind="survey_reminded").count() == 1
    with SmtpServer(MailRecorder()) as server:
        await _deliver_all(settings, server)
    [mail] = server.handler.messages
    text = _body(mail, "plain")
    assert LINK.findall(text) == [due.token] and "Больше напоминаний не будет." in text
    # Much later, while the links still work: the recent one gets its own single reminder,
    # the first one nothing more.
    later = (datetime.now(UTC) + timedelta(days=20)).replace(hour=8)  # 12:00 in Ulyanovsk
    assert await reminders.send_due_reminders(settings, now=later) == 1
    assert await reminders.send_due_reminders(settings, now=later) == 0
    sources = await Delivery.filter(purpose=Purpose.SURVEY_REMINDER).values_list(
        "source_id", flat=True)
    assert sorted(sources) == sorted([str(due.id), str(recent.id)])


async def test_reminder_day_counts_working_days(settings):
    """The reminder day is N working days after the invitation (production calendar)."""
    person = await make_client()
    friday = datetime(2025, 4, 4, 9, 0, tzinfo=UTC)
    inv = await service.invite(("message", "F"), person.id, "written_answer", settings=settings,
                               now=friday)
    assert inv.record.remind_on == date(2025, 4, 9)  # Mon 7, Tue 8, Wed 9
    # The day and the hours are the government's (Ulyanovsk, UTC+4): Tuesday evening is
    # too early, Wednesday 08:59 is outside the sending hours, 09:00 is the moment.
    tuesday_evening = datetime(2025, 4, 8, 15, 0, tzinfo=UTC)
    assert await reminders.send_due_reminders(settings, now=tuesday_evening) == 0
    wednesday_early = datetime(2025, 4, 9, 4, 59, tzinfo=UTC)
    assert await reminders.send_due_reminders(settings, now=wednesday_early) == 0
    wednesday = datetime(2025, 4, 9, 5, 0, tzinfo=UTC)
    assert await reminders.send_due_reminders(settings, now=wednesday) == 1


async def test_sweep_closes_expired_invitations(settings):
    person = await make_client()
    old = datetime.now(UTC) - timedelta(days=settings.survey_token_ttl_days + 1)
    inv = await service.invite(("message", "E"), person.id, "written_answer", settings=settings,
                               now=old)
    assert await send_survey_reminders({"settings": settings}) == 0  # at any hour
    record = await SurveyInvitation.get(id=inv.id)
    assert (record.status, record.open_key, record.reminder_sent_at) == (
        InvitationStatus.EXPIRED, None, None)
