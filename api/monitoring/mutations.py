"""The monitoring's one write: a signed link to a CSV of any of its tables (R-9)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.types import Info

from api.errors import UserError, attempt
from api.monitoring.types import (
    MonitoredRuleEnum,
    MonitoringGroupByEnum,
    MonitoringListEnum,
    MonitoringTableEnum,
)
from api.permissions import actor_of
from domain.monitoring import export


@strawberry.input(description="Which monitoring table to export, with the arguments of its "
                  "query field.")
class ExportMonitoringInput:
    table: MonitoringTableEnum = strawberry.field(description="The table.")
    date_from: dt.date = strawberry.field(
        name="from", description="First day, inclusive (RULES, VOLUMES).")
    date_to: dt.date = strawberry.field(name="to", description="Last day, inclusive.")
    group_by: MonitoringGroupByEnum | None = strawberry.field(
        default=None, description="RULES: optional; VOLUMES: required.")
    rule: MonitoredRuleEnum | None = strawberry.field(default=None, description="ITEMS: the rule.")
    state: MonitoringListEnum | None = strawberry.field(
        default=None, description="ITEMS: OVERDUE or AT_RISK.")


@strawberry.type(description="A signed download link; anyone holding it can download until it "
                 "expires, so do not share it.")
class MonitoringExportPayload:
    url: str | None = strawberry.field(
        description="GET it to download the CSV (UTF-8 with BOM), computed when downloaded.")
    expires_at: dt.datetime | None = strawberry.field(description="The link stops working then.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type
class MonitoringMutations:
    @strawberry.mutation(description="A signed link to a CSV of a monitoring table.")
    async def export_monitoring(
        self, info: Info, input: ExportMonitoringInput
    ) -> MonitoringExportPayload | None:
        async def make() -> tuple[str, dt.datetime]:
            return export.export_link(actor_of(info), input.table, input.date_from,
                                      input.date_to, input.group_by, input.rule, input.state,
                                      info.context.settings)

        result, errors = await attempt(make)
        if result is None:
            return MonitoringExportPayload(url=None, expires_at=None, errors=errors)
        return MonitoringExportPayload(url=result[0], expires_at=result[1], errors=[])
