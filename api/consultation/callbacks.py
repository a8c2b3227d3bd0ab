"""Callbacks on the consultation line (R-3.8): the type, the operator's list, promising one
and logging attempts. Staff only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.consultation.callback_loaders import (
    AttemptsByCallbackLoader,
    CallbackByIdLoader,
    WindowsByCallbackLoader,
)
from api.dataloaders import RowNode
from api.directory.dataloaders import StaffByIdLoader
from api.directory.types import StaffMember
from api.enums import describe_values
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import (
    AFTER_DESCRIPTION,
    FIRST_DESCRIPTION,
    Connection,
    bad_input,
    decode_id,
    decode_optional_id,
    page_size,
)
from domain.actor import Actor
from domain.consultation import callback_queries, callbacks
from domain.consultation.access import sees_calls
from domain.consultation.callback_queries import CALLBACK_COLUMNS, encode_due_cursor
from domain.consultation.callback_rules import Window
from domain.consultation.models import CallbackOutcome, CallbackStatus
from domain.errors import DomainError

CallRef = Annotated["Call", strawberry.lazy("api.consultation.types")]  # noqa: F821
ClientRef = Annotated["Client", strawberry.lazy("api.clients.types")]  # noqa: F821

CallbackStatusEnum = strawberry.enum(CallbackStatus, description="R-3.8: where a callback "
                                     "stands.")
CallbackOutcomeEnum = strawberry.enum(CallbackOutcome, description="R-3.8: how one attempt "
                                      "to call back went.")
describe_values(CallbackStatusEnum, {
    CallbackStatus.SCHEDULED: "Waiting for its window (or overdue: see `overdue`).",
    CallbackStatus.DONE: "The caller was reached.",
    CallbackStatus.FAILED: "No window left after a missed attempt, or a wrong number.",
    CallbackStatus.CANCELLED: "No longer needed.",
})
describe_values(CallbackOutcomeEnum, {
    CallbackOutcome.ANSWERED: "Reached, the answer given: the callback is done.",
    CallbackOutcome.NO_ANSWER: "Nobody answered: moves to the next window.",
    CallbackOutcome.BUSY: "Busy: moves to the next window.",
    CallbackOutcome.WRONG_NUMBER: "Not the caller's number: the callback fails.",
    CallbackOutcome.DECLINED: "Reached, the answer no longer wanted: the callback is done.",
})

_ERRORS = "Empty on success; otherwise what to fix, per input field."


def _opt(value: Any) -> str | None:
    return str(value) if value else None


@strawberry.type(description="A time the caller said suits them.")
class CallbackWindow:
    starts_at: dt.datetime = strawberry.field(description="Start of the window.")
    ends_at: dt.datetime = strawberry.field(description="End of the window.")


@strawberry.type(description="One attempt to call back and how it went (R-3.8: outcomes are "
                 "logged).")
class CallbackAttempt:
    outcome: CallbackOutcomeEnum = strawberry.field(description="How it went.")
    note: str = strawberry.field(description="The operator's note (empty when none).")
    attempted_at: dt.datetime = strawberry.field(description="When the attempt was made.")
    staff_id: strawberry.Private[str | None]

    @strawberry.field(description="Who called, if in the directory.")
    async def staff(self, info: Info) -> StaffMember | None:
        row = await info.context.loader(StaffByIdLoader).load(self.staff_id) \
            if self.staff_id else None
        return StaffMember.from_row(row) if row else None


@strawberry.type(description="A promised callback (R-3.8): the number, when the answer will "
                 "be ready, the caller's windows, and the working part of the window it is "
                 "due in (`dueAt`–`dueUntil`). Staff only.")
class Callback(RowNode, relay.Node):
    node_loader = CallbackByIdLoader

    id: relay.NodeID[str]
    number: str = strawberry.field(description="The number to call, E.164.")
    question: str = strawberry.field(description="What the caller is waiting for an answer on.")
    promised_by: dt.datetime = strawberry.field(description="When the caller was told the "
                                                "answer would be ready.")
    status: CallbackStatusEnum = strawberry.field(description="Where it stands.")
    due_at: dt.datetime = strawberry.field(description="Call from this moment: the start of "
                                           "the working part of the window it is due in.")
    due_until: dt.datetime = strawberry.field(description="…and before this one; later it is "
                                              "overdue.")
    attempts: int = strawberry.field(description="Attempts so far.")
    last_attempt_at: dt.datetime | None = strawberry.field(description="The latest attempt.")
    outcome: CallbackOutcomeEnum | None = strawberry.field(
        description="The latest attempt's outcome; null before any.")
    outcome_note: str = strawberry.field(description="The latest attempt's note.")
    done_at: dt.datetime | None = strawberry.field(description="When it was closed.")
    reminded_at: dt.datetime | None = strawberry.field(
        description="When the assignee was reminded of the current window.")
    escalated_at: dt.datetime | None = strawberry.field(
        description="When an overdue window was escalated to the supervisors.")
    created_by: str = strawberry.field(description="Subject of the employee who promised it.")
    created_at: dt.datetime = strawberry.field(description="When it was promised.")
    call_id: strawberry.Private[str]
    client_id: strawberry.Private[str | None]
    assignee_id: strawberry.Private[str | None]

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Staff only, like calls."""
        return sees_calls(actor)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Callback:
        return cls(
            id=str(row["id"]), number=row["number"], question=row["question"],
            promised_by=row["promised_by"], status=row["status"], due_at=row["due_at"],
            due_until=row["due_until"], attempts=row["attempts"],
            last_attempt_at=row["last_attempt_at"], outcome=row["outcome"],
            outcome_note=row["outcome_note"], done_at=row["done_at"],
            reminded_at=row["reminded_at"], escalated_at=row["escalated_at"],
            created_by=row["created_by"], created_at=row["created_at"],
            call_id=str(row["call_id"]), client_id=_opt(row["client_id"]),
            assignee_id=_opt(row["assignee_id"]))

    @classmethod
    def from_model(cls, obj: Any) -> Callback:
        return cls.from_row({c: getattr(obj, c) for c in CALLBACK_COLUMNS})

    @strawberry.field(description="True while scheduled past the end of its window.")
    def overdue(self) -> bool:
        return self.status == CallbackStatus.SCHEDULED and \
            self.due_until <= dt.datetime.now(dt.UTC)

    @strawberry.field(description="The caller's windows, in time order (at most 10).")
    async def windows(self, info: Info) -> list[CallbackWindow]:
        rows = await info.context.loader(WindowsByCallbackLoader).load(self.id)
        return [CallbackWindow(starts_at=r["starts_at"], ends_at=r["ends_at"]) for r in rows]

    @strawberry.field(description="Every attempt, oldest first (at most 20).")
    async def attempt_log(self, info: Info) -> list[CallbackAttempt]:
        rows = await info.context.loader(AttemptsByCallbackLoader).load(self.id)
        return [CallbackAttempt(outcome=r["outcome"], note=r["note"],
                                attempted_at=r["attempted_at"], staff_id=_opt(r["staff_id"]))
                for r in rows]

    @strawberry.field(description="Who is to call back; null: the supervisors get its alerts.")
    async def assignee(self, info: Info) -> StaffMember | None:
        row = await info.context.loader(StaffByIdLoader).load(self.assignee_id) \
            if self.assignee_id else None
        return StaffMember.from_row(row) if row else None

    @strawberry.field(description="The call it was promised on.")
    async def call(self, info: Info) -> CallRef | None:
        return await relay.GlobalID("Call", self.call_id).resolve_node(info)

    @strawberry.field(description="The caller's card, if known.")
    async def client(self, info: Info) -> ClientRef | None:
        if not self.client_id:
            return None
        return await relay.GlobalID("Client", self.client_id).resolve_node(info)


@strawberry.type(description="A page of callbacks, soonest due first. Continue with "
                 "`after: pageInfo.endCursor`.")
class CallbackConnection(Connection[Callback]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> CallbackConnection:
        return cls.of([Callback.from_row(r) for r in rows],
                      [encode_due_cursor(r["due_at"], r["id"]) for r in rows], has_next, after)


@strawberry.input(description="Which callbacks to list; conditions combine with AND.")
class CallbackFilter:
    mine: bool = strawberry.field(default=False, description="Only those assigned to me.")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only those assigned to this StaffMember (global ID).")
    statuses: list[CallbackStatusEnum] | None = strawberry.field(
        default=None, description="Only these states (default: SCHEDULED).")
    overdue_only: bool = strawberry.field(default=False, description="Only scheduled ones "
                                          "whose window has closed.")
    due_before: dt.datetime | None = strawberry.field(
        default=None, description="Only those due to start before this moment (e.g. the end "
        "of today).")


@strawberry.type
class CallbackQueries:
    @strawberry.field(description="Callbacks due and overdue (R-3.8), soonest due first: an "
                      "operator's worklist (`mine`), a supervisor's view of anyone's. A bad ID "
                      "or cursor is BAD_USER_INPUT.")
    async def callbacks(
        self, info: Info,
        filter: Annotated[CallbackFilter | None, strawberry.argument(
            description="Whose, which states, overdue, due before.")] = None,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = None,
        after: Annotated[str | None, strawberry.argument(description=AFTER_DESCRIPTION)] = None,
    ) -> CallbackConnection | None:
        size = page_size(info, first)
        flt = filter or CallbackFilter()
        try:
            rows, has_next = await callback_queries.page(
                actor_of(info), size, after, mine=flt.mine,
                assignee_id=decode_optional_id(flt.assignee_id, "StaffMember", "assigneeId"),
                statuses=flt.statuses, overdue_only=flt.overdue_only, due_before=flt.due_before)
        except DomainError as exc:
            raise bad_input(exc) from None
        return CallbackConnection.from_rows(rows, has_next, after)


@strawberry.input(description="A time the caller said suits them (with an offset).")
class CallbackWindowInput:
    starts_at: dt.datetime = strawberry.field(description="Start of the window.")
    ends_at: dt.datetime = strawberry.field(description="End; after the start, in the future.")


@strawberry.input(description="R-3.8: promise to call back. Due in the first window after "
                  "`promisedBy` that lies inside working hours (each window is cut to working "
                  "time); a window in the past is INVALID and one with no working time "
                  "OUTSIDE_WORKING_HOURS, each naming `windows.N`.")
class PromiseCallbackInput:
    call_id: strawberry.ID = strawberry.field(description="The Call (global ID).")
    number: str = strawberry.field(description="The number to call, any spelling.")
    promised_by: dt.datetime = strawberry.field(description="When the caller was told the "
                                                "answer would be ready.")
    windows: list[CallbackWindowInput] = strawberry.field(
        description="The caller's convenient windows, 1 to 10.")
    question: str | None = strawberry.field(default=None, description="What the answer is "
                                            "about (up to 2000 characters).")
    assignee_id: strawberry.ID | None = strawberry.field(
        default=None, description="Who calls back (StaffMember global ID); default: the "
        "call's operator, else you.")


@strawberry.type(description="Result of a callback change: the callback, or errors.")
class CallbackPayload:
    callback: Callback | None = strawberry.field(description="The callback; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="R-3.8: log one attempt to call back. ANSWERED or DECLINED "
                  "closes it; NO_ANSWER or BUSY moves it to the next window (FAILED when none "
                  "is left); WRONG_NUMBER fails it.")
class RecordCallbackAttemptInput:
    callback_id: strawberry.ID = strawberry.field(description="The Callback (global ID).")
    outcome: CallbackOutcomeEnum = strawberry.field(description="How it went.")
    note: str | None = strawberry.field(default=None, description="A note (up to 2000 "
                                        "characters).")


def _payload(result, errors) -> CallbackPayload:
    return CallbackPayload(callback=Callback.from_model(result) if result else None,
                           errors=errors)


@strawberry.type
class CallbackMutations:
    @strawberry.mutation(description="Promise a callback on a call (R-3.8).")
    async def promise_callback(self, info: Info, input: PromiseCallbackInput
                               ) -> CallbackPayload | None:
        actor = actor_of(info)
        windows = [Window(w.starts_at, w.ends_at) for w in input.windows]
        return _payload(*await attempt(lambda: callbacks.promise(
            actor, decode_id(input.call_id, "Call", "callId"), input.number, input.promised_by,
            windows, question=input.question,
            assignee_id=decode_optional_id(input.assignee_id, "StaffMember", "assigneeId"))))

    @strawberry.mutation(description="Log an attempt to call back (R-3.8).")
    async def record_callback_attempt(self, info: Info, input: RecordCallbackAttemptInput
                                      ) -> CallbackPayload | None:
        actor = actor_of(info)
        return _payload(*await attempt(lambda: callbacks.record_attempt(
            actor, decode_id(input.callback_id, "Callback", "callbackId"), input.outcome,
            input.note)))
