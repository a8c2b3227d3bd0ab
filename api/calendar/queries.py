"""Read side of the working calendar."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

import strawberry
from strawberry.types import Info

from api.calendar.types import CalendarDay, CalendarOverride, DeadlinePreview, DeadlineRuleEnum
from api.permissions import actor_of
from api.relay import bad_input
from domain.calendar import service
from domain.errors import DomainError


@strawberry.input(description="A term to preview: counted from `start` by `rule`.")
class DeadlinePreviewInput:
    start: dt.datetime = strawberry.field(
        description="When the term starts (e.g. receipt), with its UTC offset.")
    rule: DeadlineRuleEnum = strawberry.field(
        description="Working days, working hours or calendar days (59-FZ style).")
    amount: int = strawberry.field(
        description="Days (0 to 3650) or hours (0 to 10000), as the rule counts.")


@strawberry.type
class CalendarQueries:
    @strawberry.field(
        description="The government's working calendar, day by day, from `from` to `to` "
        "(both included, at most 366 days; years 1992-2200). Public: no sign-in needed. "
        "A wrong range is a BAD_USER_INPUT error. Bounded by the range, so a list, not a "
        "connection; each day carries the `timeZone` its working hours are in.",
    )
    async def working_calendar(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day, included.")],
    ) -> list[CalendarDay]:
        try:
            days = await service.read_days(from_, to, info.context.settings)
        except DomainError as exc:
            raise bad_input(exc) from None
        zone = ZoneInfo(info.context.settings.timezone)
        return [CalendarDay.of(day, zone) for day in days]

    @strawberry.field(
        description="When a term would run out (staff): the same arithmetic the deadlines "
        "of messages and requests use. A bad amount is a BAD_USER_INPUT error.",
    )
    async def deadline_preview(
        self, info: Info,
        input: Annotated[DeadlinePreviewInput, strawberry.argument(
            description="The term: start, rule and amount.")],
    ) -> DeadlinePreview | None:
        try:
            result = await service.preview_deadline(
                actor_of(info), input.start, input.rule, input.amount, info.context.settings)
        except DomainError as exc:
            raise bad_input(exc) from None
        return DeadlinePreview(start=result.start, rule=result.rule, amount=result.amount,
                               due=result.due, due_date=result.due.date(),
                               time_zone=info.context.settings.timezone)

    @strawberry.field(
        description="Local overrides between `from` and `to` (staff; at most 366 days, so a "
        "list, not a connection), by date.",
    )
    async def calendar_overrides(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day, included.")],
    ) -> list[CalendarOverride] | None:
        try:
            rows = await service.list_overrides(actor_of(info), from_, to)
        except DomainError as exc:
            raise bad_input(exc) from None
        return [CalendarOverride.from_row(r) for r in rows]
