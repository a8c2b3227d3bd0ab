"""The whole procedure through GraphQL over HTTP, as the front ends drive it: a citizen's
email appeal → registration → sphere → urgent → answer → the email reaches a real SMTP
server with the survey link → the citizen answers the survey with the link's token → the
satisfaction report shows it."""

from __future__ import annotations

import datetime as dt
import re

from domain.calendar.work_calendar import WorkCalendar
from domain.messages import rules
from tests.domain.messages.messages_world import World
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

EXECUTOR = {"as_": "executor", "subject": "exec-1"}
OPERATOR = {"as_": "operator", "subject": "op-1"}
ANSWER = ("Мы проверили ваш дом. Управляющая компания включит отопление завтра до 12:00. "
          "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")


async def ok(gql, query: str, variables: dict, field: str, **who) -> dict:
    payload = (await gql(query, variables, **who))["data"][field]
    assert payload["errors"] == [], payload["errors"]
    return payload


async def test_email_appeal_to_survey_report(gql, world: World, settings):
    """R-1.4, R-2.3, R-2.4, R-2.9, R-2.10, R-9: the full path of one appeal."""
    # 1. The email arrives; the operator takes it in, with the citizen's channel choice.
    received = await ok(gql, """mutation($input: ReceiveMessageInput!) {
        receiveMessage(input: $input)
        { message { id status suggestedSphere { id code } urgencySuggested
                    urgencyReasons { code } receivedAt } errors { code field message } } }""",
        {"input": {"clientId": world.gid("Client", world.client.id), "channel": "EMAIL",
                   "subject": "Нет отопления",
                   "body": "Здравствуйте! В доме на ул. Гончарова, 5 третий день нет отопления. "
                           "В квартире маленький ребёнок. Управляющая компания не отвечает.",
                   "contactId": world.gid("ContactPoint", world.email.id),
                   "reply": {"preferredChannel": "EMAIL",
                             "preferredContactId": world.gid("ContactPoint", world.email.id)}}},
        "receiveMessage", **OPERATOR)
    message = received["message"]
    mid = message["id"]
    assert message["status"] == "RECEIVED" and message["suggestedSphere"]["code"] == "housing"
    assert message["urgencySuggested"]
    assert message["urgencyReasons"] == [{"code": "UTILITIES_OUTAGE"}]

    # 2. Registration: a number and the 59-FZ term; the client is notified.
    registered = await ok(gql, """mutation($id: ID!) { registerMessage(input: {messageId: $id}) {
        message { registrationNumber status } errors { code } } }""", {"id": mid},
        "registerMessage", **OPERATOR)
    number = registered["message"]["registrationNumber"]
    assert number.startswith("ОГ-")
    await ok(gql, """mutation($in: AssignMessageInput!) { assignMessage(input: $in) {
        message { status } errors { code } } }""",
        {"in": {"messageId": mid, "executorSubject": "exec-1"}},
        "assignMessage", **OPERATOR)
    await ok(gql, """mutation($id: ID!) { startMessageWork(input: {messageId: $id}) {
        message { status }
        errors { code } } }""", {"id": mid}, "startMessageWork", **EXECUTOR)

    # 3. The executor confirms the suggested sphere ...
    await ok(gql, """mutation($id: ID!, $s: ID!) {
        classifyMessage(input: {messageId: $id, sphereId: $s}) {
        message { sphere { code } } errors { code } } }""",
        {"id": mid, "s": message["suggestedSphere"]["id"]}, "classifyMessage", **EXECUTOR)

    # 4. ... and decides it is urgent: the latest allowed date is accepted.
    cal = WorkCalendar.default(settings)
    received_on = rules.local_date(dt.datetime.fromisoformat(message["receivedAt"]), cal)
    due = cal.add_working_days(received_on, 5)
    too_late = (await gql("""mutation($in: SetMessageUrgencyInput!) { setMessageUrgency(input: $in)
        { message { urgent } errors { code field } } }""",
        {"in": {"messageId": mid, "urgent": True,
                "urgentDueDate": (due + dt.timedelta(days=7)).isoformat()}},
        **EXECUTOR))["data"]["setMessageUrgency"]
    assert too_late["errors"] == [{"code": "DEADLINE_TOO_LATE", "field": "urgentDueDate"}]
    urgent = await ok(gql, """mutation($in: SetMessageUrgencyInput!) { setMessageUrgency(input: $in)
        { message { urgent deadline { kind date } } errors { code field } } }""",
        {"in": {"messageId": mid, "urgent": True, "urgentDueDate": due.isoformat(),
                "urgencyNote": "Ребёнок в холодной квартире"}}, "setMessageUrgency", **EXECUTOR)
    assert urgent["message"]["deadline"] == {"kind": "URGENT", "date": due.isoformat()}

    # 5. The answer: drafted, checked (no findings), sent.
    draft = await ok(gql, """mutation($in: DraftAnswerInput!) { draftAnswer(input: $in) {
        answer { findings { code } } message { status } errors { code } } }""",
        {"in": {"messageId": mid, "text": ANSWER, "outcome": "RESOLVED"}}, "draftAnswer",
        **EXECUTOR)
    assert draft["answer"]["findings"] == []
    sent = await ok(gql, """mutation($id: ID!) { sendAnswer(input: {messageId: $id}) {
        answer { sentAt } message { status deadline { kind } } errors { code message } } }""",
        {"id": mid}, "sendAnswer", **EXECUTOR)
    assert sent["message"] == {"status": "ANSWERED", "deadline": None}

    # 6. The outbox goes out through a real SMTP server.
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    mails = {m["Subject"]: m for m in server.handler.messages}
    assert set(mails) == {f"Ваше обращение зарегистрировано № {number}",
                          f"Ответ на ваше обращение № {number}"}
    answer_mail = mails[f"Ответ на ваше обращение № {number}"]
    assert answer_mail["To"].addresses[0].addr_spec == "ivanov@example.ru"
    text = answer_mail.get_body(("plain",)).get_content()
    assert "включит отопление завтра" in text
    link = re.search(r"http://localhost:3000/survey/(\S+)", text)
    assert link, text
    token = link.group(1)

    # 7. The citizen opens the link and answers (public, no login).
    survey = (await gql("""query($t: String!) { surveyByToken(token: $t) {
        survey { context questions { id key } } errors { code } } }""", {"t": token}, as_=None)
              )["data"]["surveyByToken"]
    assert survey["errors"] == [] and number in survey["survey"]["context"]
    submitted = (await gql("""mutation($t: String!, $a: [SurveyAnswerInput!]!) {
        submitSurveyResponse(input: {token: $t, answers: $a}) { accepted errors { code } } }""",
        {"t": token, "a": [{"questionId": next(q["id"] for q in survey["survey"]["questions"]
                                               if q["key"] == "satisfaction"), "value": 5}]},
        as_=None)
                 )["data"]["submitSurveyResponse"]
    assert submitted == {"accepted": True, "errors": []}

    # 8. The supervisor's report shows it, by sphere.
    today = rules.local_date(dt.datetime.now(dt.UTC), cal)
    report = (await gql("""query($from: Date!, $to: Date!) {
        satisfactionReport(from: $from, to: $to, groupBy: [SPHERE]) {
          total { invitations responses csat averageRating }
          groups { sphereCode figures { responses averageRating } } } }""",
        {"from": (today - dt.timedelta(days=1)).isoformat(),
         "to": (today + dt.timedelta(days=1)).isoformat()}, as_="supervisor")
              )["data"]["satisfactionReport"]
    assert report["total"] == {"invitations": 1, "responses": 1, "csat": 100.0,
                               "averageRating": 5.0}
    assert report["groups"] == [{"sphereCode": "housing",
                                 "figures": {"responses": 1, "averageRating": 5.0}}]

    # 9. The citizen sees the answer in their own account, and the history has every step.
    mine = (await gql("""query($id: ID!) { message(id: $id) { status registrationNumber
        answer { text sentAt } } }""", {"id": mid}, as_="client", subject=str(world.client.id))
            )["data"]["message"]
    assert mine["status"] == "ANSWERED" and mine["answer"]["text"] == ANSWER
    history = (await gql("""query($id: ID!) { client(id: $id) { history(first: 50) {
        edges { node { kind } } } } }""", {"id": world.gid("Client", world.client.id)},
                         as_="operator"))["data"]["client"]["history"]["edges"]
    kinds = [e["node"]["kind"] for e in history]
    for kind in ("MESSAGE_RECEIVED", "MESSAGE_REGISTERED", "MESSAGE_ASSIGNED",
                 "MESSAGE_CLASSIFIED", "MESSAGE_URGENCY", "MESSAGE_ANSWERED", "SURVEY_INVITED",
                 "SURVEY_RESPONDED", "DELIVERY"):
        assert kind in kinds, kind
