"""Call quality (R-3.5, R-3.6, R-5.1): a supervisor's checklist per call and the monthly
report per operator and per line. Supervisors and admins only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.consultation.callback_loaders import CallReviewByIdLoader
from api.dataloaders import RowNode
from api.directory.dataloaders import StaffByIdLoader
from api.directory.types import StaffMember
from api.enums import describe_values
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import bad_input, decode_id
from domain.actor import Actor
from domain.consultation import review_export, reviews
from domain.consultation.access import sees_calls
from domain.consultation.reviews import ChecklistItem, ReportGroup
from domain.errors import DomainError

CallRef = Annotated["Call", strawberry.lazy("api.consultation.types")]  # noqa: F821
LineRef = Annotated["ConsultationLine", strawberry.lazy("api.consultation.types")]  # noqa: F821

ChecklistItemEnum = strawberry.enum(
    ChecklistItem, name="CallChecklistItem", description="R-3.5, R-3.6, R-5.1: what a "
    "supervisor checks in a call; each is scored 0 (not done), 1 (partly) or 2 (fully).")
describe_values(ChecklistItemEnum, {
    ChecklistItem.GREETING: "Opened with the line's greeting script (R-3.4).",
    ChecklistItem.COURTESY: "Polite, even tone (R-3.5).",
    ChecklistItem.LISTENING: "Let the caller speak, asked, summed up (R-3.6).",
    ChecklistItem.CORRECTNESS: "The answer was complete and correct (R-3.7).",
    ChecklistItem.PLAIN_LANGUAGE: "Plain words, legal terms explained.",
    ChecklistItem.TRANSFER_RULES: "Told the caller before a transfer, at most two (R-3.7).",
    ChecklistItem.NO_ACTING_FOR_CALLER: "Did nothing on the caller's behalf (R-3.9).",
    ChecklistItem.FAREWELL: "Closed with the line's farewell script (R-3.4).",
})
ReportGroupEnum = strawberry.enum(ReportGroup, name="CallQualityGroup",
                                  description="How the quality report groups calls.")
describe_values(ReportGroupEnum, {ReportGroup.OPERATOR: "One row per operator.",
                                  ReportGroup.LINE: "One row per line."})

_ERRORS = "Empty on success; otherwise what to fix, per input field."


async def _link(actor: Actor, data: Any, settings: Any) -> tuple[str, dt.datetime]:
    return review_export.export_link(actor, data.year, data.month, data.group_by, settings)


def _opt(value: Any) -> str | None:
    return str(value) if value else None


@strawberry.type(description="One checklist item's score.")
class ChecklistScore:
    item: ChecklistItemEnum = strawberry.field(description="The item.")
    score: int = strawberry.field(description="0 (not done), 1 (partly) or 2 (fully).")


@strawberry.type(description="A supervisor's quality checklist for one call (R-5.1).")
class CallReview(RowNode, relay.Node):
    node_loader = CallReviewByIdLoader

    id: relay.NodeID[str]
    scores: list[ChecklistScore] = strawberry.field(description="Every item's score, in "
                                                    "checklist order.")
    total: int = strawberry.field(description="Sum of the scores.")
    max_total: int = strawberry.field(description="The most a call can score.")
    comment: str = strawberry.field(description="The supervisor's comment (empty when none).")
    reviewer_subject: str = strawberry.field(description="Subject of the reviewer.")
    call_started_at: dt.datetime = strawberry.field(description="When the call began (the "
                                                    "report's month is by this).")
    created_at: dt.datetime = strawberry.field(description="When it was first reviewed.")
    call_id: strawberry.Private[str]
    operator_id: strawberry.Private[str | None]
    reviewer_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Staff only, like calls."""
        return sees_calls(actor)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CallReview:
        given = row["scores"] or {}
        return cls(
            id=str(row["id"]), total=row["total"], max_total=row["max_total"],
            scores=[ChecklistScore(item=item, score=given[item]) for item in reviews.ITEMS
                    if item in given],
            comment=row["comment"], reviewer_subject=row["reviewer_subject"],
            call_started_at=row["call_started_at"], created_at=row["created_at"],
            call_id=str(row["call_id"]), operator_id=_opt(row["operator_id"]),
            reviewer_id=_opt(row["reviewer_id"]))

    @strawberry.field(description="The reviewed call.")
    async def call(self, info: Info) -> CallRef | None:
        return await relay.GlobalID("Call", self.call_id).resolve_node(info)

    @strawberry.field(description="The call's operator, if known.")
    async def operator(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.operator_id)

    @strawberry.field(description="The reviewer, if in the directory.")
    async def reviewer(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.reviewer_id)


async def _staff(info: Info, staff_id: str | None) -> StaffMember | None:
    row = await info.context.loader(StaffByIdLoader).load(staff_id) if staff_id else None
    return StaffMember.from_row(row) if row else None


@strawberry.type(description="One item's average score over the reviews of a report row.")
class ChecklistAverage:
    item: ChecklistItemEnum = strawberry.field(description="The item.")
    average: float | None = strawberry.field(description="0 to 2; null when nothing reviewed.")


@strawberry.type(description="One operator's or one line's month (R-5.1).")
class CallQualityRow:
    calls: int = strawberry.field(description="Calls that began in the month.")
    reviewed_calls: int = strawberry.field(description="Of them, reviewed at least once.")
    reviews: int = strawberry.field(description="Reviews of those calls.")
    percent: float | None = strawberry.field(description="Average score as a share of the "
                                             "maximum, 0 to 100; null when nothing reviewed.")
    items: list[ChecklistAverage] = strawberry.field(description="Every checklist item's "
                                                     "average, in checklist order.")
    operator_id: strawberry.Private[str | None]
    line_id: strawberry.Private[str | None]

    @strawberry.field(description="The operator (grouped by operator); null for calls no "
                      "operator took, and when grouped by line.")
    async def operator(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.operator_id)

    @strawberry.field(description="The line (grouped by line).")
    async def line(self, info: Info) -> LineRef | None:
        if not self.line_id:
            return None
        return await relay.GlobalID("ConsultationLine", self.line_id).resolve_node(info)


@strawberry.type
class ReviewQueries:
    @strawberry.field(description="R-5.1: the monthly call-quality report, per operator or "
                      "per line, computed in SQL: calls, reviewed calls, the average share of "
                      "the checklist and each item's average. One row per operator or line "
                      "with calls that month, most reviewed first. A bad month is "
                      "BAD_USER_INPUT.")
    async def call_quality_report(
        self, info: Info,
        year: Annotated[int, strawberry.argument(description="The year, e.g. 2026.")],
        month: Annotated[int, strawberry.argument(description="The month, 1 to 12, in the "
                                                  "government's zone.")],
        group_by: Annotated[ReportGroupEnum, strawberry.argument(
            description="One row per operator or per line.")],
    ) -> list[CallQualityRow] | None:
        try:
            rows = await reviews.monthly_report(actor_of(info), year, month, group_by)
        except DomainError as exc:
            raise bad_input(exc) from None
        by_line = group_by == ReportGroup.LINE
        return [CallQualityRow(
            calls=r.calls, reviewed_calls=r.reviewed_calls, reviews=r.reviews,
            percent=r.percent,
            items=[ChecklistAverage(item=ChecklistItem(k), average=v) for k, v in r.items.items()],
            operator_id=None if by_line else r.key, line_id=r.key if by_line else None,
        ) for r in rows]


@strawberry.input(description="One checklist item's score.")
class ChecklistScoreInput:
    item: ChecklistItemEnum = strawberry.field(description="The item.")
    score: int = strawberry.field(description="0 (not done), 1 (partly) or 2 (fully).")


@strawberry.input(description="R-5.1: review an ended call: every checklist item once. "
                  "Reviewing the same call again replaces your review.")
class ReviewCallInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    scores: list[ChecklistScoreInput] = strawberry.field(description="Every item, once.")
    comment: str | None = strawberry.field(default=None, description="A comment for the "
                                           "operator (up to 4000 characters).")


@strawberry.type(description="Result of a call review.")
class ReviewCallPayload:
    review: CallReview | None = strawberry.field(description="The review; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="R-5.1: the monthly call-quality report as a CSV download.")
class ExportCallQualityReportInput:
    year: int = strawberry.field(description="The year, e.g. 2026.")
    month: int = strawberry.field(description="The month, 1 to 12, in the government's zone.")
    group_by: ReportGroupEnum = strawberry.field(description="One row per operator or line.")


@strawberry.type(description="A signed link to the report's CSV (no login needed to follow "
                 "it: keep it private).")
class CallQualityExportPayload:
    url: str | None = strawberry.field(description="GET it for the CSV; null on errors.")
    expires_at: dt.datetime | None = strawberry.field(description="The link works until then.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class ReviewMutations:
    @strawberry.mutation(description="A signed link to the monthly call-quality report as "
                         "CSV (R-5.1), computed when the link is followed.")
    async def export_call_quality_report(self, info: Info, input: ExportCallQualityReportInput
                                         ) -> CallQualityExportPayload | None:
        actor = actor_of(info)
        result, errors = await attempt(lambda: _link(actor, input, info.context.settings))
        if result is None:
            return CallQualityExportPayload(url=None, expires_at=None, errors=errors)
        return CallQualityExportPayload(url=result[0], expires_at=result[1], errors=[])

    @strawberry.mutation(description="A supervisor's quality checklist for a call (R-3.5, "
                         "R-3.6, R-5.1).")
    async def review_call(self, info: Info, input: ReviewCallInput
                          ) -> ReviewCallPayload | None:
        actor = actor_of(info)
        result, errors = await attempt(lambda: reviews.review_call(
            actor, decode_id(input.call_id, "Call", "callId"),
            [(s.item, s.score) for s in input.scores], input.comment))
        if result is None:
            return ReviewCallPayload(review=None, errors=errors)
        row = (await reviews.reviews_by_id([result.id]))[0]
        return ReviewCallPayload(review=CallReview.from_row(row), errors=[])
