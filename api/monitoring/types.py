"""GraphQL types of the supervisors' monitoring (R-9), built from the domain's dataclasses."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.directory.dataloaders import DepartmentByIdLoader
from api.directory.types import Department
from api.enums import ChannelEnum
from api.messages.types import Message
from api.reception.types import Booking
from api.surveys.types import describe_values
from domain.enums import Channel
from domain.monitoring import queries
from domain.monitoring.export import Table
from domain.monitoring.queries import PERIODS, GroupBy, State
from domain.monitoring.registry import RULES, RuleKey

MonitoredRuleEnum = strawberry.enum(
    RuleKey, name="MonitoredRule", description="A rule with a deadline that the monitoring "
    "watches; each has its requirement ID in `RuleFigures.requirement`.")
describe_values(MonitoredRuleEnum, {
    "REGISTRATION": "59-FZ: an appeal is registered within 3 days of receipt.",
    "ANSWER": "59-FZ: the answer within 30 days of registration (+30 once).",
    "URGENT": "R-2.4: an urgent message is answered within at most 5 working days.",
    "ABUSE_NOTICE": "R-2.5: the abuse-of-right notice within 7 working days of receipt.",
    "REDIRECT": "59-FZ art. 8: redirected to the competent body within 7 days.",
    "RECEPTION_CHANGE_NOTICE": "R-4.4: a changed reception is notified before it was to start.",
    "SOCIAL_MENTION": "R-7.2: a mention in social networks is answered within 6 working hours.",
    "SOCIAL_APPEAL": "R-7.2: an official appeal or a comment on an official post is answered "
    "within 5 working hours.",
    "CALLBACK": "R-3.8: the caller is called back by the end of the agreed window.",
})
MonitoringGroupByEnum = strawberry.enum(
    GroupBy, name="MonitoringGroupBy", description="How monitoring rows are grouped; the "
    "periods are in the government's zone, by when the item started (a message: received).")
describe_values(MonitoringGroupByEnum, {
    "CHANNEL": "By the channel the message came through.",
    "SPHERE": "By the sphere of activity (R-2.3).",
    "DEPARTMENT": "By the department the message is assigned to.",
    "EXECUTOR": "By the executor handling the message.",
    "DAY": "By day.",
    "WEEK": "By week (Monday first).",
    "MONTH": "By month.",
})
MonitoringListEnum = strawberry.enum(
    State, name="MonitoringState", description="The state of a monitored item.")
describe_values(MonitoringListEnum, {
    "ON_TIME": "Done by the deadline.",
    "LATE": "Done after the deadline.",
    "OVERDUE": "Not done, and the deadline has passed.",
    "AT_RISK": "Not done, due within the warning horizon (OKNO_MESSAGE_WARN_WORKING_DAYS).",
    "OPEN": "Not done, not yet near the deadline.",
})
MonitoringTableEnum = strawberry.enum(
    Table, name="MonitoringTable", description="Which monitoring table a CSV export holds.")
describe_values(MonitoringTableEnum, {
    "RULES": "On-time figures per rule (`ruleMonitoring`).",
    "ITEMS": "The overdue or at-risk list of one rule (`monitoringItems`).",
    "VOLUMES": "Message volumes with satisfaction beside them (`messageVolumes`).",
})


@strawberry.type(description="The group of a row; only the dimension asked for in `groupBy` is "
                 "filled, null there means «not recorded».")
class MonitoringGroup:
    channel: ChannelEnum | None = strawberry.field(description="CHANNEL: the channel.")
    sphere_code: str | None = strawberry.field(description="SPHERE: the sphere's code.")
    executor_subject: str | None = strawberry.field(
        description="EXECUTOR: identity-provider subject of the executor.")
    period_start: dt.date | None = strawberry.field(
        description="DAY, WEEK, MONTH: the period's first day.")
    department_key: strawberry.Private[str | None] = None

    @strawberry.field(description="DEPARTMENT: the department.")
    async def department(self, info: Info) -> Department | None:
        return await department_of(info, self.department_key)

    @classmethod
    def of(cls, group: GroupBy | None, value: str | None) -> MonitoringGroup | None:
        if group is None:
            return None
        channel = Channel(value) if group == GroupBy.CHANNEL and value in set(Channel) else None
        return cls(
            channel=channel, sphere_code=value if group == GroupBy.SPHERE else None,
            executor_subject=value if group == GroupBy.EXECUTOR else None,
            period_start=dt.date.fromisoformat(value[:10]) if group in PERIODS and value
            else None, department_key=value if group == GroupBy.DEPARTMENT else None)


async def department_of(info: Info, department_id: Any) -> Department | None:
    if not department_id:
        return None
    row = await info.context.loader(DepartmentByIdLoader).load(str(department_id))
    return Department.from_row(row) if row else None


@strawberry.type(description="How one rule was kept, for the items that started in the period "
                 "(and one group).")
class RuleFigures:
    rule: MonitoredRuleEnum = strawberry.field(description="The rule.")
    requirement: str = strawberry.field(description="The requirement ID or law it proves.")
    title: str = strawberry.field(description="The rule in plain Russian.")
    group: MonitoringGroup | None = strawberry.field(
        description="The group; null without `groupBy`.")
    total: int = strawberry.field(description="Items that started in the period.")
    on_time: int = strawberry.field(description="Done by the deadline.")
    late: int = strawberry.field(description="Done after the deadline.")
    overdue: int = strawberry.field(description="Not done, past the deadline.")
    at_risk: int = strawberry.field(description="Not done, due within the warning horizon.")
    open: int = strawberry.field(description="Not done, not yet near the deadline.")
    on_time_rate: float | None = strawberry.field(
        description="onTime / (onTime + late + overdue), 0 to 1; null when nothing came due.")

    @classmethod
    def of(cls, f: queries.Figures, group: GroupBy | None) -> RuleFigures:
        rule = RULES[f.rule]
        return cls(rule=f.rule, requirement=rule.requirement, title=rule.title,
                   group=MonitoringGroup.of(group, f.group), total=f.total, on_time=f.on_time,
                   late=f.late, overdue=f.overdue, at_risk=f.at_risk, open=f.open,
                   on_time_rate=f.on_time_rate)


@strawberry.type(description="On-time figures of every rule (R-9) for a period.")
class RuleMonitoring:
    date_from: dt.date = strawberry.field(name="from", description="First day, inclusive.")
    date_to: dt.date = strawberry.field(name="to", description="Last day, inclusive.")
    as_of: dt.datetime = strawberry.field(description="The moment the states were computed.")
    group_by: MonitoringGroupByEnum | None = strawberry.field(description="As asked.")
    rows: list[RuleFigures] = strawberry.field(
        description="One row per rule (and group present), rules in a fixed order, blanks last.")


@strawberry.type(description="One open item of a rule that is overdue or near its deadline.")
class MonitoredItem:
    rule: MonitoredRuleEnum = strawberry.field(description="The rule.")
    reference: str | None = strawberry.field(description="Registration number, when it has one.")
    started_at: dt.datetime = strawberry.field(description="When the item started (received).")
    due_date: dt.date | None = strawberry.field(
        description="The deadline as a date (terms counted in days), government's zone.")
    due_at: dt.datetime = strawberry.field(
        description="When it runs out (a date term: that day's closing time).")
    executor_subject: str | None = strawberry.field(description="Who handles it.")
    message_key: strawberry.Private[str | None] = None
    booking_key: strawberry.Private[str | None] = None
    department_key: strawberry.Private[str | None] = None

    @strawberry.field(description="The message the item belongs to.")
    async def message(self, info: Info) -> Message | None:
        if not self.message_key:
            return None
        found = await Message.resolve_nodes(info=info, node_ids=[self.message_key])
        return found[0] if found else None

    @strawberry.field(description="The booking the item belongs to (reception notices).")
    async def booking(self, info: Info) -> Booking | None:
        if not self.booking_key:
            return None
        found = await Booking.resolve_nodes(info=info, node_ids=[self.booking_key])
        return found[0] if found else None

    @strawberry.field(description="The department the item is assigned to.")
    async def department(self, info: Info) -> Department | None:
        return await department_of(info, self.department_key)

    @classmethod
    def of(cls, i: queries.Item) -> MonitoredItem:
        return cls(rule=i.rule, reference=i.reference, started_at=i.started,
                   due_date=i.due_date, due_at=i.due_at, executor_subject=i.executor,
                   message_key=i.message_id, booking_key=i.booking_id,
                   department_key=i.department_id)


@strawberry.type(description="Messages received in one group, and the satisfaction surveys of "
                 "the same group beside them (R-9).")
class VolumeRow:
    group: MonitoringGroup = strawberry.field(description="The group.")
    received: int = strawberry.field(description="Messages received.")
    answered: int = strawberry.field(description="Of them, answered.")
    redirected: int = strawberry.field(description="Of them, redirected.")
    closed_abusive: int = strawberry.field(description="Of them, closed as abusive (R-2.5).")
    open: int = strawberry.field(description="Of them, still open.")
    survey_invitations: int = strawberry.field(description="Survey invitations sent.")
    survey_responses: int = strawberry.field(description="Of them, answered.")
    rating_count: int = strawberry.field(description="Ratings 1–5 given.")
    average_rating: float | None = strawberry.field(description="Mean rating 1–5.")
    satisfied_share: float | None = strawberry.field(
        description="Share of ratings 4 and 5, 0 to 1.")

    @classmethod
    def of(cls, v: queries.Volume, group: GroupBy) -> VolumeRow:
        return cls(group=MonitoringGroup.of(group, v.group), received=v.received,
                   answered=v.answered, redirected=v.redirected,
                   closed_abusive=v.closed_abusive, open=v.open,
                   survey_invitations=v.invitations, survey_responses=v.responses,
                   rating_count=v.rating_count, average_rating=v.average_rating,
                   satisfied_share=v.satisfied_share)


@strawberry.type(description="Message volumes with satisfaction beside them, for a period.")
class MessageVolumes:
    date_from: dt.date = strawberry.field(name="from", description="First day, inclusive.")
    date_to: dt.date = strawberry.field(name="to", description="Last day, inclusive.")
    group_by: MonitoringGroupByEnum = strawberry.field(description="As asked.")
    rows: list[VolumeRow] = strawberry.field(description="One row per group, blanks last.")
