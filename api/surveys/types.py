"""GraphQL types of the surveys area (R-9), built from plain rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients.dataloaders import ClientByIdLoader, DepartmentByIdLoader
from api.clients.types import Client, Department
from api.enums import ChannelEnum
from api.errors import UserError
from api.permissions import actor_of
from api.surveys.dataloaders import (
    SurveyAnswersByResponseLoader,
    SurveyInvitationByIdLoader,
    SurveyVersionByIdLoader,
    SurveyVersionBySurveyNumberLoader,
)
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


def _department(info: Info, department_id: Any):
    return info.context.loader(DepartmentByIdLoader).load(str(department_id))


@strawberry.type(description="One option of a choice question.")
class SurveyQuestionOption:
    id: str = strawberry.field(description="Send it in `choiceIds` to choose this option.")
    text: str = strawberry.field(description="The option's label, plain Russian.")


@strawberry.type(description="One question of a survey version.")
class SurveyQuestion:
    id: str = strawberry.field(description="Stable key of the question; answer with it as "
                               "`questionId`.")
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
    def from_dict(cls, q: dict[str, Any]) -> SurveyQuestion:
        scale = rules.SCALES.get(QuestionKind(q["kind"]))
        return cls(
            id=q["id"], kind=QuestionKind(q["kind"]), text=q["text"], required=q["required"],
            options=[SurveyQuestionOption(id=o["id"], text=o["text"])
                     for o in q.get("options", [])],
            max_length=q.get("max_length"), scale_min=scale[0] if scale else None,
            scale_max=scale[1] if scale else None,
        )


@strawberry.type(description="An immutable version of a survey; answers refer to the version "
                 "they answered, so later edits never change their meaning.")
class SurveyVersion(relay.Node):
    id: relay.NodeID[str]
    number: int = strawberry.field(description="1 for the first version, then 2, 3, …")
    title: str = strawberry.field(description="Heading of the survey page in this version.")
    intro: str | None = strawberry.field(description="Text shown above the questions.")
    questions: list[SurveyQuestion] = strawberry.field(
        description="The questions of this version, in display order.")
    published_at: dt.datetime = strawberry.field(description="When this version was published.")
    published_by: str | None = strawberry.field(description="Subject of who published it.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyVersion:
        return cls(id=str(row["id"]), number=row["number"], title=row["title"],
                   intro=row["intro"],
                   questions=[SurveyQuestion.from_dict(q) for q in row["questions"]],
                   published_at=row["published_at"], published_by=row["published_by"])

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        if actor_of(info).role not in MANAGERS:
            return [None for _ in node_ids]
        rows = await info.context.loader(SurveyVersionByIdLoader).load_many(list(node_ids))
        return [cls.from_row(r) if r else None for r in rows]


@strawberry.type(description="A survey definition (supervisors and admins).")
class Survey(relay.Node):
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
    def from_model(cls, obj: Any) -> Survey:
        from domain.surveys.definitions import SURVEY_COLUMNS

        return cls.from_row({c: getattr(obj, c) for c in SURVEY_COLUMNS})

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        from domain.surveys.definitions import SURVEY_COLUMNS
        from domain.surveys.models import Survey as Model

        ids = list(node_ids)
        if actor_of(info).role not in MANAGERS:
            return [None for _ in ids]
        rows = await Model.filter(id__in=ids).values(*SURVEY_COLUMNS)
        found = {str(r["id"]): r for r in rows}
        return [cls.from_row(found[i]) if i in found else None for i in ids]

    @strawberry.field(description="The latest version (what new invitations get).")
    async def latest_version(self, info: Info) -> SurveyVersion | None:
        return await self.version(info, self.latest_version_number)

    @strawberry.field(description="One version by its number; null if there is no such version.")
    async def version(self, info: Info, number: int) -> SurveyVersion | None:
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
    questions: list[SurveyQuestion] = strawberry.field(description="In display order.")
    expires_at: dt.datetime = strawberry.field(description="The link works until then.")


@strawberry.type(description="The survey behind a token, or why it cannot be answered.")
class SurveyByTokenResult:
    survey: PublicSurvey | None = strawberry.field(
        description="The survey to show; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(
        description="INVALID_TOKEN, EXPIRED_TOKEN or ALREADY_ANSWERED, with a Russian message.")


@strawberry.type(description="An invitation to rate one record (a final answer, a reception, a "
                 "call, an internal request). Visible to staff and to the invited client.")
class SurveyInvitation(relay.Node):
    id: relay.NodeID[str]
    purpose: SurveyPurposeEnum = strawberry.field(description="What is rated.")
    status: InvitationStatusEnum = strawberry.field(description="OPEN, RESPONDED or EXPIRED.")
    subject_type: str = strawberry.field(
        description="Kind of the rated record, e.g. message_answer.")
    subject_id: str = strawberry.field(description="ID of the rated record in its area.")
    channel: ChannelEnum | None = strawberry.field(
        description="Channel of the rated communication.")
    sphere: str | None = strawberry.field(description="Sphere of activity (R-2.3) for the report.")
    executor: str | None = strawberry.field(description="Who handled it, for the report.")
    about: str | None = strawberry.field(description="What is rated, in the citizen's words.")
    invited_at: dt.datetime = strawberry.field(description="When the invitation was made.")
    expires_at: dt.datetime = strawberry.field(description="The link stops working then.")
    remind_on: dt.date | None = strawberry.field(description="The day the single reminder is due.")
    reminder_sent_at: dt.datetime | None = strawberry.field(
        description="When the single reminder went out, if it did.")
    responded_at: dt.datetime | None = strawberry.field(description="When the client answered.")
    client_id: strawberry.Private[str]
    department_id: strawberry.Private[str | None]
    row: strawberry.Private[dict]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyInvitation:
        return cls(
            id=str(row["id"]), purpose=row["purpose"], status=row["status"],
            subject_type=row["subject_type"], subject_id=row["subject_id"],
            channel=row["channel"], sphere=row["sphere"], executor=row["executor"],
            about=row["about"], invited_at=row["invited_at"], expires_at=row["expires_at"],
            remind_on=row["remind_on"], reminder_sent_at=row["reminder_sent_at"],
            responded_at=row["responded_at"], client_id=str(row["client_id"]),
            department_id=str(row["department_id"]) if row["department_id"] else None, row=row,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        actor = actor_of(info)
        rows = await info.context.loader(SurveyInvitationByIdLoader).load_many(list(node_ids))
        return [cls.from_row(r) if r and actor.can_see_client(str(r["client_id"])) else None
                for r in rows]

    @strawberry.field(description="The public survey link (OPEN invitations only) for the "
                      "front end to show or encode as a QR code; null otherwise.")
    def link(self, info: Info) -> str | None:
        if self.status != InvitationStatus.OPEN:
            return None
        settings = info.context.settings
        token = surveys.sign_token(self.id, self.row["nonce"], self.row["expires_at"], settings)
        return surveys.link_for(token, settings)

    @strawberry.field(description="Department of the rated work, for the report.")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        row = await _department(info, self.department_id)
        return Department.from_row(row) if row else None

    @strawberry.field(description="The invited client.")
    async def client(self, info: Info) -> Client | None:
        row = await info.context.loader(ClientByIdLoader).load(self.client_id)
        return Client.from_row(row) if row else None


@strawberry.type(description="One answer of a response.")
class SurveyAnswer:
    question_id: str = strawberry.field(
        description="The question's `id` in the response's version.")
    kind: QuestionKindEnum = strawberry.field(description="Kind of the question answered.")
    value: int | None = strawberry.field(description="Scale kinds: the chosen number.")
    choice_ids: list[str] | None = strawberry.field(
        description="Choice kinds: the chosen option ids.")
    text: str | None = strawberry.field(description="FREE_TEXT: the comment.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyAnswer:
        return cls(question_id=row["question_id"], kind=row["kind"], value=row["value"],
                   choice_ids=row["choice_ids"], text=row["text"])


@strawberry.type(description="A client's response to one invitation (staff).")
class SurveyResponse(relay.Node):
    id: relay.NodeID[str]
    submitted_at: dt.datetime = strawberry.field(description="When the response was submitted.")
    invitation_id: strawberry.Private[str]
    version_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyResponse:
        return cls(id=str(row["id"]), submitted_at=row["submitted_at"],
                   invitation_id=str(row["invitation_id"]), version_id=str(row["version_id"]))

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False):
        from domain.surveys.models import SurveyResponse as Model

        ids = list(node_ids)
        if not actor_of(info).is_staff:
            return [None for _ in ids]
        rows = await Model.filter(id__in=ids).values("id", "submitted_at", "invitation_id",
                                                     "version_id")
        found = {str(r["id"]): r for r in rows}
        return [cls.from_row(found[i]) if i in found else None for i in ids]

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
        return [SurveyAnswer.from_row(r) for r in rows]


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
    sphere: str | None = strawberry.field(
        description="SPHERE dimension: sphere of activity (R-2.3).")
    department_id: strawberry.ID | None = strawberry.field(
        description="Global ID of the department.")
    executor: str | None = strawberry.field(
        description="EXECUTOR dimension: who handled the rated work.")
    purpose: SurveyPurposeEnum | None = strawberry.field(description="PURPOSE dimension.")
    month: str | None = strawberry.field(description="YYYY-MM, in the government's zone.")
    figures: SatisfactionFigures = strawberry.field(description="The figures of this group.")

    @strawberry.field(description="The department's record.")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        row = await _department(info, relay.GlobalID.from_id(self.department_id).node_id)
        return Department.from_row(row) if row else None


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


@strawberry.type(description="A free-text answer with the context it was given in (supervisors).")
class SurveyComment:
    id: strawberry.ID = strawberry.field(description="Opaque ID of the answer.")
    text: str = strawberry.field(
        description="The comment as written (control characters refused at entry).")
    submitted_at: dt.datetime = strawberry.field(description="When it was written.")
    question_id: str = strawberry.field(description="The question's `id` in the version answered.")
    purpose: SurveyPurposeEnum = strawberry.field(description="What was rated.")
    channel: ChannelEnum | None = strawberry.field(
        description="Channel of the rated communication.")
    sphere: str | None = strawberry.field(description="Sphere of activity of the rated work.")
    executor: str | None = strawberry.field(description="Who handled the rated work.")
    subject_type: str = strawberry.field(description="Kind of the rated record.")
    subject_id: str = strawberry.field(description="ID of the rated record in its area.")
    response_id: strawberry.Private[str]
    version_id: strawberry.Private[str]
    client_id: strawberry.Private[str]
    department_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SurveyComment:
        dep = row["invitation__department_id"]
        return cls(
            id=strawberry.ID(str(row["id"])), text=row["text"], submitted_at=row["submitted_at"],
            question_id=row["question_id"], purpose=row["invitation__purpose"],
            channel=row["invitation__channel"], sphere=row["invitation__sphere"],
            executor=row["invitation__executor"], subject_type=row["invitation__subject_type"],
            subject_id=row["invitation__subject_id"], response_id=str(row["response_id"]),
            version_id=str(row["response__version_id"]),
            client_id=str(row["invitation__client_id"]), department_id=str(dep) if dep else None,
        )

    @strawberry.field(description="The question, as worded in the version answered.")
    async def question(self, info: Info) -> str | None:
        row = await info.context.loader(SurveyVersionByIdLoader).load(self.version_id)
        return next((q["text"] for q in row["questions"] if q["id"] == self.question_id),
                    None) if row else None

    @strawberry.field(description="The RATING_1_5 answer of the same response, if any.")
    async def rating(self, info: Info) -> int | None:
        rows = await info.context.loader(SurveyAnswersByResponseLoader).load(self.response_id)
        return next((r["value"] for r in rows if r["kind"] == QuestionKind.RATING_1_5), None)

    @strawberry.field(description="Department of the rated work.")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        row = await _department(info, self.department_id)
        return Department.from_row(row) if row else None

    @strawberry.field(description="Who wrote it.")
    async def client(self, info: Info) -> Client | None:
        row = await info.context.loader(ClientByIdLoader).load(self.client_id)
        return Client.from_row(row) if row else None
