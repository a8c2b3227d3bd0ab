"""GraphQL types of written messages and internal requests, built from plain rows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.directory.types import (
    Department,
    ExternalAgency,
    Sphere,
    StaffMember,
    load_agency,
    load_department,
    load_sphere,
    load_sphere_by_code,
    load_staff,
)
from api.enums import ChannelEnum
from api.messages.dataloaders import (
    AlertByIdLoader,
    AlertsByMessageLoader,
    AnswerByIdLoader,
    AnswerByMessageLoader,
    AttachmentByIdLoader,
    AttachmentsByMessageLoader,
    ClarificationByIdLoader,
    ClarificationsByMessageLoader,
    MessageByIdLoader,
    SocialItemByMessageLoader,
)
from api.relay import Connection, resolve_node_of
from domain.actor import Actor
from domain.messages import access, deadlines
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
    UrgencyReasonCode,
)
from domain.pagination import encode_cursor
from domain.texts import AbuseKind, FindingCode, Severity, TextAudience

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
DeadlineKindEnum = strawberry.enum(DeadlineKind, description="Which term (the rule a "
                                   "deadline comes from); a message may run several at once.")
AnswerOutcomeEnum = strawberry.enum(AnswerOutcome, description="What the answer does for the "
                                    "client; REFUSAL must explain its grounds plainly (R-2.8).")
AnswerMethodEnum = strawberry.enum(AnswerMethod, description="Written (sent through the "
                                   "client's channels) or oral (internal oral requests).")
AlertKindEnum = strawberry.enum(AlertKind, name="DeadlineAlertKind",
                                description="WARNING: one working day before, to the executor; "
                                "OVERDUE: past the deadline, to the executor and the "
                                "department's head.")
AbuseKindEnum = strawberry.enum(AbuseKind, description="Obscene language, an insult, or a "
                                "threat to life and health.")
FindingCodeEnum = strawberry.enum(FindingCode, name="PlainLanguageFindingCode",
                                  description="What the plain-language checker found.")
SeverityEnum = strawberry.enum(Severity, name="FindingSeverity",
                               description="ADVICE may be weighed; BLOCKING stops sending.")
UrgencyReasonCodeEnum = strawberry.enum(
    UrgencyReasonCode, description="R-2.4: why urgency is suggested: the text asks for haste "
    "(ASKS_URGENT), names a threat to life or health (LIFE_HEALTH), an outage of heating, "
    "water, power or gas (UTILITIES_OUTAGE), a risk of losing one's home (HOUSING_LOSS), a "
    "close date (NEAR_DATE), no means to live (NO_MEANS); the client's profile has a "
    "vulnerable group (PROFILE_SEGMENT) or a hard life situation (LIFE_SITUATION); earlier "
    "appeals on the same subject (REPEATED).")


def _describe(enum_type: Any, descriptions: dict[Any, str]) -> None:
    """Value descriptions for enums defined in domain/ (which must not import strawberry)."""
    for value in enum_type.__strawberry_definition__.values:
        value.description = descriptions[enum_type(value.value)]


_describe(MessageStatusEnum, {
    MessageStatus.RECEIVED: "Taken in; to be registered within 3 days (59-FZ).",
    MessageStatus.REGISTERED: "Numbered; the answer term runs.",
    MessageStatus.ASSIGNED: "Routed to a department (and maybe an executor).",
    MessageStatus.IN_WORK: "The executor is working on it.",
    MessageStatus.ANSWERED: "Answered on the merits (closed).",
    MessageStatus.REDIRECTED: "Sent on to a competent agency (closed, R-2.6).",
    MessageStatus.CLOSED_ABUSIVE: "Closed without an answer on the merits: abuse confirmed "
    "(R-2.5).",
})
_describe(AudienceEnum, {
    Audience.EXTERNAL: "A citizen's or an organisation's appeal (59-FZ).",
    Audience.INTERNAL: "An employee's internal request (R-5.x).",
})
_describe(RequestFormEnum, {
    RequestForm.WRITTEN: "A written message.",
    RequestForm.ORAL: "An employee's oral request, recorded by whoever took it (R-5.3).",
})
_describe(InternalCategoryEnum, {
    InternalCategory.IT: "Computers, software, access.",
    InternalCategory.ACCOUNTING: "Pay, expenses, accounting documents.",
    InternalCategory.ADMINISTRATIVE: "Premises, supplies, transport.",
})
_describe(AbuseStatusEnum, {
    AbuseStatus.NONE: "Nothing found.",
    AbuseStatus.SUSPECTED: "The detector flagged it; staff must decide.",
    AbuseStatus.CONFIRMED: "Staff confirmed abuse: not considered on the merits.",
    AbuseStatus.REJECTED: "Staff found it acceptable.",
})
_describe(DeadlineKindEnum, {
    DeadlineKind.REGISTRATION: "59-FZ: register within 3 days of receipt.",
    DeadlineKind.ANSWER: "59-FZ: answer within 30 days of registration (+30 once).",
    DeadlineKind.URGENT: "R-2.4: the date staff set, at most 5 working days of receipt.",
    DeadlineKind.ABUSE_NOTICE: "R-2.5: the abuse notice within 7 working days of receipt.",
    DeadlineKind.INTERNAL_ORAL: "R-5.3: an oral request, by the end of the working day.",
    DeadlineKind.INTERNAL_WRITTEN: "R-5.5: a written internal request, its category's term.",
    DeadlineKind.REDIRECT: "59-FZ art. 8: redirect to the competent body within 7 days of "
    "registration; watched until the message is taken into work or redirected.",
})
_describe(AnswerOutcomeEnum, {
    AnswerOutcome.RESOLVED: "The client's need is met.",
    AnswerOutcome.EXPLAINED: "Explained; nothing to grant.",
    AnswerOutcome.PARTIAL: "Partly met.",
    AnswerOutcome.REFUSAL: "Refused: the grounds must be explained plainly (R-2.8).",
    AnswerOutcome.INFORMATION: "The requested information is given.",
    AnswerOutcome.NOT_SERVED_ORALLY: "R-5.4: an oral request that could not be served orally; "
    "other channels were offered (recordOralAnswer only).",
})
_describe(AnswerMethodEnum, {
    AnswerMethod.WRITTEN: "Sent through the client's channels.",
    AnswerMethod.ORAL: "Told in person or by phone, and recorded (R-5.3).",
})
_describe(AlertKindEnum, {
    AlertKind.WARNING: "One working day before the deadline, to the executor.",
    AlertKind.OVERDUE: "The deadline passed, to the executor and the department's head.",
})
_describe(AbuseKindEnum, {
    AbuseKind.OBSCENE: "Obscene language.",
    AbuseKind.INSULT: "An insult.",
    AbuseKind.THREAT: "A threat to life or health.",
})
_describe(FindingCodeEnum, {
    FindingCode.LONG_SENTENCE: "A sentence too long to read at once.",
    FindingCode.CLICHE: "Officialese: a cliché with a plain equivalent.",
    FindingCode.PASSIVE: "A passive construction that hides who acts.",
    FindingCode.LEGAL_REFERENCE: "A legal act cited with no explanation nearby.",
    FindingCode.ABBREVIATION: "An abbreviation not spelt out.",
    FindingCode.REFUSAL_LEGAL_ONLY: "R-2.8: a refusal grounded only in a legal reference "
    "(blocking).",
    FindingCode.REFUSAL_NO_GROUNDS: "R-2.8: a refusal that gives no grounds (blocking).",
    FindingCode.REASON_LEGAL_ONLY: "A stated reason (redirect, extension) given only as a legal "
    "reference (blocking).",
    FindingCode.GROUNDS_LEGAL_REFERENCE: "R-2.8: a refusal or stated reason for a reader who "
    "needs simpler words leans on a legal act (blocking).",
})
_describe(SeverityEnum, {
    Severity.ADVICE: "May be weighed and left.",
    Severity.BLOCKING: "Stops the text (an answer, a notice's reason or question) from being "
    "sent: REFUSAL_GROUNDS.",
})
_describe(UrgencyReasonCodeEnum, {
    UrgencyReasonCode.ASKS_URGENT: "The client asks for haste.",
    UrgencyReasonCode.LIFE_HEALTH: "A threat to life or health.",
    UrgencyReasonCode.UTILITIES_OUTAGE: "No heating, water, power or gas.",
    UrgencyReasonCode.HOUSING_LOSS: "The client may lose their home.",
    UrgencyReasonCode.NEAR_DATE: "The text names a close date.",
    UrgencyReasonCode.NO_MEANS: "No money for food or living.",
    UrgencyReasonCode.PROFILE_SEGMENT: "A vulnerable group in the client's profile.",
    UrgencyReasonCode.LIFE_SITUATION: "A hard life situation in the client's profile.",
    UrgencyReasonCode.REPEATED: "Earlier appeals on the same subject.",
})


def _staff(info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and actor.is_staff


TextAudienceEnum = strawberry.enum(
    TextAudience, description="R-2.8: who reads a text, for the plain-language checker: "
    "PERSON; ORGANISATION (articles of legal acts may be named without an explanation); "
    "SIMPLE_WORDS, a person whose segment or life situation needs simpler words (shorter "
    "sentences, no abbreviations, no legal references in refusals and reasons).")
_describe(TextAudienceEnum, {
    TextAudience.PERSON: "A citizen: the default.",
    TextAudience.ORGANISATION: "An organisation or an entrepreneur.",
    TextAudience.SIMPLE_WORDS: "A person whose segment or life situation needs simpler words.",
})


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
    code: UrgencyReasonCodeEnum = strawberry.field(description="Which sign it is; switch on it.")
    text: str = strawberry.field(description="Russian, for the deciding employee.")


@strawberry.type(description="A suggested sphere with its confidence and the terms found.")
class SphereSuggestion:
    code: str = strawberry.field(description="The sphere's code (see `sphere`).")
    confidence: float = strawberry.field(description="0..1.")
    matched: list[str] = strawberry.field(description="Dictionary terms found in the text.")

    @strawberry.field(description="The sphere itself (null if it was removed since).")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere_by_code(info, self.code)


@strawberry.type(description="One open term of a message (R-2.4, R-2.5, 59-FZ), with the "
                 "rule it comes from.")
class MessageDeadline:
    kind: DeadlineKindEnum = strawberry.field(description="The rule the deadline comes from.")
    date: dt.date = strawberry.field(description="The due date in the Government's time zone.")
    at: dt.datetime = strawberry.field(
        description="The moment it runs out (that day's end of work).")
    overdue: bool = strawberry.field(
        description="The deadline has passed and the message is still open.")

    @classmethod
    def of_due(cls, kind: Any, date: dt.date | None, at: dt.datetime | None
               ) -> MessageDeadline | None:
        """A message's nearest term from its ``due_*`` columns (null without one)."""
        if not at:
            return None
        return cls(kind=kind, date=date, at=at, overdue=at < dt.datetime.now(dt.UTC))

    @classmethod
    def open_of(cls, terms: list[dict[str, Any]] | None) -> list[MessageDeadline]:
        """Every open term of a message from its ``terms`` column, nearest first."""
        now = dt.datetime.now(dt.UTC)
        return [cls(kind=d.kind, date=d.date, at=d.at, overdue=d.at < now)
                for d in deadlines.terms_of(terms)]


@strawberry.type(description="A file that came with a message (metadata; the bytes are in "
                 "object storage under `storageKey`). Visible to whoever sees the message.")
class Attachment(RowNode, relay.Node):
    node_loader = AttachmentByIdLoader

    id: relay.NodeID[str]
    file_name: str = strawberry.field(description="The file's name as sent.")
    content_type: str = strawberry.field(description="MIME type.")
    size_bytes: float = strawberry.field(description="Bytes (a Float, as files may pass 2 GB).")
    storage_key: str = strawberry.field(description="Where the bytes are in object storage.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_see(actor, row)

    @classmethod
    def from_row(cls, r: dict) -> Attachment:
        return cls(id=str(r["id"]), file_name=r["file_name"], content_type=r["content_type"],
                   size_bytes=float(r["size_bytes"]), storage_key=r["storage_key"],
                   created_at=r["created_at"])


@strawberry.type(description="R-2.7: a contact with the client to clarify the message — which "
                 "contact was used, when, and what was learnt (staff only).")
class Clarification(RowNode, relay.Node):
    node_loader = ClarificationByIdLoader

    id: relay.NodeID[str]
    channel: ChannelEnum = strawberry.field(
        description="How the client was contacted (email, phone, post, messenger).")
    contact_value: str = strawberry.field(description="The address or number used, as it was then.")
    occurred_at: dt.datetime = strawberry.field(
        description="When the contact happened (always within working hours).")
    note: str = strawberry.field(description="What was clarified.")
    written_request: bool = strawberry.field(description="A written request was also sent.")
    actor_subject: str = strawberry.field(
        description="Who contacted the client: their token subject (see `actor`).")
    findings: list[PlainLanguageFinding] = strawberry.field(
        description="R-2.2 advice on the written question as sent (empty without one).")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return actor is not None and actor.is_staff and access.can_see(actor, row)

    @classmethod
    def from_row(cls, r: dict) -> Clarification:
        return cls(id=str(r["id"]), channel=r["channel"], contact_value=r["contact_value"],
                   occurred_at=r["occurred_at"], note=r["note"],
                   written_request=r["written_request"], actor_subject=r["actor_subject"],
                   findings=[PlainLanguageFinding.from_dict(f) for f in r.get("findings") or []])

    @strawberry.field(description="Who contacted the client, from the staff directory.")
    async def actor(self, info: Info) -> StaffMember | None:
        return await load_staff(info, self.actor_subject)


@strawberry.type(description="The answer on the merits. Clients see it once sent; staff see "
                 "drafts with the plain-language findings.")
class Answer(RowNode, relay.Node):
    node_loader = AnswerByIdLoader

    id: relay.NodeID[str]
    text: str = strawberry.field(
        description="The answer text (plain text; paragraphs separated by blank lines).")
    outcome: AnswerOutcomeEnum = strawberry.field(
        description="What the answer does for the client.")
    method: AnswerMethodEnum = strawberry.field(description="Written (sent) or oral (recorded).")
    drafted_at: dt.datetime = strawberry.field(description="When the current text was saved.")
    sent_at: dt.datetime | None = strawberry.field(description="Null while a draft.")
    outgoing_edms_number: str | None = strawberry.field(
        description="R-8: the answer's outgoing EDMS registration number, once the answer "
        "that went through the EDMS queue was registered there (`markEdmsDeliveryRegistered`).")
    raw_findings: strawberry.Private[list]
    edms_link: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_see(actor, row) and (
            actor is not None and actor.is_staff or row["sent_at"] is not None)

    @classmethod
    def from_row(cls, r: dict) -> Answer:
        return cls(id=str(r["id"]), text=r["text"], outcome=r["outcome"], method=r["method"],
                   drafted_at=r["drafted_at"], sent_at=r["sent_at"],
                   raw_findings=list(r["findings"] or []),
                   outgoing_edms_number=r["edms_number"], edms_link=r["edms_link"])

    @classmethod
    def from_model(cls, obj: Any) -> Answer:
        return cls(id=str(obj.id), text=obj.text, outcome=obj.outcome, method=obj.method,
                   drafted_at=obj.drafted_at, sent_at=obj.sent_at,
                   raw_findings=list(obj.findings or []),
                   outgoing_edms_number=obj.edms_number, edms_link=obj.edms_link)

    @strawberry.field(description="R-2.2/R-2.8 checks of the current text (staff; empty for "
                      "others).")
    def findings(self, info: Info) -> list[PlainLanguageFinding]:
        if not _staff(info):
            return []
        return [PlainLanguageFinding.from_dict(f) for f in self.raw_findings]

    @strawberry.field(description="R-8: the answer's document link in the EDMS, once "
                      "registered there (staff only; null for others).")
    def outgoing_edms_link(self, info: Info) -> str | None:
        return self.edms_link if _staff(info) else None


@strawberry.type(description="One alert about a message's deadline (the sweep writes each "
                 "once per message, kind and deadline). Staff who see the message see it.")
class DeadlineAlert(RowNode, relay.Node):
    node_loader = AlertByIdLoader

    id: relay.NodeID[str]
    kind: AlertKindEnum = strawberry.field(description="WARNING or OVERDUE.")
    due_kind: DeadlineKindEnum = strawberry.field(
        description="Which term the alert is about (one message may have several open).")
    due_at: dt.datetime = strawberry.field(description="The deadline itself.")
    recipient_subjects: list[str] = strawberry.field(
        description="Token subjects of the staff it was addressed to (see `recipients`); "
        "empty when `toSupervisors`.")
    to_supervisors: bool = strawberry.field(
        description="Nobody was named (no executor, no head of the department): the alert "
        "went to everyone with the supervisor role.")
    created_at: dt.datetime = strawberry.field(description="When the sweep raised the alert.")
    message_id: strawberry.Private[str]
    department_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return actor is not None and actor.is_staff and access.can_see(actor, row)

    @classmethod
    def from_row(cls, r: dict) -> DeadlineAlert:
        named = [s for s in (r["recipients"] or []) if s != deadlines.SUPERVISORS]
        return cls(id=str(r["id"]), kind=r["kind"], due_kind=r["due_kind"], due_at=r["due_at"],
                   recipient_subjects=named, to_supervisors=deadlines.SUPERVISORS in (
                       r["recipients"] or []), created_at=r["created_at"],
                   message_id=str(r["message_id"]),
                   department_id=str(r["department_id"]) if r["department_id"] else None)

    @strawberry.field(description="The staff it was addressed to, from the directory.")
    async def recipients(self, info: Info) -> list[StaffMember]:
        found = [await load_staff(info, s) for s in self.recipient_subjects]
        return [m for m in found if m is not None]

    @strawberry.field(description="The department of the message when the alert was raised.")
    async def department(self, info: Info) -> Department | None:
        return await load_department(info, self.department_id)

    @strawberry.field(description="The message it is about (null if no longer visible).")
    async def message(self, info: Info) -> Message | None:
        return await load_message(info, self.message_id)


@strawberry.type(description="A written message from a client (appeal, letter, request, "
                 "proposal, complaint) or an internal request of an employee. Clients see their "
                 "own; executors theirs and their department's; operators and heads all.")
class Message(RowNode, relay.Node):
    node_loader = MessageByIdLoader

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
    sphere_confidence: float | None = strawberry.field(
        description="Confidence of the suggested sphere, 0..1.")
    urgency_suggested: bool = strawberry.field(description="R-2.4: the suggestion; staff decide.")
    urgent: bool | None = strawberry.field(description="Staff's decision; null until made.")
    urgent_due_date: dt.date | None = strawberry.field(
        description="R-2.4: the deadline staff set for an urgent message.")
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
    redirect_reason: str | None = strawberry.field(
        description="R-2.6: why it was redirected, as told to the client.")
    chosen_channel: ChannelEnum | None = strawberry.field(
        description="R-5.4: of the channels offered when an oral request could not be served "
        "orally, the one the employee chose; null when none was chosen.")
    closed_at: dt.datetime | None = strawberry.field(
        description="When it was answered, redirected or closed; null while open.")
    created_at: dt.datetime = strawberry.field(description="When the record was created.")
    updated_at: dt.datetime = strawberry.field(description="When the record last changed.")
    row: strawberry.Private[dict]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_see(actor, row)

    @classmethod
    def from_row(cls, r: dict) -> Message:
        return cls(
            id=str(r["id"]), registration_number=r["registration_number"], status=r["status"],
            audience=r["audience"], form=r["form"], category=r["category"], channel=r["channel"],
            reply_channel=r["reply_channel"],
            reply_additional_channel=r["reply_additional_channel"], subject=r["subject"],
            body=r["body"], received_at=r["received_at"],
            registered_at=r["registered_at"], edms_number=r["edms_number"],
            sphere_confidence=r["sphere_confidence"], urgency_suggested=r["urgency_suggested"],
            urgent=r["urgent"], urgent_due_date=r["urgent_due_date"],
            abuse_status=r["abuse_status"], abuse_notice_due_date=r["abuse_notice_due_date"],
            abuse_notice_sent_at=r["abuse_notice_sent_at"],
            registration_due_date=r["registration_due_date"],
            answer_due_date=r["answer_due_date"], redirect_due_date=r["redirect_due_date"],
            extended=r["extended"], extension_reason=r["extension_reason"],
            redirect_reason=r["redirect_reason"], chosen_channel=r["chosen_channel"],
            closed_at=r["closed_at"], created_at=r["created_at"], updated_at=r["updated_at"],
            row=r,
        )

    @classmethod
    def from_model(cls, obj: Any) -> Message:
        from domain.messages.queries import MESSAGE_COLUMNS

        return cls.from_row({c: getattr(obj, c) for c in MESSAGE_COLUMNS})

    def _private(self, info: Info, column: str) -> Any:
        return self.row[column] if _staff(info) else None

    @strawberry.field(description="R-8: link to the EDMS document (staff only).")
    def edms_link(self, info: Info) -> str | None:
        return self._private(info, "edms_link")

    @strawberry.field(description="Why staff decided on urgency (staff only).")
    def urgency_note(self, info: Info) -> str | None:
        return self._private(info, "urgency_note")

    @strawberry.field(description="When the overdue message was escalated (staff only).")
    def escalated_at(self, info: Info) -> dt.datetime | None:
        return self._private(info, "escalated_at")

    @strawberry.field(description="The nearest open term (the first of `deadlines`); null "
                      "once the message is closed.")
    def deadline(self) -> MessageDeadline | None:
        r = self.row
        return MessageDeadline.of_due(r["due_kind"], r["due_date"], r["due_at"])

    @strawberry.field(description="Every open term, nearest first, each watched by the "
                      "deadline sweep (a suspected-abuse flag hides none); empty once closed.")
    def deadlines(self) -> list[MessageDeadline]:
        return MessageDeadline.open_of(self.row["terms"])

    @strawberry.field(description="R-7.3: the social item this message was moved from, if "
                      "it came from an official page or public chat.")
    async def social_item(
        self, info: Info,
    ) -> Annotated[SocialItem, strawberry.lazy("api.social.types")] | None:  # noqa: F821
        row = await info.context.loader(SocialItemByMessageLoader).load(str(self.id))
        # By type name, so messages need not import the social API (which shows messages).
        return await resolve_node_of(info, "SocialItem", str(row["id"])) if row else None

    @strawberry.field(description="Who wrote it.")
    async def client(
        self, info: Info,
    ) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:  # noqa: F821
        # By type name, so messages need not import the clients API (which lists messages).
        return await resolve_node_of(info, "Client", str(self.row["client_id"]))

    @strawberry.field(description="The department working on it.")
    async def department(self, info: Info) -> Department | None:
        return await load_department(info, self.row["department_id"])

    @strawberry.field(description="The executor's token subject (staff only); see `executor`.")
    def executor_subject(self, info: Info) -> str | None:
        return self._private(info, "executor")

    @strawberry.field(description="The executor from the staff directory (staff only).")
    async def executor(self, info: Info) -> StaffMember | None:
        return await load_staff(info, self.row["executor"])

    @strawberry.field(description="R-2.3: the confirmed sphere; null until staff confirm.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["sphere_id"])

    @strawberry.field(description="R-2.3: the detector's best sphere.")
    async def suggested_sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["suggested_sphere_id"])

    @strawberry.field(description="Every sphere the keywords pointed at, best first (staff only).")
    def sphere_suggestions(self, info: Info) -> list[SphereSuggestion]:
        if not _staff(info):
            return []
        return [SphereSuggestion(code=s["code"], confidence=s["confidence"],
                                 matched=list(s["matched"]))
                for s in (self.row["sphere_suggestions"] or [])]

    @strawberry.field(description="R-2.4: why urgency is suggested (staff only).")
    def urgency_reasons(self, info: Info) -> list[UrgencyReason]:
        if not _staff(info):
            return []
        return [UrgencyReason(code=UrgencyReasonCode(r["code"]), text=r["text"])
                for r in (self.row["urgency_reasons"] or [])]

    @strawberry.field(description="R-2.5: the detector's evidence (staff only).")
    def abuse_flags(self, info: Info) -> list[AbuseFlag]:
        if not _staff(info):
            return []
        return [AbuseFlag.from_dict(f) for f in (self.row["abuse_flags"] or [])]

    @strawberry.field(description="R-5.4: the other channels offered when an oral request "
                      "could not be served orally (empty otherwise).")
    def offered_channels(self) -> list[ChannelEnum]:
        return list(self.row["offered_channels"] or [])

    @strawberry.field(description="R-2.2/R-2.8: advice on the redirect reason as sent, for the "
                      "client's segment (staff; empty for clients and when none).")
    def redirect_reason_findings(self, info: Info) -> list[PlainLanguageFinding]:
        return self._notice_findings(info, "redirect")

    @strawberry.field(description="R-2.2/R-2.8: advice on the extension reason as sent, for the "
                      "client's segment (staff; empty for clients and when none).")
    def extension_reason_findings(self, info: Info) -> list[PlainLanguageFinding]:
        return self._notice_findings(info, "extension")

    def _notice_findings(self, info: Info, notice: str) -> list[PlainLanguageFinding]:
        if not _staff(info):
            return []
        found = (self.row["notice_findings"] or {}).get(notice) or []
        return [PlainLanguageFinding.from_dict(f) for f in found]

    @strawberry.field(description="R-2.6: where it was redirected.")
    async def redirected_to(self, info: Info) -> ExternalAgency | None:
        return await load_agency(info, self.row["redirected_to_id"])

    @strawberry.field(description="The answer; clients see it only once sent.")
    async def answer(self, info: Info) -> Answer | None:
        row = await info.context.loader(AnswerByMessageLoader).load(self.id)
        if row is None or (not _staff(info) and row["sent_at"] is None):
            return None
        return Answer.from_row(row)

    @strawberry.field(description="Files that came with the message.")
    async def attachments(self, info: Info) -> list[Attachment]:
        rows = await info.context.loader(AttachmentsByMessageLoader).load(self.id)
        return [Attachment.from_row(r) for r in rows]

    @strawberry.field(description="R-2.7 clarification log (staff only).")
    async def clarifications(self, info: Info) -> list[Clarification]:
        if not _staff(info):
            return []
        rows = await info.context.loader(ClarificationsByMessageLoader).load(self.id)
        return [Clarification.from_row(r) for r in rows]

    @strawberry.field(description="Deadline alerts sent about it (staff only).")
    async def alerts(self, info: Info) -> list[DeadlineAlert]:
        if not _staff(info):
            return []
        rows = await info.context.loader(AlertsByMessageLoader).load(self.id)
        return [DeadlineAlert.from_row(r) for r in rows]


async def load_message(info: Info, message_id: Any) -> Message | None:
    """A message by raw ID if the viewer may see it (the Node's own check)."""
    [found] = await Message.resolve_nodes(info=info, node_ids=[str(message_id)])
    return found


@strawberry.type(description="A page of messages, newest received first. Continue with "
                 "`after: pageInfo.endCursor`.")
class MessageConnection(Connection[Message]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> MessageConnection:
        return cls.of([Message.from_row(r) for r in rows],
                      [encode_cursor(r["received_at"], r["id"]) for r in rows], has_next, after)


@strawberry.type(description="A page of deadline alerts, newest first. Continue with "
                 "`after: pageInfo.endCursor`.")
class DeadlineAlertConnection(Connection[DeadlineAlert]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> DeadlineAlertConnection:
        return cls.of([DeadlineAlert.from_row(r) for r in rows],
                      [encode_cursor(r["created_at"], r["id"]) for r in rows], has_next, after)
