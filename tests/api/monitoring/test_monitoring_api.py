"""The supervisors' monitoring over real HTTP (R-9): figures, lists, volumes with
satisfaction, CSV export through the signed link, and who may ask."""

from __future__ import annotations

import csv
import datetime as dt
import io

from domain.actor import Actor, Role
from domain.calendar.service import load_calendar
from domain.enums import Channel
from domain.messages.models import MessageStatus
from domain.surveys import invitations
from domain.surveys.models import SurveyInvitation, SurveyPurpose
from tests.conftest import count_queries
from tests.domain.monitoring.monitoring_world import a_client, message

FIGURES = """query($from: Date!, $to: Date!, $groupBy: MonitoringGroupBy) {
  ruleMonitoring(from: $from, to: $to, groupBy: $groupBy, rules: [REGISTRATION]) {
    asOf rows { rule requirement title total onTime late overdue atRisk open onTimeRate
                group { channel periodStart department { name } } } } }"""
ITEMS = """query($first: Int, $after: String) {
  monitoringItems(rule: REGISTRATION, state: OVERDUE, first: $first, after: $after) {
    edges { node { rule reference dueDate dueAt message { id status } department { name } } }
    pageInfo { hasNextPage endCursor } } }"""
VOLUMES = """query($from: Date!, $to: Date!) {
  messageVolumes(from: $from, to: $to, groupBy: CHANNEL) {
    rows { group { channel } received answered open surveyInvitations surveyResponses
           ratingCount averageRating satisfiedShare } } }"""
EXPORT = """mutation($input: ExportMonitoringInput!) {
  exportMonitoring(input: $input) { url expiresAt errors { field code message } } }"""


async def _today(settings) -> dt.date:
    calendar = await load_calendar(settings)
    return dt.datetime.now(calendar.zone).date()


def _moment(day: dt.date, hour: int = 10) -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, dt.time(hour), ZoneInfo("Europe/Ulyanovsk")).astimezone(
        dt.UTC)


async def _appeals(settings, overdue: int) -> dt.date:
    """One appeal registered on time, one late, ``overdue`` never registered past their
    date; all received ten days ago."""
    today = await _today(settings)
    received = _moment(today - dt.timedelta(days=10))
    client = await a_client()
    due = today - dt.timedelta(days=7)
    await message(client, received=received, registration_due_date=due,
                  registered_at=_moment(due, 9), status=MessageStatus.REGISTERED)
    await message(client, received=received, registration_due_date=due,
                  registered_at=_moment(due + dt.timedelta(days=1), 9),
                  status=MessageStatus.REGISTERED, channel=Channel.POSTAL)
    for _ in range(overdue):
        await message(client, received=received, registration_due_date=due)
    return today


async def test_supervisor_sees_rule_figures(gql, settings):
    """R-9: the on-time rate of the registration rule, in total and by channel."""
    today = await _appeals(settings, overdue=2)
    span = {"from": str(today - dt.timedelta(days=30)), "to": str(today)}
    body = await gql(FIGURES, span, as_="supervisor")
    [row] = body["data"]["ruleMonitoring"]["rows"]
    assert (row["rule"], row["total"], row["onTime"], row["late"], row["overdue"]) == (
        "REGISTRATION", 4, 1, 1, 2)
    assert row["onTimeRate"] == 0.25 and row["group"] is None
    assert row["requirement"].startswith("59-FZ") and row["title"]
    body = await gql(FIGURES, {**span, "groupBy": "CHANNEL"}, as_="admin")
    rows = {r["group"]["channel"]: r["total"] for r in body["data"]["ruleMonitoring"]["rows"]}
    assert rows == {"EMAIL": 3, "POSTAL": 1}


async def test_overdue_list_pages_through_loaders(gql, settings):
    """R-9: the overdue list names each message through its node; the SQL count does not
    grow with the page."""
    await _appeals(settings, overdue=6)
    with count_queries() as small:
        body = await gql(ITEMS, {"first": 2}, as_="supervisor")
    page = body["data"]["monitoringItems"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]
    assert page["edges"][0]["node"]["message"]["status"] == "RECEIVED"
    with count_queries() as big:
        body = await gql(ITEMS, {"first": 6}, as_="supervisor")
    assert len(body["data"]["monitoringItems"]["edges"]) == 6
    assert big.count == small.count
    rest = await gql(ITEMS, {"first": 10, "after": page["pageInfo"]["endCursor"]},
                     as_="supervisor")
    assert len(rest["data"]["monitoringItems"]["edges"]) == 4
    bad = await gql(ITEMS, {"after": "nonsense"}, as_="supervisor", expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_volumes_with_satisfaction_beside(gql, settings):
    """R-9: messages by channel and the same channel's survey scores side by side."""
    today = await _appeals(settings, overdue=1)
    client = await a_client()
    m = await message(client, received=_moment(today), status=MessageStatus.ANSWERED,
                      closed_at=_moment(today, 11))
    inv = await invitations.invite_by_staff(
        Actor(Role.SUPERVISOR, "head-1"), ("message", m.id), client.id,
        SurveyPurpose.WRITTEN_ANSWER, notify=False, channel=Channel.EMAIL)
    await SurveyInvitation.filter(id=inv.record.id).update(
        responded_at=_moment(today, 12), rating_count=1, rating_sum=4, rating_satisfied=1)
    span = {"from": str(today - dt.timedelta(days=30)), "to": str(today)}
    rows = {r["group"]["channel"]: r for r in
            (await gql(VOLUMES, span, as_="supervisor"))["data"]["messageVolumes"]["rows"]}
    email = rows["EMAIL"]
    assert (email["received"], email["answered"], email["open"]) == (3, 1, 2)
    assert (email["surveyInvitations"], email["surveyResponses"], email["averageRating"],
            email["satisfiedShare"]) == (1, 1, 4.0, 1.0)
    assert rows["POSTAL"]["surveyInvitations"] == 0


async def test_csv_export_of_each_table(gql, http, settings):
    """R-9: every monitoring table downloads as CSV through a signed link; a forged link
    is refused."""
    today = await _appeals(settings, overdue=1)
    span = {"from": str(today - dt.timedelta(days=30)), "to": str(today)}
    tables = {"RULES": {}, "VOLUMES": {"groupBy": "CHANNEL"},
              "ITEMS": {"rule": "REGISTRATION", "state": "OVERDUE"}}
    got = {}
    for table, extra in tables.items():
        body = await gql(EXPORT, {"input": {"table": table, **span, **extra}}, as_="supervisor")
        result = body["data"]["exportMonitoring"]
        assert result["errors"] == []
        response = await http.get(result["url"].removeprefix("http://testserver"))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        got[table] = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    registration = next(r for r in got["RULES"] if r[0] == "registration")
    assert registration[4:10] == ["3", "1", "1", "1", "0", "0"]
    assert {r[0]: r[1] for r in got["VOLUMES"][1:]} == {"email": "2", "postal": "1"}
    assert len(got["ITEMS"]) == 2 and got["ITEMS"][1][0] == "registration"
    refused = await gql(EXPORT, {"input": {"table": "ITEMS", **span}}, as_="supervisor")
    assert refused["data"]["exportMonitoring"]["errors"][0]["field"] == "rule"
    forged = await http.get("/monitoring-exports/abc.def.ghi.csv")
    assert forged.status_code == 404


async def test_only_supervisors_and_admins(gql, settings):
    """R-9: a client, an operator and an executor get FORBIDDEN; the field is null."""
    today = await _today(settings)
    span = {"from": str(today), "to": str(today)}
    for role in ("client", "operator", "executor"):
        body = await gql(FIGURES, span, as_=role, expect_errors=True)
        assert body["data"] is None or body["data"]["ruleMonitoring"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await gql(EXPORT, {"input": {"table": "RULES", **span}}, as_=role,
                         expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_arguments_are_bad_user_input(gql, settings):
    """R-9: a reversed or over-long period, a list of a state that is no list, a page too
    big: each a BAD_USER_INPUT naming the argument, never a 500."""
    today = await _today(settings)
    cases = [
        (FIGURES, {"from": str(today), "to": str(today - dt.timedelta(days=1))}, "to"),
        (FIGURES, {"from": str(today - dt.timedelta(days=500)), "to": str(today)}, "to"),
        (VOLUMES, {"from": str(today - dt.timedelta(days=500)), "to": str(today)}, "to"),
        (ITEMS, {"first": 500}, "first"),
    ]
    for query, variables, field in cases:
        body = await gql(query, variables, as_="supervisor", expect_errors=True)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == field
    body = await gql("""{ monitoringItems(rule: ANSWER, state: OPEN) { edges { cursor } } }""",
                     as_="supervisor", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
