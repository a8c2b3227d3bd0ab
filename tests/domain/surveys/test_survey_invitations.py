"""Invitations and responses against the real database (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tortoise.exceptions import IntegrityError

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.history.models import InteractionEvent
from domain.surveys import definitions, service, tokens
from domain.surveys.models import (
    InvitationStatus,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPurpose,
    SurveyResponse,
    SurveyVersion,
)
from domain.surveys.rules import AnswerDraft as A
from domain.surveys.rules import OptionDraft as O
from domain.surveys.rules import QuestionDraft as Q

SUPERVISOR = Actor(Role.SUPERVISOR, "boss")


async def test_invite_gives_a_public_link_and_a_history_event(settings, person, departments):
    """R-2.10 / R-9: an invitation tied to any record, with dimensions and a public link."""
    inv = await service.invite(("message_answer", "A-1"), person.id, "written_answer",
                               channel="email", department_id=departments[0].id,
                               executor="ivanov", sphere="health", about="обращение № 12",
                               settings=settings)
    assert inv.created and inv.link == settings.public_survey_url.replace("{token}", inv.token)
    record = await SurveyInvitation.get(id=inv.id)
    assert (record.purpose, record.channel, record.sphere, record.executor) == (
        "written_answer", "email", "health", "ivanov")
    assert record.department_id == departments[0].id
    assert record.remind_on > record.invited_at.date()
    assert "nonce" not in inv.link and record.nonce not in inv.token  # only signed claims
    events = await InteractionEvent.filter(client_id=person.id, kind="survey_invited")
    assert len(events) == 1 and events[0].source_id == str(inv.id)
    public = await service.survey_by_token(inv.token, settings)
    assert public.context.startswith("Оцените, пожалуйста, ответ на ваше обращение "
                                     "(обращение № 12).")
    assert "Министерство здравоохранения" in public.context
    assert "Смирнова" not in public.context  # nothing personal on the public page
    assert public.questions[0]["kind"] == "rating_1_5"


async def test_one_open_invitation_per_subject(settings, person):
    """The same subject never gets two open invitations (service and DB constraint)."""
    first = await service.invite(("reception", 7), person.id, "reception", settings=settings)
    again = await service.invite(("reception", 7), person.id, "reception", settings=settings)
    assert (again.id, again.created, again.token) == (first.id, False, first.token)
    assert await SurveyInvitation.filter(subject_type="reception", subject_id="7").count() == 1
    record = await SurveyInvitation.get(id=first.id)
    with pytest.raises(IntegrityError):
        await SurveyInvitation.create(
            survey_id=record.survey_id, version_id=record.version_id, client_id=person.id,
            subject_type="reception", subject_id="7", open_key=record.open_key,
            purpose="reception", nonce="x", invited_at=record.invited_at,
            expires_at=record.expires_at)
    # Once answered, the subject is closed and may be invited again (a new communication).
    await service.submit_response(first.token, [A("satisfaction", 5)], settings=settings)
    third = await service.invite(("reception", 7), person.id, "reception", settings=settings)
    assert third.created and third.id != first.id


async def test_expired_open_invitation_is_replaced(settings, person):
    old = datetime.now(UTC) - timedelta(days=settings.survey_token_ttl_days + 1)
    first = await service.invite(("call", "c1"), person.id, "call", settings=settings, now=old)
    second = await service.invite(("call", "c1"), person.id, "call", settings=settings)
    assert second.created and second.id != first.id
    assert (await SurveyInvitation.get(id=first.id)).status == InvitationStatus.EXPIRED


async def test_bad_invite_arguments(settings, person):
    for kwargs, field in [
        ({"subject": ("Bad Type", 1)}, "subjectType"),
        ({"subject": ("x", "a" * 65)}, "subjectId"),
        ({"purpose": "nonsense"}, "purpose"),
        ({"channel": "pigeon"}, "channel"),
        ({"department_id": "00000000-0000-0000-0000-000000000000"}, "departmentId"),
        ({"client_id": "00000000-0000-0000-0000-000000000000"}, "clientId"),
        ({"client_id": "not-a-uuid"}, "clientId"),
        ({"sphere": "x\x00"}, "sphere"),
    ]:
        args = {"subject": ("x", 1), "client_id": person.id, "purpose": "call", **kwargs}
        with pytest.raises(DomainError) as caught:
            await service.invite(args.pop("subject"), args.pop("client_id"), args.pop("purpose"),
                                 settings=settings, **args)
        assert caught.value.field == field, kwargs
    assert await SurveyInvitation.all().count() == 0


async def _code(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


async def test_token_misuse(settings, person, other_person):
    """R-2.10 link safety: reuse, expiry, another record's or purpose's token, tampering."""
    mine = await service.invite(("message_answer", "m1"), person.id, "written_answer",
                                settings=settings)
    theirs = await service.invite(("message_answer", "m2"), other_person.id, "written_answer",
                                  settings=settings)
    ok = [A("satisfaction", 4)]
    secret = settings.link_secret
    mine_rec = await SurveyInvitation.get(id=mine.id)
    theirs_rec = await SurveyInvitation.get(id=theirs.id)
    # Tampered: their ID in the claims with my signature.
    their_body = service.token_for(theirs_rec, settings).split(".")[0]
    tampered = their_body + "." + mine.token.split(".")[1]
    # Forged: right claims, wrong key; or right key but a guessed nonce.
    forged = tokens.sign("attacker-secret-0123456789abcdef", "survey", str(theirs.id),
                         theirs_rec.nonce, theirs_rec.expires_at)
    guessed = tokens.sign(secret, "survey", str(theirs.id), mine_rec.nonce, theirs_rec.expires_at)
    # A genuine token of another purpose (e.g. an unsubscribe link) for the same record.
    other_purpose = tokens.sign(secret, "unsubscribe", str(theirs.id), theirs_rec.nonce,
                                theirs_rec.expires_at)
    for bad in (tampered, forged, guessed, other_purpose, "", "garbage", None, 12):
        assert await _code(service.submit_response(bad, ok, settings=settings)) == (
            ErrorCode.INVALID_TOKEN), bad
        assert await _code(service.survey_by_token(bad, settings)) == ErrorCode.INVALID_TOKEN
    # Expired: by the token's own claim, and by the record.
    late = mine_rec.expires_at + timedelta(seconds=1)
    assert await _code(service.submit_response(mine.token, ok, settings=settings, now=late)) == (
        ErrorCode.EXPIRED_TOKEN)
    # Reuse: the first answer counts, the second is refused, the page says so too.
    await service.submit_response(mine.token, ok, settings=settings)
    assert await _code(service.submit_response(mine.token, ok, settings=settings)) == (
        ErrorCode.ALREADY_ANSWERED)
    assert await _code(service.survey_by_token(mine.token, settings)) == ErrorCode.ALREADY_ANSWERED
    assert await SurveyResponse.filter(invitation_id=theirs.id).count() == 0
    assert await SurveyResponse.all().count() == 1


async def test_response_is_stored_with_its_version_and_history(settings, person):
    inv = await service.invite(("message_answer", "m1"), person.id, "written_answer",
                               settings=settings)
    response = await service.submit_response(inv.token, [
        A("satisfaction", 2), A("clarity", choice_ids=["partly"]), A("nps", 0),
        A("comment", text="Долго ждал ответа"),
    ], settings=settings)
    record = await SurveyInvitation.get(id=inv.id)
    assert record.status == InvitationStatus.RESPONDED and record.open_key is None
    assert response.version_id == record.version_id
    answers = {a.question_id: a for a in await SurveyAnswer.filter(response_id=response.id)}
    assert answers["satisfaction"].value == 2 and answers["nps"].value == 0
    assert answers["clarity"].choice_ids == ["partly"]
    assert answers["comment"].text == "Долго ждал ответа"
    event = await InteractionEvent.get(client_id=person.id, kind="survey_responded")
    assert event.summary == "Клиент ответил на опрос: оценка 2 из 5"


async def test_invalid_answers_write_nothing(settings, person):
    inv = await service.invite(("message_answer", "m1"), person.id, "written_answer",
                               settings=settings)
    with pytest.raises(ValidationFailed) as caught:
        await service.submit_response(inv.token, [A("nps", 11), A("comment", text="\x00")],
                                      settings=settings)
    assert {e.field for e in caught.value.errors} == {
        "answers.nps", "answers.comment", "answers.satisfaction"}
    assert await SurveyResponse.all().count() == 0
    assert (await SurveyInvitation.get(id=inv.id)).status == InvitationStatus.OPEN


async def test_editing_a_survey_keeps_old_answers_meaning(settings, person, other_person):
    """R-9 versioning: an edit is a new version; earlier answers keep the version they
    answered, with its wording and options."""
    survey = await definitions.create_survey(SUPERVISOR, SurveyPurpose.CALL, "Звонок", None, [
        Q(QuestionKind.RATING_1_5, "Оцените звонок", True, "rate"),
        Q(QuestionKind.SINGLE_CHOICE, "Дозвонились сразу?", False, "reach",
          [O("Да", "yes"), O("Нет", "no")]),
    ], make_default=True)
    old = await service.invite(("call", 1), person.id, "call", settings=settings)
    await service.submit_response(old.token, [A("rate", 5), A("reach", choice_ids=["no"])],
                                  settings=settings)
    pending = await service.invite(("call", 2), other_person.id, "call", settings=settings)
    v2 = await definitions.publish_version(SUPERVISOR, survey.id, "Звонок (новый)", None, [
        Q(QuestionKind.RATING_1_5, "Насколько полезен был разговор?", True, "rate"),
        Q(QuestionKind.SINGLE_CHOICE, "Сколько раз звонили?", False, "reach",
          [O("Один", "yes"), O("Несколько", "many")]),
    ])
    assert v2.number == 2
    v1 = await SurveyVersion.get(survey_id=survey.id, number=1)
    assert v1.questions[1]["options"] == [{"id": "yes", "text": "Да"}, {"id": "no", "text": "Нет"}]
    response = await SurveyResponse.get(invitation_id=old.id)
    assert response.version_id == v1.id
    # An invitation sent before the edit is answered against the version it showed.
    assert (await service.survey_by_token(pending.token, settings)).questions == v1.questions
    await service.submit_response(pending.token, [A("rate", 3), A("reach", choice_ids=["no"])],
                                  settings=settings)
    new = await service.invite(("call", 3), person.id, "call", settings=settings)
    assert (await service.survey_by_token(new.token, settings)).title == "Звонок (новый)"
    with pytest.raises(ValidationFailed):  # "no" is not an option of version 2
        await service.submit_response(new.token, [A("rate", 3), A("reach", choice_ids=["no"])],
                                      settings=settings)
    assert not await SurveyResponse.exists(invitation_id=new.id)


async def test_default_surveys_are_seeded_once(settings):
    """R-9: a default survey per purpose, from ``okno seed`` or on first use, never twice."""
    from domain.seed import seed_demo
    from domain.surveys.models import Survey

    assert "4 default surveys" in await seed_demo()
    assert await Survey.all().count() == 4
    first = await definitions.ensure_default_surveys()
    second = await definitions.ensure_default_surveys()
    assert [s.id for s in first] == [s.id for s in second]
    assert {s.purpose for s in first} == set(SurveyPurpose)


async def test_only_managers_edit_surveys(settings):
    operator = Actor(Role.OPERATOR, "op")
    with pytest.raises(DomainError) as caught:
        await definitions.create_survey(operator, SurveyPurpose.CALL, "x", None,
                                        [Q(QuestionKind.RATING_1_5, "x")])
    assert caught.value.code == ErrorCode.FORBIDDEN


async def test_employee_is_surveyed_the_same_way(settings, departments):
    """R-9: internal clients (employees) get invitations and answer like anyone else."""
    from domain.clients.models import Client, ClientKind

    employee = await Client.create(kind=ClientKind.EMPLOYEE, last_name="Орлова",
                                   department_id=departments[1].id)
    inv = await service.invite(("internal_request", "IT-5"), employee.id, "internal_request",
                               department_id=departments[0].id, executor="it-desk",
                               settings=settings)
    await service.submit_response(inv.token, [A("satisfaction", 5), A("effort", 7)],
                                  settings=settings)
    assert (await SurveyInvitation.get(id=inv.id)).status == InvitationStatus.RESPONDED
    assert await SurveyAnswer.filter(invitation_id=inv.id).count() == 2
