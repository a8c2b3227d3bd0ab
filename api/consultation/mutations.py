"""Consultation line mutations: the operator's call record (R-3.1, R-3.3, R-3.4), transfers
(R-3.7), referrals (R-3.10), other channels (R-5.4); supervisors' scripts and competences."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.consultation.types import (
    Call,
    CallOutcomeEnum,
    CallTopicEnum,
    CallTransfer,
    LineScript,
    ScriptKindEnum,
)
from api.directory.types import Sphere, StaffMember
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.messages.types import PlainLanguageFinding
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id
from domain.consultation import handoffs, lines, service
from domain.consultation.models import Call as CallRow
from domain.directory.models import Sphere as SphereRow
from domain.directory.models import StaffMember as StaffRow
from domain.directory.queries import SPHERE_COLUMNS, row_of

_ERRORS = "Empty on success; otherwise what to fix, per input field."


def _f(description: str, default=None):
    return strawberry.field(default=default, description=description)


@strawberry.input(description="Who is calling, as far as known: a card, or the number and the "
                  "name said. Without a card the number finds it (any spelling); a name said "
                  "makes a new card when the number finds none.")
class CallerInput:
    client_id: strawberry.ID | None = _f("The caller's Client (global ID), if the operator "
                                         "picked the card.")
    number: str | None = _f("The caller's phone number in any spelling.")
    first_name: str | None = _f("First name said, for a new card.")
    last_name: str | None = _f("Last name said, for a new card.")
    middle_name: str | None = _f("Middle name said, for a new card.")


def _caller(data: CallerInput | None) -> service.Caller | None:
    if data is None:
        return None
    return service.Caller(
        number=data.number,
        client_id=decode_optional_id(data.client_id, "Client", "caller.clientId"),
        first_name=data.first_name, last_name=data.last_name, middle_name=data.middle_name)


@strawberry.type(description="Result of a call change: the call as saved, or errors.")
class CallPayload:
    call: Call | None = strawberry.field(description="The call; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


def _payload(result, errors) -> CallPayload:
    return CallPayload(call=Call.from_model(result) if result else None, errors=errors)


@strawberry.input(description="The operator takes a call (R-3.3: only while the line is "
                  "open; LINE_CLOSED otherwise).")
class StartCallInput:
    line_id: strawberry.ID = strawberry.field(description="The ConsultationLine (global ID).")
    caller: CallerInput | None = _f("Who is calling, as far as known.")
    topics: list[CallTopicEnum] | None = _f("R-3.1: what the call is about, if known yet.")
    pbx_call_id: str | None = _f("The exchange's call id shown by the softphone: joins the "
                                 "call the exchange reported.")


@strawberry.input(description="What the operator learns during a call. Omitted fields stay.")
class UpdateCallInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    topics: list[CallTopicEnum] | None = _f("R-3.1: replaces the topics.")
    notes: str | None = _f("The operator's notes (up to 10,000 characters).")
    caller: CallerInput | None = _f("Who is calling, when the call has no card yet.")
    survey_consent: bool | None = _f("The caller agrees to a short survey after the call.")


@strawberry.input(description="The operator ends a call with its outcome (the farewell "
                  "version in use is recorded, R-3.4).")
class EndCallInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    outcome: CallOutcomeEnum = strawberry.field(description="How the call ended.")
    notes: str | None = _f("The operator's notes (replace the earlier ones).")


@strawberry.input(description="R-3.7: transfer a call to an employee competent for a sphere, "
                  "after telling the caller. At most two transfers per call.")
class TransferCallInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    to_staff_member_id: strawberry.ID = strawberry.field(description="The StaffMember "
                                                         "(global ID).")
    sphere_id: strawberry.ID = strawberry.field(description="The Sphere (global ID) the "
                                                "employee is competent for.")
    reason: str = strawberry.field(description="Why (up to 2000 characters).")
    caller_told: bool = strawberry.field(description="The caller was told about the transfer "
                                         "(required: CALLER_NOT_TOLD when false).")


@strawberry.type(description="Result of a transfer: the call and the transfer, or errors "
                 "(TRANSFER_LIMIT, CALLER_NOT_TOLD, NOT_COMPETENT, …).")
class TransferCallPayload:
    call: Call | None = strawberry.field(description="The call; null on errors.")
    transfer: CallTransfer | None = strawberry.field(description="The transfer; null on "
                                                     "errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="R-3.10: the question is outside the Government's competence: "
                  "refer the caller to an agency from the directory.")
class ReferCallInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    agency_id: strawberry.ID = strawberry.field(description="The ExternalAgency (global ID).")
    note: str | None = _f("What else the caller was told (plain Russian).")
    send_to_caller: bool = _f("Send the agency's contacts to the caller by their channel.",
                              False)


@strawberry.input(description="R-5.4: the phone cannot serve the question: record the "
                  "channels offered and the one chosen; a written channel with `body` opens "
                  "the written message, IN_PERSON with `slotId` books the reception, in this "
                  "one step.")
class MoveCallToChannelInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    channels_offered: list[ChannelEnum] = strawberry.field(description="Channels offered.")
    channel_chosen: ChannelEnum | None = _f("The channel the caller chose, among the offered.")
    subject: str | None = _f("Subject of the written message.")
    body: str | None = _f("The question as the caller put it: the written message's text or "
                          "the booking's topic.")
    slot_id: strawberry.ID | None = _f("IN_PERSON: the ReceptionSlot (global ID) to book.")
    sphere_id: strawberry.ID | None = _f("IN_PERSON: the Sphere (global ID) of the question.")


@strawberry.input(description="R-3.4: save a new version of a line's greeting or farewell.")
class SaveLineScriptInput:
    line_id: strawberry.ID = strawberry.field(description="The ConsultationLine (global ID).")
    kind: ScriptKindEnum = strawberry.field(description="Greeting or farewell.")
    text: str = strawberry.field(description="What the operator says (up to 4000 "
                                 "characters, plain Russian).")


@strawberry.type(description="Result of saving a script: the new version and the "
                 "plain-language advice on it.")
class SaveLineScriptPayload:
    script: LineScript | None = strawberry.field(description="The saved version; null on "
                                                 "errors.")
    findings: list[PlainLanguageFinding] = strawberry.field(
        description="Plain-language advice on the text (saved anyway; blocking ones refuse).")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="R-3.7: the spheres an employee may be transferred calls on "
                  "(replaces the earlier list).")
class SetStaffCompetenceInput:
    staff_member_id: strawberry.ID = strawberry.field(description="The StaffMember (global "
                                                      "ID).")
    sphere_ids: list[strawberry.ID] = strawberry.field(description="Spheres (global IDs).")


@strawberry.type(description="Result of setting an employee's spheres.")
class SetStaffCompetencePayload:
    staff_member: StaffMember | None = strawberry.field(description="The employee; null on "
                                                        "errors.")
    spheres: list[Sphere] = strawberry.field(description="The spheres now set.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


def _topics(values):
    return None if values is None else [str(v.value if hasattr(v, "value") else v)
                                        for v in values]


def _channel(value):
    return None if value is None else str(value.value if hasattr(value, "value") else value)


@strawberry.type
class ConsultationMutations:
    @strawberry.mutation(description="Take a call: the caller found by number or a new card, "
                         "the greeting version recorded. LINE_CLOSED outside working hours.")
    async def start_call(self, info: Info, input: StartCallInput) -> CallPayload | None:
        return _payload(*await attempt(lambda: service.start_call(
            actor_of(info), line_id=decode_id(input.line_id, "ConsultationLine", "lineId"),
            caller=_caller(input.caller) or service.Caller(), topics=_topics(input.topics),
            pbx_call_id=input.pbx_call_id)))

    @strawberry.mutation(description="Record topics, notes, the caller, survey consent.")
    async def update_call(self, info: Info, input: UpdateCallInput) -> CallPayload | None:
        return _payload(*await attempt(lambda: service.update_call(
            actor_of(info), decode_id(input.call_id, "Call", "callId"),
            topics=_topics(input.topics), notes=input.notes, caller=_caller(input.caller),
            survey_consent=input.survey_consent)))

    @strawberry.mutation(description="End a call with its outcome.")
    async def end_call(self, info: Info, input: EndCallInput) -> CallPayload | None:
        return _payload(*await attempt(lambda: service.end_call(
            actor_of(info), decode_id(input.call_id, "Call", "callId"),
            _channel(input.outcome), notes=input.notes)))

    @strawberry.mutation(description="R-3.7: transfer a call; the third is TRANSFER_LIMIT.")
    async def transfer_call(self, info: Info, input: TransferCallInput
                            ) -> TransferCallPayload | None:
        async def run():
            return await handoffs.transfer(
                actor_of(info), decode_id(input.call_id, "Call", "callId"),
                to_staff_id=decode_id(input.to_staff_member_id, "StaffMember",
                                      "toStaffMemberId"),
                sphere_id=decode_id(input.sphere_id, "Sphere", "sphereId"),
                reason=input.reason, caller_told=input.caller_told)

        result, errors = await attempt(run)
        if result is None:
            return TransferCallPayload(call=None, transfer=None, errors=errors)
        call = Call.from_model(await CallRow.get(id=result.call_id))
        return TransferCallPayload(call=call, transfer=CallTransfer.from_row(
            row_of(result, ("seq", "reason", "caller_told_at", "created_at", "sphere_id",
                            "from_staff_id", "to_staff_id"))), errors=errors)

    @strawberry.mutation(description="R-3.10: refer the caller to an external agency.")
    async def refer_call(self, info: Info, input: ReferCallInput) -> CallPayload | None:
        return _payload(*await attempt(lambda: handoffs.refer(
            actor_of(info), decode_id(input.call_id, "Call", "callId"),
            agency_id=decode_id(input.agency_id, "ExternalAgency", "agencyId"),
            note=input.note, send_to_caller=input.send_to_caller)))

    @strawberry.mutation(description="R-5.4: other channels offered and chosen; opens the "
                         "written message or the booking in one step.")
    async def move_call_to_channel(self, info: Info, input: MoveCallToChannelInput
                                   ) -> CallPayload | None:
        return _payload(*await attempt(lambda: handoffs.move_to_channel(
            actor_of(info), decode_id(input.call_id, "Call", "callId"),
            offered=[_channel(c) for c in input.channels_offered],
            chosen=_channel(input.channel_chosen), subject=input.subject, body=input.body,
            slot_id=decode_optional_id(input.slot_id, "ReceptionSlot", "slotId"),
            sphere_id=decode_optional_id(input.sphere_id, "Sphere", "sphereId"))))

    @strawberry.mutation(description="R-3.4: save a new version of a line's script.")
    async def save_line_script(self, info: Info, input: SaveLineScriptInput
                               ) -> SaveLineScriptPayload | None:
        result, errors = await attempt(lambda: lines.save_script(
            actor_of(info), decode_id(input.line_id, "ConsultationLine", "lineId"),
            _channel(input.kind), input.text))
        if result is None:
            return SaveLineScriptPayload(script=None, findings=[], errors=errors)
        return SaveLineScriptPayload(
            script=LineScript.from_model(result.script),
            findings=[PlainLanguageFinding.from_dict(f.as_dict()) for f in result.findings],
            errors=errors)

    @strawberry.mutation(description="R-3.7: set the spheres an employee is competent for.")
    async def set_staff_competence(self, info: Info, input: SetStaffCompetenceInput
                                   ) -> SetStaffCompetencePayload | None:
        staff_id = None

        async def run():
            nonlocal staff_id
            staff_id = decode_id(input.staff_member_id, "StaffMember", "staffMemberId")
            return await lines.set_competence(
                actor_of(info), staff_id,
                [decode_id(s, "Sphere", "sphereIds") for s in input.sphere_ids])

        result, errors = await attempt(run)
        if result is None:
            return SetStaffCompetencePayload(staff_member=None, spheres=[], errors=errors)
        staff = await StaffRow.get(id=staff_id)
        spheres = await SphereRow.filter(id__in=result).order_by("position", "name")
        return SetStaffCompetencePayload(
            staff_member=StaffMember.from_model(staff),
            spheres=[Sphere.from_row(row_of(s, SPHERE_COLUMNS)) for s in spheres],
            errors=errors)
