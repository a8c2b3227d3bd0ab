"""Write side of messages: thin resolvers over ``domain.messages.service`` and ``.handling``.
Every mutation returns its payload with ``errors``; nothing half-written on failure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.messages.types import (
    Answer,
    AnswerOutcomeEnum,
    Clarification,
    InternalCategoryEnum,
    Message,
    RequestFormEnum,
)
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id
from domain.messages import handling, queries, service, uploads
from domain.messages.intake import AttachmentData, IntakeData, ReplyChoice
from domain.messages.models import AnswerOutcome, RequestForm

MESSAGE_ID = "The message (global ID)."


def _message(value: Any) -> str:
    return decode_id(value, "Message", "messageId")


@strawberry.input(description="A file that came with the message: get a key from "
                  "issueAttachmentKey, upload the file to object storage under it, then pass "
                  "the key and metadata.")
class AttachmentInput:
    file_name: str = strawberry.field(description="Name to show; only its last path part is "
                                      "kept (up to 255 characters).")
    content_type: str = strawberry.field(description="MIME type, e.g. application/pdf.")
    size_bytes: int = strawberry.field(description="Up to 100 MB.")
    storage_key: str = strawberry.field(description="The key issueAttachmentKey gave the same "
                                        "caller; any other key is refused (INVALID).")


@strawberry.input(description="A file about to be uploaded for a message.")
class IssueAttachmentKeyInput:
    file_name: str = strawberry.field(description="The file's name, as the person chose it.")


@strawberry.type(description="Where to upload an attachment, and the name it will be shown by.")
class AttachmentKeyPayload:
    storage_key: str | None = strawberry.field(
        description="The object-storage key, valid only in this caller's receiveMessage.")
    file_name: str | None = strawberry.field(description="The name as okno will keep it.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="R-1.4: the channel the client chose for further communication, "
                  "offered at intake; an additional one is used together with a channel the "
                  "law fixes. Email, SMS, phone, post and messenger need the client's contact.")
class ReplyChoiceInput:
    preferred_channel: ChannelEnum = strawberry.field(description="The chosen channel.")
    preferred_contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client's contact for it (global ID), where the channel "
        "needs one.")
    additional_channel: ChannelEnum | None = strawberry.field(
        default=None, description="Optional extra channel, used with a channel the law fixes.")
    additional_contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client's contact for the extra channel.")


@strawberry.input(description="A message taken in from any channel. Staff: any client and "
                  "channel (POSTAL for scanned paper letters, EMAIL, WEB, MOBILE_APP, MESSENGER, "
                  "EDMS with its registration number — R-8; PHONE/IN_PERSON for internal oral "
                  "requests). Clients: only for themselves, through WEB or MOBILE_APP. "
                  "Employees' requests need a `category`.")
class ReceiveMessageInput:
    client_id: strawberry.ID = strawberry.field(
        description="The client (global ID); clients pass their own.")
    channel: ChannelEnum = strawberry.field(description="How it arrived.")
    body: str = strawberry.field(description="The text (up to 20,000 characters).")
    subject: str | None = strawberry.field(
        default=None, description="Subject line (up to 500 characters).")
    received_at: dt.datetime | None = strawberry.field(
        default=None, description="Staff only; defaults to now. Not in the future, at most a "
        "year ago.")
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The client's contact it came from (e.g. the sender's email).")
    form: RequestFormEnum = strawberry.field(
        default=RequestForm.WRITTEN, description="WRITTEN, or ORAL for an employee's oral request "
        "(PHONE/IN_PERSON).")
    category: InternalCategoryEnum | None = strawberry.field(
        default=None, description="Required for employees' requests: IT, ACCOUNTING or "
        "ADMINISTRATIVE.")
    edms_number: str | None = strawberry.field(
        default=None, description="R-8: the EDMS registration number (required for EDMS).")
    edms_link: str | None = strawberry.field(
        default=None, description="R-8: link to the EDMS document (http(s):// or edms://).")
    edms_registered_at: dt.datetime | None = strawberry.field(
        default=None, description="R-8: when the EDMS registered it (defaults to receipt).")
    attachments: list[AttachmentInput] | None = strawberry.field(
        default=None, description="Up to 20 files, already uploaded.")
    reply: ReplyChoiceInput | None = strawberry.field(
        default=None, description="R-1.4: the client's channel choice, offered at intake.")


@strawberry.type(description="Result of a message mutation: the message as it is now, or errors.")
class MessagePayload:
    message: Message | None = strawberry.field(
        description="The message after the change; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="59-FZ: register a received message.")
class RegisterMessageInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)


@strawberry.input(description="The executor takes an assigned message into work.")
class StartMessageWorkInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)


@strawberry.input(description="Send the drafted answer.")
class SendAnswerInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)


@strawberry.input(description="Route a message to a department and, optionally, an executor "
                  "(a staff member from the directory; the department defaults to theirs).")
class AssignMessageInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department (global ID); defaults to the executor's.")
    executor_subject: str | None = strawberry.field(
        default=None, description="The executor's token subject (`StaffMember.subject`).")


@strawberry.input(description="R-2.3: confirm the suggested sphere or choose another.")
class ClassifyMessageInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    sphere_id: strawberry.ID = strawberry.field(description="The sphere (global ID).")


@strawberry.input(description="R-2.4: staff's decision. Urgent needs `dueDate`: a working day, "
                  "at most 5 working days from receipt.")
class SetMessageUrgencyInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    urgent: bool = strawberry.field(description="Staff's decision.")
    urgent_due_date: dt.date | None = strawberry.field(
        default=None, description="Required when urgent: a working day, ≤ 5 working days from "
        "receipt.")
    urgency_note: str | None = strawberry.field(default=None, description="Why (for colleagues).")


@strawberry.input(description="R-2.5: confirm (close the message, send the notice) or reject "
                  "the abuse flag.")
class DecideMessageAbuseInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    confirmed: bool = strawberry.field(
        description="true: abusive (closed, notice sent); false: a false alarm.")
    note: str | None = strawberry.field(default=None, description="Why (for colleagues).")


@strawberry.input(description="R-2.7: log a contact with the client (only their own contacts, "
                  "only in working hours). With `question`, a written clarification request "
                  "is sent now.")
class LogClarificationInput:
    message_id: strawberry.ID = strawberry.field(description="The message (global ID).")
    contact_id: strawberry.ID = strawberry.field(
        description="The client's contact used (global ID).")
    note: str = strawberry.field(description="What was clarified.")
    occurred_at: dt.datetime | None = strawberry.field(
        default=None, description="When the call happened; defaults to now.")
    question: str | None = strawberry.field(
        default=None, description="Also send this written question to the client now.")


@strawberry.input(description="59-FZ: extend the answer term once, with the reason told to "
                  "the client.")
class ExtendMessageDeadlineInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    extension_reason: str = strawberry.field(description="Why (sent to the client).")


@strawberry.input(description="R-2.6: send the message on to the competent agency.")
class RedirectMessageInput:
    message_id: strawberry.ID = strawberry.field(description=MESSAGE_ID)
    agency_id: strawberry.ID = strawberry.field(
        description="The agency (ExternalAgency global ID).")
    redirect_reason: str = strawberry.field(description="Why (sent to the client).")


@strawberry.type(description="Result of logging a clarification.")
class ClarificationPayload:
    clarification: Clarification | None = strawberry.field(
        description="The logged clarification; null on errors.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="Write or rewrite the answer draft; the checkers run at once.")
class DraftAnswerInput:
    message_id: strawberry.ID = strawberry.field(description="The message (global ID).")
    text: str = strawberry.field(description="The answer text.")
    outcome: AnswerOutcomeEnum = strawberry.field(description="REFUSAL triggers the R-2.8 check.")


@strawberry.input(description="R-5.3: record the oral answer to an internal oral request. "
                  "R-5.4: when it could not be served orally, set `outcome: NOT_SERVED_ORALLY` "
                  "with the other channels offered and the employee's choice.")
class RecordOralAnswerInput:
    message_id: strawberry.ID = strawberry.field(description="The oral request (global ID).")
    text: str = strawberry.field(description="What was answered.")
    outcome: AnswerOutcomeEnum = strawberry.field(
        default=AnswerOutcome.RESOLVED, description="What the answer did.")
    offered_channels: list[ChannelEnum] | None = strawberry.field(
        default=None, description="R-5.4: the other channels offered (at least one, not the "
        "one the request came by); only with NOT_SERVED_ORALLY.")
    chosen_channel: ChannelEnum | None = strawberry.field(
        default=None, description="R-5.4: the channel the employee chose, one of "
        "`offeredChannels`; null when they did not choose.")


@strawberry.type(description="Result of an answer mutation: the answer (with findings) and the "
                 "message.")
class AnswerPayload:
    answer: Answer | None = strawberry.field(
        description="The answer with its findings; null on errors.")
    message: Message | None = strawberry.field(description="The message after the change.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


def _intake(data: ReceiveMessageInput) -> IntakeData:
    reply = None
    if data.reply is not None:
        reply = ReplyChoice(
            data.reply.preferred_channel,
            decode_optional_id(data.reply.preferred_contact_id, "ContactPoint",
                               "reply.preferredContactId"),
            data.reply.additional_channel,
            decode_optional_id(data.reply.additional_contact_id, "ContactPoint",
                               "reply.additionalContactId"))
    return IntakeData(
        client_id=decode_id(data.client_id, "Client", "clientId"), channel=data.channel,
        body=data.body, subject=data.subject, received_at=data.received_at,
        contact_id=decode_optional_id(data.contact_id, "ContactPoint", "contactId"),
        form=data.form, category=data.category, edms_number=data.edms_number,
        edms_link=data.edms_link, edms_registered_at=data.edms_registered_at, reply=reply,
        attachments=[AttachmentData(a.file_name, a.content_type, a.size_bytes, a.storage_key)
                     for a in data.attachments or []],
    )


def _payload(result: Any, errors: list[UserError]) -> MessagePayload:
    return MessagePayload(message=Message.from_model(result) if result else None, errors=errors)


async def _answer_payload(result: Any, errors: list[UserError]) -> AnswerPayload:
    if result is None:
        return AnswerPayload(answer=None, message=None, errors=errors)
    # Read fresh, not through the request's loader: the message changed just now.
    [row] = await queries.by_ids([result.message_id])
    return AnswerPayload(answer=Answer.from_model(result), message=Message.from_row(row),
                         errors=errors)


@strawberry.type
class MessageMutations:
    @strawberry.mutation(description="A storage key for one attachment, bound to the caller: "
                         "upload the file under it, then name it in receiveMessage.")
    async def issue_attachment_key(self, info: Info, input: IssueAttachmentKeyInput
                                   ) -> AttachmentKeyPayload | None:
        async def issue() -> tuple[str, str]:
            name = uploads.clean_file_name(input.file_name, "fileName")
            return uploads.issue_key(actor_of(info), info.context.settings.link_secret), name

        result, errors = await attempt(issue)
        return AttachmentKeyPayload(storage_key=result[0] if result else None,
                                    file_name=result[1] if result else None, errors=errors)

    @strawberry.mutation(description="Take in a message; it is assessed at once (sphere, "
                         "urgency, abuse) and its deadline set.")
    async def receive_message(self, info: Info, input: ReceiveMessageInput
                              ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.receive(
            actor_of(info), _intake(input), info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="59-FZ: register (number, terms) and tell the client.")
    async def register_message(self, info: Info, input: RegisterMessageInput
                               ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.register(
            actor_of(info), _message(input.message_id), info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="Route to a department and/or an executor.")
    async def assign_message(self, info: Info, input: AssignMessageInput
                             ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.assign(
            actor_of(info), _message(input.message_id),
            decode_optional_id(input.department_id, "Department", "departmentId"),
            input.executor_subject, info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="The executor takes it into work.")
    async def start_message_work(self, info: Info, input: StartMessageWorkInput
                                 ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.start_work(
            actor_of(info), _message(input.message_id), info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="R-2.3: confirm the suggested sphere or choose another.")
    async def classify_message(self, info: Info, input: ClassifyMessageInput
                               ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.classify_message(
            actor_of(info), _message(input.message_id),
            decode_id(input.sphere_id, "Sphere", "sphereId"), info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="R-2.4: decide urgency.")
    async def set_message_urgency(self, info: Info, input: SetMessageUrgencyInput
                                  ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.set_urgency(
            actor_of(info), _message(input.message_id), input.urgent, input.urgent_due_date,
            input.urgency_note, info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="R-2.5: decide on abuse.")
    async def decide_message_abuse(self, info: Info, input: DecideMessageAbuseInput
                                   ) -> MessagePayload | None:
        result, errors = await attempt(lambda: service.decide_abuse(
            actor_of(info), _message(input.message_id), input.confirmed, input.note,
            info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="R-2.7: log a clarification.")
    async def log_clarification(self, info: Info, input: LogClarificationInput
                                ) -> ClarificationPayload | None:
        result, errors = await attempt(lambda: handling.clarify(
            actor_of(info), _message(input.message_id),
            decode_id(input.contact_id, "ContactPoint", "contactId"), input.note,
            occurred_at=input.occurred_at, question=input.question,
            settings=info.context.settings))
        row = None
        if result is not None:
            row = Clarification.from_row({
                "id": result.id, "channel": result.channel, "contact_value": result.contact_value,
                "occurred_at": result.occurred_at, "note": result.note,
                "written_request": result.written_request, "actor_subject": result.actor_subject,
                "findings": result.findings})
        return ClarificationPayload(clarification=row, errors=errors)

    @strawberry.mutation(description="59-FZ: extend the answer term once (+30 days) with a notice.")
    async def extend_message_deadline(self, info: Info, input: ExtendMessageDeadlineInput
                                      ) -> MessagePayload | None:
        result, errors = await attempt(lambda: handling.extend(
            actor_of(info), _message(input.message_id), input.extension_reason,
            info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="R-2.6: redirect to a competent agency; the client is told.")
    async def redirect_message(self, info: Info, input: RedirectMessageInput
                               ) -> MessagePayload | None:
        result, errors = await attempt(lambda: handling.redirect(
            actor_of(info), _message(input.message_id),
            decode_id(input.agency_id, "ExternalAgency", "agencyId"), input.redirect_reason,
            info.context.settings))
        return _payload(result, errors)

    @strawberry.mutation(description="Save the answer draft; returns the plain-language findings.")
    async def draft_answer(self, info: Info, input: DraftAnswerInput) -> AnswerPayload | None:
        result, errors = await attempt(lambda: handling.draft_answer(
            actor_of(info), _message(input.message_id), input.text, input.outcome,
            info.context.settings))
        return await _answer_payload(result, errors)

    @strawberry.mutation(description="R-2.9/R-2.10: send the answer by the client's channels "
                         "with the survey link. Refused while a blocking finding stands (R-2.8).")
    async def send_answer(self, info: Info, input: SendAnswerInput) -> AnswerPayload | None:
        result, errors = await attempt(lambda: handling.send_answer(
            actor_of(info), _message(input.message_id), info.context.settings))
        return await _answer_payload(result, errors)

    @strawberry.mutation(description="R-5.3: record the oral answer to an internal oral request.")
    async def record_oral_answer(self, info: Info, input: RecordOralAnswerInput
                                 ) -> AnswerPayload | None:
        result, errors = await attempt(lambda: handling.answer_oral(
            actor_of(info), _message(input.message_id), input.text, input.outcome,
            info.context.settings, offered_channels=input.offered_channels,
            chosen_channel=input.chosen_channel))
        return await _answer_payload(result, errors)
