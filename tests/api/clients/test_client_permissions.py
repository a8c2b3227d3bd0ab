"""Self-service boundaries (R-1.2, R-1.4): a `client` token reads and changes only its own
record, by every path a front end could try; staff-only changes are refused; no token, no data."""

from __future__ import annotations

import uuid

import pytest

from api.relay import encode_id

CARD = """query($id: ID!) { client(id: $id) { id displayName inn contacts { id value }
    preference { preferredChannel preferredContact { id } } segments
    history(first: 5) { edges { node { kind } } } } }"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


def _as(person) -> dict:
    return {"as_": "client", "subject": person.id}


async def test_me_is_the_own_card(world, gql):
    body = await gql("{ me { id displayName contacts { value } } }", **_as(world.anna))
    assert body["data"]["me"]["id"] == world.anna.gid
    assert {c["value"] for c in body["data"]["me"]["contacts"]} == {
        "anna.smirnova@example.com", "+79123456789", "432017, Ульяновск, ул. Гончарова, 1"}
    body = await gql("{ me { id department { name } } }", as_="employee",
                     subject=world.employee.id)
    assert body["data"]["me"] == {"id": world.employee.gid,
                                  "department": {"name": "Отдел информатизации"}}


@pytest.mark.parametrize("role", ["operator", "executor", "supervisor", "admin"])
async def test_staff_have_no_me_but_see_every_client(world, gql, role):
    body = await gql("{ me { id } }", as_=role)
    assert body["data"]["me"] is None
    for person in (world.anna, world.boris, world.org):
        body = await gql(CARD, {"id": person.gid}, as_=role)
        assert body["data"]["client"]["id"] == person.gid


async def test_client_reads_own_card_with_everything_nested(world, gql):
    body = await gql(CARD, {"id": world.anna.gid}, **_as(world.anna))
    card = body["data"]["client"]
    assert card["inn"] == "500100732259"
    assert card["preference"]["preferredContact"] == {"id": world.anna.contacts["email"]}
    assert card["segments"] == ["PENSIONER"]
    assert card["history"]["edges"]


async def test_client_cannot_read_another_by_id_or_node(world, gql):
    """R-1.2: another client's card, contact, representative link: null, as if missing."""
    anna = _as(world.anna)
    assert (await gql(CARD, {"id": world.boris.gid}, **anna))["data"]["client"] is None
    for gid in (world.boris.gid, world.boris.contacts["phone"], world.org.gid):
        assert (await gql(NODE, {"id": gid}, **anna))["data"]["node"] is None
    # Boris acts for Anna, but that gives him no view of her record (nor the link on it).
    boris = _as(world.boris)
    for gid in (world.anna.gid, world.anna.contacts["email"], world.representative_gid):
        assert (await gql(NODE, {"id": gid}, **boris))["data"]["node"] is None
    # ... which Anna herself does see.
    for gid in (world.anna.gid, world.anna.contacts["email"], world.representative_gid):
        assert (await gql(NODE, {"id": gid}, **anna))["data"]["node"] == {"id": gid}


async def test_client_search_finds_only_themselves(world, gql):
    """R-1.2: a client's search never returns another record, whatever it searches for."""
    query = "query($s: String) { clients(search: $s, first: 100) { edges { node { id } } } }"
    for text in (None, "Кузнецов", "boris@example.com", "+7 917 000 11 22", "7707083893",
                 "Смирнова", "anna.smirnova@example.com"):
        body = await gql(query, {"s": text}, **_as(world.anna))
        found = [e["node"]["id"] for e in body["data"]["clients"]["edges"]]
        assert set(found) <= {world.anna.gid}, text
        if text in (None, "Смирнова", "anna.smirnova@example.com"):
            assert found == [world.anna.gid]


async def test_nested_representative_hides_the_other_persons_card(world, gql):
    """R-1.2: through Representative.representative a client reaches no one else's card;
    the representative's name is shown."""
    query = """{ me { representatives { basis document representativeName
        representative { id contacts { value } } } } }"""
    body = await gql(query, **_as(world.anna))
    (rep,) = body["data"]["me"]["representatives"]
    assert rep["representativeName"] == "Кузнецов Борис"
    assert rep["representative"] is None
    staff = await gql(CARD.replace("inn contacts", "representatives { representative { id } } "
                                                   "inn contacts"), {"id": world.anna.gid})
    assert staff["data"]["client"]["representatives"] == [
        {"representative": {"id": world.boris.gid}}]


# A client token changing another client's data: NOT_FOUND, nothing written.
OTHERS = [
    ("updateClient", lambda w: {"id": w.boris.gid, "firstName": "Взлом"}, "id"),
    ("addContactPoint", lambda w: {"clientId": w.boris.gid, "kind": "EMAIL",
                                   "value": "evil@example.com"}, "clientId"),
    ("removeContactPoint", lambda w: {"contactId": w.boris.contacts["email"]}, "contactId"),
    ("setChannelPreference", lambda w: {"clientId": w.boris.gid, "preferredChannel": "WEB"},
     "clientId"),
    ("setChannelPreference", lambda w: {"clientId": w.anna.gid, "preferredChannel": "PHONE",
                                        "preferredContactId": w.boris.contacts["phone"]},
     "preferredContactId"),
]


@pytest.mark.parametrize("name, make, field", OTHERS,
                         ids=["update", "add-contact", "remove-contact", "preference",
                              "preference-with-their-contact"])
async def test_client_cannot_change_another(world, api, snap, name, make, field):
    """R-1.2/R-1.4: another client's record, contacts and preference are out of reach."""
    before = await snap()
    payload = await api.mutate(name, make(world), **_as(world.anna))
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("NOT_FOUND", field)]
    assert await snap() == before


# Staff-only mutations, tried by a client on their own record: refused by the access table
# (api/access.py), a top-level FORBIDDEN on that field, its payload null, nothing written.
STAFF_ONLY = [
    ("createClient", lambda w: {"kind": "PERSON", "lastName": "Новый"}),
    ("verifyContactPoint", lambda w: {"contactId": w.anna.contacts["email"]}),
    ("setProfileTags", lambda w: {"clientId": w.anna.gid, "segments": ["LARGE_FAMILY"]}),
    ("addRepresentative", lambda w: {"clientId": w.anna.gid, "representativeId": w.employee.gid,
                                     "basis": "OTHER"}),
    ("removeRepresentative", lambda w: {"id": w.representative_gid}),
]
# Staff-only fields of a mutation clients may call: the service refuses, FORBIDDEN in the
# payload.
STAFF_ONLY_FIELDS = [
    lambda w: {"id": w.anna.gid, "inn": None},
    lambda w: {"id": w.anna.gid, "inn": "773059322060"},
    lambda w: {"id": w.anna.gid, "ogrn": "304500116000157"},
    lambda w: {"id": w.anna.gid, "departmentId": w.department_gid},
    lambda w: {"id": w.anna.gid, "position": "Директор"},
]


@pytest.mark.parametrize("role", ["client", "employee"])
@pytest.mark.parametrize("name, make", STAFF_ONLY,
                         ids=["create", "verify", "tags", "add-rep", "remove-rep"])
async def test_staff_only_mutations_forbidden_for_self_service(world, api, snap, name, make,
                                                               role):
    before = await snap()
    body = await api.gql(api.document(name), {"input": make(world)}, as_=role,
                         subject=world.anna.id, expect_errors=True)
    assert body["data"] == {name: None}
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("FORBIDDEN", [name])]
    assert await snap() == before


@pytest.mark.parametrize("role", ["client", "employee"])
@pytest.mark.parametrize("make", STAFF_ONLY_FIELDS,
                         ids=["clear-inn", "set-inn", "ogrn", "department", "position"])
async def test_staff_only_fields_forbidden_for_self_service(world, api, snap, make, role):
    before = await snap()
    payload = await api.mutate("updateClient", make(world), as_=role, subject=world.anna.id)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("FORBIDDEN", None)]
    assert await snap() == before


async def test_client_self_service_on_own_record(world, api, kinds_of):
    """R-1.4 self-service: a client corrects their name, adds and removes a contact and
    chooses their channel themselves; the timeline records the client as the actor."""
    me = _as(world.anna)
    assert (await api.mutate("updateClient", {"id": world.anna.gid, "middleName": None},
                             **me))["errors"] == []
    added = await api.mutate("addContactPoint", {"clientId": world.anna.gid, "kind": "MESSENGER",
                                                 "value": "telegram:@anna"}, **me)
    assert added["errors"] == []
    pref = await api.mutate("setChannelPreference", {
        "clientId": world.anna.gid, "preferredChannel": "MESSENGER",
        "preferredContactId": added["contact"]["id"], "chosenVia": "MOBILE_APP"}, **me)
    # Not confirmed yet (issue 15: no government mail to an address nobody confirmed).
    assert [e["code"] for e in pref["errors"]] == ["CONTACT_NOT_VERIFIED"]
    pref = await api.mutate("setChannelPreference", {
        "clientId": world.anna.gid, "preferredChannel": "MOBILE_APP",
        "chosenVia": "MOBILE_APP"}, **me)
    assert pref["errors"] == []
    assert (await api.mutate("removeContactPoint", {"contactId": world.anna.contacts["post"]},
                             **me))["errors"] == []
    from domain.history.models import InteractionEvent

    last = await InteractionEvent.filter(client_id=world.anna.id).order_by("-id").limit(4) \
        .values("kind", "actor_role", "actor_subject")
    assert {(e["actor_role"], e["actor_subject"]) for e in last} == {("client", world.anna.id)}
    assert [e["kind"] for e in last] == ["contact_removed", "preference_set", "contact_added",
                                         "client_updated"]


ANONYMOUS_QUERIES = [
    "{ me { id } }",
    "{ clients { edges { node { id } } } }",
    'query($id: ID!) { client(id: $id) { id } }',
]


@pytest.mark.parametrize("query", ANONYMOUS_QUERIES, ids=["me", "clients", "client"])
async def test_anonymous_reads_are_unauthenticated(world, gql, query):
    variables = {"id": world.anna.gid} if "$id" in query else {}
    body = await gql(query, variables, as_=None, expect_errors=True)
    assert not any((body["data"] or {}).values())
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("gid_of", [lambda w: w.anna.gid, lambda w: w.anna.contacts["email"],
                                    lambda w: w.representative_gid],
                         ids=["client", "contact", "representative"])
async def test_anonymous_node_of_any_client_type_is_null(world, gql, gid_of):
    """`node` is open to anyone (api/access.py) and answers null for what the caller may not
    see: without a token, no client's record."""
    body = await gql(NODE, {"id": gid_of(world)}, as_=None)
    assert body["data"]["node"] is None


@pytest.mark.parametrize("subject", ["bob", "", "12345", "' OR 1=1 --", "a" * 300])
async def test_token_whose_subject_is_not_a_uuid(world, gql, subject):
    """An identity provider's subject that names no client record: sees nothing, no 500."""
    who = {"as_": "client", "subject": subject or None}
    body = await gql("""query($a: ID!, $b: ID!) { me { id } client(id: $a) { id }
        node(id: $b) { id } clients { edges { node { id } } } }""",
                     {"a": encode_id("Client", subject), "b": encode_id("Client", subject)},
                     **who)
    assert body["data"] == {"me": None, "client": None, "node": None, "clients": {"edges": []}}


async def test_upper_case_uuid_subject_still_finds_own_record(world, gql, api):
    who = {"as_": "client", "subject": world.anna.id.upper()}
    body = await gql("{ me { id } }", **who)
    assert body["data"]["me"]["id"] == world.anna.gid
    body = await gql(CARD, {"id": world.anna.gid}, **who)
    assert body["data"]["client"]["id"] == world.anna.gid
    payload = await api.mutate("updateClient", {"id": world.anna.gid, "firstName": "Аня"}, **who)
    assert payload["errors"] == []
    # Areas that check access through the actor (history exports) agree: the token's
    # client id is stored in one spelling (api/auth.py).
    body = await gql("mutation($id: ID!) { requestHistoryExport(input: {clientId: $id}) "
                     "{ historyExport { id } errors { code } } }", {"id": world.anna.gid}, **who)
    export_id = body["data"]["requestHistoryExport"]["historyExport"]["id"]
    body = await gql("query($id: ID!) { historyExport(id: $id) { id } }", {"id": export_id}, **who)
    assert body["data"]["historyExport"] == {"id": export_id}


async def test_token_for_a_deleted_or_unknown_client(world, gql):
    body = await gql("{ me { id } clients { edges { node { id } } } }", as_="client",
                     subject=str(uuid.uuid4()))
    assert body["data"] == {"me": None, "clients": {"edges": []}}
