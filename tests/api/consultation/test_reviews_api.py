"""Call quality over HTTP (R-3.5, R-3.6, R-5.1): the supervisor's checklist and the monthly
report per operator and per line. Both databases."""

from __future__ import annotations

import csv
import io

from api.relay import encode_id
from domain.consultation.models import CallStatus
from domain.consultation.reviews import ITEMS
from domain.directory.models import StaffMember
from tests.domain.consultation.callbacks_world import build_world, local, make_call

REVIEW = """mutation($input: ReviewCallInput!) { reviewCall(input: $input) {
  review { id total maxTotal comment scores { item score } call { id }
           operator { subject } reviewer { subject } }
  errors { code field message } } }"""
REPORT = """query($y: Int!, $m: Int!, $g: CallQualityGroup!) {
  callQualityReport(year: $y, month: $m, groupBy: $g) {
    calls reviewedCalls reviews percent items { item average }
    operator { subject } line { name } } }"""


def scores(**low: int) -> list[dict]:
    return [{"item": str(i).upper(), "score": low.get(str(i), 2)} for i in ITEMS]


async def test_review_and_monthly_report(settings, gql):
    """R-5.1: a supervisor scores every checklist item of an ended call; the month's report
    per operator and per line reads the scores back."""
    world = await build_world()
    call = await make_call(world.line, world.operator, world.caller.id,
                           status=CallStatus.ENDED, started_at=local(2026, 11, 20, 11))
    call_id = encode_id("Call", call.id)
    body = await gql(REVIEW, {"input": {"callId": call_id, "scores": scores(listening=1),
                                        "comment": "Не уточнил вопрос"}}, as_="supervisor",
                     subject="head-1")
    result = body["data"]["reviewCall"]
    assert result["errors"] == []
    review = result["review"]
    assert (review["total"], review["maxTotal"]) == (15, 16)
    assert review["scores"][2] == {"item": "LISTENING", "score": 1}
    assert review["call"] == {"id": call_id}
    assert review["operator"] == {"subject": "operator-1"}
    assert review["reviewer"] == {"subject": "head-1"}

    [row] = (await gql(REPORT, {"y": 2026, "m": 11, "g": "OPERATOR"}, as_="supervisor"))[
        "data"]["callQualityReport"]
    assert row["operator"] == {"subject": "operator-1"} and row["line"] is None
    assert (row["calls"], row["reviewedCalls"], row["reviews"], row["percent"]) == (
        1, 1, 1, 93.75)
    assert {"item": "LISTENING", "average": 1.0} in row["items"]
    [by_line] = (await gql(REPORT, {"y": 2026, "m": 11, "g": "LINE"}, as_="admin"))[
        "data"]["callQualityReport"]
    assert by_line["line"] == {"name": "Линия консультирования"} and by_line["operator"] is None


async def test_review_bad_input_and_roles(settings, gql):
    """R-5.1 bad input: every item once; only ended calls; a forged ID; operators may not
    review or read the report."""
    world = await build_world()
    call_id = encode_id("Call", world.call.id)  # still in progress
    cases = [
        ({"callId": call_id, "scores": scores()[:-1]}, "REQUIRED", "scores"),
        ({"callId": call_id, "scores": [*scores(), scores()[0]]}, "DUPLICATE",
         f"scores.{len(ITEMS)}.item"),
        ({"callId": call_id, "scores": [{"item": "GREETING", "score": 5}, *scores()[1:]]},
         "INVALID", "scores.0.score"),
        ({"callId": call_id, "scores": scores()}, "INVALID_STATE", "callId"),
        ({"callId": "forged", "scores": scores()}, "INVALID_ID", "callId"),
    ]
    for given, code, field in cases:
        body = await gql(REVIEW, {"input": given}, as_="supervisor")
        [error] = body["data"]["reviewCall"]["errors"]
        assert (error["code"], error["field"]) == (code, field)
    refused = await gql(REVIEW, {"input": {"callId": call_id, "scores": scores()}},
                        as_="operator", expect_errors=True)
    assert refused["data"]["reviewCall"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad_month = await gql(REPORT, {"y": 2026, "m": 13, "g": "LINE"}, as_="supervisor",
                          expect_errors=True)
    assert bad_month["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


EXPORT = """mutation($input: ExportCallQualityReportInput!) {
  exportCallQualityReport(input: $input) { url expiresAt errors { code field } } }"""


async def test_report_as_csv_through_a_signed_link(settings, gql, http):
    """R-5.1: the monthly report as CSV through a signed link (spreadsheet-safe cells); a
    forged link is 404; operators get no link."""
    world = await build_world()
    await StaffMember.filter(id=world.operator.id).update(full_name="=Смирнова")
    call = await make_call(world.line, world.operator, world.caller.id,
                           status=CallStatus.ENDED, started_at=local(2026, 11, 20, 11))
    await make_call(world.line, None, None, status=CallStatus.ENDED,
                    started_at=local(2026, 11, 21, 11))  # the PBX alone: no operator
    await gql(REVIEW, {"input": {"callId": encode_id("Call", call.id),
                                 "scores": scores(farewell=0)}}, as_="supervisor")
    made = (await gql(EXPORT, {"input": {"year": 2026, "month": 11, "groupBy": "OPERATOR"}},
                      as_="supervisor"))["data"]["exportCallQualityReport"]
    assert made["errors"] == [] and made["expiresAt"]
    path = made["url"].removeprefix("http://testserver")
    response = await http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "call-quality-2026-11-operator.csv" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][:8] == ["month", "group", "id", "name", "calls", "reviewed_calls",
                           "reviews", "percent"]
    by_name = {r[3]: r for r in rows[1:]}
    mine = by_name["'=Смирнова"]  # a formula never runs in a spreadsheet
    assert mine[4:8] == ["1", "1", "1", "87.5"] and mine[-1] == "0.0"
    assert by_name[next(n for n in by_name if n.startswith("без оператора"))][4] == "1"
    assert (await http.get(path.replace(".csv", "x.csv"))).status_code == 404
    refused = await gql(EXPORT, {"input": {"year": 2026, "month": 11, "groupBy": "LINE"}},
                        as_="operator", expect_errors=True)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = (await gql(EXPORT, {"input": {"year": 2026, "month": 0, "groupBy": "LINE"}},
                     as_="admin"))["data"]["exportCallQualityReport"]
    assert bad["errors"] == [{"code": "INVALID", "field": "month"}]
