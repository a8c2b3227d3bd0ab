"""The directory keeps the front-end contract: every type is a Node that answers `node(id:)`
with the object or null (never an error); ID inputs take global IDs only (INVALID_ID); a
refused root field nulls only itself; growing lists are connections with `first` checked."""

from __future__ import annotations

import uuid

import pytest

from api.relay import encode_id
from domain.directory.models import SphereKeyword, StaffMember
from tests.domain.messages.messages_world import World

NODE = "query($id: ID!) { node(id: $id) { __typename id } }"
RAW = str(uuid.uuid4())
WHO = {
    "admin": {"as_": "admin"},
    "operator": {"as_": "operator"},
    "executor": {"as_": "executor", "subject": "exec-1"},
    "client": {"as_": "client", "subject": str(uuid.uuid4())},
    "anonymous": {"as_": None},
}
SIGNED_IN = {"admin", "operator", "executor", "client"}
STAFF = {"admin", "operator", "executor"}


async def ids(world: World) -> dict[str, tuple[str, set[str]]]:
    """Each type's global ID of a real record, and who may see it."""
    housing = await world.sphere("housing")
    keyword = await SphereKeyword.filter(sphere_id=housing.id).first()
    member = await StaffMember.get(subject="exec-1")
    return {
        "Sphere": (encode_id("Sphere", housing.id), SIGNED_IN),
        "SphereKeyword": (encode_id("SphereKeyword", keyword.id), STAFF),
        "ExternalAgency": (encode_id("ExternalAgency", world.agency.id), SIGNED_IN),
        "Department": (encode_id("Department", world.department.id), SIGNED_IN),
        "StaffMember": (encode_id("StaffMember", member.id), STAFF),
    }


async def test_directory_nodes_by_viewer(gql, world: World):
    """Spheres, agencies and departments are for anyone signed in; dictionaries and staff
    for staff; anonymous callers get null for all."""
    for type_name, (gid, seers) in (await ids(world)).items():
        for who, auth in WHO.items():
            body = await gql(NODE, {"id": gid}, **auth)
            expected = {"__typename": type_name, "id": gid} if who in seers else None
            assert body["data"]["node"] == expected, (type_name, who)


@pytest.mark.parametrize("type_name", ["Sphere", "SphereKeyword", "ExternalAgency",
                                       "Department", "StaffMember"])
async def test_forged_and_malformed_directory_ids_are_null(gql, world: World, type_name):
    for node_id in (uuid.uuid4(), "x", "-1", "99999999999999999999999", "123456", ""):
        body = await gql(NODE, {"id": encode_id(type_name, node_id)})
        assert body["data"]["node"] is None, node_id
    body = await gql(NODE, {"id": RAW})
    assert body["data"]["node"] is None


async def test_staff_member_has_a_global_id(gql, world: World):
    body = await gql("""query { staffMembers(first: 2) { edges { node { id subject
        department { id name } } } pageInfo { hasNextPage endCursor } } }""", as_="operator")
    page = body["data"]["staffMembers"]
    assert [e["node"]["subject"] for e in page["edges"]] == ["exec-2", "exec-1"]  # by name
    assert page["pageInfo"]["hasNextPage"]
    rest = await gql("""query($after: String) { staffMembers(first: 2, after: $after) {
        edges { node { subject } } pageInfo { hasNextPage } } }""",
                     {"after": page["pageInfo"]["endCursor"]}, as_="operator")
    assert rest["data"]["staffMembers"] == {"edges": [{"node": {"subject": "head-1"}}],
                                            "pageInfo": {"hasNextPage": False}}
    first = page["edges"][0]["node"]
    again = await gql("query($id: ID!) { node(id: $id) { ... on StaffMember { subject } } }",
                      {"id": first["id"]}, as_="operator")
    assert again["data"]["node"] == {"subject": "exec-2"}


async def test_departments_refused_for_a_client_alone(gql, world: World):
    """A refused root field is FORBIDDEN on that field only: the rest of the document
    answers (here `spheres`, which clients may read)."""
    body = await gql("query { departments { name } spheres { code } }", as_="client",
                     subject=str(world.client.id), expect_errors=True)
    assert body["data"]["departments"] is None and body["data"]["spheres"]
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["departments"], "FORBIDDEN")]
    body = await gql("query { staffMembers { edges { node { id } } } externalAgencies { edges { "
                     "node { name } } } }", as_="client", subject=str(world.client.id),
                     expect_errors=True)
    assert body["data"]["staffMembers"] is None
    assert body["data"]["externalAgencies"]["edges"][0]["node"]["name"] == world.agency.name


@pytest.mark.parametrize("field", ["externalAgencies", "staffMembers"])
@pytest.mark.parametrize("first", [0, -5, 101])
async def test_first_out_of_range_is_bad_user_input(gql, world: World, field, first):
    body = await gql(f"""query($first: Int) {{ {field}(first: $first) {{ edges {{ cursor }} }}
        departments {{ name }} }}""", {"first": first}, as_="operator", expect_errors=True)
    assert body["data"][field] is None and body["data"]["departments"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


@pytest.mark.parametrize(("field", "arg"), [("externalAgencies", "sphereId"),
                                            ("staffMembers", "departmentId")])
async def test_query_id_arguments_and_cursors(gql, world: World, field, arg):
    """A raw UUID in a query's ID argument, or a bad cursor, fails only that field."""
    for args in (f'{arg}: "{RAW}"', 'after: "garbage"', 'after: "Z2FyYmFnZXw="'):
        body = await gql(f"query {{ {field}({args}) {{ edges {{ cursor }} }} spheres {{ code }} }}",
                         as_="operator", expect_errors=True)
        assert body["data"][field] is None and body["data"]["spheres"], args
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql(f"query {{ {field}({arg}: \"{RAW}\") {{ edges {{ cursor }} }} }}",
                     as_="operator", expect_errors=True)
    assert body["errors"][0]["extensions"]["reason"] == "INVALID_ID"


CASES = [
    ("updateSphere", "UpdateSphereInput", {"sphereId": RAW}, "sphereId"),
    ("addSphereKeyword", "AddSphereKeywordInput", {"sphereId": RAW, "term": "каток"},
     "sphereId"),
    ("setSphereKeywords", "SetSphereKeywordsInput", {"sphereId": RAW, "keywords": []},
     "sphereId"),
    ("removeSphereKeyword", "RemoveSphereKeywordInput", {"keywordId": "12"}, "keywordId"),
    ("createExternalAgency", "CreateExternalAgencyInput",
     {"name": "Ведомство", "competence": "Всё", "sphereId": RAW}, "sphereId"),
    ("updateExternalAgency", "UpdateExternalAgencyInput", {"agencyId": RAW}, "agencyId"),
    ("updateExternalAgency", "UpdateExternalAgencyInput",
     {"agencyId": encode_id("ExternalAgency", uuid.uuid4()), "sphereId": RAW}, "sphereId"),
    ("deleteExternalAgency", "DeleteExternalAgencyInput", {"agencyId": RAW}, "agencyId"),
    ("saveDepartment", "SaveDepartmentInput", {"name": "Отдел", "departmentId": RAW},
     "departmentId"),
    ("saveDepartment", "SaveDepartmentInput", {"name": "Отдел", "parentId": RAW}, "parentId"),
    ("saveStaffMember", "SaveStaffMemberInput",
     {"subject": "s-1", "fullName": "Иванов", "departmentId": RAW}, "departmentId"),
]
PAYLOAD_FIELD = {"updateSphere": "sphere", "addSphereKeyword": "keyword",
                 "setSphereKeywords": "sphere", "removeSphereKeyword": "removedId",
                 "createExternalAgency": "agency", "updateExternalAgency": "agency",
                 "deleteExternalAgency": "removedId", "saveDepartment": "department",
                 "saveStaffMember": "staffMember"}


@pytest.mark.parametrize(("mutation", "input_type", "data", "field"), CASES)
async def test_raw_ids_are_invalid_id(gql, world: World, mutation, input_type, data, field):
    """Directory inputs take global IDs only: anything else is INVALID_ID on its field, and
    nothing is written."""
    selection = PAYLOAD_FIELD[mutation]
    selection = selection if selection == "removedId" else f"{selection} {{ __typename }}"
    body = await gql(f"""mutation($input: {input_type}!) {{ {mutation}(input: $input) {{
        {selection} errors {{ code field }} }} }}""", {"input": data})
    payload = body["data"][mutation]
    assert payload["errors"] == [{"code": "INVALID_ID", "field": field}]
    assert payload[PAYLOAD_FIELD[mutation]] is None


async def test_directory_mutations_refused_for_operators(gql, world: World):
    body = await gql("""mutation { saveDepartment(input: {name: "Отдел"}) { errors { code } } }""",
                     as_="operator", expect_errors=True)
    assert body["data"] == {"saveDepartment": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
