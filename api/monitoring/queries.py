"""Read side of the monitoring: rule figures, overdue and at-risk lists, volumes (R-9)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.monitoring.types import (
    MessageVolumes,
    MonitoredItem,
    MonitoredRuleEnum,
    MonitoringGroupByEnum,
    MonitoringListEnum,
    RuleFigures,
    RuleMonitoring,
    VolumeRow,
)
from api.permissions import actor_of
from api.relay import AFTER_DESCRIPTION, FIRST_DESCRIPTION, Connection, bad_input, page_size
from domain.errors import DomainError
from domain.monitoring import queries
from domain.monitoring.access import require_monitor


@strawberry.type
class MonitoringQueries:
    @strawberry.field(description="On-time figures of every monitored rule (R-9) for the items "
                      "that started in the period, optionally by one dimension.")
    async def rule_monitoring(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(
            name="from", description="First day, inclusive (government's zone).")],
        to: Annotated[dt.date, strawberry.argument(description="Last day, inclusive.")],
        group_by: Annotated[MonitoringGroupByEnum | None, strawberry.argument(
            description="One dimension; none: one row per rule.")] = None,
        rules: Annotated[list[MonitoredRuleEnum] | None, strawberry.argument(
            description="Only these rules; none: every rule.")] = None,
    ) -> RuleMonitoring | None:
        settings = info.context.settings
        try:
            require_monitor(actor_of(info))
            queries.period_bounds(from_, to, settings)
            clock = await queries.clock(settings)
            rows = await queries.figures(settings, from_, to, clock, group_by,
                                         list(dict.fromkeys(rules or [])) or None)
        except DomainError as exc:
            raise bad_input(exc) from None
        return RuleMonitoring(date_from=from_, date_to=to, as_of=clock.now, group_by=group_by,
                              rows=[RuleFigures.of(f, group_by) for f in rows])

    @strawberry.field(description="Open items of one rule that are overdue or near their "
                      "deadline, whenever they started; the earliest deadline first.")
    async def monitoring_items(
        self, info: Info,
        rule: Annotated[MonitoredRuleEnum, strawberry.argument(description="The rule.")],
        state: Annotated[MonitoringListEnum, strawberry.argument(
            description="OVERDUE or AT_RISK; other states are a BAD_USER_INPUT error.")],
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> Connection[MonitoredItem] | None:
        settings = info.context.settings
        try:
            require_monitor(actor_of(info))
            clock = await queries.clock(settings)
            found, more = await queries.items(settings, rule, state, clock,
                                              page_size(info, first), after)
        except DomainError as exc:
            raise bad_input(exc) from None
        return Connection.of([MonitoredItem.of(i) for i in found], [i.cursor for i in found],
                             more, after)

    @strawberry.field(description="Messages received in the period by one dimension, by "
                      "outcome, with the satisfaction surveys of the same group beside them.")
    async def message_volumes(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(
            name="from", description="First day, inclusive (government's zone).")],
        to: Annotated[dt.date, strawberry.argument(description="Last day, inclusive.")],
        group_by: Annotated[MonitoringGroupByEnum, strawberry.argument(
            description="The dimension.")],
    ) -> MessageVolumes | None:
        settings = info.context.settings
        try:
            require_monitor(actor_of(info))
            rows = await queries.volumes(settings, from_, to, group_by)
        except DomainError as exc:
            raise bad_input(exc) from None
        return MessageVolumes(date_from=from_, date_to=to, group_by=group_by,
                              rows=[VolumeRow.of(v, group_by) for v in rows])
