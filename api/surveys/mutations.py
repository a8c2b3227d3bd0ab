"""Write side of the surveys area: definitions (supervisors), invitations (staff), the public
response (token only) and the CSV export link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.client_ip import client_ip
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id
from api.surveys.dataloaders import split_key
from api.surveys.queries import SatisfactionFilter, report_filter
from api.surveys.types import (
    QuestionKindEnum,
    Survey,
    SurveyInvitation,
    SurveyPurposeEnum,
    SurveyVersion,
)
from domain.errors import DomainError, ErrorCode, invalid_id
from domain.surveys import definitions, export, invitations, rules
from domain.surveys import service as surveys
from domain.surveys.queries import INVITATION_COLUMNS, SURVEY_COLUMNS, VERSION_COLUMNS, row_of


@strawberry.input(description="An option of a choice question.")
class SurveyOptionInput:
    text: str = strawberry.field(
        description="The option's label, plain Russian (≤ 200 characters).")
    key: str | None = strawberry.field(
        default=None, description="Stable key (a-z, 0-9, _); generated when omitted. Keep it "
        "when editing so reports can follow the option across versions.")


@strawberry.input(description="A question. Choice kinds need 2–20 options; FREE_TEXT may set "
                  "maxLength (default 2000, at most 5000).")
class SurveyQuestionInput:
    kind: QuestionKindEnum = strawberry.field(description="How the question is answered.")
    text: str = strawberry.field(description="The question, plain Russian (≤ 500 characters).")
    required: bool = strawberry.field(
        default=False, description="A response without an answer to it is refused.")
    key: str | None = strawberry.field(
        default=None, description="Stable key (a-z, 0-9, _); generated when omitted. Keep it "
        "when editing so reports can follow the question across versions.")
    options: list[SurveyOptionInput] | None = strawberry.field(
        default=None, description="Choice kinds only: 2 to 20 options.")
    max_length: int | None = strawberry.field(
        default=None, description="FREE_TEXT only: longest answer (default 2000, ≤ 5000).")


def _drafts(questions: list[SurveyQuestionInput]) -> list[rules.QuestionDraft]:
    return [
        rules.QuestionDraft(
            kind=q.kind, text=q.text, required=q.required, id=q.key,
            options=[rules.OptionDraft(text=o.text, id=o.key) for o in q.options or []],
            max_length=q.max_length,
        )
        for q in questions
    ]


@strawberry.input(description="A new survey (version 1). `makeDefault` switches the purpose's "
                  "new invitations to it.")
class CreateSurveyInput:
    purpose: SurveyPurposeEnum = strawberry.field(description="What the survey rates.")
    title: str = strawberry.field(description="Heading of the survey page (≤ 300 characters).")
    questions: list[SurveyQuestionInput] = strawberry.field(
        description="1 to 30 questions, in display order.")
    intro: str | None = strawberry.field(
        default=None, description="Text above the questions (≤ 2000 characters).")
    make_default: bool = strawberry.field(
        default=False, description="Use it for new invitations of its purpose.")


@strawberry.input(description="An edit of a survey, published as a new immutable version. "
                  "Invitations already sent keep their version.")
class PublishSurveyVersionInput:
    survey_id: strawberry.ID = strawberry.field(description="The survey to edit.")
    title: str = strawberry.field(description="Heading of the new version.")
    questions: list[SurveyQuestionInput] = strawberry.field(
        description="The whole new question list (keep the keys of unchanged questions).")
    intro: str | None = strawberry.field(default=None, description="Text above the questions.")


@strawberry.input(description="Make a survey the default of its purpose.")
class SetDefaultSurveyInput:
    survey_id: strawberry.ID = strawberry.field(description="The survey.")


@strawberry.type(description="Result of a survey mutation.")
class SurveyPayload:
    survey: Survey | None = strawberry.field(
        description="The survey; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type(description="Result of publishing a version.")
class SurveyVersionPayload:
    version: SurveyVersion | None = strawberry.field(
        description="The new version; null when `errors` is not empty.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A rated record okno does not hold yet (a personal reception, a "
                  "call), named by its kind and reference.")
class ExternalSurveySubjectInput:
    kind: str = strawberry.field(description="Kind of record: a-z, 0-9, _ (e.g. reception).")
    reference: str = strawberry.field(description="Its reference, e.g. R-77 (≤ 64 characters).")


@strawberry.input(description="Invite a client to rate a record (staff), e.g. after a personal "
                  "reception (R-4.9). Name the record by `subjectId` (a Message's global ID) or, "
                  "for a record okno does not hold, by `externalSubject`: exactly one. Staff "
                  "never see the survey token: with `notify` the invitation is sent by the "
                  "client's chosen channel; without it the client finds it in their app "
                  "(`surveyInvitations`).")
class InviteToSurveyInput:
    client_id: strawberry.ID = strawberry.field(description="The client invited.")
    purpose: SurveyPurposeEnum = strawberry.field(
        description="What is rated; picks the default survey.")
    subject_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the rated record (a Message).")
    external_subject: ExternalSurveySubjectInput | None = strawberry.field(
        default=None, description="The rated record, when okno does not hold it.")
    channel: ChannelEnum | None = strawberry.field(
        default=None, description="Channel of the rated communication (report).")
    sphere_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the sphere of activity (report).")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Department that did the work (report).")
    executor_subject: str | None = strawberry.field(
        default=None, description="Identity-provider subject of who did the work (report).")
    about: str | None = strawberry.field(
        default=None, description="What is rated, for the citizen (≤ 300 characters).")
    notify: bool = strawberry.field(
        default=False, description="Also send the invitation by the client's chosen channel.")


def _subject(input: InviteToSurveyInput) -> tuple[tuple[str, str], bool]:
    """(kind, reference) of the rated record and whether it is external."""
    if (input.subject_id is None) == (input.external_subject is None):
        raise DomainError(ErrorCode.REQUIRED, "Укажите, что оценивается: subjectId или "
                          "externalSubject.", "subjectId")
    if input.subject_id is not None:
        return ("message", decode_id(input.subject_id, "Message", "subjectId")), False
    return (input.external_subject.kind, input.external_subject.reference), True


@strawberry.type(description="Result of an invitation: `created` is false when the record "
                 "already had an open invitation, which is returned instead.")
class SurveyInvitationPayload:
    invitation: SurveyInvitation | None = strawberry.field(
        description="The invitation (new or the open one).")
    created: bool = strawberry.field(description="False when an open invitation already existed.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="One answer. Scale kinds use `value`, choice kinds `choiceIds`, "
                  "FREE_TEXT `text`; leave out optional questions you skip.")
class SurveyAnswerInput:
    question_id: strawberry.ID = strawberry.field(
        description="Global ID of the question answered (`SurveyQuestion.id`).")
    value: int | None = strawberry.field(
        default=None, description="RATING_1_5 (1–5), NPS_0_10 (0–10), EFFORT (1–7).")
    choice_keys: list[str] | None = strawberry.field(
        default=None, description="SINGLE_CHOICE (one) or MULTIPLE_CHOICE: the options' `key`s.")
    text: str | None = strawberry.field(
        default=None, description="FREE_TEXT answer; no control characters.")


@strawberry.input(description="The citizen's answers; the token from the link is the only key.")
class SubmitSurveyResponseInput:
    token: str = strawberry.field(description="The token from the survey link.")
    answers: list[SurveyAnswerInput] = strawberry.field(
        description="At most one answer per question.")


@strawberry.type(description="Result of answering: `accepted` with a thank-you message, or "
                 "errors (field `answers.<questionId>` points at the question; RATE_LIMITED "
                 "after too many attempts: wait a minute).")
class SubmitSurveyResponsePayload:
    accepted: bool = strawberry.field(description="True when the response was stored.")
    message: str | None = strawberry.field(description="Plain-Russian thanks to show.")
    errors: list[UserError] = strawberry.field(description="Why it was refused; empty on success.")


@strawberry.input(description="CSV of survey answers submitted from `from` to `to` (inclusive).")
class ExportSurveyResponsesInput:
    date_from: dt.date = strawberry.field(name="from", description="First day, inclusive.")
    date_to: dt.date = strawberry.field(name="to", description="Last day, inclusive.")
    filter: SatisfactionFilter | None = strawberry.field(
        default=None, description="Narrow the rows.")


@strawberry.type(description="A signed download link; anyone holding it can download until it "
                 "expires, so do not share it.")
class SurveyExportPayload:
    url: str | None = strawberry.field(
        description="GET it to download the CSV (UTF-8 with BOM, one row per answer).")
    expires_at: dt.datetime | None = strawberry.field(description="The link stops working then.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


MAX_ANSWERS = 100


def _version(obj: Any) -> SurveyVersion | None:
    return SurveyVersion.from_row(row_of(obj, VERSION_COLUMNS)) if obj else None


def _survey(obj: Any) -> Survey | None:
    return Survey.from_row(row_of(obj, SURVEY_COLUMNS)) if obj else None


def _answers(answers: list[SurveyAnswerInput]) -> list[rules.AnswerDraft]:
    """Each answer's question global ID split into its version and key (INVALID_ID naming the
    answer otherwise); the service checks the version is the invitation's."""
    drafts = []
    for i, a in enumerate(answers[:MAX_ANSWERS + 1]):
        node_id = decode_id(a.question_id, "SurveyQuestion", f"answers.{i}.questionId")
        version_id, key = split_key(node_id)
        if version_id is None or not key:
            raise invalid_id("SurveyQuestion", f"answers.{i}.questionId")
        drafts.append(rules.AnswerDraft(question_id=key, value=a.value, choice_ids=a.choice_keys,
                                        text=a.text, version_id=str(version_id)))
    return drafts


@strawberry.type
class SurveyMutations:
    @strawberry.mutation(description="Create a survey (supervisors, admins).")
    async def create_survey(self, info: Info, input: CreateSurveyInput) -> SurveyPayload | None:
        obj, errors = await attempt(lambda: definitions.create_survey(
            actor_of(info), input.purpose, input.title, input.intro, _drafts(input.questions),
            make_default=input.make_default))
        return SurveyPayload(survey=_survey(obj), errors=errors)

    @strawberry.mutation(description="Publish an edit as a new version.")
    async def publish_survey_version(
        self, info: Info, input: PublishSurveyVersionInput
    ) -> SurveyVersionPayload | None:
        obj, errors = await attempt(lambda: definitions.publish_version(
            actor_of(info), decode_id(input.survey_id, "Survey", "surveyId"), input.title,
            input.intro, _drafts(input.questions)))
        return SurveyVersionPayload(version=_version(obj), errors=errors)

    @strawberry.mutation(description="Make a survey its purpose's default.")
    async def set_default_survey(
        self, info: Info, input: SetDefaultSurveyInput
    ) -> SurveyPayload | None:
        obj, errors = await attempt(lambda: definitions.set_default(
            actor_of(info), decode_id(input.survey_id, "Survey", "surveyId")))
        return SurveyPayload(survey=_survey(obj), errors=errors)

    @strawberry.mutation(description="Invite a client to a survey (staff). The payload's "
                         "invitation never carries the token (staff do not see it).")
    async def invite_to_survey(
        self, info: Info, input: InviteToSurveyInput
    ) -> SurveyInvitationPayload | None:
        async def invite():
            subject, external = _subject(input)
            return await invitations.invite_by_staff(
                actor_of(info), subject, decode_id(input.client_id, "Client", "clientId"),
                input.purpose, notify=input.notify, settings=info.context.settings,
                external=external, channel=input.channel,
                sphere_id=decode_optional_id(input.sphere_id, "Sphere", "sphereId"),
                department_id=decode_optional_id(input.department_id, "Department",
                                                 "departmentId"),
                executor=input.executor_subject, about=input.about)

        inv, errors = await attempt(invite)
        if inv is None:
            return SurveyInvitationPayload(invitation=None, created=False, errors=errors)
        await inv.record.refresh_from_db()
        return SurveyInvitationPayload(
            invitation=SurveyInvitation.from_row(row_of(inv.record, INVITATION_COLUMNS)),
            created=inv.created, errors=[])

    @strawberry.mutation(description="Public, no login: answer the survey behind a token. "
                         "Accepted once per invitation.")
    async def submit_survey_response(
        self, info: Info, input: SubmitSurveyResponseInput
    ) -> SubmitSurveyResponsePayload:
        ip = client_ip(info.context.request, info.context.settings)
        response, errors = await attempt(lambda: surveys.submit_response(
            input.token, _answers(input.answers), ip=ip, settings=info.context.settings))
        if response is None:
            return SubmitSurveyResponsePayload(accepted=False, message=None, errors=errors)
        return SubmitSurveyResponsePayload(
            accepted=True, message="Спасибо! Ваш ответ поможет нам работать лучше.", errors=[])

    @strawberry.mutation(description="A signed link to a CSV of survey answers.")
    async def export_survey_responses(
        self, info: Info, input: ExportSurveyResponsesInput
    ) -> SurveyExportPayload | None:
        async def make() -> tuple[str, dt.datetime]:
            return export.export_link(actor_of(info), input.date_from, input.date_to,
                                      report_filter(input.filter), info.context.settings)

        result, errors = await attempt(make)
        if result is None:
            return SurveyExportPayload(url=None, expires_at=None, errors=errors)
        return SurveyExportPayload(url=result[0], expires_at=result[1], errors=[])
