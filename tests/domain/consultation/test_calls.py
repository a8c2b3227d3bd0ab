"""Calls recorded by the operator (R-3.1, R-3.3, R-3.4) and in the caller's history."""

from __future__ import annotations

import pytest

from domain.clients.models import Client, ContactPoint
from domain.consultation import lines, service
from domain.consultation.models import Call, CallOutcome, CallStatus, CallTopic, ScriptKind
from domain.errors import DomainError, ErrorCode
from domain.history.kinds import EventKind
from domain.history.models import InteractionEvent
from tests.domain.consultation.line_world import OPERATOR, SUPERVISOR


@pytest.mark.parametrize("spelling", ["8 (927) 270-45-18", "+7 927 270 45 18", "89272704518",
                                      "7-927-270-45-18"])
async def test_caller_found_by_phone_in_any_spelling(world, line_open, spelling):
    """R-3.1: the caller's card is found by the number however it was spelled, and the
    call (with its topics) lands in their history."""
    call = await service.start_call(
        OPERATOR, line_id=world.line.id, caller=service.Caller(number=spelling),
        topics=[CallTopic.APPEAL_STATUS, CallTopic.APPEAL_STATUS, CallTopic.PROCEDURES])
    assert call.client_id == world.caller.id
    assert call.caller_number == "+79272704518"
    assert call.topics == ["appeal_status", "procedures"]
    assert call.operator_id == world.operator.id and call.status == CallStatus.ANSWERED
    events = await InteractionEvent.filter(client_id=world.caller.id, kind=EventKind.CALL)
    assert len(events) == 1 and "58-93-58" in events[0].summary


async def test_new_caller_gets_a_card_from_what_was_said(world, line_open):
    """R-3.1: an unknown number and a name said make a new card with that phone."""
    call = await service.start_call(
        OPERATOR, line_id=world.line.id,
        caller=service.Caller(number="+7 917 600-12-35", first_name="Мария"))
    client = await Client.get(id=call.client_id)
    assert client.first_name == "Мария"
    assert await ContactPoint.exists(client_id=client.id, value="+79176001235")


async def test_unknown_caller_without_name_stays_unknown_until_told(world, line_open):
    call = await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number="+7 917 600-12-35"))
    assert call.client_id is None
    call = await service.update_call(OPERATOR, call.id, caller=service.Caller(
        number="+7 917 600-12-35", last_name="Сидорова"), topics=[CallTopic.INSPECTIONS])
    assert call.client_id is not None and call.topics == ["inspections"]
    assert await InteractionEvent.exists(client_id=call.client_id, kind=EventKind.CALL)


async def test_closed_line_refuses_an_operator_record(world, line_closed):
    """R-3.3: a call record for a closed line is a clear error."""
    with pytest.raises(DomainError) as err:
        await service.start_call(OPERATOR, line_id=world.line.id,
                                 caller=service.Caller(number="89272704518"))
    assert err.value.code == ErrorCode.LINE_CLOSED and err.value.field == "lineId"
    assert await Call.all().count() == 0


async def test_bad_phone_is_a_user_error(world, line_open):
    with pytest.raises(DomainError) as err:
        await service.start_call(OPERATOR, line_id=world.line.id,
                                 caller=service.Caller(number="позвоните мне"))
    assert err.value.code == ErrorCode.INVALID_PHONE


async def test_call_records_the_script_versions_it_used(world, line_open):
    """R-3.4: greeting and farewell are versioned per line; the call keeps the versions in
    use when it started and ended."""
    call = await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number=None))
    assert call.greeting_version == 1
    saved = await lines.save_script(SUPERVISOR, world.line.id, ScriptKind.FAREWELL,
                                    "Спасибо, что позвонили. До свидания!")
    assert saved.script.version == 2
    call = await service.end_call(OPERATOR, call.id, CallOutcome.ANSWERED)
    assert (call.greeting_version, call.farewell_version) == (1, 2)
    assert call.status == CallStatus.ENDED and call.ended_at is not None


async def test_script_gets_plain_language_advice(world):
    """R-3.4: a script is checked for plain language; advice comes back with it."""
    saved = await lines.save_script(
        SUPERVISOR, world.line.id, ScriptKind.GREETING,
        "Здравствуйте, в соответствии с вышеизложенным Вами осуществляется обращение на "
        "линию консультаций Правительства Ульяновской области по вопросам, касающимся "
        "деятельности органов исполнительной власти и их подведомственных учреждений.")
    assert saved.findings
    with pytest.raises(DomainError) as err:
        await lines.save_script(OPERATOR, world.line.id, ScriptKind.GREETING, "Привет")
    assert err.value.code == ErrorCode.FORBIDDEN
