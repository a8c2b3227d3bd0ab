"""Message use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.calendar.work_calendar import WorkCalendar
from domain.clients.models import ChannelPreference
from domain.deliveries.models import Delivery, RouteReason
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.history.models import InteractionEvent
from domain.messages import handling, queries, rules, service, uploads
from domain.messages.intake import AttachmentData, IntakeData, ReplyChoice
from domain.messages.models import (
    AbuseStatus,
    Answer,
    AnswerOutcome,
    Attachment,
    DeadlineKind,
    Message,
    MessageStatus,
)
from domain.settings import get_settings
from domain.surveys.models import SurveyInvitation
from tests.domain.messages.messages_world import (
    ADMIN,
    EXECUTOR,
    HEAD,
    OPERATOR,
    OTHER_EXECUTOR,
    World,
    local,
)

HEATING = "Здравствуйте! В нашем доме третий день нет отопления. Управляющая компания не отвечает."
PLAIN_ANSWER = ("Мы проверили ваш дом. Управляющая компания включит отопление завтра до 12:00. "
                "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")


async def receive(world: World, body: str = HEATING, **extra) -> Message:
    data = IntakeData(client_id=world.client.id, channel=extra.pop("channel", Channel.EMAIL),
                      body=body, subject=extra.pop("subject", "Нет отопления"),
                      contact_id=extra.pop("contact_id", world.email.id), **extra)
    return await service.receive(OPERATOR, data)


async def in_work(world: World, body: str = HEATING, **extra) -> Message:
    m = await receive(world, body, **extra)
    await service.register(OPERATOR, m.id)
    await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    return await service.start_work(EXECUTOR, m.id)


async def kinds(m: Message) -> list[str]:
    return [e.kind for e in await InteractionEvent.filter(source_id=str(m.id)).order_by("id")]


async def test_intake_assesses_and_records_the_choice(world: World, settings):
    """R-1.4, R-2.3, R-2.4: an email appeal is taken in with the client's channel choice
    recorded, a sphere suggested and urgency assessed with reasons; the registration term
    (3 days of receipt) is the active deadline."""
    m = await receive(world, reply=ReplyChoice(Channel.EMAIL, world.email.id,
                                               Channel.SMS, world.phone.id),
                      attachments=[AttachmentData(
                          "акт.pdf", "application/pdf", 1024,
                          uploads.issue_key(OPERATOR, get_settings().link_secret))])
    assert m.status == MessageStatus.RECEIVED
    assert (m.reply_channel, m.reply_additional_channel) == (Channel.EMAIL, Channel.SMS)
    pref = await ChannelPreference.get(client_id=world.client.id)
    assert pref.chosen_via == Channel.EMAIL and pref.additional_channel == Channel.SMS
    assert m.suggested_sphere_id == (await world.sphere("housing")).id
    assert m.urgency_suggested and m.urgency_reasons[0]["code"] == "utilities_outage"
    cal = WorkCalendar.default(settings)
    received_on = rules.local_date(m.received_at, cal)
    assert m.due_kind == DeadlineKind.REGISTRATION
    assert m.registration_due_date == cal.legal_due_date(received_on, 3)
    assert await Attachment.filter(message_id=m.id).count() == 1
    assert await kinds(m) == ["message_received"]


async def test_full_answer_flow(world: World, settings):
    """R-2.3, R-2.9, R-2.10, R-1.5: registration (number, term, notice), assignment, sphere
    confirmed, answer checked and sent by email with the survey link; every step in history."""
    m = await receive(world)
    m = await service.register(OPERATOR, m.id)
    assert m.registration_number.startswith("ОГ-")
    cal = WorkCalendar.default(settings)
    today = rules.local_date(dt.datetime.now(dt.UTC), cal)
    assert m.answer_due_date == cal.legal_due_date(today, 30)
    # 59-FZ: registered, the redirect term (7 days) and the answer term (30 days) both run.
    assert [t["kind"] for t in m.terms] == ["redirect", "answer"]
    assert m.due_kind == DeadlineKind.REDIRECT and m.due_date == m.redirect_due_date
    notice = await Delivery.get(source_id=str(m.id), purpose="receipt_notice")
    assert m.registration_number in notice.body_text
    await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    await service.start_work(EXECUTOR, m.id)
    with pytest.raises(DomainError) as caught:
        await handling.send_answer(EXECUTOR, m.id)
    assert caught.value.code == ErrorCode.REQUIRED  # no draft yet
    draft = await handling.draft_answer(EXECUTOR, m.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED)
    assert draft.findings == []
    with pytest.raises(DomainError) as caught:
        await handling.send_answer(EXECUTOR, m.id)
    assert caught.value.code == ErrorCode.SPHERE_REQUIRED  # before the answer
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    answer = await handling.send_answer(EXECUTOR, m.id)
    assert answer.sent_at is not None
    m = await Message.get(id=m.id)
    assert m.status == MessageStatus.ANSWERED and m.due_at is None and m.next_alert_at is None
    [delivery] = await Delivery.filter(source_id=str(m.id), purpose="answer")
    assert delivery.channel == Channel.EMAIL and delivery.route == RouteReason.LEGAL
    invitation = await SurveyInvitation.get(id=answer.survey_invitation_id)
    assert invitation.sphere == "housing"
    assert "/survey/" in delivery.body_text and "Петров Пётр Петрович" in delivery.body_text
    assert await kinds(m) == [
        "message_received", "message_registered", "message_assigned", "message_status",
        "message_status", "message_classified", "message_answered",
    ]
    timeline = [e.kind for e in await InteractionEvent.filter(
        client_id=world.client.id, source_type__in=["delivery", "survey_invitation"]
    ).order_by("id")]
    assert timeline == ["delivery", "survey_invited", "delivery"]


@pytest.mark.parametrize(("days_overdue", "late"), [(0, False), (3, True)])
async def test_answer_records_whether_it_was_late(world: World, days_overdue: int, late: bool):
    """R-2.5, R-1.5: the history of an answer says whether the answer term had passed when it
    was sent (judged before closing clears the terms)."""
    m = await in_work(world)
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    if days_overdue:
        past = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days_overdue)
        await Message.filter(id=m.id).update(answer_due_date=past)
    await handling.draft_answer(EXECUTOR, m.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED)
    await handling.send_answer(EXECUTOR, m.id)
    event = await InteractionEvent.get(source_id=str(m.id), kind="message_answered")
    assert event.details["late"] is late


async def test_answer_duplicated_to_the_additional_channel(world: World):
    """R-2.9: an email appeal is answered by email (the law's channel) and duplicated to the
    additional channel the client named."""
    m = await in_work(world, reply=ReplyChoice(Channel.EMAIL, world.email.id,
                                               Channel.SMS, world.phone.id))
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    await handling.draft_answer(EXECUTOR, m.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED)
    await handling.send_answer(EXECUTOR, m.id)
    routes = {(d.channel, d.route) for d in await Delivery.filter(source_id=str(m.id),
                                                                  purpose="answer")}
    assert routes == {(Channel.EMAIL, RouteReason.LEGAL), (Channel.SMS, RouteReason.ADDITIONAL)}


async def test_illegal_transitions_are_refused(world: World):
    """Illegal transitions are user errors and change nothing."""
    m = await receive(world)
    for call in (lambda: service.assign(OPERATOR, m.id, world.department.id),
                 lambda: service.start_work(HEAD, m.id),
                 lambda: handling.redirect(OPERATOR, m.id, world.agency.id, "Вопрос о пенсии")):
        with pytest.raises(DomainError) as caught:
            await call()
        assert caught.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert (await Message.get(id=m.id)).status == MessageStatus.RECEIVED


async def test_urgent_deadline_set_by_staff_within_five_working_days(world: World, settings):
    """R-2.4: staff decide urgency; the deadline is theirs, but at most 5 working days from
    receipt, and it becomes the active deadline."""
    m = await in_work(world)
    cal = WorkCalendar.default(settings)
    received_on = rules.local_date(m.received_at, cal)
    limit = cal.add_working_days(received_on, 5)
    with pytest.raises(DomainError) as caught:
        await service.set_urgency(EXECUTOR, m.id, True, limit + dt.timedelta(days=1))
    assert caught.value.code == ErrorCode.DEADLINE_TOO_LATE
    with pytest.raises(DomainError) as caught:
        await service.set_urgency(EXECUTOR, m.id, True, None)
    assert caught.value.code == ErrorCode.REQUIRED
    m = await service.set_urgency(EXECUTOR, m.id, True, limit, "Дом без тепла")
    assert m.urgent and m.due_kind == DeadlineKind.URGENT and m.due_date == limit
    m = await service.set_urgency(EXECUTOR, m.id, False)
    assert m.due_kind == DeadlineKind.ANSWER
    m = await service.set_urgency(EXECUTOR, m.id, True, limit)
    assert m.due_kind == DeadlineKind.URGENT
    with pytest.raises(DomainError) as caught:  # extension is for ordinary appeals only
        await handling.extend(HEAD, m.id, "Нужна проверка на месте")
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "messageId")


async def test_repeated_appeals_raise_urgency(world: World):
    """R-2.4: the client's history (earlier appeals on the same subject) counts."""
    text = "Прошу провести капитальный ремонт крыши, квартплата выросла."
    first = await receive(world, text, subject="Капремонт")
    assert not first.urgency_suggested
    await receive(world, text, subject="Капремонт")
    third = await receive(world, text, subject="Капремонт")
    assert third.urgency_suggested
    assert [r["code"] for r in third.urgency_reasons] == ["repeated"]


async def test_abuse_flagged_then_confirmed_with_notice(world: World, settings):
    """R-2.5: abuse is flagged for staff; an answer on the merits is blocked until decided;
    confirmed abuse closes the message and the notice goes out, due within 7 working days
    of receipt."""
    m = await in_work(world, "Вы там все м*даки, когда включите отопление?!")
    assert m.abuse_status == AbuseStatus.SUSPECTED
    assert m.due_kind == DeadlineKind.ABUSE_NOTICE
    cal = WorkCalendar.default(settings)
    assert m.abuse_notice_due_date == cal.add_working_days(
        rules.local_date(m.received_at, cal), 7)
    assert m.abuse_flags[0]["fragment"] == "м*даки"
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    await handling.draft_answer(EXECUTOR, m.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED)
    with pytest.raises(DomainError) as caught:
        await handling.send_answer(EXECUTOR, m.id)
    assert caught.value.code == ErrorCode.ABUSE_UNRESOLVED
    m = await service.decide_abuse(HEAD, m.id, True, "Нецензурная брань")
    assert m.status == MessageStatus.CLOSED_ABUSIVE and m.abuse_notice_sent_at is not None
    notice = await Delivery.get(source_id=str(m.id), purpose="abuse_notice")
    assert "недопустимо" in notice.body_text
    assert not await Delivery.exists(source_id=str(m.id), purpose="answer")


async def test_abuse_rejected_returns_to_normal_terms(world: World):
    """R-2.5: a false alarm, rejected by staff, goes back to the ordinary deadline."""
    m = await in_work(world, "Пишу про бляшки на трубах отопления: их никто не чистит.")
    assert m.abuse_status == AbuseStatus.NONE  # «бляшки» is an ordinary word
    m = await in_work(world, "Когда, блин, уже дадут тепло? Третий день хуже и хуже, бл* холод!")
    assert m.abuse_status == AbuseStatus.SUSPECTED
    m = await service.decide_abuse(HEAD, m.id, False, "Эмоции, без оскорблений")
    assert m.abuse_status == AbuseStatus.REJECTED and m.due_kind == DeadlineKind.ANSWER


async def test_abuse_confirmed_before_registration_registers_first(world: World):
    """R-2.5: a message closed as abusive straight from intake still gets a number."""
    m = await receive(world, "Я вас всех убью, если не дадите тепло")
    assert m.abuse_status == AbuseStatus.SUSPECTED
    assert m.abuse_flags[0]["kind"] == "threat"
    m = await service.decide_abuse(OPERATOR, m.id, True)
    assert m.registration_number and m.status == MessageStatus.CLOSED_ABUSIVE
    # no ordinary registration notice for it: only the abuse notice
    assert [d.purpose for d in await Delivery.filter(source_id=str(m.id))] == ["abuse_notice"]


async def test_redirect_with_notice_by_chosen_channels(world: World):
    """R-2.6: redirected to a competent agency from the directory; the notice goes by the
    law's channel (email for an email appeal) and is duplicated to the additional one."""
    m = await receive(world, "Прошу пересчитать пенсию по старости.", subject="Пенсия",
                      reply=ReplyChoice(Channel.EMAIL, world.email.id, Channel.SMS,
                                        world.phone.id))
    await service.register(OPERATOR, m.id)
    m = await handling.redirect(OPERATOR, m.id, world.agency.id,
                                "Пенсии назначает и пересчитывает Социальный фонд.")
    assert m.status == MessageStatus.REDIRECTED and m.redirected_to_id == world.agency.id
    notices = await Delivery.filter(source_id=str(m.id), purpose="redirect_notice")
    assert {(d.channel, d.route) for d in notices} == {
        (Channel.EMAIL, RouteReason.LEGAL), (Channel.SMS, RouteReason.ADDITIONAL)}
    email = next(d for d in notices if d.channel == Channel.EMAIL)
    assert world.agency.name in email.body_text and "+78002008000" in email.body_text
    assert "message_redirected" in await kinds(m)


async def test_clarification_logged_only_in_working_hours(world: World, settings):
    """R-2.7: the executor logs the contact used and the time; only the client's own
    contacts, only inside the Government's working hours. (Calls are logged within 30 days,
    so the days are found relative to today: a working day and a day off of the last weeks.)"""
    m = await in_work(world)
    cal = WorkCalendar.default(settings)
    today = rules.local_date(dt.datetime.now(dt.UTC), cal)
    recent = [today - dt.timedelta(days=n) for n in range(2, 21)]
    workday = next(d for d in recent if cal.is_working_day(d))
    day_off = next(d for d in recent if not cal.is_working_day(d))
    inside = local(workday.year, workday.month, workday.day, 10, 15)  # a working morning
    row = await handling.clarify(EXECUTOR, m.id, world.phone.id, "Уточнил номер квартиры",
                                 occurred_at=inside)
    assert row.channel == Channel.PHONE and row.contact_value == world.phone.value
    assert row.occurred_at == inside
    ymd = (workday.year, workday.month, workday.day)
    for outside in (local(*ymd, 13, 15), local(*ymd, 21),  # lunch, evening
                    local(day_off.year, day_off.month, day_off.day, 11)):
        with pytest.raises(DomainError) as caught:
            await handling.clarify(EXECUTOR, m.id, world.phone.id, "Звонок", occurred_at=outside)
        assert caught.value.code == ErrorCode.OUTSIDE_WORKING_HOURS
    other = await service.receive(OPERATOR, IntakeData(
        client_id=world.employee.id, channel=Channel.WEB, body="Не работает принтер",
        category="it"))
    del other
    with pytest.raises(DomainError) as caught:  # someone else's contact
        from domain.clients.models import ContactPoint

        stranger = await ContactPoint.create(client_id=world.employee.id, kind="email",
                                             value="x@example.ru")
        await handling.clarify(EXECUTOR, m.id, stranger.id, "Звонок", occurred_at=inside)
    assert caught.value.code == ErrorCode.NOT_FOUND


async def test_extension_once_with_notice(world: World, settings):
    """59-FZ: the answer term is extended once by 30 days, with a notice to the client."""
    m = await in_work(world)
    before = m.answer_due_date
    with pytest.raises(DomainError) as caught:
        await handling.extend(EXECUTOR, m.id, "Нужна проверка")
    assert caught.value.code == ErrorCode.FORBIDDEN  # the head decides
    m = await handling.extend(HEAD, m.id, "Нужна выездная проверка дома")
    cal = WorkCalendar.default(settings)
    assert m.answer_due_date == cal.legal_due_date(before, 30) and m.extended
    assert await Delivery.exists(source_id=str(m.id), purpose="extension_notice")
    with pytest.raises(DomainError) as caught:
        await handling.extend(HEAD, m.id, "Ещё раз")
    assert caught.value.code == ErrorCode.ALREADY_EXTENDED


async def test_refusal_grounded_only_in_law_is_blocked(world: World):
    """R-2.8: a refusal citing only a legal act is blocked with an explanation; the same
    refusal explained plainly goes out."""
    m = await in_work(world, "Прошу выделить субсидию на оплату ЖКХ.")
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    draft = await handling.draft_answer(
        EXECUTOR, m.id, "Вам отказано на основании п. 3 ст. 11 Федерального закона № 59-ФЗ.",
        AnswerOutcome.REFUSAL)
    assert any(f["code"] == "refusal_legal_only" for f in draft.findings)
    with pytest.raises(DomainError) as caught:
        await handling.send_answer(EXECUTOR, m.id)
    assert caught.value.code == ErrorCode.REFUSAL_GROUNDS
    assert "своими словами" in caught.value.message
    await handling.draft_answer(
        EXECUTOR, m.id, "Мы не можем назначить субсидию, потому что расходы на ЖКХ у вашей "
        "семьи меньше 22% дохода. Если доход уменьшится, подайте заявление снова.",
        AnswerOutcome.REFUSAL)
    answer = await handling.send_answer(EXECUTOR, m.id)
    assert answer.sent_at is not None


async def test_edms_import_is_registered_with_its_number(world: World):
    """R-8: an EDMS document arrives registered; its number is kept; no double import."""
    data = IntakeData(client_id=world.client.id, channel=Channel.EDMS, body=HEATING,
                      edms_number="73-ОГ/1234", edms_link="https://edms.ulgov.ru/doc/1234")
    m = await service.receive(OPERATOR, data)
    assert m.status == MessageStatus.REGISTERED and m.registration_number == "73-ОГ/1234"
    assert m.due_kind == DeadlineKind.REDIRECT and m.edms_link.endswith("/1234")
    assert [t["kind"] for t in m.terms] == ["redirect", "answer"]
    with pytest.raises(DomainError) as caught:
        await service.receive(OPERATOR, data)
    assert caught.value.code == ErrorCode.DUPLICATE
    with pytest.raises(ValidationFailed):
        await service.receive(OPERATOR, IntakeData(client_id=world.client.id,
                                                   channel=Channel.EDMS, body=HEATING))


async def test_internal_requests_terms_and_oral_answer(world: World, settings):
    """R-5.5: an internal written request is numbered at once and due by its category's
    term; R-5.3: an oral request is due by the end of the working day and answered orally."""
    written = await service.receive(OPERATOR, IntakeData(
        client_id=world.employee.id, channel=Channel.WEB, body="Не работает принтер в 305",
        category="it", received_at=local(2026, 11, 2, 10)))
    assert written.status == MessageStatus.REGISTERED
    assert written.registration_number.startswith("ВН-2026-")
    assert written.due_kind == DeadlineKind.INTERNAL_WRITTEN
    assert written.due_date == dt.date(2026, 11, 5)  # 2 working days; 4 November is off
    oral = await service.receive(EXECUTOR, IntakeData(
        client_id=world.employee.id, channel=Channel.PHONE, body="Как оформить командировку?",
        category="accounting", form="oral", received_at=local(2026, 11, 3, 11)))
    assert oral.due_kind == DeadlineKind.INTERNAL_ORAL
    assert oral.due_at == local(2026, 11, 3, 17)
    answer = await handling.answer_oral(EXECUTOR, oral.id, "Объяснил порядок по телефону.")
    assert answer.method == "oral"
    oral = await Message.get(id=oral.id)
    assert oral.status == MessageStatus.ANSWERED and oral.due_at is None
    with pytest.raises(DomainError) as caught:  # internal requests need a category
        await service.receive(OPERATOR, IntakeData(client_id=world.employee.id,
                                                   channel=Channel.WEB, body="Вопрос"))
    assert caught.value.code == ErrorCode.REQUIRED
    with pytest.raises(DomainError) as caught:  # citizens do not make oral internal requests
        await service.receive(OPERATOR, IntakeData(client_id=world.client.id,
                                                   channel=Channel.PHONE, body="Вопрос",
                                                   form="oral"))
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "form")


async def test_visibility_by_role_and_department(world: World):
    """Self-service: a client sees only their own messages; executors their department's."""
    from domain.clients import service as clients
    from domain.clients.models import ClientKind

    mine = await in_work(world)
    stranger = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Мария"))
    theirs = await service.receive(OPERATOR, IntakeData(
        client_id=stranger.id, channel=Channel.POSTAL, body="Прошу отремонтировать дорогу."))
    rows, _ = await queries.page(world.citizen(), queries.MessageFilter(), 20, None)
    assert [r["id"] for r in rows] == [mine.id]
    rows, _ = await queries.page(OPERATOR, queries.MessageFilter(), 20, None)
    assert {r["id"] for r in rows} == {mine.id, theirs.id}
    rows, _ = await queries.page(OTHER_EXECUTOR, queries.MessageFilter(), 20, None)
    assert rows == []
    rows, _ = await queries.page(EXECUTOR, queries.MessageFilter(), 20, None)
    assert [r["id"] for r in rows] == [mine.id]
    with pytest.raises(DomainError) as caught:
        await handling.draft_answer(OTHER_EXECUTOR, mine.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED)
    assert caught.value.code == ErrorCode.NOT_FOUND
    citizen_msg = await service.receive(world.citizen(), IntakeData(
        client_id=world.client.id, channel=Channel.WEB, body="Спасибо за помощь с отоплением!"))
    assert citizen_msg.created_by == str(world.client.id)
    with pytest.raises(DomainError) as caught:  # not for someone else
        await service.receive(world.citizen(), IntakeData(
            client_id=stranger.id, channel=Channel.WEB, body="Вопрос"))
    assert (caught.value.code, caught.value.field) == (ErrorCode.NOT_FOUND, "clientId")


@pytest.mark.parametrize(("body", "code"), [
    ("bad\x00text", ErrorCode.FORBIDDEN_CHARACTERS), ("x" * 10_000_000, ErrorCode.TOO_LONG),
    ("   ", ErrorCode.REQUIRED),
])
async def test_bad_input_is_refused_without_writing(world: World, body, code):
    with pytest.raises(ValidationFailed) as caught:
        await receive(world, body)
    assert caught.value.code == code
    assert await Message.all().count() == 0


async def test_unknown_ids_are_not_found(world: World):
    for bad in ("nope", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(DomainError) as caught:
            await service.register(OPERATOR, bad)
        assert caught.value.code == ErrorCode.NOT_FOUND
    m = await in_work(world)
    with pytest.raises(DomainError) as caught:
        await handling.redirect(OPERATOR, m.id, "00000000-0000-0000-0000-000000000000", "x")
    assert caught.value.code == ErrorCode.NOT_FOUND
    assert (await Message.get(id=m.id)).status == MessageStatus.IN_WORK
    assert not await Answer.exists(message_id=m.id)
