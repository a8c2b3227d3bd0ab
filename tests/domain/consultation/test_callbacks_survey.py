"""After the call (R-9): with the caller's consent, the survey invitation (purpose CALL) by
the caller's channel, once. Both databases."""

from __future__ import annotations

from domain.consultation import after_call, callbacks
from domain.consultation.callback_rules import Window
from domain.consultation.models import Call, CallStatus
from domain.deliveries.models import Delivery
from domain.enums import Channel
from domain.surveys.models import SurveyInvitation, SurveyPurpose
from tests.domain.consultation.callbacks_world import (
    CALLER_PHONE,
    OPERATOR,
    build_world,
    local,
    make_call,
)


async def test_consenting_caller_gets_one_sms_invitation(settings):
    """R-9: an ended call with consent: one invitation for the call, by SMS to the number
    (the caller's only contact); a second sweep and a direct call add nothing."""
    world = await build_world()
    await Call.filter(id=world.call.id).update(status=CallStatus.ENDED, survey_consent=True)
    assert await after_call.invite_ended_calls(settings) == 1
    assert await after_call.invite_ended_calls(settings) == 0
    assert await after_call.invite_after_call(world.call.id, settings=settings) is False
    [invitation] = await SurveyInvitation.all()
    assert invitation.purpose == SurveyPurpose.CALL
    assert (invitation.subject_type, invitation.subject_id) == ("call", str(world.call.id))
    assert invitation.channel == Channel.PHONE and invitation.executor == "Смирнова Ольга"
    assert "8 (8422) 58-93-58" in invitation.about
    [sms] = await Delivery.all()
    assert sms.channel == Channel.SMS and sms.address == CALLER_PHONE
    assert "/survey/" in sms.body_text
    assert (await Call.get(id=world.call.id)).survey_invited_at is not None


async def test_no_consent_or_not_ended_no_invitation(settings):
    """R-9: "with the caller's consent, after the call": nothing without either."""
    world = await build_world()
    await make_call(world.line, world.operator, world.caller.id, status=CallStatus.ENDED)
    await make_call(world.line, world.operator, world.caller.id, status=CallStatus.ANSWERED,
                    survey_consent=True)
    await make_call(world.line, world.operator, None, status=CallStatus.ENDED,
                    survey_consent=True)  # nobody to invite
    assert await after_call.invite_ended_calls(settings) == 0
    assert await SurveyInvitation.all().count() == 0 and await Delivery.all().count() == 0


async def test_survey_waits_for_the_callback(settings):
    """R-9 with R-3.8: while a callback is scheduled the caller has no answer yet, so no
    survey; reaching them closes the callback and invites at once."""
    world = await build_world()
    await Call.filter(id=world.call.id).update(status=CallStatus.ENDED, survey_consent=True)
    callback = await callbacks.promise(
        OPERATOR, world.call.id, CALLER_PHONE, local(2026, 12, 8, 9),
        [Window(local(2026, 12, 8, 10), local(2026, 12, 8, 11))], now=local(2026, 12, 7, 10))
    assert await after_call.invite_ended_calls(settings) == 0
    await callbacks.record_attempt(OPERATOR, callback.id, "answered",
                                   now=local(2026, 12, 8, 10, 15))
    [invitation] = await SurveyInvitation.all()
    assert invitation.subject_id == str(world.call.id)
    assert await after_call.invite_ended_calls(settings) == 0
