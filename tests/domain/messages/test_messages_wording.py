"""Texts a client reads, checked like the answer (R-2.2) and fitted to the client's segment
(R-2.8); oral requests that cannot be served orally (R-5.4). Real database (SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from domain.clients import service as clients
from domain.clients.models import ClientKind, ContactKind
from domain.deliveries.models import Delivery
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history.models import InteractionEvent
from domain.messages import handling, service
from domain.messages.intake import IntakeData
from domain.messages.models import AnswerOutcome, Clarification, Message, MessageStatus
from domain.messages.wording import audience_for
from domain.texts import TextAudience
from tests.domain.messages.messages_world import ADMIN, EXECUTOR, HEAD, OPERATOR, World, local

APPEAL = "Прошу выдать разрешение на строительство гаража на участке у дома 5."
REFUSAL = (
    "Мы не можем выдать разрешение на стройку, потому что участок лежит в охранной зоне "
    "газопровода. Это требование ст. 56 Земельного кодекса РФ. Выбрать другой участок "
    "можно в МФЦ."
)
BARE_LAW = "На основании ч. 3 ст. 8 Федерального закона № 59-ФЗ."


async def appeal(client_id, contact_id, body: str = APPEAL) -> Message:
    m = await service.receive(OPERATOR, IntakeData(
        client_id=client_id, channel=Channel.EMAIL, body=body, subject="Гараж",
        contact_id=contact_id))
    await service.register(OPERATOR, m.id)
    await service.assign(OPERATOR, m.id, None, "exec-1")
    return await service.start_work(EXECUTOR, m.id)


async def codes_of(events) -> list[str]:
    return [e.kind for e in events]


def codes(findings) -> list[tuple[str, str]]:
    return sorted((f["code"], f["severity"]) for f in findings or [])


# -- notices ----------------------------------------------------------------------


async def test_redirect_reason_checked_like_the_answer(world: World):
    """R-2.2: the redirect reason the client reads goes through the plain-language checker:
    a reason that is only a legal reference is refused with the answer's code
    (REFUSAL_GROUNDS) and nothing is sent; advice on a plain reason is kept on the message
    and counted in the history event."""
    m = await appeal(world.client.id, world.email.id, "Прошу пересчитать пенсию.")
    with pytest.raises(DomainError) as caught:
        await handling.redirect(OPERATOR, m.id, world.agency.id, BARE_LAW)
    assert (caught.value.code, caught.value.field) == (ErrorCode.REFUSAL_GROUNDS,
                                                       "redirectReason")
    assert (await Message.get(id=m.id)).status == MessageStatus.IN_WORK
    assert not await Delivery.exists(source_id=str(m.id), purpose="redirect_notice")

    reason = "В целях перерасчёта пенсии обращение передали в Социальный фонд: пенсии назначает он."
    m = await handling.redirect(OPERATOR, m.id, world.agency.id, reason)
    assert codes(m.notice_findings["redirect"]) == [("cliche", "advice")]
    event = await InteractionEvent.get(source_id=str(m.id), kind="message_redirected")
    assert event.details["findings"] == 1 and event.details["blocking"] == 0


async def test_extension_reason_checked_like_the_answer(world: World):
    """R-2.2: the extension reason in the notice is checked; a bare legal reference is
    refused (REFUSAL_GROUNDS), the term stays as it was; advice is kept."""
    m = await appeal(world.client.id, world.email.id)
    before = m.answer_due_date
    with pytest.raises(DomainError) as caught:
        await handling.extend(HEAD, m.id, "Согласно ч. 2 ст. 12 Федерального закона № 59-ФЗ.")
    assert (caught.value.code, caught.value.field) == (ErrorCode.REFUSAL_GROUNDS,
                                                       "extensionReason")
    m = await Message.get(id=m.id)
    assert not m.extended and m.answer_due_date == before
    m = await handling.extend(HEAD, m.id, "Нужно выехать на участок и осмотреть газопровод, "
                              "осмотр проводится в следующем месяце.")
    assert m.extended and codes(m.notice_findings["extension"]) == [("passive", "advice")]
    event = await InteractionEvent.get(source_id=str(m.id), kind="message_extended")
    assert event.details["findings"] == 1


async def test_clarification_question_checked_for_the_client(world: World):
    """R-2.2: the written clarification question is checked for the client's segment and
    its advice kept on the clarification; a call log without a question has none."""
    m = await appeal(world.client.id, world.email.id)
    await clients.set_profile_tags(ADMIN, world.client.id, ["pensioner"], [])
    row = await handling.clarify(
        EXECUTOR, m.id, world.email.id, "Отправили вопрос письмом",
        question="Пришлите, пожалуйста, номер участка из ЕГРН и схему его границ.",
        now=local(2026, 11, 2, 10, 30))  # a written question goes at once, in working hours
    assert codes(row.findings) == [("abbreviation", "advice")]  # simpler words: no ЕГРН
    assert (await Clarification.get(id=row.id)).findings == row.findings
    call = await handling.clarify(EXECUTOR, m.id, world.phone.id, "Уточнили адрес",
                                  occurred_at=local(2026, 11, 2, 10),
                                  now=local(2026, 11, 2, 11))
    assert call.findings is None


# -- the refusal for the client's segment -------------------------------------------


def test_segment_to_audience():
    """R-2.8: the reader follows the profile: simpler words for a segment or life situation
    that needs them, an organisation (or an entrepreneur) reads as a business."""
    assert audience_for(ClientKind.PERSON) == TextAudience.PERSON
    assert audience_for(ClientKind.PERSON, ["student"], ["moving"]) == TextAudience.PERSON
    assert audience_for(ClientKind.PERSON, [], ["illness"]) == TextAudience.SIMPLE_WORDS
    assert audience_for(ClientKind.PERSON, ["disabled"]) == TextAudience.SIMPLE_WORDS
    assert audience_for(ClientKind.ORGANISATION) == TextAudience.ORGANISATION
    assert audience_for(ClientKind.PERSON, ["entrepreneur"]) == TextAudience.ORGANISATION
    assert audience_for(ClientKind.PERSON, ["entrepreneur"], ["loss_of_breadwinner"]) == \
        TextAudience.SIMPLE_WORDS


async def test_refusal_fitted_to_the_clients_segment(world: World):
    """R-2.8: the same refusal drafted for three clients: a person is advised to explain the
    article; an organisation gets it as it is; a person whose life situation needs simpler
    words may not be refused with a legal reference — sending is refused (REFUSAL_GROUNDS)."""
    org = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.ORGANISATION, organisation_name="ООО «Ромашка»"))
    org_mail = await clients.add_contact(ADMIN, org.id, ContactKind.EMAIL, "office@romashka.ru")
    widow = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Анна"))
    widow_mail = await clients.add_contact(ADMIN, widow.id, ContactKind.EMAIL, "petrova@example.ru")
    await clients.set_profile_tags(ADMIN, widow.id, [], ["loss_of_breadwinner"])

    found = {}
    for name, client_id, contact_id in (("person", world.client.id, world.email.id),
                                        ("organisation", org.id, org_mail.id),
                                        ("simple", widow.id, widow_mail.id)):
        m = await appeal(client_id, contact_id)
        await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
        draft = await handling.draft_answer(EXECUTOR, m.id, REFUSAL, AnswerOutcome.REFUSAL)
        found[name] = (m, codes(draft.findings))
    assert found["person"][1] == [("legal_reference", "advice")]
    assert found["organisation"][1] == []
    assert found["simple"][1] == [("abbreviation", "advice"),
                                  ("grounds_legal_reference", "blocking")]
    for name in ("person", "organisation"):
        assert (await handling.send_answer(EXECUTOR, found[name][0].id)).sent_at is not None
    with pytest.raises(DomainError) as caught:
        await handling.send_answer(EXECUTOR, found["simple"][0].id)
    assert caught.value.code == ErrorCode.REFUSAL_GROUNDS and caught.value.field == "text"


# -- other channels offered ---------------------------------------------------------


async def oral_request(world: World) -> Message:
    return await service.receive(EXECUTOR, IntakeData(
        client_id=world.employee.id, channel=Channel.PHONE, category="accounting", form="oral",
        body="Нужна справка о доходах за три года с печатью.", received_at=local(2026, 11, 3, 11)))


async def test_oral_request_not_served_orally_records_channels(world: World):
    """R-5.4: a phone request that cannot be served by phone is closed with the other
    channels offered and the employee's choice, on the message and in their history."""
    m = await oral_request(world)
    answer = await handling.answer_oral(
        EXECUTOR, m.id, "По телефону справку не выдать: предложили прислать запрос в СЭД или "
        "на почту.", AnswerOutcome.NOT_SERVED_ORALLY,
        offered_channels=[Channel.EDMS, Channel.EMAIL, Channel.EDMS], chosen_channel=Channel.EMAIL)
    assert answer.outcome == AnswerOutcome.NOT_SERVED_ORALLY
    m = await Message.get(id=m.id)
    assert m.offered_channels == ["edms", "email"] and m.chosen_channel == Channel.EMAIL
    assert m.status == MessageStatus.ANSWERED
    event = await InteractionEvent.get(source_id=str(m.id), kind="message_answered")
    assert event.client_id == world.employee.id
    assert event.summary == ("Запрос не удалось решить устно. Предложены другие способы связи: "
                             "система электронного документооборота, электронная почта; "
                             "выбран: электронная почта.")
    assert event.details["offeredChannels"] == ["edms", "email"]
    assert event.details["chosenChannel"] == "email"


async def test_oral_request_without_a_choice_yet(world: World):
    """R-5.4: the employee may not have chosen yet: the offer is recorded, the choice null."""
    m = await oral_request(world)
    await handling.answer_oral(EXECUTOR, m.id, "Предложили личный приём или письмо.",
                               AnswerOutcome.NOT_SERVED_ORALLY,
                               offered_channels=[Channel.IN_PERSON, Channel.EMAIL])
    m = await Message.get(id=m.id)
    assert m.offered_channels == ["in_person", "email"] and m.chosen_channel is None
    event = await InteractionEvent.get(source_id=str(m.id), kind="message_answered")
    assert event.summary.endswith("способ пока не выбран.")


@pytest.mark.parametrize(("outcome", "offered", "chosen", "code", "field"), [
    (AnswerOutcome.NOT_SERVED_ORALLY, None, None, ErrorCode.REQUIRED, "offeredChannels"),
    (AnswerOutcome.NOT_SERVED_ORALLY, [], Channel.EMAIL, ErrorCode.REQUIRED, "offeredChannels"),
    (AnswerOutcome.NOT_SERVED_ORALLY, [Channel.EMAIL], Channel.POSTAL, ErrorCode.INVALID,
     "chosenChannel"),
    (AnswerOutcome.NOT_SERVED_ORALLY, [Channel.PHONE, Channel.EMAIL], None, ErrorCode.INVALID,
     "offeredChannels"),
    (AnswerOutcome.RESOLVED, [Channel.EMAIL], None, ErrorCode.INVALID, "offeredChannels"),
    (AnswerOutcome.RESOLVED, None, Channel.EMAIL, ErrorCode.INVALID, "chosenChannel"),
])
async def test_offered_channels_validated(world: World, outcome, offered, chosen, code, field):
    """R-5.4: at least one other channel is offered when the request is not served orally,
    never the one it came by; the choice is one of those offered; an answer given orally
    names no offer. Nothing is written on refusal."""
    m = await oral_request(world)
    with pytest.raises(DomainError) as caught:
        await handling.answer_oral(EXECUTOR, m.id, "Ответ", outcome, offered_channels=offered,
                                   chosen_channel=chosen)
    assert (caught.value.code, caught.value.field) == (code, field)
    m = await Message.get(id=m.id)
    assert m.status != MessageStatus.ANSWERED and m.offered_channels is None


async def test_written_answer_cannot_claim_not_served_orally(world: World):
    """R-5.4: NOT_SERVED_ORALLY belongs to oral requests only."""
    m = await appeal(world.client.id, world.email.id)
    with pytest.raises(DomainError) as caught:
        await handling.draft_answer(EXECUTOR, m.id, "Ответ", AnswerOutcome.NOT_SERVED_ORALLY)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "outcome")
