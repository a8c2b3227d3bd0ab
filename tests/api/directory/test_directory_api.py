"""The directory API: spheres with editable keyword dictionaries (R-2.3), external agencies
(R-2.6), departments and staff; admin-only writes."""

from __future__ import annotations

from api.relay import encode_id
from tests.domain.messages.messages_world import World

SPHERES = "query { spheres { id code name keywords { id term weight } } }"
ADD_KEYWORD = """mutation($input: AddSphereKeywordInput!) { addSphereKeyword(input: $input) {
  keyword { id term weight } errors { code field message } } }"""


async def test_spheres_seeded_and_keywords_editable(gql, world: World):
    """R-2.3: the Government's spheres are seeded; admins edit a sphere's dictionary and the
    next classification uses it."""
    spheres = (await gql(SPHERES, as_="operator"))["data"]["spheres"]
    codes = [s["code"] for s in spheres]
    assert codes[:4] == ["health", "education", "social", "housing"] and codes[-1] == "other"
    culture = next(s for s in spheres if s["code"] == "culture_sport")
    body = await gql(ADD_KEYWORD, {"input": {"sphereId": culture["id"], "term": "  каток  ",
                                             "weight": 2}})
    keyword = body["data"]["addSphereKeyword"]["keyword"]
    assert (keyword["term"], keyword["weight"]) == ("каток", 2.0)
    body = await gql(ADD_KEYWORD, {"input": {"sphereId": culture["id"], "term": "каток"}})
    assert body["data"]["addSphereKeyword"]["errors"][0]["code"] == "DUPLICATE"
    for bad, field in (({"term": "!!"}, "term"), ({"term": "лёд", "weight": 99}, "weight"),
                       ({"term": "a\u0000b"}, "term")):
        body = await gql(ADD_KEYWORD, {"input": {"sphereId": culture["id"], **bad}})
        assert body["data"]["addSphereKeyword"]["errors"][0]["field"] == field
    body = await gql('query($t: String!) { checkText(text: $t) { spheres { code } } }',
                     {"t": "Когда зальют каток во дворе?"}, as_="operator")
    assert body["data"]["checkText"]["spheres"][0]["code"] == "culture_sport"
    remove = """mutation($id: ID!) { removeSphereKeyword(input: {keywordId: $id}) { removedId
        errors { code field } } }"""
    body = await gql(remove, {"id": keyword["id"]})
    assert body["data"]["removeSphereKeyword"]["removedId"] == keyword["id"]
    for forged in ("99999999999999999999999", "-1", "x"):
        body = await gql(remove, {"id": encode_id("SphereKeyword", forged)})
        assert body["data"]["removeSphereKeyword"]["errors"] == [
            {"code": "NOT_FOUND", "field": "keywordId"}]
        body = await gql(remove, {"id": forged})  # not a global ID at all
        assert body["data"]["removeSphereKeyword"]["errors"] == [
            {"code": "INVALID_ID", "field": "keywordId"}]
    body = await gql("""mutation($input: SetSphereKeywordsInput!) { setSphereKeywords(input: $input)
        { sphere { keywords { term } } errors { code } } }""",
                     {"input": {"sphereId": culture["id"], "keywords": [
                         {"term": "стадион"}, {"term": "бассейн", "weight": 1.5}]}})
    assert [k["term"] for k in body["data"]["setSphereKeywords"]["sphere"]["keywords"]] == [
        "бассейн", "стадион"]
    body = await gql(ADD_KEYWORD, {"input": {"sphereId": culture["id"], "term": "мяч"}},
                     as_="operator", expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    clients_view = await gql(SPHERES, as_="client", subject=str(world.client.id))
    assert all(s["keywords"] == [] for s in clients_view["data"]["spheres"])


async def test_sphere_crud(gql, world: World):
    body = await gql("""mutation { createSphere(input: {code: "tourism", name: "Туризм"}) {
        sphere { id code active } errors { code field } } }""")
    sphere = body["data"]["createSphere"]["sphere"]
    assert sphere["code"] == "tourism"
    body = await gql("""mutation { createSphere(input: {code: "Bad Code", name: "Х"}) {
        sphere { id } errors { code field } } }""")
    assert body["data"]["createSphere"]["errors"] == [{"code": "INVALID", "field": "code"}]
    body = await gql("""mutation { createSphere(input: {code: "health", name: "Дубль"}) {
        sphere { id } errors { code field } } }""")
    assert body["data"]["createSphere"]["errors"][0]["code"] == "DUPLICATE"
    body = await gql("""mutation($id: ID!) { updateSphere(input: {sphereId: $id, active: false}) {
        sphere { active } errors { code } } }""", {"id": sphere["id"]})
    assert body["data"]["updateSphere"]["sphere"]["active"] is False
    active = (await gql(SPHERES, as_="operator"))["data"]["spheres"]
    assert "tourism" not in [s["code"] for s in active]


async def test_external_agencies_crud(gql, world: World):
    """R-2.6: the directory of competent agencies redirects choose from."""
    create = """mutation($input: CreateExternalAgencyInput!) { createExternalAgency(input: $input)
        { agency { id name phone website sphere { code } } errors { code field message } } }"""
    health = await world.sphere("health")
    body = await gql(create, {"input": {
        "name": "Территориальный фонд ОМС Ульяновской области",
        "competence": "Полисы ОМС, качество медицинской помощи", "phone": "8 (8422) 41-39-18",
        "website": "https://tfoms73.ru", "sphereId": world.gid("Sphere", health.id)}})
    agency = body["data"]["createExternalAgency"]["agency"]
    assert agency["phone"] == "+78422413918" and agency["sphere"]["code"] == "health"
    body = await gql(create, {"input": {"name": "", "competence": "x", "email": "not-an-email",
                                        "website": "ftp://x"}})
    fields = {e["field"] for e in body["data"]["createExternalAgency"]["errors"]}
    assert fields == {"name", "email", "website"}
    body = await gql("""mutation($id: ID!) {
        updateExternalAgency(input: {agencyId: $id, email: "info@tfoms73.ru"})
        { agency { email } errors { code } } }""", {"id": agency["id"]})
    assert body["data"]["updateExternalAgency"]["agency"]["email"] == "info@tfoms73.ru"
    listed = await gql('query { externalAgencies(search: "фонд") { edges { node { name } } } }',
                       as_="operator")
    assert len(listed["data"]["externalAgencies"]["edges"]) == 2
    delete = """mutation($id: ID!) { deleteExternalAgency(input: {agencyId: $id}) { removedId
        errors { code field } } }"""
    body = await gql(delete, {"id": agency["id"]})
    assert body["data"]["deleteExternalAgency"]["removedId"] == agency["id"]
    body = await gql(delete, {"id": agency["id"]})
    assert body["data"]["deleteExternalAgency"]["errors"] == [
        {"code": "NOT_FOUND", "field": "agencyId"}]


async def test_departments_and_staff(gql, world: World):
    body = await gql("""mutation { saveDepartment(input: {name: "Отдел кадров"}) {
        department { id name } errors { code } } }""")
    dep = body["data"]["saveDepartment"]["department"]
    body = await gql("""mutation($d: ID!) { saveStaffMember(input: {subject: "hr-1",
        fullName: "Орлова Нина", departmentId: $d, supervisor: true}) {
        staffMember { subject supervisor department { name } } errors { code } } }""",
                     {"d": dep["id"]})
    member = body["data"]["saveStaffMember"]["staffMember"]
    assert member == {"subject": "hr-1", "supervisor": True, "department": {"name": "Отдел кадров"}}
    staff = await gql("query($d: ID) { staffMembers(departmentId: $d) { edges { node { subject }"
                      " } } }",
                      {"d": dep["id"]}, as_="supervisor")
    assert staff["data"]["staffMembers"]["edges"] == [{"node": {"subject": "hr-1"}}]
    names = [d["name"] for d in (await gql("query { departments { name } }",
                                           as_="operator"))["data"]["departments"]]
    assert "Отдел кадров" in names
