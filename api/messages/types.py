"""GraphQL types of written messages and internal requests, built from plain rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients.dataloaders import ClientByIdLoader, DepartmentByIdLoader
from api.clients.types import Client, Department
from api.directory.dataloaders import AgencyByIdLoader, StaffBySubjectLoader
from api.directory.types import ExternalAgency, Sphere, StaffMember, load_sphere
from api.enums import ChannelEnum
from api.messages.dataloaders import (
    AlertsByMessageLoader,
    AnswerByMessageLoader,
    AttachmentsByMessageLoader,
    ClarificationsByMessageLoader,
    MessageByIdLoader,
)
from api.permissions import actor_of
from api.relay import Connection
from domain.messages import access
from domain.messages.models import (
    AbuseStatus,
    AlertKind,
    AnswerMethod,
    AnswerOutcome,
    Audience,
    DeadlineKind,
    InternalCategory,
    MessageStatus,
    RequestForm,
)
from domain.texts import AbuseKind, FindingCode, Severity

MessageStatusEnum = strawberry.enum(MessageStatus, description="Where a message is in its "
                                    "lifecycle: RECEIVED → REGISTERED → ASSIGNED → IN_WORK → "
                                    "ANSWERED | REDIRECTED | CLOSED_ABUSIVE.")
AudienceEnum = strawberry.enum(Audience, name="MessageAudience",
                               description="EXTERNAL: citizens and organisations (59-FZ "
                               "appeals); INTERNAL: the Government's employees (R-5.x).")
RequestFormEnum = strawberry.enum(RequestForm, description="Written, or oral (internal "
                                  "requests only, R-5.3).")
InternalCategoryEnum = strawberry.enum(InternalCategory, description="Kind of an internal "
                                       "request; each has its own term (R-5.5).")
AbuseStatusEnum = strawberry.enum(AbuseStatus, description="R-2.5: NONE, SUSPECTED (the "
                                  "detector flagged it; staff must decide), CONFIRMED, REJECTED.")
DeadlineKindEnum = strawberry.enum(DeadlineKind, description="Which rule the active deadline "
                                   "comes from.")
AnswerOutcomeEnum = strawberry.enum(AnswerOutcome, description="What the answer does for the "
                                    "client; REFUSAL must explain its grounds plainly (R-2.8).")
AnswerMethodEnum = strawberry.enum(AnswerMethod, description="Written (sent through the "
                                   "client's channels) or oral (internal oral requests).")
AlertKindEnum = strawberry.enum(AlertKind, name="DeadlineAlertKind",
                                description="WARNING: one working day before, to the executor; "
                                "OVERDUE: past the deadline, to the department's head.")
AbuseKindEnum = strawberry.enum(AbuseKind, description="Obscene language, an insult, or a "
                                "threat to life and health.")
FindingCodeEnum = strawberry.enum(FindingCode, name="PlainLanguageFindingCode",
                                  description="What the plain-language checker found.")
SeverityEnum = strawberry.enum(Severity, name="FindingSeverity",
                               description="ADVICE may be weighed; BLOCKING stops sending.")


@strawberry.type(description="A plain-language finding (R-2.2, R-2.8): a span of the text and "
                 "Russian advice to show next to it.")
class PlainLanguageFinding:
    code: FindingCodeEnum = strawberry.field(description="What was found.")
    severity: SeverityEnum = strawberry.field(description="ADVICE or BLOCKING.")
    start: int = strawberry.field(description="Character offset where the fragment starts.")
    end: int = strawberry.field(description="Character offset just after the fragment.")
    fragment: str = strawberry.field(description="The text span the finding is about.")
    message: str = strawberry.field(description="Advice in Russian for the writer.")

    @classmethod
    def from_dict(cls, d: dict) -> PlainLanguageFinding:
        return cls(code=FindingCode(d["code"]), severity=Severity(d["severity"]),
                   start=d["start"], end=d["end"], fragment=d["fragment"], message=d["message"])


@strawberry.type(description="Evidence of abuse found by the detector (R-2.5), for staff to "
                 "confirm: where in the text and what it matched.")
class AbuseFlag:
    kind: AbuseKindEnum = strawberry.field(description="Obscene language, insult or threat.")
    term: str = strawberry.field(description="The canonical word or phrase matched.")
    start: int = strawberry.field(description="Character offset where the evidence starts.")
    end: int = strawberry.field(description="Character offset just after the evidence.")
    fragment: str = strawberry.field(description="The text as the client wrote it.")
    masked: bool = strawberry.field(description="Found through a disguise (look-alike letters, "
                                    "stars, inserted dots or spaces).")
    confidence: float = strawberry.field(
        description="0..1: how sure the detector is; staff decide.")

    @classmethod
    def from_dict(cls, d: dict) -> AbuseFlag:
        return cls(kind=AbuseKind(d["kind"]), term=d["term"], start=d["start"], end=d["end"],
                   fragment=d["fragment"], masked=d["masked"], confidence=d["confidence"])


@strawberry.type(description="One reason behind the urgency suggestion (R-2.4).")
class UrgencyReason:
    code: str = strawberry.field(description="asks_urgent, life_health, utilities_outage, "
                                 "housing_loss, near_date, no_means, profile_segment, "
                                 "life_situation, repeated.")
    text: str = strawberry.field(description="Russian, for the deciding employee.")


@strawberry.type(description="A suggested sphere with its confidence and the terms found.")
class SphereSuggestion:
    code: str = strawberry.field(description="The sphere's code (see `spheres`).")
    confidence: float = strawberry.field(description="0..1.")
    matched: list[str] = strawberry.field(description="Dictionary terms found in the text.")


@strawberry.type(description="The deadline being watched now, with the rule it comes from.")
class MessageDeadline:
    kind: DeadlineKindEnum = strawberry.field(description="The rule the deadline comes from.")
    date: dt.date = strawberry.field(description="The due date in the Government's time zone.")
    at: dt.datetime = strawberry.field(
        description="The moment it runs out (that day's end of work).")
    overdue: bool = strawberry.field(
        description="The deadline has passed and the message is still open.")


@strawberry.type(description="A file that came with a message (metadata; the bytes are in "
                 "object storage under `storageKey`).")
class Attachment:
    id: strawberry.ID
    file_name: str = strawberry.field(description="The file's name as sent.")
    content_type: str = strawberry.field(description="MIME type.")
    size_bytes: float = strawberry.field(description="Bytes (a Float, as files may pass 2 GB).")
    storage_key: str = strawberry.field(description="Where the bytes are in object storage.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, r: dict) -> Attachment:
        return cls(id=strawberry.ID(str(r["id"])), file_name=r["file_name"],
                   content_type=r["content_type"], size_bytes=float(r["size_bytes"]),
                   storage_key=r["storage_key"], created_at=r["created_at"])


@strawberry.type(description="R-2.7: a contact with the client to clarify the message — which "
                 "contact was used, when, and what was learnt (staff only).")
class Clarification:
    id: strawberry.ID
    channel: ChannelEnum = strawberry.field(
        description="How the client was contacted (email, phone, post, messenger).")
    contact_value: str = strawberry.field(description="The address or number used, as it was then.")
    occurred_at: dt.datetime = strawberry.field(
        description="When the contact happened (always within working hours).")
    note: str = strawberry.field(description="What was clarified.")
    written_request: bool = strawberry.field(description="A written request was also sent.")
    actor_subject: str = strawberry.field(description="Who contacted the client (staff subject).")

    @classmethod
    def from_row(cls, r: dict) -> Clarification:
        return cls(id=strawberry.ID(str(r["id"])), channel=r["channel"],
                   contact_value=r["contact_value"], occurred_at=r["occurred_at"],
                   note=r["note"], written_request=r["written_request"],
                   actor_subject=r["actor_subject"])


@strawberry.type(description="The answer on the merits. Clients see it once sent; staff see "
                 "drafts with the plain-language findings.")
class Answer:
    id: strawberry.ID
    text: str = strawberry.field(
        description="The answer text (plain text; paragraphs separated by blank lines).")
    outcome: AnswerOutcomeEnum = strawberry.field(
        description="What the answer does for the client.")
    method: AnswerMethodEnum = strawberry.field(description="Written (sent) or oral (recorded).")
    drafted_at: dt.datetime = strawberry.field(description="When the current text was saved.")
    sent_at: dt.datetime | None = strawberry.field(description="Null while a draft.")
    findings: list[PlainLanguageFinding] = strawberry.field(
        description="R-2.2/R-2.8 checks of the current text (empty for clients).")
    outgoing_edms_number: str | None = strawberry.field(
        description="R-8: the answer's outgoing EDMS registration number, once the answer "
        "that went through the EDMS queue was registered there (`markEdmsDeliveryRegistered`).")
    outgoing_edms_link: str | None = strawberry.field(
        description="R-8: the answer's document link in the EDMS (staff only; null for clients).")

    @classmethod
    def from_row(cls, r: dict, staff: bool) -> Answer:
        return cls(
            id=strawberry.ID(str(r["id"])), text=r["text"], outcome=r["outcome"],
            method=r["method"], drafted_at=r["drafted_at"], sent_at=r["sent_at"],
            findings=[PlainLanguageFinding.from_dict(f) for f in (r["findings"] or [])]
            if staff else [],
            outgoing_edms_number=r.get("edms_number"),
            outgoing_edms_link=r.get("edms_link") if staff else None,
        )


@strawberry.type(description="One alert about a message's deadline (the sweep writes each "
                 "once per message, kind and deadline).")
class DeadlineAlert:
    kind: AlertKindEnum = strawberry.field(description="WARNING or OVERDUE.")
    due_kind: DeadlineKindEnum = strawberry.field(
        description="The rule of the deadline alerted about.")
    due_at: dt.datetime = strawberry.field(description="The deadline itself.")
    recipients: list[str] = strawberry.field(description="Staff subjects; «role:supervisor» "
                                             "when no executor or head is named.")
    created_at: dt.datetime = strawberry.field(description="When the sweep raised the alert.")
    message_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, r: dict) -> DeadlineAlert:
        return cls(kind=r["kind"], due_kind=r["due_kind"], due_at=r["due_at"],
                   recipients=list(r["recipients"] or []), created_at=r["created_at"],
                   message_id=str(r["message_id"]))

    @strawberry.field(description="The message it is about (null if no longer visible).")
    async def message(self, info: Info) -> Message | None:
        return await load_message(info, self.message_id)


_PRIVATE = ("abuse_flags", "urgency_reasons", "urgency_note", "executor", "sphere_suggestions",
            "escalated_at", "edms_link")


@strawberry.type(description="A written message from a client (appeal, letter, request, "
                 "proposal, complaint) or an internal request of an employee.")
class Message(relay.Node):
    id: relay.NodeID[str]
    registration_number: str | None = strawberry.field(
        description="«ОГ-2026-000123» (appeals), «ВН-…» (internal), or the EDMS number (R-8).")
    status: MessageStatusEnum = strawberry.field(description="Lifecycle state; see MessageStatus.")
    audience: AudienceEnum = strawberry.field(description="External appeal or internal request.")
    form: RequestFormEnum = strawberry.field(
        description="Written or oral (oral: internal requests only).")
    category: InternalCategoryEnum | None = strawberry.field(
        description="Internal requests: IT, accounting or administrative; null for appeals.")
    channel: ChannelEnum = strawberry.field(description="How it arrived.")
    reply_channel: ChannelEnum | None = strawberry.field(
        description="R-1.4: the channel the client chose at intake (null: not chosen then).")
    reply_additional_channel: ChannelEnum | None = strawberry.field(
        description="R-1.4: the additional channel chosen at intake, if any.")
    subject: str | None = strawberry.field(description="The client's own subject line, if any.")
    body: str = strawberry.field(description="The message text as received (plain text).")
    received_at: dt.datetime = strawberry.field(
        description="When it reached the Government (terms count from this).")
    registered_at: dt.datetime | None = strawberry.field(
        description="When it was registered; null while RECEIVED.")
    edms_number: str | None = strawberry.field(
        description="R-8: the EDMS registration number, for EDMS imports.")
    edms_link: str | None = strawberry.field(description="Staff only.")
    sphere_confidence: float | None = strawberry.field(
        description="Confidence of the suggested sphere, 0..1.")
    urgency_suggested: bool = strawberry.field(description="R-2.4: the suggestion; staff decide.")
    urgent: bool | None = strawberry.field(description="Staff's decision; null until made.")
    urgent_due_date: dt.date | None = strawberry.field(
        description="R-2.4: the deadline staff set for an urgent message.")
    urgency_note: str | None = strawberry.field(description="Staff only.")
    abuse_status: AbuseStatusEnum = strawberry.field(
        description="R-2.5: the abuse assessment; SUSPECTED needs a staff decision.")
    abuse_notice_due_date: dt.date | None = strawberry.field(
        description="R-2.5: the notice is due by then (7 working days of receipt).")
    abuse_notice_sent_at: dt.datetime | None = strawberry.field(
        description="When the abuse notice went out (closed as abusive).")
    registration_due_date: dt.date | None = strawberry.field(
        description="59-FZ: 3 days of receipt.")
    answer_due_date: dt.date | None = strawberry.field(
        description="59-FZ: 30 days of registration (+30 once when extended); internal "
        "written requests: their category's term.")
    redirect_due_date: dt.date | None = strawberry.field(
        description="59-FZ: 7 days of registration.")
    extended: bool = strawberry.field(description="The answer term was extended (allowed once).")
    extension_reason: str | None = strawberry.field(description="Why the term was extended.")
    escalated_at: dt.datetime | None = strawberry.field(
        description="When the overdue message was escalated (staff only).")
    redirect_reason: str | None = strawberry.field(
        description="R-2.6: why it was redirected, as told to the client.")
    closed_at: dt.datetime | None = strawberry.field(
        description="When it was answered, redirected or closed; null while open.")
    created_at: dt.datetime = strawberry.field(description="When the record was created.")
    updated_at: dt.datetime = strawberry.field(description="When the record last changed.")
    row: strawberry.Private[dict]
    staff: strawberry.Private[bool]

    @classmethod
    def from_row(cls, r: dict, staff: bool = True) -> Message:
        hidden = {k: None for k in _PRIVATE} if not staff else {}
        get = lambda k: hidden[k] if k in hidden else r[k]  # noqa: E731
        return cls(
            id=str(r["id"]), registration_number=r["registration_number"], status=r["status"],
            audience=r["audience"], form=r["form"], category=r["category"], channel=r["channel"],
            reply_channel=r["reply_channel"], reply_additional_channel=r["reply_additional_channel"],
            subject=r["subject"], body=r["body"], received_at=r["received_at"],
            registered_at=r["registered_at"], edms_number=r["edms_number"],
            edms_link=get("edms_link"), sphere_confidence=r["sphere_confidence"],
            urgency_suggested=r["urgency_suggested"], urgent=r["urgent"],
            urgent_due_date=r["urgent_due_date"], urgency_note=get("urgency_note"),
            abuse_status=r["abuse_status"], abuse_notice_due_date=r["abuse_notice_due_date"],
            abuse_notice_sent_at=r["abuse_notice_sent_at"],
            registration_due_date=r["registration_due_date"],
            answer_due_date=r["answer_due_date"], redirect_due_date=r["redirect_due_date"],
            extended=r["extended"], extension_reason=r["extension_reason"],
            escalated_at=get("escalated_at"), redirect_reason=r["redirect_reason"],
            closed_at=r["closed_at"], created_at=r["created_at"], updated_at=r["updated_at"],
            row=r, staff=staff,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        return [await load_message(info, i) for i in node_ids]

    @strawberry.field(description="The active deadline; null once the message is closed.")
    def deadline(self) -> MessageDeadline | None:
        r = self.row
        if not r["due_at"]:
            return None
        return MessageDeadline(kind=r["due_kind"], date=r["due_date"], at=r["due_at"],
                               overdue=r["due_at"] < dt.datetime.now(dt.UTC))

    @strawberry.field(description="Who wrote it.")
    async def client(self, info: Info) -> Client | None:
        row = await info.context.loader(ClientByIdLoader).load(str(self.row["client_id"]))
        return Client.from_row(row) if row else None

    @strawberry.field(description="The department working on it.")
    async def department(self, info: Info) -> Department | None:
        dep = self.row["department_id"]
        if not dep:
            return None
        row = await info.context.loader(DepartmentByIdLoader).load(str(dep))
        return Department.from_row(row) if row else None

    @strawberry.field(description="The executor's token subject (staff only).")
    def executor_subject(self) -> str | None:
        return self.row["executor"] if self.staff else None

    @strawberry.field(description="The executor from the staff directory (staff only).")
    async def executor(self, info: Info) -> StaffMember | None:
        subject = self.row["executor"]
        if not subject or not self.staff:
            return None
        row = await info.context.loader(StaffBySubjectLoader).load(subject)
        return StaffMember.from_row(row) if row else None

    @strawberry.field(description="R-2.3: the confirmed sphere; null until staff confirm.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["sphere_id"])

    @strawberry.field(description="R-2.3: the detector's best sphere.")
    async def suggested_sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["suggested_sphere_id"])

    @strawberry.field(description="Every sphere the keywords pointed at, best first (staff only).")
    def sphere_suggestions(self) -> list[SphereSuggestion]:
        if not self.staff:
            return []
        return [SphereSuggestion(code=s["code"], confidence=s["confidence"],
                                 matched=list(s["matched"]))
                for s in (self.row["sphere_suggestions"] or [])]

    @strawberry.field(description="R-2.4: why urgency is suggested (staff only).")
    def urgency_reasons(self) -> list[UrgencyReason]:
        if not self.staff:
            return []
        return [UrgencyReason(code=r["code"], text=r["text"])
                for r in (self.row["urgency_reasons"] or [])]

    @strawberry.field(description="R-2.5: the detector's evidence (staff only).")
    def abuse_flags(self) -> list[AbuseFlag]:
        if not self.staff:
            return []
        return [AbuseFlag.from_dict(f) for f in (self.row["abuse_flags"] or [])]

    @strawberry.field(description="R-2.6: where it was redirected.")
    async def redirected_to(self, info: Info) -> ExternalAgency | None:
        agency = self.row["redirected_to_id"]
        if not agency:
            return None
        row = await info.context.loader(AgencyByIdLoader).load(str(agency))
        return ExternalAgency.from_row(row) if row else None

    @strawberry.field(description="The answer; clients see it only once sent.")
    async def answer(self, info: Info) -> Answer | None:
        row = await info.context.loader(AnswerByMessageLoader).load(self.id)
        if row is None or (not self.staff and row["sent_at"] is None):
            return None
        return Answer.from_row(row, self.staff)

    @strawberry.field(description="Files that came with the message.")
    async def attachments(self, info: Info) -> list[Attachment]:
        rows = await info.context.loader(AttachmentsByMessageLoader).load(self.id)
        return [Attachment.from_row(r) for r in rows]

    @strawberry.field(description="R-2.7 clarification log (staff only).")
    async def clarifications(self, info: Info) -> list[Clarification]:
        if not self.staff:
            return []
        rows = await info.context.loader(ClarificationsByMessageLoader).load(self.id)
        return [Clarification.from_row(r) for r in rows]

    @strawberry.field(description="Deadline alerts sent about it (staff only).")
    async def alerts(self, info: Info) -> list[DeadlineAlert]:
        if not self.staff:
            return []
        rows = await info.context.loader(AlertsByMessageLoader).load(self.id)
        return [DeadlineAlert.from_row(r) for r in rows]


async def load_message(info: Info, message_id: Any) -> Message | None:
    """A message by raw ID if the viewer may see it."""
    actor = actor_of(info)
    row = await info.context.loader(MessageByIdLoader).load(str(message_id))
    if row is None or not await visible(info, row):
        return None
    return Message.from_row(row, actor.is_staff)


async def visible(info: Info, row: dict) -> bool:
    actor = actor_of(info)
    if actor.role in access.ALL_SEEING:
        return True
    if actor.role == access.Role.EXECUTOR:
        if row["executor"] == actor.subject:
            return True
        member = await info.context.loader(StaffBySubjectLoader).load(actor.subject)
        return bool(member and member["active"] and member["department_id"]
                    and member["department_id"] == row["department_id"])
    return actor.client_id is not None and str(row["client_id"]) == str(actor.client_id).lower()


@strawberry.type(description="A page of messages, newest received first. Continue with "
                 "`after: pageInfo.endCursor`.")
class MessageConnection(Connection[Message]):
    pass


def message_from_model(obj: Any, staff: bool = True) -> Message:
    from domain.messages.queries import MESSAGE_COLUMNS

    return Message.from_row({c: getattr(obj, c) for c in MESSAGE_COLUMNS}, staff)
