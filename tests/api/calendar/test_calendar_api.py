"""The working calendar over GraphQL: public days, staff previews, admin overrides."""

DAYS = """query($from: Date!, $to: Date!) { workingCalendar(from: $from, to: $to) {
    date kind working workingMinutes shortened note overridden timeZone intervals { start end } }
    }"""

SET = """mutation($input: SetCalendarOverrideInput!) { setCalendarOverride(input: $input) {
    override { date kind workingMinutes reason changedBySubject updatedAt }
    day { date kind working workingMinutes shortened note overridden }
    errors { code field message } } }"""

REMOVE = """mutation($date: Date!) { removeCalendarOverride(input: {date: $date}) {
    removedDate day { kind working overridden } errors { code field message } } }"""

PREVIEW = """query($input: DeadlinePreviewInput!) { deadlinePreview(input: $input) {
    start rule amount due dueDate timeZone } }"""


async def test_working_calendar_is_public_and_shows_transfers(gql):
    body = await gql(DAYS, {"from": "2024-04-26", "to": "2024-05-01"}, as_=None)
    days = {d["date"]: d for d in body["data"]["workingCalendar"]}
    assert [d["kind"] for d in days.values()] == [
        "WORKDAY", "WORKING_WEEKEND", "WEEKEND", "TRANSFERRED_DAY_OFF", "TRANSFERRED_DAY_OFF",
        "HOLIDAY"]
    sat = days["2024-04-27"]
    # Sat 27 Apr paid for Mon 29 Apr: Monday's hours (09:00-13:00, 13:45-18:00) in the
    # government's zone (UTC+4), given as UTC instants like every DateTime.
    assert sat["working"] and sat["workingMinutes"] == 495 and not sat["shortened"]
    assert sat["timeZone"] == "Europe/Ulyanovsk"
    assert sat["intervals"] == [
        {"start": "2024-04-27T05:00:00+00:00", "end": "2024-04-27T09:00:00+00:00"},
        {"start": "2024-04-27T09:45:00+00:00", "end": "2024-04-27T14:00:00+00:00"}]
    assert days["2024-04-29"]["note"] == "Выходной (перенесено с 27.04.2024)"
    assert days["2024-05-01"]["note"] == "Праздник Весны и Труда"
    assert days["2024-04-26"]["workingMinutes"] == 420  # Friday
    assert days["2024-04-28"]["intervals"] == [] and days["2024-04-28"]["note"] is None


async def test_working_calendar_shortened_day(gql):
    body = await gql(DAYS, {"from": "2025-06-11", "to": "2025-06-11"}, as_="client")
    day = body["data"]["workingCalendar"][0]
    assert day["shortened"] and day["workingMinutes"] == 435
    assert day["intervals"][-1]["end"] == "2025-06-11T13:00:00+00:00"  # 17:00 local


async def test_working_calendar_a_whole_year(gql):
    body = await gql(DAYS, {"from": "2024-01-01", "to": "2024-12-31"}, as_=None)
    days = body["data"]["workingCalendar"]
    assert len(days) == 366 and sum(d["working"] for d in days) == 248


async def test_working_calendar_range_is_capped(gql):
    for variables in ({"from": "2024-01-01", "to": "2025-01-01"},  # 367 days
                      {"from": "2025-01-02", "to": "2025-01-01"},
                      {"from": "1900-01-01", "to": "1900-01-02"}):
        body = await gql(DAYS, variables, as_=None, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
        assert body["data"] is None


async def test_admin_sets_and_removes_an_override(gql):
    """A governor's decree moves a day: Mon 16 Jun 2025 off, shown to everyone."""
    body = await gql(SET, {"input": {"date": "2025-06-16", "kind": "TRANSFERRED_DAY_OFF",
                                     "reason": "Указ Губернатора № 1"}}, subject="admin-7")
    payload = body["data"]["setCalendarOverride"]
    assert payload["errors"] == []
    assert payload["override"]["kind"] == "TRANSFERRED_DAY_OFF"
    assert payload["override"]["changedBySubject"] == "admin-7"
    assert payload["day"] == {"date": "2025-06-16", "kind": "TRANSFERRED_DAY_OFF", "working": False,
                              "workingMinutes": 0, "shortened": False,
                              "note": "Указ Губернатора № 1", "overridden": True}
    days = (await gql(DAYS, {"from": "2025-06-16", "to": "2025-06-16"}, as_=None)
            )["data"]["workingCalendar"]
    assert not days[0]["working"] and days[0]["overridden"]
    # The deadline arithmetic sees it too.
    due = await gql(PREVIEW, {"input": {"start": "2025-06-11T10:00:00+04:00",
                                        "rule": "WORKING_DAYS", "amount": 1}}, as_="operator")
    assert due["data"]["deadlinePreview"]["dueDate"] == "2025-06-17"

    # Replacing: a shortened working day instead.
    body = await gql(SET, {"input": {"date": "2025-06-16", "kind": "WORKDAY", "workingMinutes": 240,
                                     "reason": "Указ Губернатора № 2"}})
    payload = body["data"]["setCalendarOverride"]
    assert payload["errors"] == [] and payload["day"]["workingMinutes"] == 240
    assert payload["day"]["shortened"]
    listed = await gql("""{ calendarOverrides(from: "2025-01-01", to: "2025-12-31") {
        date reason workingMinutes } }""", as_="supervisor")
    assert listed["data"]["calendarOverrides"] == [
        {"date": "2025-06-16", "reason": "Указ Губернатора № 2", "workingMinutes": 240}]

    body = await gql(REMOVE, {"date": "2025-06-16"})
    payload = body["data"]["removeCalendarOverride"]
    assert payload == {"removedDate": "2025-06-16", "errors": [],
                       "day": {"kind": "WORKDAY", "working": True, "overridden": False}}
    body = await gql(REMOVE, {"date": "2025-06-16"})
    assert body["data"]["removeCalendarOverride"]["errors"][0]["code"] == "NOT_FOUND"


async def test_a_regional_holiday_shortens_its_eve(gql):
    await gql(SET, {"input": {"date": "2025-07-03", "kind": "HOLIDAY", "reason": "Праздник"}})
    days = (await gql(DAYS, {"from": "2025-07-02", "to": "2025-07-03"}, as_=None)
            )["data"]["workingCalendar"]
    assert days[0]["shortened"] and days[0]["workingMinutes"] == 435
    assert days[1]["kind"] == "HOLIDAY" and days[1]["note"] == "Праздник"


async def test_only_admins_change_the_calendar(gql):
    variables = {"input": {"date": "2025-06-16", "kind": "HOLIDAY", "reason": "x"}}
    for role in ("operator", "supervisor", "client"):
        body = await gql(SET, variables, as_=role, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] == {"setCalendarOverride": None}
        body = await gql(REMOVE, {"date": "2025-06-16"}, as_=role, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] == {"removeCalendarOverride": None}
    body = await gql(SET, variables, as_=None, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await gql("""{ calendarOverrides(from: "2025-01-01", to: "2025-01-31") { date } }""",
                     as_="client", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_override_input_errors_are_user_errors(gql):
    cases = [
        ({"date": "2025-06-16", "kind": "HOLIDAY", "reason": "x", "workingMinutes": 60},
         "workingMinutes", "INVALID"),
        ({"date": "2025-06-16", "kind": "WORKDAY", "reason": "x", "workingMinutes": 0},
         "workingMinutes", "INVALID"),
        ({"date": "2025-06-16", "kind": "WORKDAY", "reason": "x", "workingMinutes": 1000},
         "workingMinutes", "INVALID"),  # 09:00 + 1000 min of work with lunch passes midnight
        ({"date": "2025-06-16", "kind": "WORKDAY", "reason": "   "}, "reason", "REQUIRED"),
        ({"date": "2025-06-16", "kind": "WORKDAY", "reason": "a\x00b"}, "reason",
         "FORBIDDEN_CHARACTERS"),
        ({"date": "2025-06-16", "kind": "WORKDAY", "reason": "a" * 50_000}, "reason",
         "TOO_LONG"),
        ({"date": "2300-06-16", "kind": "WORKDAY", "reason": "x"}, "date", "INVALID"),
    ]
    for data, field, code in cases:
        body = await gql(SET, {"input": data})
        errors = body["data"]["setCalendarOverride"]["errors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], data
        assert body["data"]["setCalendarOverride"]["override"] is None
    listed = await gql("""{ calendarOverrides(from: "2025-01-01", to: "2025-12-31") { date } }""")
    assert listed["data"]["calendarOverrides"] == []


async def test_a_working_saturday_by_override_gets_mondays_hours(gql):
    body = await gql(SET, {"input": {"date": "2025-06-21", "kind": "WORKDAY", "reason": "Указ"}})
    day = body["data"]["setCalendarOverride"]["day"]
    assert day["kind"] == "WORKING_WEEKEND" and day["workingMinutes"] == 495


async def test_deadline_preview_rules(gql):
    async def due(start, rule, amount):
        body = await gql(PREVIEW, {"input": {"start": start, "rule": rule, "amount": amount}},
                         as_="executor")
        return body["data"]["deadlinePreview"]

    # urgent, at most 5 working days from receipt on Friday 6 June 2025.
    result = await due("2025-06-06T15:00:00+04:00", "WORKING_DAYS", 5)
    # 18:00 local (UTC+4) on Tue 17 June.
    assert result["due"] == "2025-06-17T14:00:00+00:00" and result["dueDate"] == "2025-06-17"
    assert result["start"] == "2025-06-06T11:00:00+00:00" and result["rule"] == "WORKING_DAYS"
    assert result["timeZone"] == "Europe/Ulyanovsk"
    # 5 working hours from a Friday afternoon (15:45 local), given in UTC.
    result = await due("2025-06-20T11:45:00Z", "WORKING_HOURS", 5)
    assert result["due"] == "2025-06-23T09:00:00+00:00"  # Monday 13:00 local
    # 59-FZ: 30 days from Wednesday 2 December 2024 -> 1 January -> Thursday 9 January.
    result = await due("2024-12-02T10:00:00+04:00", "CALENDAR_DAYS_LEGAL", 30)
    assert result["due"] == "2025-01-09T14:00:00+00:00"
    # 0 working days: by the end of the working day (Friday 16:45 local).
    result = await due("2025-06-20T10:00:00+04:00", "WORKING_DAYS", 0)
    assert result["due"] == "2025-06-20T12:45:00+00:00"
    # A start without an offset is refused: the one DateTime rule.
    body = await gql(PREVIEW, {"input": {"start": "2025-06-20T10:00:00", "rule": "WORKING_DAYS",
                                         "amount": 0}}, as_="executor", expect_errors=True)
    assert body["data"] is None or body["data"]["deadlinePreview"] is None
    assert body["errors"]


async def test_deadline_preview_is_for_staff_and_checks_amount(gql):
    variables = {"input": {"start": "2025-06-06T15:00:00+04:00", "rule": "WORKING_DAYS",
                           "amount": 5}}
    body = await gql(PREVIEW, variables, as_=None, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await gql(PREVIEW, variables, as_="client", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for amount in (-1, 3651):
        variables["input"]["amount"] = amount
        body = await gql(PREVIEW, variables, as_="operator", expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert body["errors"][0]["extensions"]["field"] == "amount"
