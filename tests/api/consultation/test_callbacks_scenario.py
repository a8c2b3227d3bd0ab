"""The callback story over HTTP (R-3.8, R-9, with R-3.3): an operator takes a call, the
caller agrees to a survey, a callback is promised in a window that runs past closing time
(due in its working part only) → the sweep reminds the operator by email (a real SMTP
server) before the window → the operator calls back inside the window and logs it → the
survey link goes to the caller by the SMS gateway (the development adapter's file) and
opens the call survey. Both databases.

The service clocks sit where the story needs them (the line open when the call is taken,
the attempt inside the window), as the line's own tests do: tests run at any hour."""

from __future__ import annotations

import datetime as dt
import re

import orjson
import pytest

from api.relay import encode_id
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import callback_alerts
from domain.consultation import callbacks as callbacks_service
from domain.directory.models import StaffMember
from tests.domain.consultation.line_world import CALLER_PHONE, build_world
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

pytestmark = pytest.mark.usefixtures("line_open")

START = """mutation($line: ID!, $number: String!) {
  startCall(input: {lineId: $line, caller: {number: $number}}) {
    call { id } errors { code message } } }"""
CONSENT = """mutation($call: ID!) { updateCall(input: {callId: $call, surveyConsent: true}) {
  call { surveyConsent } errors { code message } } }"""
END = """mutation($call: ID!) { endCall(input: {callId: $call, outcome: CALLBACK_PROMISED}) {
  call { status } errors { code message } } }"""
PROMISE = """mutation($input: PromiseCallbackInput!) { promiseCallback(input: $input) {
  callback { id dueAt dueUntil } errors { code field message } } }"""
ATTEMPT = """mutation($id: ID!) { recordCallbackAttempt(
  input: {callbackId: $id, outcome: ANSWERED, note: "Ответ дан"}) {
  callback { status doneAt } errors { code message } } }"""
BY_TOKEN = """query($t: String!) { surveyByToken(token: $t) {
  survey { purpose context } errors { code } } }"""
LINK = re.compile(r"/survey/([A-Za-z0-9_.-]+)")


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


async def test_callback_after_hours_window_reminder_done_survey_by_sms(settings, gql,
                                                                       monkeypatch):
    world = await build_world()
    await StaffMember.filter(id=world.operator.id).update(email="operator@gov.example.ru")

    started = (await gql(START, {"line": encode_id("ConsultationLine", world.line.id),
                                 "number": "8 (927) 270-45-18"}, as_="operator"))
    call_id = started["data"]["startCall"]["call"]["id"]
    consent = await gql(CONSENT, {"call": call_id}, as_="operator")
    assert consent["data"]["updateCall"]["call"] == {"surveyConsent": True}

    # The caller is free in the evening: the window runs three hours past closing time.
    calendar = WorkCalendar.default()
    day = calendar.add_working_days(dt.datetime.now(calendar.zone).date(), 2)
    closing = calendar.closing_time(day)
    window = {"startsAt": iso(closing - dt.timedelta(hours=1)),
              "endsAt": iso(closing + dt.timedelta(hours=3))}
    promised = (await gql(PROMISE, {"input": {
        "callId": call_id, "number": "+7 927 270 45 18", "windows": [window],
        "promisedBy": iso(dt.datetime.now(dt.UTC)), "question": "Срок проверки"}},
        as_="operator"))["data"]["promiseCallback"]
    assert promised["errors"] == []
    callback = promised["callback"]
    assert callback["dueUntil"] == iso(closing)  # the working part only
    ended = await gql(END, {"call": call_id}, as_="operator")
    assert ended["data"]["endCall"]["call"] == {"status": "ENDED"}

    due_at = dt.datetime.fromisoformat(callback["dueAt"])
    mail = MailRecorder()
    with SmtpServer(mail) as server:
        smtp = server.settings(settings)
        early = await callback_alerts.sweep(due_at - dt.timedelta(minutes=45), smtp)
        assert early.reminders == 0
        sweep = await callback_alerts.sweep(due_at - dt.timedelta(minutes=20), smtp)
        assert (sweep.reminders, sweep.emails) == (1, 1)
        assert (await callback_alerts.sweep(due_at - dt.timedelta(minutes=10), smtp)
                ).reminders == 0
        await run_worker(smtp)
        [reminder] = mail.messages
        assert reminder["To"].addresses[0].addr_spec == "operator@gov.example.ru"
        assert "обратный звонок на номер +79272704518" in reminder["Subject"]

        # Inside the window, the operator calls back and reaches the caller.
        inside = due_at + dt.timedelta(minutes=10)
        monkeypatch.setattr(callbacks_service, "_now", lambda: inside)
        done = (await gql(ATTEMPT, {"id": callback["id"]}, as_="operator"))[
            "data"]["recordCallbackAttempt"]
        assert done["errors"] == [] and done["callback"]["status"] == "DONE"
        assert done["callback"]["doneAt"] == iso(inside)
        await run_worker(smtp)
        assert len(mail.messages) == 1  # nothing more by email: the caller gets an SMS

    sms = [orjson.loads(line) for line in
           (settings.outbox_dir / "sms.jsonl").read_text().splitlines()]
    mine = [m for m in sms if m["to"] == CALLER_PHONE]
    [survey_sms] = [m for m in mine if "/survey/" in m["text"]]
    token = LINK.search(survey_sms["text"]).group(1)
    survey = (await gql(BY_TOKEN, {"t": token}, as_=None))["data"]["surveyByToken"]
    assert survey["errors"] == [] and survey["survey"]["purpose"] == "CALL"
    assert "8 (8422) 58-93-58" in survey["survey"]["context"]
