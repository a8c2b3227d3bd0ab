"""Read side of the surveys area: the public survey page and the supervisors' figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.client_ip import client_ip
from api.enums import ChannelEnum
from api.errors import UserError
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    Connection,
    bad_input,
    decode_id,
    encode_id,
    page_size,
)
from api.surveys.types import (
    InvitationStatusEnum,
    PublicSurvey,
    SatisfactionFigures,
    SatisfactionGroup,
    SatisfactionGroupByEnum,
    SatisfactionReport,
    Survey,
    SurveyByTokenResult,
    SurveyComment,
    SurveyInvitation,
    SurveyPurposeEnum,
    SurveyQuestion,
)
from domain.errors import DomainError
from domain.pagination import encode_cursor
from domain.surveys import comments, definitions, invitations, report
from domain.surveys import service as surveys


@strawberry.input(description="Narrow a report, comment list or export; lists combine with AND, "
                  "values inside a list with OR; each list at most 50 values.")
class SatisfactionFilter:
    purposes: list[SurveyPurposeEnum] | None = strawberry.field(
        default=None, description="Only these purposes.")
    channels: list[ChannelEnum] | None = strawberry.field(
        default=None, description="Only these channels.")
    department_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Global IDs of departments.")
    sphere_codes: list[str] | None = strawberry.field(
        default=None, description="Only these spheres, by `Sphere.code`.")
    executor_subjects: list[str] | None = strawberry.field(
        default=None, description="Only these executors, by identity-provider subject.")


def report_filter(flt: SatisfactionFilter | None) -> report.ReportFilter:
    """The filter with department IDs decoded: anything but a Department's global ID is an
    INVALID_ID error for `departmentIds` (raised: call it where errors become data)."""
    if flt is None:
        return report.ReportFilter()
    departments = flt.department_ids
    return report.ReportFilter(
        purposes=flt.purposes, channels=flt.channels,
        department_ids=[decode_id(d, "Department", "departmentIds") for d in departments]
        if departments else None,
        spheres=flt.sphere_codes, executors=flt.executor_subjects,
    )


def _group(row: report.ReportRow) -> SatisfactionGroup:
    key = row.key
    dep = key.get(report.GroupBy.DEPARTMENT)
    return SatisfactionGroup(
        channel=key.get(report.GroupBy.CHANNEL), sphere_code=key.get(report.GroupBy.SPHERE),
        department_id=encode_id("Department", dep) if dep else None,
        executor_subject=key.get(report.GroupBy.EXECUTOR),
        purpose=key.get(report.GroupBy.PURPOSE), month=key.get(report.GroupBy.MONTH),
        figures=SatisfactionFigures.of(row.figures), department_key=dep,
    )


@strawberry.type
class SurveyQueries:
    @strawberry.field(description="Public, no login: the survey behind a link's token, with "
                      "what is being rated. A bad, expired or used token comes back in `errors`.")
    async def survey_by_token(
        self, info: Info,
        token: Annotated[str, strawberry.argument(
            description="The token from the link (or `SurveyInvitation.token`).")],
    ) -> SurveyByTokenResult:
        try:
            found = await surveys.survey_by_token(
                token, info.context.settings,
                ip=client_ip(info.context.request, info.context.settings))
        except DomainError as exc:
            return SurveyByTokenResult(survey=None, errors=[UserError.of(exc)])
        return SurveyByTokenResult(
            survey=PublicSurvey(
                title=found.title, intro=found.intro, context=found.context,
                purpose=found.purpose,
                questions=[SurveyQuestion.of(found.version_id, q) for q in found.questions],
                expires_at=found.expires_at,
            ),
            errors=[],
        )

    @strawberry.field(description="Survey definitions, newest first (supervisors, admins).")
    async def surveys(
        self, info: Info,
        purpose: Annotated[SurveyPurposeEnum | None, strawberry.argument(
            description="Only surveys of this purpose.")] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Connection[Survey] | None:
        try:
            rows, has_next = await definitions.list_surveys(
                actor_of(info), purpose, page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["created_at"], r["id"]) for r in rows]
        return Connection.of([Survey.from_row(r) for r in rows], cursors, has_next, after)

    @strawberry.field(
        description="Survey invitations of one client, newest first. Staff name the client; a "
        "client (or employee) sees only their own and may omit `clientId`.",
    )
    async def survey_invitations(
        self, info: Info,
        client_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Global ID of the client (staff); a client may omit it.")] = None,
        status: Annotated[list[InvitationStatusEnum] | None, strawberry.argument(
            description="Only invitations in these states.")] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Connection[SurveyInvitation] | None:
        actor = actor_of(info)
        try:
            cid = decode_id(client_id, "Client", "clientId") if client_id else None
            rows, has_next = await invitations.list_for_client(
                actor, cid, status, page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["invited_at"], r["id"]) for r in rows]
        return Connection.of([SurveyInvitation.from_row(r) for r in rows], cursors, has_next,
                             after)

    @strawberry.field(
        description="Satisfaction monitoring (R-9): response rate, CSAT, average rating, NPS and "
        "effort for invitations sent from `from` to `to` (dates inclusive, government zone), "
        "in total and per combination of the `groupBy` dimensions.",
    )
    async def satisfaction_report(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(
            name="from", description="First day (invitations sent), inclusive.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day, inclusive.")],
        group_by: Annotated[list[SatisfactionGroupByEnum] | None, strawberry.argument(
            description="Dimensions to group by; none: the total only.")] = None,
        filter: Annotated[SatisfactionFilter | None, strawberry.argument(
            description="Narrow the invitations counted.")] = None,
    ) -> SatisfactionReport | None:
        groups = list(group_by or [])
        try:
            result = await report.satisfaction_report(
                actor_of(info), from_, to, groups, report_filter(filter), info.context.settings)
        except DomainError as exc:
            raise bad_input(exc) from None
        return SatisfactionReport(
            date_from=from_, date_to=to, group_by=list(dict.fromkeys(groups)),
            total=SatisfactionFigures.of(result.total),
            groups=[_group(r) for r in result.groups], truncated=result.truncated,
        )

    @strawberry.field(
        description="Free-text survey comments, newest first; `from`/`to` (inclusive) select by "
        "when the comment was written.",
    )
    async def survey_comments(
        self, info: Info,
        from_: Annotated[dt.date | None, strawberry.argument(
            name="from", description="First day written, inclusive.")] = None,
        to: Annotated[dt.date | None, strawberry.argument(
            description="Last day written, inclusive.")] = None,
        filter: Annotated[SatisfactionFilter | None, strawberry.argument(
            description="Narrow the comments.")] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Connection[SurveyComment] | None:
        try:
            flt = comments.CommentFilter(date_from=from_, date_to=to,
                                         report=report_filter(filter))
            rows, has_next = await comments.list_comments(
                actor_of(info), flt, page_size(info, first), after, info.context.settings)
        except DomainError as exc:
            raise bad_input(exc) from None
        cursors = [encode_cursor(r["submitted_at"], r["id"]) for r in rows]
        return Connection.of([SurveyComment.from_row(r) for r in rows], cursors, has_next, after)

