"""Transfers (R-3.7), referrals out of competence (R-3.10) and other channels (R-5.4)."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.consultation import handoffs, service
from domain.consultation.models import Call, CallOutcome, CallTransfer
from domain.deliveries.models import Delivery
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.messages.models import Message
from domain.reception.models import Booking
from tests.domain.consultation.line_world import OPERATOR
from tests.domain.reception.reception_world import build_world as build_reception
from tests.domain.reception.reception_world import make_slot


async def _call(world) -> Call:
    return await service.start_call(OPERATOR, line_id=world.line.id,
                                    caller=service.Caller(number="89272704518"))


async def _transfer(world, call, to=None, told=True, sphere=None):
    return await handoffs.transfer(
        OPERATOR, call.id, to_staff_id=(to or world.expert).id,
        sphere_id=(sphere or world.sphere).id, reason="Вопрос о капремонте", caller_told=told)


async def _code(coro) -> ErrorCode:
    with pytest.raises(DomainError) as err:
        await coro
    return err.value.code


async def test_two_transfers_then_the_third_is_refused(world, line_open):
    """R-3.7: at most two transfers; each keeps from, to, sphere and reason; the third is
    TRANSFER_LIMIT and writes nothing."""
    call = await _call(world)
    first = await _transfer(world, call)
    second = await _transfer(world, call)
    assert (first.seq, second.seq) == (1, 2)
    assert first.from_staff_id == world.operator.id and first.to_staff_id == world.expert.id
    assert first.sphere_id == world.sphere.id and first.reason == "Вопрос о капремонте"
    assert first.caller_told_at is not None
    assert await _code(_transfer(world, call)) == ErrorCode.TRANSFER_LIMIT
    assert await CallTransfer.filter(call_id=call.id).count() == 2
    saved = await Call.get(id=call.id)
    assert saved.transfer_count == 2 and saved.outcome == CallOutcome.TRANSFERRED


async def test_caller_must_be_told_first(world, line_open):
    """R-3.7: the caller is told before the transfer; otherwise CALLER_NOT_TOLD."""
    call = await _call(world)
    assert await _code(_transfer(world, call, told=False)) == ErrorCode.CALLER_NOT_TOLD
    assert not await CallTransfer.exists(call_id=call.id)


async def test_transfer_only_to_someone_competent_for_the_sphere(world, line_open):
    """R-3.7: to an employee competent for the sphere; anyone else is NOT_COMPETENT."""
    call = await _call(world)
    assert await _code(_transfer(world, call, to=world.outsider)) == ErrorCode.NOT_COMPETENT
    assert not await CallTransfer.exists(call_id=call.id)


async def test_referral_recorded_and_sent_when_wanted(world, line_open):
    """R-3.10: a question outside the Government's competence: the agency from the directory
    is recorded and, when the caller wants it, its contacts go by their channel."""
    call = await _call(world)
    call = await handoffs.refer(OPERATOR, call.id, agency_id=world.agency.id,
                                note="Часы приёма: пн–пт", send_to_caller=True)
    assert call.outcome == CallOutcome.OUT_OF_COMPETENCE
    assert call.referral_agency_id == world.agency.id and call.referral_sent_at is not None
    sent = await Delivery.filter(client_id=world.caller.id, source_type="call")
    assert len(sent) == 1 and "Роспотребнадзор" in sent[0].body_text
    assert "+7 8422 44-29-51" in sent[0].body_text
    # Again: the same referral is not sent twice.
    await handoffs.refer(OPERATOR, call.id, agency_id=world.agency.id, note=None,
                         send_to_caller=True)
    assert await Delivery.filter(client_id=world.caller.id, source_type="call").count() == 1


async def test_referral_without_sending(world, line_open):
    call = await _call(world)
    call = await handoffs.refer(OPERATOR, call.id, agency_id=world.agency.id, note=None,
                                send_to_caller=False)
    assert call.referral_sent_at is None
    assert not await Delivery.exists(client_id=world.caller.id)


async def test_written_channel_opens_the_message_in_one_step(world, line_open):
    """R-5.4: the channels offered and the one chosen are recorded, and the written message
    is opened from the call in the chosen channel."""
    call = await _call(world)
    call = await handoffs.move_to_channel(
        OPERATOR, call.id, offered=[Channel.EMAIL, Channel.POSTAL, Channel.IN_PERSON],
        chosen=Channel.POSTAL, subject="Перерасчёт за отопление",
        body="Прошу пересчитать плату за отопление за ноябрь.")
    assert call.channels_offered == ["email", "postal", "in_person"]
    assert call.channel_chosen == Channel.POSTAL
    assert call.outcome == CallOutcome.WRITTEN_CHANNEL
    message = await Message.get(id=call.message_id)
    assert message.client_id == world.caller.id and message.channel == Channel.POSTAL
    assert message.body.startswith("Прошу пересчитать")


async def test_reception_booked_from_the_call(world, line_open):
    """R-5.4 (and R-4.2): in person chosen: the booking is made from the call in one step."""
    reception = await build_reception(clients=0)
    slot = await make_slot(reception, starts_in=dt.timedelta(days=5))
    call = await _call(world)
    call = await handoffs.move_to_channel(
        OPERATOR, call.id, offered=[Channel.IN_PERSON, Channel.WEB], chosen=Channel.IN_PERSON,
        body="Вопрос о капремонте дома", slot_id=slot.id)
    assert call.outcome == CallOutcome.RECEPTION_BOOKED
    booking = await Booking.get(id=call.booking_id)
    assert booking.client_id == world.caller.id and booking.slot_id == slot.id


async def test_chosen_channel_must_be_offered_and_failures_leave_nothing(world, line_open):
    call = await _call(world)
    code = await _code(handoffs.move_to_channel(OPERATOR, call.id, offered=[Channel.EMAIL],
                                                chosen=Channel.POSTAL, body="Текст"))
    assert code == ErrorCode.INVALID
    reception = await build_reception(clients=0)
    slot = await make_slot(reception, starts_in=dt.timedelta(minutes=-30))  # already past
    code = await _code(handoffs.move_to_channel(
        OPERATOR, call.id, offered=[Channel.IN_PERSON], chosen=Channel.IN_PERSON,
        body="Вопрос", slot_id=slot.id))
    assert code == ErrorCode.SLOT_UNAVAILABLE
    saved = await Call.get(id=call.id)
    assert saved.channels_offered == [] and saved.booking_id is None
