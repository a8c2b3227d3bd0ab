"""Write side of the working calendar: admins keep local overrides."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import strawberry
from strawberry.types import Info

from api.calendar.types import CalendarDay, CalendarOverride, DayKindEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from domain.calendar import service


@strawberry.input(description="Make one date working or not, whatever the federal calendar "
                  "says (admins), e.g. by a governor's decree. Replaces an earlier override.")
class SetCalendarOverrideInput:
    date: dt.date = strawberry.field(description="The date to override.")
    kind: DayKindEnum = strawberry.field(
        description="WORKDAY or WORKING_WEEKEND: working (named by the weekday); HOLIDAY: a "
        "holiday, shortening its eve; WEEKEND or TRANSFERRED_DAY_OFF: a day off.")
    working_minutes: int | None = strawberry.field(
        default=None, description="Working kinds only: the day's length (1-1440 minutes), cut "
        "from the end of the usual hours or stretched towards midnight; null: usual length.")
    reason: str = strawberry.field(description="Why, e.g. «Указ Губернатора от … № …».")


@strawberry.input(description="Return a date to the federal calendar (admins).")
class RemoveCalendarOverrideInput:
    date: dt.date = strawberry.field(description="The date whose override is removed.")


@strawberry.type(description="Result of setting an override: it and the day as it is now.")
class CalendarOverridePayload:
    override: CalendarOverride | None = strawberry.field(
        description="The override as stored; null on errors.")
    day: CalendarDay | None = strawberry.field(description="The day as it is now.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success.")


@strawberry.type(description="Result of removing an override.")
class RemoveCalendarOverridePayload:
    removed_date: dt.date | None = strawberry.field(
        description="The date returned to the federal calendar.")
    day: CalendarDay | None = strawberry.field(description="The day as it is now.")
    errors: list[UserError] = strawberry.field(
        description="Why nothing was changed; empty on success.")


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(description="Set a local override of one date (admins).")
    async def set_calendar_override(
        self, info: Info, input: SetCalendarOverrideInput
    ) -> CalendarOverridePayload | None:
        result, errors = await attempt(service.set_override(
            actor_of(info), input.date, input.kind, input.working_minutes, input.reason,
            info.context.settings))
        if result is None:
            return CalendarOverridePayload(override=None, day=None, errors=errors)
        row, day = result
        return CalendarOverridePayload(
            override=CalendarOverride.from_model(row),
            day=CalendarDay.of(day, ZoneInfo(info.context.settings.timezone)), errors=[])

    @strawberry.mutation(description="Remove the local override of one date (admins).")
    async def remove_calendar_override(
        self, info: Info, input: RemoveCalendarOverrideInput
    ) -> RemoveCalendarOverridePayload | None:
        result, errors = await attempt(service.remove_override(
            actor_of(info), input.date, info.context.settings))
        if result is None:
            return RemoveCalendarOverridePayload(removed_date=None, day=None, errors=errors)
        removed, day = result
        return RemoveCalendarOverridePayload(
            removed_date=removed, day=CalendarDay.of(day, ZoneInfo(info.context.settings.timezone)),
            errors=[])
