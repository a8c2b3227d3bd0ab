"""GraphQL types of the consultation line, built from plain rows. Lines are public (a
citizens' site shows the numbers and whether the line is open); calls, scripts and
transfers are staff records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.consultation.dataloaders import (
    CallByIdLoader,
    ComingBookingsByClientLoader,
    CurrentScriptsByLineLoader,
    LineByIdLoader,
    OpenMessagesByClientLoader,
    TransfersByCallLoader,
)
from api.dataloaders import RowNode
from api.directory.dataloaders import AgencyByIdLoader, SphereByIdLoader, StaffByIdLoader
from api.directory.types import ExternalAgency, Sphere, StaffMember
from api.enums import ChannelEnum, describe_values
from api.messages.types import Message
from api.reception.types import Booking
from api.relay import Connection
from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import rules
from domain.consultation.access import sees_calls
from domain.consultation.models import (
    CallOutcome,
    CallSource,
    CallStatus,
    CallTopic,
    ScriptKind,
)
from domain.consultation.queries import CALL_COLUMNS, SCRIPT_COLUMNS, row_of
from domain.enums import Channel
from domain.pagination import encode_cursor

ClientRef = Annotated["Client", strawberry.lazy("api.clients.types")]  # noqa: F821

CallTopicEnum = strawberry.enum(CallTopic, description="R-3.1: what a call was about.")
CallStatusEnum = strawberry.enum(CallStatus, description="Where a call stands.")
CallOutcomeEnum = strawberry.enum(CallOutcome, description="How a call ended.")
CallSourceEnum = strawberry.enum(CallSource, description="Who recorded a call first.")
ScriptKindEnum = strawberry.enum(ScriptKind, description="R-3.4: which script of a line.")
describe_values(CallTopicEnum, {
    CallTopic.WORKING_HOURS: "Working hours of the Government and its bodies.",
    CallTopic.PROCEDURES: "Procedures: how to apply, what is needed.",
    CallTopic.APPEAL_PROCEDURE: "How the caller's appeals are handled.",
    CallTopic.APPEAL_STATUS: "The status of the caller's appeal.",
    CallTopic.DECISION_APPEAL: "Control and supervision: appealing a decision and its status.",
    CallTopic.INSPECTIONS: "Control and supervision: dates of planned inspections.",
    CallTopic.RECEPTION: "Personal reception (booking, changes).",
    CallTopic.OTHER: "Anything else.",
})
describe_values(CallStatusEnum, {
    CallStatus.STARTED: "Ringing: nobody answered yet.",
    CallStatus.ANSWERED: "An operator is talking to the caller.",
    CallStatus.ENDED: "The call is over.",
})
describe_values(CallOutcomeEnum, {
    CallOutcome.ANSWERED: "Answered live (R-3.7).",
    CallOutcome.TRANSFERRED: "Transferred to a competent employee (R-3.7).",
    CallOutcome.CALLBACK_PROMISED: "A callback was promised (R-3.8).",
    CallOutcome.OUT_OF_COMPETENCE: "Outside the Government's competence; referral given "
    "(R-3.10).",
    CallOutcome.WRITTEN_CHANNEL: "Moved to a written message (R-5.4).",
    CallOutcome.RECEPTION_BOOKED: "A personal reception was booked (R-4.2, R-5.4).",
})
describe_values(CallSourceEnum, {
    CallSource.OPERATOR: "The operator's screen.",
    CallSource.PBX: "The telephone exchange's webhook (the operator may have joined later).",
})
describe_values(ScriptKindEnum, {
    ScriptKind.GREETING: "What the operator says to open a call.",
    ScriptKind.FAREWELL: "What the operator says to close a call.",
})


class CalendarLoader(DataLoader[str, WorkCalendar]):
    """The working calendar, read once per request (one statement for its overrides)."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    @staticmethod
    async def _load(keys: list[str]) -> list[WorkCalendar]:
        calendar = await load_calendar()
        return [calendar for _ in keys]


@strawberry.type(description="One version of a line's greeting or farewell (R-3.4).")
class LineScript:
    kind: ScriptKindEnum = strawberry.field(description="Greeting or farewell.")
    version: int = strawberry.field(description="1, 2, …: a call records the version it used.")
    text: str = strawberry.field(description="What the operator says, in plain Russian.")
    created_at: dt.datetime = strawberry.field(description="When this version was saved.")

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> LineScript:
        return cls(kind=ScriptKind(row["kind"]), version=row["version"], text=row["text"],
                   created_at=row["created_at"])

    @classmethod
    def from_model(cls, obj: Any) -> LineScript:
        return cls.from_row(row_of(obj, SCRIPT_COLUMNS))


@strawberry.type(description="A telephone number of the consultation line (R-3.2), open in "
                 "the Government's working hours on the working calendar (R-3.3). Public.")
class ConsultationLine(RowNode, relay.Node):
    node_loader = LineByIdLoader

    id: relay.NodeID[str]
    name: str = strawberry.field(description="Name to show.")
    number: str = strawberry.field(description="E.164, e.g. +78422589358 (for tel: links).")
    display_number: str = strawberry.field(description="As printed for citizens, e.g. "
                                           "«8 (8422) 58-93-58».")
    active: bool = strawberry.field(description="Inactive lines take no calls.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        return True

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ConsultationLine:
        return cls(id=str(row["id"]), name=row["name"], number=row["number"],
                   display_number=row["display_number"], active=row["active"])

    @strawberry.field(description="R-3.3: the line answers right now (working time on the "
                      "working calendar, lunch excluded).")
    async def is_open_now(self, info: Info) -> bool:
        calendar = await info.context.loader(CalendarLoader).load("")
        return rules.is_open(calendar, dt.datetime.now(dt.UTC))

    @strawberry.field(description="When the line next opens (null while it is open and when "
                      "no working day comes within 40 days).")
    async def next_opens_at(self, info: Info) -> dt.datetime | None:
        calendar = await info.context.loader(CalendarLoader).load("")
        now = dt.datetime.now(dt.UTC)
        return None if rules.is_open(calendar, now) else rules.next_opens_at(calendar, now)

    @strawberry.field(description="R-3.4: the current greeting and farewell (staff only; "
                      "empty for others).")
    async def scripts(self, info: Info) -> list[LineScript]:
        if not sees_calls(info.context.actor):
            return []
        rows = await info.context.loader(CurrentScriptsByLineLoader).load(self.id)
        return [LineScript.from_row(r) for r in rows]


@strawberry.type(description="One transfer of a call (R-3.7): from whom, to whom, on which "
                 "sphere, why, and when the caller was told.")
class CallTransfer:
    seq: int = strawberry.field(description="1 or 2: at most two transfers per call.")
    reason: str = strawberry.field(description="Why the call was transferred.")
    caller_told_at: dt.datetime = strawberry.field(description="When the caller was told.")
    created_at: dt.datetime = strawberry.field(description="When it was transferred.")
    from_staff_id: strawberry.Private[str | None]
    to_staff_id: strawberry.Private[str]
    sphere_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CallTransfer:
        return cls(seq=row["seq"], reason=row["reason"], caller_told_at=row["caller_told_at"],
                   created_at=row["created_at"], sphere_id=str(row["sphere_id"]),
                   from_staff_id=str(row["from_staff_id"]) if row["from_staff_id"] else None,
                   to_staff_id=str(row["to_staff_id"]))

    @strawberry.field(description="Who transferred (null when not in the directory).")
    async def from_staff(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.from_staff_id)

    @strawberry.field(description="The competent employee the call went to.")
    async def to_staff(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.to_staff_id)

    @strawberry.field(description="The sphere the employee is competent for.")
    async def sphere(self, info: Info) -> Sphere | None:
        row = await info.context.loader(SphereByIdLoader).load(self.sphere_id)
        return Sphere.from_row(row) if row else None


async def _staff(info: Info, staff_id: str | None) -> StaffMember | None:
    row = await info.context.loader(StaffByIdLoader).load(staff_id) if staff_id else None
    return StaffMember.from_row(row) if row else None


def _opt(value: Any) -> str | None:
    return str(value) if value else None


@strawberry.type(description="One call on the consultation line: the operator's screen in "
                 "one query (caller's card, open messages, coming bookings, the line's "
                 "scripts) and what happened on it. Staff only.")
class Call(RowNode, relay.Node):
    node_loader = CallByIdLoader

    id: relay.NodeID[str]
    caller_number: str | None = strawberry.field(description="E.164; null when hidden.")
    source: CallSourceEnum = strawberry.field(description="Who recorded the call first.")
    pbx_call_id: str | None = strawberry.field(description="The exchange's call id, if any.")
    status: CallStatusEnum = strawberry.field(description="Ringing, in progress or over.")
    started_at: dt.datetime = strawberry.field(description="When the call began.")
    answered_at: dt.datetime | None = strawberry.field(description="When it was answered.")
    ended_at: dt.datetime | None = strawberry.field(description="When it ended.")
    after_hours: bool = strawberry.field(description="Came in while the line was closed "
                                         "(recorded by the exchange only).")
    topics: list[CallTopicEnum] = strawberry.field(description="R-3.1: what it was about.")
    outcome: CallOutcomeEnum | None = strawberry.field(description="How it ended; null while "
                                                       "not recorded.")
    greeting_version: int | None = strawberry.field(description="R-3.4: greeting version used.")
    farewell_version: int | None = strawberry.field(description="R-3.4: farewell version used.")
    transfer_count: int = strawberry.field(description="R-3.7: transfers so far (at most 2).")
    referral_note: str = strawberry.field(description="R-3.10: what the caller was told about "
                                          "where to go (empty when none).")
    referral_sent_at: dt.datetime | None = strawberry.field(
        description="When the agency's contacts were sent to the caller.")
    channels_offered: list[ChannelEnum] = strawberry.field(
        description="R-5.4: other channels offered when the phone could not serve.")
    channel_chosen: ChannelEnum | None = strawberry.field(description="R-5.4: the one chosen.")
    survey_consent: bool = strawberry.field(description="The caller agreed to a survey after "
                                            "the call (R-9).")
    notes: str = strawberry.field(description="The operator's notes.")
    line_id: strawberry.Private[str]
    client_id: strawberry.Private[str | None]
    operator_id: strawberry.Private[str | None]
    agency_id: strawberry.Private[str | None]
    message_id: strawberry.Private[str | None]
    booking_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Staff only: a client sees their calls in their history."""
        return sees_calls(actor)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Call:
        return cls(
            id=str(row["id"]), caller_number=row["caller_number"], source=row["source"],
            pbx_call_id=row["pbx_call_id"], status=row["status"], started_at=row["started_at"],
            answered_at=row["answered_at"], ended_at=row["ended_at"],
            after_hours=row["after_hours"],
            topics=[CallTopic(t) for t in row["topics"] or []
                    if t in CallTopic._value2member_map_],
            outcome=row["outcome"], greeting_version=row["greeting_version"],
            farewell_version=row["farewell_version"], transfer_count=row["transfer_count"],
            referral_note=row["referral_note"], referral_sent_at=row["referral_sent_at"],
            channels_offered=[Channel(c) for c in row["channels_offered"] or []
                              if c in Channel._value2member_map_],
            channel_chosen=row["channel_chosen"], survey_consent=row["survey_consent"],
            notes=row["notes"], line_id=str(row["line_id"]), client_id=_opt(row["client_id"]),
            operator_id=_opt(row["operator_id"]), agency_id=_opt(row["referral_agency_id"]),
            message_id=_opt(row["message_id"]), booking_id=_opt(row["booking_id"]))

    @classmethod
    def from_model(cls, obj: Any) -> Call:
        return cls.from_row(row_of(obj, CALL_COLUMNS))

    @strawberry.field(description="The line called.")
    async def line(self, info: Info) -> ConsultationLine | None:
        row = await info.context.loader(LineByIdLoader).load(self.line_id)
        return ConsultationLine.from_row(row) if row else None

    @strawberry.field(description="The caller's card; null until the caller is known. Its "
                      "`history` field shows their recent interactions.")
    async def client(self, info: Info) -> ClientRef | None:
        if self.client_id is None:
            return None
        return await relay.GlobalID("Client", self.client_id).resolve_node(info)

    @strawberry.field(description="The operator who took the call.")
    async def operator(self, info: Info) -> StaffMember | None:
        return await _staff(info, self.operator_id)

    @strawberry.field(description="R-3.4: the line's current greeting and farewell, to read "
                      "out.")
    async def scripts(self, info: Info) -> list[LineScript]:
        rows = await info.context.loader(CurrentScriptsByLineLoader).load(self.line_id)
        return [LineScript.from_row(r) for r in rows]

    @strawberry.field(description="The caller's written messages still waiting for their "
                      "answer (status and deadlines on each), newest first, at most 20.")
    async def open_messages(self, info: Info) -> list[Message]:
        if self.client_id is None:
            return []
        rows = await info.context.loader(OpenMessagesByClientLoader).load(self.client_id)
        actor = info.context.actor
        return [Message.from_row(r) for r in rows if Message.visible(actor, r)]

    @strawberry.field(description="The caller's reception bookings still to come, soonest "
                      "first, at most 20.")
    async def coming_bookings(self, info: Info) -> list[Booking]:
        if self.client_id is None:
            return []
        rows = await info.context.loader(ComingBookingsByClientLoader).load(self.client_id)
        return [Booking.from_row(r) for r in rows]

    @strawberry.field(description="R-3.7: the transfers, first to last.")
    async def transfers(self, info: Info) -> list[CallTransfer]:
        rows = await info.context.loader(TransfersByCallLoader).load(self.id)
        return [CallTransfer.from_row(r) for r in rows]

    @strawberry.field(description="R-3.10: the agency the caller was referred to.")
    async def referral_agency(self, info: Info) -> ExternalAgency | None:
        row = await info.context.loader(AgencyByIdLoader).load(self.agency_id) \
            if self.agency_id else None
        return ExternalAgency.from_row(row) if row else None

    @strawberry.field(description="R-5.4: the written message opened from this call.")
    async def message(self, info: Info) -> Message | None:
        if self.message_id is None:
            return None
        return await relay.GlobalID("Message", self.message_id).resolve_node(info)

    @strawberry.field(description="R-5.4: the reception booked from this call.")
    async def booking(self, info: Info) -> Booking | None:
        if self.booking_id is None:
            return None
        return await relay.GlobalID("Booking", self.booking_id).resolve_node(info)


@strawberry.type(description="A page of calls, newest started first. Continue with "
                 "`after: pageInfo.endCursor`.")
class CallConnection(Connection[Call]):
    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]], has_next: bool, after: str | None
                  ) -> CallConnection:
        return cls.of([Call.from_row(r) for r in rows],
                      [encode_cursor(r["started_at"], r["id"]) for r in rows], has_next, after)
