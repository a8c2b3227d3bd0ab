"""Keeping reception over GraphQL: points with accessibility (R-4.7), officials, schedules
whose slots follow at once on the working calendar (R-4.1), exceptions; bad input."""

from __future__ import annotations

import datetime as dt

from api.relay import encode_id
from domain.calendar.rules import DayKind
from domain.calendar.service import set_override
from domain.directory.models import StaffMember
from domain.reception.models import ReceptionSchedule
from domain.reception.schedules import today
from tests.domain.reception.reception_world import ADMIN

POINT = """mutation($input: SaveReceptionPointInput!) { saveReceptionPoint(input: $input) {
  point { id name accessibility latitude } errors { code field } } }"""
OFFICIAL = """mutation($input: SaveReceivingOfficialInput!) {
  saveReceivingOfficial(input: $input) {
    official { id fullName position spheres { code } } errors { code field } } }"""
SCHEDULE = """mutation($input: SaveReceptionScheduleInput!) {
  saveReceptionSchedule(input: $input) {
    schedule { id rrule startTime official { fullName } point { name } }
    slotsCreated slotsRemoved slotsKept skippedDates errors { code field message } } }"""
EXCEPTION = """mutation($input: SetScheduleExceptionInput!) {
  setScheduleException(input: $input) { slotsRemoved errors { code field } } }"""


async def test_keeper_builds_a_reception_and_slots_follow(gql, settings):
    """R-4.7 accessibility is recorded and shown; R-4.1 a schedule's slots appear at once,
    none on a holiday (which is listed in skippedDates)."""
    await StaffMember.create(subject="official-9", full_name="Орлов Олег Олегович")
    staff = await StaffMember.get(subject="official-9")
    point = (await gql(POINT, {"input": {
        "name": "Приёмная", "address": "пл. Ленина, 1", "latitude": 54.3, "longitude": 48.4,
        "accessibility": ["RAMP", "HEARING_LOOP", "RAMP"]}}, as_="supervisor"))["data"][
        "saveReceptionPoint"]
    assert point["errors"] == [] and point["point"]["accessibility"] == ["RAMP", "HEARING_LOOP"]
    official = (await gql(OFFICIAL, {"input": {
        "staffMemberId": encode_id("StaffMember", staff.id), "position": "Министр"}},
        as_="admin"))["data"]["saveReceivingOfficial"]
    assert official["official"]["fullName"] == "Орлов Олег Олегович"
    holiday = today() + dt.timedelta(days=14)
    holiday += dt.timedelta(days=(2 - holiday.weekday()) % 7)  # a Wednesday
    await set_override(ADMIN, holiday, DayKind.HOLIDAY, None, "Региональный праздник")
    saved = (await gql(SCHEDULE, {"input": {
        "officialId": official["official"]["id"], "pointId": point["point"]["id"],
        "rrule": "FREQ=WEEKLY;BYDAY=WE", "validFrom": today().isoformat(),
        "startTime": "14:00", "endTime": "16:00", "slotMinutes": 20}},
        as_="supervisor"))["data"]["saveReceptionSchedule"]
    assert saved["errors"] == []
    assert saved["slotsCreated"] > 0 and holiday.isoformat() in saved["skippedDates"]
    assert saved["schedule"]["official"]["fullName"] == "Орлов Олег Олегович"
    # An exception cancels one date's free slots.
    nxt = holiday + dt.timedelta(days=7)
    removed = (await gql(EXCEPTION, {"input": {
        "scheduleId": saved["schedule"]["id"], "date": nxt.isoformat(), "kind": "CANCELLED"}},
        as_="supervisor"))["data"]["setScheduleException"]
    assert removed == {"slotsRemoved": 6, "errors": []}


async def test_bad_schedules_are_schedule_invalid_and_write_nothing(gql, world):
    """A bad rule, hours outside working time or a rule on days off: SCHEDULE_INVALID."""
    base = {"officialId": encode_id("ReceivingOfficial", world.official.id),
            "pointId": encode_id("ReceptionPoint", world.point.id),
            "validFrom": today().isoformat(), "startTime": "14:00", "endTime": "16:00",
            "slotMinutes": 20}
    before = await ReceptionSchedule.all().count()
    for change, field in [({"rrule": "FREQ=SOMETIMES"}, "rrule"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=SA,SU"}, "rrule"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=MO", "startTime": "19:00",
                            "endTime": "21:00"}, "startTime"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=MO", "slotMinutes": 1000},
                           "slotMinutes"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=MO", "startTime": "14:00\x00"},
                           "startTime"),
                          ({"rrule": "FREQ=WEEKLY;BYDAY=MO", "officialId": encode_id(
                              "ReceivingOfficial", world.point.id)}, "officialId")]:
        result = (await gql(SCHEDULE, {"input": {**base, **change}}, as_="admin"))["data"][
            "saveReceptionSchedule"]
        assert result["schedule"] is None
        assert [e["field"] for e in result["errors"]] == [field], change
        assert result["errors"][0]["code"] in ("SCHEDULE_INVALID", "NOT_FOUND")
    assert await ReceptionSchedule.all().count() == before


async def test_operators_cannot_keep_schedules(gql, world):
    refused = await gql(POINT, {"input": {"name": "X", "address": "Y"}}, as_="operator",
                        expect_errors=True)
    assert refused["data"]["saveReceptionPoint"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
