"""GraphQL types of the surveys area (R-9), built from plain rows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients.dataloaders import ClientByIdLoader
from api.clients.types import Client
from api.dataloaders import RowNode
from api.directory.dataloaders import DepartmentByIdLoader, StaffBySubjectLoader
from api.directory.types import Department, Sphere, StaffMember
from api.enums import ChannelEnum
from api.errors import UserError
from api.messages.types import Message
from api.relay import encode_id
from api.surveys.dataloaders import (
    SphereByCodeLoader,
    SurveyAnswersByResponseLoader,
    SurveyByIdLoader,
    SurveyCommentLoader,
    SurveyInvitationByIdLoader,
    SurveyQuestionLoader,
    SurveyResponseByIdLoader,
    SurveyVersionByIdLoader,
    SurveyVersionBySurveyNumberLoader,
)
from domain.actor import SELF_SERVICE_ROLES, Actor
from domain.ids import as_uuid
from domain.surveys import rules
from domain.surveys import service as surveys
from domain.surveys.definitions import MANAGERS
from domain.surveys.models import InvitationStatus, QuestionKind, SurveyPurpose
from domain.surveys.report import GroupBy

SurveyPurposeEnum = strawberry.enum(
    SurveyPurpose, description="What a survey rates; each purpose has one default survey.")
QuestionKindEnum = strawberry.enum(
    QuestionKind, description="RATING_1_5: CSAT stars 1–5; NPS_0_10: likelihood to recommend "
    "0–10; EFFORT: ease 1 (very hard) – 7 (very easy); SINGLE_CHOICE / MULTIPLE_CHOICE: pick "
    "option ids; FREE_TEXT: a comment.")
InvitationStatusEnum = strawberry.enum(
    InvitationStatus, description="OPEN until answered (RESPONDED) or the link expires (EXPIRED).")
SatisfactionGroupByEnum = strawberry.enum(
    GroupBy, name="SatisfactionGroupBy",
    description="A dimension of the satisfaction report; MONTH is YYYY-MM in the government's "
    "zone, by when the invitation was sent.")


def describe_values(enum: Any, descriptions: dict[str, str]) -> None:
    """Per-value descriptions of an enum built from a domain enum (the schema documents each)."""
    for value in enum.__strawberry_definition__.values:
        value.description = descriptions[value.name]


describe_values(SurveyPurposeEnum, {
    "WRITTEN_ANSWER": "A final written communication (R-2.10).",
    "RECEPTION": "A personal reception (R-4.9).",
    "CALL": "A consultation-line call.",
    "INTERNAL_REQUEST": "An internal client's request (R-9).",
})
describe_values(QuestionKindEnum, {
    "RATING_1_5": "CSAT stars, 1 to 5.",
    "NPS_0_10": "Likelihood to recommend, 0 to 10.",
    "EFFORT": "Ease, 1 (very hard) to 7 (very easy).",
    "SINGLE_CHOICE": "Pick one option key.",
    "MULTIPLE_CHOICE": "Pick one or more option keys.",
    "FREE_TEXT": "A comment.",
})
describe_values(InvitationStatusEnum, {
    "OPEN": "Waiting for the answer; the link works.",
    "RESPONDED": "Answered (once only).",
    "EXPIRED": "The link expired unanswered.",
})
describe_values(SatisfactionGroupByEnum, {
    "CHANNEL": "By the channel of the rated communication.",
    "SPHERE": "By the sphere of activity (R-2.3).",
    "DEPARTMENT": "By the department that did the work.",
    "EXECUTOR": "By who handled the work.",
    "PURPOSE": "By what was rated.",
    "MONTH": "By month the invitation was sent (government's zone).",
})


def _manager(actor: Actor | None) -> bool:
    return actor is not None and actor.role in MANAGERS


def _staff(info: Info) -> bool:
    actor = info.context.actor
    return actor is not None and actor.is_staff


async def _department(info: Info, department_id: Any) -> Department | None:
    if not department_id:
        return None
    row = await info.context.loader(DepartmentByIdLoader).load(str(department_id))
    return Department.from_row(row) if row else None


async def _sphere(info: Info, code: str | None) -> Sphere | None:
    if not code:
        return None
    row = await info.context.loader(SphereByCodeLoader).load(code)
    return Sphere.from_row(row) if row else None


async def _staff_member(info: Info, subject: str | None) -> StaffMember | None:
    """The directory's record of who handled the work; staff readers only."""
    if not subject or not _staff(info):
        return None
    row = await info.context.loader(StaffBySubjectLoader).load(subject)
    return StaffMember.from_row(row) if row else None


async def _question(info: Info, version_id: Any, key: str) -> SurveyQuestion | None:
    row = await info.context.loader(SurveyQuestionLoader).load(f"{version_id}:{key}")
    return SurveyQuestion.from_row(row) if row else None


def question_node_id(version_id: Any, key: str) -> str:
    """A question is named by its version and its key: the same key in two versions may be
    worded differently, so each (version, key) is its own node."""
    return f"{version_id}:{key}"


@strawberry.type(description="One option of a choice question.")
class SurveyQuestionOption:
    key: str = strawberry.field(description="Stable key of the option; send it in `choiceKeys` "
                                "to choose this option.")
    text: str = strawberry.field(description="The option's label, plain Russian.")


@strawberry.type(description="One question of a survey version. Its global ID names the version "
                 "and the question; answer with it as `questionId`. Visible through "
                 "`node(id:)` to whoever may see the version (supervisors, admins).")
class SurveyQuestion(RowNode, relay.Node):
    node_loader = SurveyQuestionLoader
    id: relay.NodeID[str]
    key: str = strawberry.field(description="Stable key of the question within its survey "
                                "(kept across versions when the editor keeps it); answer errors "
                                "name it in `field` as `answers.<key>`.")
    kind: QuestionKindEnum = strawberry.field(description="How to render and answer the question.")
    text: str = strawberry.field(description="Plain Russian, shown as is.")
    required: bool = strawberry.field(description="The response is refused without an answer.")
    options: list[SurveyQuestionOption] = strawberry.field(
        description="For SINGLE_CHOICE and MULTIPLE_CHOICE; empty otherwise.")
    max_length: int | None = strawberry.field(description="FREE_TEXT: the longest answer accepted.")
    scale_min: int | None = strawberry.field(
        description="Scale kinds: the lowest value (1, 0 or 1).")
    scale_max: int | None = strawberry.field(
        description="Scale kinds: the highest value (5, 10 or 7).")

    @classmethod
    def of(cls, version_id: Any, q: dict[str, Any]) -> SurveyQuestion:
        scale = rules.SCALES.get(QuestionKind(q["kind"]))
        return cls(
            id=question_node_id(version_id, q["id"]), key=q["id"], kind=QuestionKind(q["kind"]),
            text=q["text"], required=q["required"],
            options=[SurveyQuestionOption(key=o["id"], text=o["text"])
                     for o in q.get("options", [])],
            max_length=q.get("max_length"), scale_min=scale[0] if scale else None,
            scale_max=scale[1] if scale else None,
        )

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyQuestion:
        return cls.of(row["version"]["id"], row["question"])

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return SurveyVersion.visible(actor, row["version"])


@strawberry.type(description="An immutable version of a survey; answers refer to the version "
                 "they answered, so later edits never change their meaning.")
class SurveyVersion(RowNode, relay.Node):
    node_loader = SurveyVersionByIdLoader
    id: relay.NodeID[str]
    number: int = strawberry.field(description="1 for the first version, then 2, 3, …")
    title: str = strawberry.field(description="Heading of the survey page in this version.")
    intro: str | None = strawberry.field(description="Text shown above the questions.")
    questions: list[SurveyQuestion] = strawberry.field(
        description="The questions of this version, in display order.")
    published_at: dt.datetime = strawberry.field(description="When this version was published.")
    published_by_subject: str | None = strawberry.field(
        description="Identity-provider subject of who published it.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyVersion:
        return cls(id=str(row["id"]), number=row["number"], title=row["title"],
                   intro=row["intro"],
                   questions=[SurveyQuestion.of(row["id"], q) for q in row["questions"]],
                   published_at=row["published_at"],
                   published_by_subject=row["published_by"])

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return _manager(actor)


@strawberry.type(description="A survey definition (supervisors and admins).")
class Survey(RowNode, relay.Node):
    node_loader = SurveyByIdLoader
    id: relay.NodeID[str]
    purpose: SurveyPurposeEnum = strawberry.field(description="What the survey rates.")
    title: str = strawberry.field(description="Title of the latest version.")
    is_default: bool = strawberry.field(
        description="New invitations of this purpose use this survey's latest version.")
    latest_version_number: int = strawberry.field(
        description="Number of the newest version (1, 2, …).")
    created_at: dt.datetime = strawberry.field(description="When the survey was created.")
    updated_at: dt.datetime = strawberry.field(
        description="When a version was last published or the default changed.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Survey:
        return cls(id=str(row["id"]), purpose=row["purpose"], title=row["title"],
                   is_default=row["default_for"] is not None,
                   latest_version_number=row["latest_version"], created_at=row["created_at"],
                   updated_at=row["updated_at"])

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return _manager(actor)

    @strawberry.field(description="The latest version (what new invitations get).")
    async def latest_version(self, info: Info) -> SurveyVersion | None:
        return await self.version(info, self.latest_version_number)

    @strawberry.field(description="One version by its number; null if there is no such version.")
    async def version(
        self, info: Info,
        number: Annotated[int, strawberry.argument(description="1, 2, …")],
    ) -> SurveyVersion | None:
        row = await info.context.loader(SurveyVersionBySurveyNumberLoader).load((self.id, number))
        return SurveyVersion.from_row(row) if row else None


@strawberry.type(description="The survey behind a link: what is rated and the questions. "
                 "Shows nothing about the person or other records.")
class PublicSurvey:
    title: str = strawberry.field(description="Heading of the survey page.")
    intro: str | None = strawberry.field(description="Text shown above the questions.")
    context: str = strawberry.field(
        description="What is being rated, in plain Russian, e.g. «Оцените, пожалуйста, ответ "
        "на ваше обращение (№ 12). Приглашение отправлено 03.03.2025.»")
    purpose: SurveyPurposeEnum = strawberry.field(description="What kind of interaction is rated.")
    questions: list[SurveyQuestion] = strawberry.field(
        description="In display order; answer each with its `id` as `questionId`.")
    expires_at: dt.datetime = strawberry.field(description="The link works until then.")


@strawberry.type(description="The survey behind a token, or why it cannot be answered.")
class SurveyByTokenResult:
    survey: PublicSurvey | None = strawberry.field(
        description="The survey to show; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="INVALID_TOKEN, EXPIRED_TOKEN or ALREADY_ANSWERED, with a Russian message.")


@strawberry.type(description="A rated record that okno does not hold as a Node (yet): e.g. a "
                 "personal reception or a call named by staff when they invited.")
class SurveyExternalSubject:
    kind: str = strawberry.field(description="What kind of record, e.g. reception or call.")
    reference: str = strawberry.field(description="Its reference as staff gave it, e.g. R-77.")


SurveySubject = Annotated[
    Message | SurveyExternalSubject,
    strawberry.union("SurveySubject", description="What a survey rates: a Message (its answer), "
                     "or a record of an area okno does not hold yet."),
]


async def _subject(info: Info, subject_type: str, subject_id: str):
    """The rated record through its own area's Node (null when the reader may not see it)."""
    if subject_type == "message":
        if as_uuid(subject_id) is None:
            return None
        found = await Message.resolve_nodes(info=info, node_ids=[subject_id])
        return found[0] if found else None
    return SurveyExternalSubject(kind=subject_type, reference=subject_id)


def _invited_client(actor: Actor | None, client_id: Any) -> bool:
    """The invited person themselves: a self-service token of that client. Staff never."""
    return (actor is not None and actor.role in SELF_SERVICE_ROLES
            and as_uuid(actor.client_id) is not None
            and as_uuid(actor.client_id) == as_uuid(client_id))


@strawberry.type(description="An invitation to rate one record (a final answer, a reception, a "
                 "call, an internal request). Visible to staff and to the invited client.")
class SurveyInvitation(RowNode, relay.Node):
    node_loader = SurveyInvitationByIdLoader
    id: relay.NodeID[str]
    purpose: SurveyPurposeEnum = strawberry.field(description="What is rated.")
    status: InvitationStatusEnum = strawberry.field(description="OPEN, RESPONDED or EXPIRED.")
    channel: ChannelEnum | None = strawberry.field(
        description="Channel of the rated communication.")
    sphere_code: str | None = strawberry.field(
        description="Code of the sphere of activity (R-2.3) recorded for the report; stays "
        "when the sphere is later removed from the directory.")
    about: str | None = strawberry.field(description="What is rated, in the citizen's words.")
    invited_at: dt.datetime = strawberry.field(description="When the invitation was made.")
    expires_at: dt.datetime = strawberry.field(description="The link stops working then.")
    remind_on: dt.date | None = strawberry.field(description="The day the single reminder is due.")
    reminder_sent_at: dt.datetime | None = strawberry.field(
        description="When the single reminder went out, if it did.")
    responded_at: dt.datetime | None = strawberry.field(description="When the client answered.")
    row: strawberry.Private[dict]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyInvitation:
        return cls(
            id=str(row["id"]), purpose=row["purpose"], status=row["status"],
            channel=row["channel"], sphere_code=row["sphere"], about=row["about"],
            invited_at=row["invited_at"], expires_at=row["expires_at"],
            remind_on=row["remind_on"], reminder_sent_at=row["reminder_sent_at"],
            responded_at=row["responded_at"], row=row,
        )

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return actor is not None and actor.can_see_client(row["client_id"])

    def _own_open(self, info: Info) -> bool:
        return (self.status == InvitationStatus.OPEN
                and _invited_client(info.context.actor, self.row["client_id"]))

    @strawberry.field(description="The survey token, for an in-app survey: pass it to "
                      "`surveyByToken` and `submitSurveyResponse`. Only the invited client "
                      "sees it, and only while OPEN; null for staff and everyone else.")
    def token(self, info: Info) -> str | None:
        if not self._own_open(info):
            return None
        return surveys.sign_token(self.id, self.row["nonce"], self.row["expires_at"],
                                  info.context.settings)

    @strawberry.field(description="The public survey link (the same token in a URL), e.g. to "
                      "open in a browser. Same rule as `token`: the invited client only, OPEN "
                      "only; null for staff (the client gets it by their channel).")
    def link(self, info: Info) -> str | None:
        token = self.token(info)
        return surveys.link_for(token, info.context.settings) if token else None

    @strawberry.field(description="The rated record: a Message, or an external record (a "
                      "reception, a call); null when the reader may not see it.")
    async def subject(self, info: Info) -> SurveySubject | None:
        return await _subject(info, self.row["subject_type"], self.row["subject_id"])

    @strawberry.field(description="The sphere of activity (R-2.3) recorded for the report; null "
                      "when none was recorded or the directory no longer has it.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await _sphere(info, self.sphere_code)

    @strawberry.field(description="Identity-provider subject of who handled the rated work "
                      "(staff readers only; null for clients).")
    def executor_subject(self, info: Info) -> str | None:
        return self.row["executor"] if _staff(info) else None

    @strawberry.field(description="Who handled the rated work, from the staff directory (staff "
                      "readers only); null when not recorded or not in the directory.")
    async def executor(self, info: Info) -> StaffMember | None:
        return await _staff_member(info, self.row["executor"])

    @strawberry.field(description="Department of the rated work, for the report.")
    async def department(self, info: Info) -> Department | None:
        return await _department(info, self.row["department_id"])

    @strawberry.field(description="The invited client.")
    async def client(self, info: Info) -> Client | None:
        row = await info.context.loader(ClientByIdLoader).load(str(self.row["client_id"]))
        return Client.from_row(row) if row else None


@strawberry.type(description="One answer of a response (part of its response; not a Node).")
class SurveyAnswer:
    kind: QuestionKindEnum = strawberry.field(description="Kind of the question answered.")
    value: int | None = strawberry.field(description="Scale kinds: the chosen number.")
    choice_keys: list[str] | None = strawberry.field(
        description="Choice kinds: the chosen options' `key`s.")
    text: str | None = strawberry.field(description="FREE_TEXT: the comment.")
    question_key: str = strawberry.field(description="The question's `key` in its version.")
    version_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any], version_id: str) -> SurveyAnswer:
        return cls(question_key=row["question_id"], kind=row["kind"], value=row["value"],
                   choice_keys=row["choice_ids"], text=row["text"], version_id=version_id)

    @strawberry.field(description="Global ID of the question answered (a SurveyQuestion).")
    def question_id(self) -> strawberry.ID:
        return encode_id("SurveyQuestion", question_node_id(self.version_id, self.question_key))

    @strawberry.field(description="The question answered, as worded in the version answered.")
    async def question(self, info: Info) -> SurveyQuestion | None:
        return await _question(info, self.version_id, self.question_key)


@strawberry.type(description="A client's response to one invitation (staff).")
class SurveyResponse(RowNode, relay.Node):
    node_loader = SurveyResponseByIdLoader
    id: relay.NodeID[str]
    submitted_at: dt.datetime = strawberry.field(description="When the response was submitted.")
    invitation_id: strawberry.Private[str]
    version_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyResponse:
        return cls(id=str(row["id"]), submitted_at=row["submitted_at"],
                   invitation_id=str(row["invitation_id"]), version_id=str(row["version_id"]))

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return actor is not None and actor.is_staff

    @strawberry.field(description="The invitation answered (purpose, channel, department, …).")
    async def invitation(self, info: Info) -> SurveyInvitation | None:
        row = await info.context.loader(SurveyInvitationByIdLoader).load(self.invitation_id)
        return SurveyInvitation.from_row(row) if row else None

    @strawberry.field(description="The survey version answered; its questions give the answers "
                      "their meaning.")
    async def version(self, info: Info) -> SurveyVersion | None:
        row = await info.context.loader(SurveyVersionByIdLoader).load(self.version_id)
        return SurveyVersion.from_row(row) if row else None

    @strawberry.field(description="Answers, in question order of entry; skipped optional "
                      "questions are absent.")
    async def answers(self, info: Info) -> list[SurveyAnswer]:
        rows = await info.context.loader(SurveyAnswersByResponseLoader).load(self.id)
        return [SurveyAnswer.from_row(r, self.version_id) for r in rows]


@strawberry.type(description="A free-text answer with the context it was given in (supervisors). "
                 "Its global ID names the response and the question.")
class SurveyComment(RowNode, relay.Node):
    node_loader = SurveyCommentLoader
    id: relay.NodeID[str]
    text: str = strawberry.field(
        description="The comment as written (control characters refused at entry).")
    submitted_at: dt.datetime = strawberry.field(description="When it was written.")
    purpose: SurveyPurposeEnum = strawberry.field(description="What was rated.")
    channel: ChannelEnum | None = strawberry.field(
        description="Channel of the rated communication.")
    sphere_code: str | None = strawberry.field(
        description="Code of the sphere of activity recorded for the rated work.")
    executor_subject: str | None = strawberry.field(
        description="Identity-provider subject of who handled the rated work.")
    row: strawberry.Private[dict]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyComment:
        return cls(
            id=f"{row['response_id']}:{row['question_id']}", text=row["text"],
            submitted_at=row["submitted_at"], purpose=row["invitation__purpose"],
            channel=row["invitation__channel"], sphere_code=row["invitation__sphere"],
            executor_subject=row["invitation__executor"], row=row,
        )

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return _manager(actor)

    @strawberry.field(description="Global ID of the question answered (a SurveyQuestion).")
    def question_id(self) -> strawberry.ID:
        return encode_id("SurveyQuestion", question_node_id(
            self.row["response__version_id"], self.row["question_id"]))

    @strawberry.field(description="The question, as worded in the version answered.")
    async def question(self, info: Info) -> SurveyQuestion | None:
        return await _question(info, self.row["response__version_id"], self.row["question_id"])

    @strawberry.field(description="The RATING_1_5 answer of the same response, if any.")
    async def rating(self, info: Info) -> int | None:
        rows = await info.context.loader(SurveyAnswersByResponseLoader).load(
            str(self.row["response_id"]))
        return next((r["value"] for r in rows if r["kind"] == QuestionKind.RATING_1_5), None)

    @strawberry.field(description="The rated record; null when the reader may not see it.")
    async def subject(self, info: Info) -> SurveySubject | None:
        return await _subject(info, self.row["invitation__subject_type"],
                              self.row["invitation__subject_id"])

    @strawberry.field(description="The sphere of activity of the rated work, if recorded.")
    async def sphere(self, info: Info) -> Sphere | None:
        return await _sphere(info, self.sphere_code)

    @strawberry.field(description="Who handled the rated work, from the staff directory.")
    async def executor(self, info: Info) -> StaffMember | None:
        return await _staff_member(info, self.executor_subject)

    @strawberry.field(description="Department of the rated work.")
    async def department(self, info: Info) -> Department | None:
        return await _department(info, self.row["invitation__department_id"])

    @strawberry.field(description="The invitation (and through it the response's context).")
    async def invitation(self, info: Info) -> SurveyInvitation | None:
        row = await info.context.loader(SurveyInvitationByIdLoader).load(
            str(self.row["invitation_id"]))
        return SurveyInvitation.from_row(row) if row else None

    @strawberry.field(description="Who wrote it.")
    async def client(self, info: Info) -> Client | None:
        row = await info.context.loader(ClientByIdLoader).load(
            str(self.row["invitation__client_id"]))
        return Client.from_row(row) if row else None


@strawberry.type(description="The satisfaction figures of one group (or of the whole period). "
                 "Percentages are 0–100 with two decimals; null when there is nothing to divide.")
class SatisfactionFigures:
    invitations: int = strawberry.field(description="Invitations sent in the period.")
    responses: int = strawberry.field(description="Of them, answered.")
    response_rate: float | None = strawberry.field(description="responses / invitations, per cent.")
    rating_count: int = strawberry.field(description="RATING_1_5 answers.")
    csat: float | None = strawberry.field(
        description="CSAT: share of 4 and 5 among RATING_1_5 answers, per cent.")
    average_rating: float | None = strawberry.field(description="Mean of RATING_1_5 answers.")
    nps_count: int = strawberry.field(description="NPS_0_10 answers.")
    promoters: int = strawberry.field(description="NPS answers of 9–10.")
    detractors: int = strawberry.field(description="NPS answers of 0–6.")
    nps: float | None = strawberry.field(
        description="Per cent promoters minus per cent detractors (−100…100).")
    effort_count: int = strawberry.field(description="EFFORT answers.")
    average_effort: float | None = strawberry.field(
        description="Mean EFFORT (1 very hard … 7 very easy).")

    @classmethod
    def of(cls, f: rules.Figures) -> SatisfactionFigures:
        return cls(
            invitations=f.invitations, responses=f.responses, response_rate=f.response_rate,
            rating_count=f.rating_count, csat=f.csat, average_rating=f.average_rating,
            nps_count=f.nps_count, promoters=f.promoters, detractors=f.detractors, nps=f.nps,
            effort_count=f.effort_count, average_effort=f.average_effort,
        )


@strawberry.type(description="One group of the report. Only the dimensions asked for in "
                 "`groupBy` are filled; null there means «not recorded».")
class SatisfactionGroup:
    channel: ChannelEnum | None = strawberry.field(
        description="CHANNEL dimension: channel of the rated communication.")
    sphere_code: str | None = strawberry.field(
        description="SPHERE dimension: code of the sphere of activity (R-2.3) as recorded.")
    department_id: strawberry.ID | None = strawberry.field(
        description="DEPARTMENT dimension: global ID of the department.")
    executor_subject: str | None = strawberry.field(
        description="EXECUTOR dimension: identity-provider subject of who handled the work.")
    purpose: SurveyPurposeEnum | None = strawberry.field(description="PURPOSE dimension.")
    month: str | None = strawberry.field(description="YYYY-MM, in the government's zone.")
    figures: SatisfactionFigures = strawberry.field(description="The figures of this group.")
    department_key: strawberry.Private[str | None] = None

    @strawberry.field(description="DEPARTMENT dimension: the department's record.")
    async def department(self, info: Info) -> Department | None:
        return await _department(info, self.department_key)

    @strawberry.field(description="SPHERE dimension: the sphere's record; null when not "
                      "recorded or no longer in the directory (see `sphereCode`).")
    async def sphere(self, info: Info) -> Sphere | None:
        return await _sphere(info, self.sphere_code)

    @strawberry.field(description="EXECUTOR dimension: the staff directory's record.")
    async def executor(self, info: Info) -> StaffMember | None:
        return await _staff_member(info, self.executor_subject)


@strawberry.type(description="Satisfaction report (R-9) for a period, by the chosen dimensions.")
class SatisfactionReport:
    date_from: dt.date = strawberry.field(name="from", description="First day, inclusive.")
    date_to: dt.date = strawberry.field(name="to", description="Last day, inclusive.")
    group_by: list[SatisfactionGroupByEnum] = strawberry.field(
        description="The dimensions asked for, without repeats.")
    total: SatisfactionFigures = strawberry.field(description="The whole period and filter.")
    groups: list[SatisfactionGroup] = strawberry.field(
        description="One row per combination present, blanks last; empty without `groupBy`.")
    truncated: bool = strawberry.field(
        description="More than 2,000 groups: only the first are listed.")
