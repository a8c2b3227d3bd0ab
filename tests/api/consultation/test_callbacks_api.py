"""Callbacks over HTTP (R-3.8): promise, errors naming the field, attempts, the operator's
list through DataLoaders, node(id:). Both databases."""

from __future__ import annotations

import datetime as dt

from api.relay import encode_id
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation.models import Callback
from tests.conftest import count_queries
from tests.domain.consultation.callbacks_world import build_world, make_call

PROMISE = """mutation($input: PromiseCallbackInput!) { promiseCallback(input: $input) {
  callback { id status number dueAt dueUntil overdue windows { startsAt endsAt }
             assignee { subject } call { id } client { id } }
  errors { code field message } } }"""
ATTEMPT = """mutation($input: RecordCallbackAttemptInput!) { recordCallbackAttempt(input: $input) {
  callback { id status attempts dueAt outcome attemptLog { outcome note staff { subject } } }
  errors { code field message } } }"""
LIST = """query($filter: CallbackFilter, $first: Int, $after: String) {
  callbacks(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id number dueAt windows { startsAt } attemptLog { outcome }
                          assignee { fullName } call { id status } client { id } } }
    pageInfo { hasNextPage endCursor } } }"""


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def days_ahead() -> tuple[dt.date, dt.date]:
    """Two working days after today and the one after (windows always in the future)."""
    cal = WorkCalendar.default()
    first = cal.add_working_days(dt.datetime.now(cal.zone).date(), 2)
    return first, cal.add_working_days(first, 1)


def around_closing(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """An hour before closing until three hours after: partly after hours."""
    closing = WorkCalendar.default().closing_time(day)
    return closing - dt.timedelta(hours=1), closing + dt.timedelta(hours=3)


def morning(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = WorkCalendar.default().zone
    return (dt.datetime(day.year, day.month, day.day, 10, tzinfo=zone),
            dt.datetime(day.year, day.month, day.day, 11, tzinfo=zone))


def promise_input(world, *windows, **extra) -> dict:
    return {"callId": encode_id("Call", world.call.id), "number": "8 902 123-45-67",
            "promisedBy": iso(dt.datetime.now(dt.UTC)),
            "windows": [{"startsAt": iso(s), "endsAt": iso(e)} for s, e in windows], **extra}


async def test_promise_and_attempts_over_http(settings, gql):
    """R-3.8: due in the working part of a window partly after hours; a missed attempt
    moves it to the next window; an answer closes it; outcomes logged."""
    world = await build_world()
    first, second = days_ahead()
    body = await gql(PROMISE, {"input": promise_input(world, around_closing(first),
                                                      morning(second))}, as_="operator")
    result = body["data"]["promiseCallback"]
    assert result["errors"] == []
    callback = result["callback"]
    start, _ = around_closing(first)
    assert callback["dueAt"] == iso(start)
    assert callback["dueUntil"] == iso(WorkCalendar.default().closing_time(first))
    assert callback["status"] == "SCHEDULED" and not callback["overdue"]
    assert callback["number"] == "+79021234567" and len(callback["windows"]) == 2
    assert callback["assignee"] == {"subject": "operator-1"}
    assert callback["call"] == {"id": encode_id("Call", world.call.id)}
    assert callback["client"] == {"id": encode_id("Client", world.caller.id)}

    # An attempt before the window opens keeps the window (nothing to move away from).
    early = (await gql(ATTEMPT, {"input": {"callbackId": callback["id"],
                                           "outcome": "NO_ANSWER"}}, as_="operator"))
    assert early["data"]["recordCallbackAttempt"]["callback"]["dueAt"] == iso(start)
    done = (await gql(ATTEMPT, {"input": {"callbackId": callback["id"], "outcome": "ANSWERED",
                                          "note": "Ответ дан"}}, as_="operator"))
    row = done["data"]["recordCallbackAttempt"]["callback"]
    assert row["status"] == "DONE" and row["attempts"] == 2
    assert [a["outcome"] for a in row["attemptLog"]] == ["NO_ANSWER", "ANSWERED"]
    assert row["attemptLog"][1]["note"] == "Ответ дан"
    again = (await gql(ATTEMPT, {"input": {"callbackId": callback["id"],
                                           "outcome": "ANSWERED"}}, as_="operator"))
    assert again["data"]["recordCallbackAttempt"]["errors"][0]["code"] == "INVALID_STATE"


async def test_bad_windows_name_the_field(settings, gql):
    """R-3.8 bad input: a window in the past or outside working hours, a forged call ID:
    each a UserError naming the field, nothing written."""
    world = await build_world()
    first, _ = days_ahead()
    closing = WorkCalendar.default().closing_time(first)
    night = (closing + dt.timedelta(hours=1), closing + dt.timedelta(hours=4))
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3),
            dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    cases = [
        (promise_input(world, morning(first), night), "OUTSIDE_WORKING_HOURS", "windows.1"),
        (promise_input(world, past), "INVALID", "windows.0.endsAt"),
        (promise_input(world), "REQUIRED", "windows"),
        (promise_input(world, morning(first), callId="forged"), "INVALID_ID", "callId"),
        (promise_input(world, morning(first), number="\u0000"), "FORBIDDEN_CHARACTERS",
         "number"),
        (promise_input(world, morning(first), assigneeId=encode_id("StaffMember", world.call.id)),
         "NOT_FOUND", "assigneeId"),
    ]
    for given, code, field in cases:
        body = await gql(PROMISE, {"input": given}, as_="operator")
        [error] = body["data"]["promiseCallback"]["errors"]
        assert (error["code"], error["field"]) == (code, field), given
        assert error["message"]
    assert await Callback.all().count() == 0


async def test_list_through_loaders_and_node(settings, gql):
    """R-3.8: the operator's list, soonest first, pages by cursor; relations through
    DataLoaders (the SQL count does not grow with the list); staff-only Node."""
    world = await build_world()
    first, second = days_ahead()

    async def promise_many(n: int) -> None:
        for _ in range(n):
            call = await make_call(world.line, world.operator, world.caller.id)
            given = promise_input(world, morning(first), morning(second),
                                  callId=encode_id("Call", call.id))
            assert (await gql(PROMISE, {"input": given}, as_="operator"))[
                "data"]["promiseCallback"]["errors"] == []

    await promise_many(2)
    with count_queries() as few:
        small = await gql(LIST, {"filter": {"mine": True}, "first": 50}, as_="operator")
    await promise_many(4)
    with count_queries() as many:
        large = await gql(LIST, {"filter": {"mine": True}, "first": 50}, as_="operator")
    assert len(small["data"]["callbacks"]["edges"]) == 2
    assert len(large["data"]["callbacks"]["edges"]) == 6
    assert few.count == many.count
    page = await gql(LIST, {"filter": {"mine": True}, "first": 4}, as_="operator")
    conn = page["data"]["callbacks"]
    assert conn["pageInfo"]["hasNextPage"]
    rest = await gql(LIST, {"filter": {"mine": True}, "first": 4,
                            "after": conn["pageInfo"]["endCursor"]}, as_="operator")
    ids = [e["node"]["id"] for e in conn["edges"] + rest["data"]["callbacks"]["edges"]]
    assert len(set(ids)) == 6
    none = await gql(LIST, {"filter": {"overdueOnly": True}}, as_="supervisor")
    assert none["data"]["callbacks"]["edges"] == []
    bad = await gql(LIST, {"after": "bm9wZQ=="}, as_="operator", expect_errors=True)
    assert bad["data"]["callbacks"] is None
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    node = "query($id: ID!) { node(id: $id) { ... on Callback { number } } }"
    assert (await gql(node, {"id": ids[0]}, as_="executor"))["data"]["node"] == {
        "number": "+79021234567"}
    assert (await gql(node, {"id": ids[0]}, as_="client"))["data"]["node"] is None
