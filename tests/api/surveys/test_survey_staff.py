"""Staff side of surveys over real HTTP: definitions, invitations, the report, comments and
the CSV export through its signed link."""

from __future__ import annotations

import csv
import io

from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.directory.models import Department, Sphere
from domain.surveys import service
from domain.surveys.rules import AnswerDraft as A

CREATE = """mutation($in: CreateSurveyInput!) { createSurvey(input: $in) {
  survey { id title isDefault latestVersionNumber latestVersion { number questions { key kind } } }
  errors { code field message } } }"""
PUBLISH = """mutation($in: PublishSurveyVersionInput!) { publishSurveyVersion(input: $in) {
  version { id number title questions { key text options { key text } } }
  errors { code field message } } }"""
INVITE = """mutation($in: InviteToSurveyInput!) { inviteToSurvey(input: $in) {
  created invitation { id status link token purpose channel department { name } client { id }
    subject { __typename ... on SurveyExternalSubject { kind reference } }
    executorSubject sphere { code } sphereCode }
  errors { code field message } } }"""
REPORT = """query($from: Date!, $to: Date!, $by: [SatisfactionGroupBy!], $f: SatisfactionFilter) {
  satisfactionReport(from: $from, to: $to, groupBy: $by, filter: $f) {
    from to groupBy truncated
    total { invitations responses responseRate csat averageRating nps promoters detractors }
    groups { purpose month department { name }
             figures { invitations responses csat averageRating } }
  } }"""
QUESTIONS = [
    {"kind": "RATING_1_5", "text": "Оцените приём", "required": True, "key": "rate"},
    {"kind": "MULTIPLE_CHOICE", "text": "Что понравилось?", "key": "liked",
     "options": [{"text": "Вежливость", "key": "polite"}, {"text": "Скорость"}]},
]


async def test_supervisor_defines_and_versions_a_survey(gql):
    """R-9: supervisors define surveys; an edit is published as a new version."""
    body = await gql(CREATE, {"in": {"purpose": "RECEPTION", "title": "Приём", "makeDefault": True,
                                     "questions": QUESTIONS}}, as_="supervisor")
    payload = body["data"]["createSurvey"]
    assert payload["errors"] == []
    survey = payload["survey"]
    assert (survey["isDefault"], survey["latestVersionNumber"]) == (True, 1)
    assert [q["key"] for q in survey["latestVersion"]["questions"]] == ["rate", "liked"]
    edited = [dict(QUESTIONS[0], text="Оцените, как прошёл приём"), QUESTIONS[1]]
    body = await gql(PUBLISH, {"in": {"surveyId": survey["id"], "title": "Приём, v2",
                                      "questions": edited}}, as_="admin")
    version = body["data"]["publishSurveyVersion"]["version"]
    assert (version["number"], version["questions"][0]["text"]) == (2, "Оцените, как прошёл приём")
    body = await gql("""query($id: ID!) { node(id: $id) { ... on Survey { title latestVersionNumber
        version(number: 1) { title questions { text } } } } }""", {"id": survey["id"]},
                     as_="supervisor")
    node = body["data"]["node"]
    assert (node["title"], node["latestVersionNumber"]) == ("Приём, v2", 2)
    assert node["version"]["questions"][0]["text"] == "Оцените приём"
    listed = await gql("{ surveys(purpose: RECEPTION) { edges { node { title isDefault } } } }",
                       as_="supervisor")
    assert listed["data"]["surveys"]["edges"] == [
        {"node": {"title": "Приём, v2", "isDefault": True}}]


async def test_definition_errors_and_permissions(gql):
    body = await gql(CREATE, {"in": {"purpose": "CALL", "title": "x\u0000", "questions": [
        {"kind": "SINGLE_CHOICE", "text": "", "options": [{"text": "один"}]}]}}, as_="supervisor")
    errors = {(e["field"], e["code"]) for e in body["data"]["createSurvey"]["errors"]}
    assert errors == {("title", "FORBIDDEN_CHARACTERS"), ("questions.0.text", "REQUIRED"),
                      ("questions.0.options", "INVALID")}
    body = await gql(CREATE, {"in": {"purpose": "CALL", "title": "t", "questions": QUESTIONS}},
                     as_="operator", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(PUBLISH, {"in": {"surveyId": "U3VydmV5Om5vcGU=", "title": "t",
                                      "questions": QUESTIONS}}, as_="supervisor")
    assert body["data"]["publishSurveyVersion"]["errors"][0]["code"] == "NOT_FOUND"
    body = await gql('{ satisfactionReport(from: "2025-01-01", to: "2025-01-31") { truncated } }',
                     as_="client", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_staff_invite_and_the_client_sees_the_link(gql, settings):
    """R-4.9: after a reception staff offer the rating; the client sees the link and the token
    in their app, staff never see a usable token, another client does not see the invitation
    at all."""
    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    other = await Client.create(kind=ClientKind.PERSON, last_name="Кузнецов")
    dep = await Department.create(name="Приёмная губернатора")
    sphere = await Sphere.create(code="health", name="Здравоохранение")
    variables = {"in": {"clientId": encode_id("Client", client.id), "purpose": "RECEPTION",
                        "externalSubject": {"kind": "reception", "reference": "R-77"},
                        "channel": "IN_PERSON", "sphereId": encode_id("Sphere", sphere.id),
                        "departmentId": encode_id("Department", dep.id),
                        "executorSubject": "petrov"}}
    body = await gql(INVITE, variables, as_="operator")
    payload = body["data"]["inviteToSurvey"]
    assert payload["created"] and payload["errors"] == []
    invitation = payload["invitation"]
    assert (invitation["link"], invitation["token"]) == (None, None)  # staff: no usable token
    assert invitation["department"] == {"name": "Приёмная губернатора"}
    assert invitation["subject"] == {"__typename": "SurveyExternalSubject", "kind": "reception",
                                     "reference": "R-77"}
    assert (invitation["executorSubject"], invitation["sphere"], invitation["sphereCode"]) == (
        "petrov", {"code": "health"}, "health")
    again = (await gql(INVITE, variables, as_="operator"))["data"]["inviteToSurvey"]
    assert not again["created"] and again["invitation"]["id"] == invitation["id"]
    mine = """{ surveyInvitations(status: [OPEN]) { edges { node { id link token status
        executorSubject } } } }"""
    own = (await gql(mine, as_="client", subject=str(client.id)))["data"]["surveyInvitations"]
    [node] = [e["node"] for e in own["edges"]]
    assert (node["id"], node["status"], node["executorSubject"]) == (
        invitation["id"], "OPEN", None)
    assert node["link"] == settings.public_survey_url.replace("{token}", node["token"])
    page = await gql("query($t: String!) { surveyByToken(token: $t) { survey { title } } }",
                     {"t": node["token"]}, as_=None)
    assert page["data"]["surveyByToken"]["survey"]["title"]  # the in-app token works
    theirs = await gql(mine, as_="client", subject=str(other.id))
    assert theirs["data"]["surveyInvitations"]["edges"] == []
    peek = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": invitation["id"]},
                     as_="client", subject=str(other.id))
    assert peek["data"]["node"] is None
    bad = await gql(INVITE, {"in": {**variables["in"], "clientId": "nonsense"}}, as_="operator")
    assert bad["data"]["inviteToSurvey"]["errors"][0]["code"] == "INVALID_ID"
    denied = await gql(INVITE, variables, as_="client", subject=str(client.id), expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert denied["data"] == {"inviteToSurvey": None}


async def _seed(settings) -> Department:
    from datetime import UTC, datetime, timedelta

    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    dep = await Department.create(name="Минздрав")
    data = [("written_answer", dep.id, "2025-01-10", [A("satisfaction", 5), A("nps", 10),
                                                     A("comment", text="=HYPERLINK(\"x\")")]),
            ("written_answer", dep.id, "2025-02-10", [A("satisfaction", 2), A("nps", 2),
                                                     A("clarity", choice_ids=["no"])]),
            ("reception", None, "2025-02-11", None)]
    for n, (purpose, department, day, answers) in enumerate(data):
        when = datetime.fromisoformat(day + "T09:00").replace(tzinfo=UTC)
        inv = await service.invite(("seed", n), client.id, purpose, department_id=department,
                                   channel="email", settings=settings, now=when)
        if answers:
            await service.submit_response(inv.token, answers, settings=settings,
                                          now=when + timedelta(hours=5))
    return dep


async def test_report_over_graphql(gql, settings):
    """R-9: the supervisor's report by purpose and month, with department names."""
    await _seed(settings)
    body = await gql(REPORT, {"from": "2025-01-01", "to": "2025-02-28",
                              "by": ["PURPOSE", "MONTH", "PURPOSE"]}, as_="supervisor")
    rep = body["data"]["satisfactionReport"]
    assert rep["groupBy"] == ["PURPOSE", "MONTH"] and not rep["truncated"]
    assert rep["total"] == {"invitations": 3, "responses": 2, "responseRate": 66.67, "csat": 50.0,
                            "averageRating": 3.5, "nps": 0.0, "promoters": 1, "detractors": 1}
    assert [(g["purpose"], g["month"], g["figures"]["invitations"], g["figures"]["csat"])
            for g in rep["groups"]] == [
        ("RECEPTION", "2025-02", 1, None),
        ("WRITTEN_ANSWER", "2025-01", 1, 100.0),
        ("WRITTEN_ANSWER", "2025-02", 1, 0.0),
    ]
    body = await gql(REPORT, {"from": "2025-01-01", "to": "2025-02-28", "by": ["DEPARTMENT"]},
                     as_="supervisor")
    groups = body["data"]["satisfactionReport"]["groups"]
    assert [(g["department"], g["figures"]["invitations"]) for g in groups] == [
        ({"name": "Минздрав"}, 2), (None, 1)]
    bad = await gql(REPORT, {"from": "2025-03-01", "to": "2025-01-01"}, as_="supervisor",
                    expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["errors"][0]["message"] == "Конец периода раньше его начала."


async def test_comments_over_graphql(gql, settings):
    dep = await _seed(settings)
    body = await gql("""query($f: SatisfactionFilter) { surveyComments(first: 5, filter: $f) {
        edges { node { text rating question { text } purpose department { name }
                      client { lastName } } }
        pageInfo { hasNextPage } } }""",
                     {"f": {"departmentIds": [encode_id("Department", dep.id)]}},
                     as_="supervisor")
    edges = body["data"]["surveyComments"]["edges"]
    assert edges == [{"node": {"text": "=HYPERLINK(\"x\")", "rating": 5,
                               "question": {"text": "Что нам сделать лучше? Напишите, если "
                                                    "хотите."},
                               "purpose": "WRITTEN_ANSWER", "department": {"name": "Минздрав"},
                               "client": {"lastName": "Смирнова"}}}]


async def test_csv_export_through_a_signed_link(gql, http, settings):
    """R-9 analysis: a signed, expiring CSV download; formulas are neutralised."""
    await _seed(settings)
    body = await gql("""mutation { exportSurveyResponses(input: {from: "2025-01-01",
        to: "2025-02-28", filter: {purposes: [WRITTEN_ANSWER]}}) {
        url expiresAt errors { code } } }""",
                     as_="supervisor")
    payload = body["data"]["exportSurveyResponses"]
    assert payload["errors"] == [] and payload["url"].startswith("http://testserver/survey-exports/")
    path = payload["url"].removeprefix("http://testserver")
    response = await http.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6  # 3 answers + 3 answers
    by_question = {(r["question_id"], r["submitted_at"][:10]): r for r in rows}
    assert by_question[("satisfaction", "2025-01-10")]["value"] == "5"
    assert by_question[("comment", "2025-01-10")]["text"] == "'=HYPERLINK(\"x\")"
    assert by_question[("clarity", "2025-02-10")]["choices"] == "Нет"
    assert by_question[("satisfaction", "2025-02-10")]["department"] == "Минздрав"
    token = path.rsplit("/", 1)[1].removesuffix(".csv")
    head, claims, sig = token.split(".")
    for bad in (f"{head}.{claims}.{sig[::-1]}", "nonsense", ""):
        response = await http.get(f"/survey-exports/{bad}.csv")
        assert response.status_code == 404 and "недействительна" in response.text
    assert (await http.get(f"/survey-exports/{token}.json")).status_code == 404
    denied = await gql("""mutation { exportSurveyResponses(input: {from: "2025-01-01",
        to: "2025-02-28"}) { url } }""", as_="operator", expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _comments(settings, n: int, offset: int) -> None:
    for i in range(offset, offset + n):
        client = await Client.create(kind=ClientKind.PERSON, last_name=f"Клиент{i}")
        dep = await Department.create(name=f"Отдел {i}")
        inv = await service.invite(("seed", i), client.id, "written_answer",
                                   department_id=dep.id, settings=settings)
        await service.submit_response(inv.token, [A("satisfaction", 1 + i % 5),
                                                  A("comment", text=f"Комментарий {i}")],
                                      settings=settings)


async def test_comment_list_sql_count_does_not_grow(gql, settings):
    """DataLoaders: the comment list with question, rating, department and client costs the
    same number of statements for 2 comments as for 10."""
    from tests.conftest import count_queries

    query = """{ surveyComments(first: 50) { edges { node { text rating question { text }
        department { name } client { lastName } } } } }"""
    await _comments(settings, 2, 0)
    with count_queries() as small:
        body = await gql(query, as_="supervisor")
    assert len(body["data"]["surveyComments"]["edges"]) == 2
    await _comments(settings, 8, 2)
    with count_queries() as large:
        body = await gql(query, as_="supervisor")
    assert len(body["data"]["surveyComments"]["edges"]) == 10
    assert large.count == small.count <= 6


async def test_csv_export_quotes_every_cell_and_neutralises_formulas(gql, http, settings):
    """Issue 15: a comment "Спасибо;=1+2" stays one quoted text cell, also for a Russian
    Excel that splits lines on ";"."""
    from datetime import UTC, datetime

    client = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    when = datetime(2025, 1, 10, 9, tzinfo=UTC)
    inv = await service.invite(("seed", 1), client.id, "written_answer", channel="email",
                               settings=settings, now=when)
    await service.submit_response(inv.token, [A("satisfaction", 5),
                                              A("comment", text="Спасибо;=1+2")],
                                  settings=settings, now=when)
    body = await gql("""mutation { exportSurveyResponses(input: {from: "2025-01-01",
        to: "2025-01-31"}) { url } }""", as_="supervisor")
    url = body["data"]["exportSurveyResponses"]["url"].removeprefix("http://testserver")
    text = (await http.get(url)).content.decode("utf-8-sig")
    lines = text.splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    for delimiter in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            assert not any(c.startswith(("=", "+", "-", "@")) for c in row), row
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "Спасибо;'=1+2" in [r["text"] for r in rows]
