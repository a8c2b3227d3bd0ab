"""Client mutations that succeed, through real HTTP: what is stored and what the timeline says."""

from __future__ import annotations

from strawberry.relay import GlobalID

from domain.clients.models import Client, ClientTag, ContactPoint, Representative


async def test_create_person_organisation_employee(world, api, kinds_of):
    """R-1.2: the three kinds of client, each with what its kind requires."""
    person = await api.mutate("createClient", {
        "kind": "PERSON", "lastName": " Семёнов ", "firstName": "Пётр", "inn": "773059322060",
        "ogrn": "304500116000157"})
    assert person["errors"] == []
    assert person["client"]["displayName"] == "Семёнов Пётр"
    assert (person["client"]["inn"], person["client"]["ogrn"]) == ("773059322060",
                                                                   "304500116000157")
    org = await api.mutate("createClient", {
        "kind": "ORGANISATION", "organisationName": "АО «Симбирск»", "inn": "7736207543",
        "ogrn": "1027739850962"})
    assert org["errors"] == [] and org["client"]["displayName"] == "АО «Симбирск»"
    emp = await api.mutate("createClient", {
        "kind": "EMPLOYEE", "lastName": "Орлова", "departmentId": world.department_gid,
        "position": "Бухгалтер"})
    assert emp["errors"] == []
    assert emp["client"]["department"] == {"name": "Отдел информатизации"}
    assert emp["client"]["position"] == "Бухгалтер"
    stored = await Client.get(id=GlobalID.from_id(person["client"]["id"]).node_id)
    assert stored.search_name == "семенов петр"
    assert await kinds_of(str(stored.id)) == ["client_created"]  # stored values


async def test_update_client(world, api, kinds_of):
    """Given fields change, omitted ones stay, null clears; an update that changes nothing
    writes no history event."""
    payload = await api.mutate("updateClient", {"id": world.anna.gid, "lastName": "Иванова",
                                                "middleName": None})
    assert payload["errors"] == []
    assert payload["client"]["displayName"] == "Иванова Анна"
    assert payload["client"]["inn"] == "500100732259"
    before = await kinds_of(world.anna.id)
    assert before[-1] == "client_updated"
    again = await api.mutate("updateClient", {"id": world.anna.gid, "lastName": "Иванова"})
    assert again["errors"] == []
    assert await kinds_of(world.anna.id) == before
    stored = await Client.get(id=world.anna.id)
    assert stored.search_name == "иванова анна"


async def test_staff_change_inn_and_department(world, api):
    payload = await api.mutate("updateClient", {"id": world.anna.gid, "inn": None})
    assert payload["errors"] == [] and payload["client"]["inn"] is None
    payload = await api.mutate("updateClient", {"id": world.employee.gid, "departmentId": None})
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REQUIRED", "departmentId")]


async def test_add_contact_normalises_and_first_of_kind_is_primary(world, api, kinds_of):
    """Phones are stored in E.164 whatever the spelling; the first of a kind is primary."""
    payload = await api.mutate("addContactPoint", {
        "clientId": world.employee.gid, "kind": "PHONE", "value": "8 (8422) 41-20-10",
        "label": "рабочий"})
    assert payload["errors"] == []
    assert payload["contact"] | {"id": None} == {
        "id": None, "kind": "PHONE", "value": "+78422412010", "label": "рабочий",
        "verified": False, "primary": True}
    second = await api.mutate("addContactPoint", {
        "clientId": world.employee.gid, "kind": "PHONE", "value": "+7 917 111-22-33"})
    assert second["contact"]["primary"] is False
    email = await api.mutate("addContactPoint", {
        "clientId": world.employee.gid, "kind": "EMAIL", "value": "Orlova@Gov.Example.RU"})
    assert (email["contact"]["value"], email["contact"]["primary"]) == (
        "orlova@gov.example.ru", True)
    messenger = await api.mutate("addContactPoint", {
        "clientId": world.employee.gid, "kind": "MESSENGER", "value": "Telegram:@Orlova_A"})
    assert messenger["contact"]["value"] == "telegram:@orlova_a"
    assert (await kinds_of(world.employee.id)).count("contact_added") == 4


async def test_primary_moves_on_add_verify_and_remove(world, api, kinds_of):
    """One primary per kind: taken by an explicit add or verify, passed on when removed
    (to a verified contact first)."""
    b = world.boris
    second = (await api.mutate("addContactPoint", {
        "clientId": b.gid, "kind": "EMAIL", "value": "b2@example.com"}))["contact"]
    third = (await api.mutate("addContactPoint", {
        "clientId": b.gid, "kind": "EMAIL", "value": "b3@example.com", "primary": True}))["contact"]
    assert third["primary"] is True

    async def primaries() -> set[str]:
        return {str(r) for r in await ContactPoint.filter(
            client_id=b.id, kind="email", primary=True).values_list("value", flat=True)}

    assert await primaries() == {"b3@example.com"}
    verified = await api.mutate("verifyContactPoint", {"contactId": second["id"]})
    assert verified["contact"] == {"id": second["id"], "verified": True, "primary": False}
    assert await primaries() == {"b3@example.com"}
    removed = await api.mutate("removeContactPoint", {"contactId": third["id"]})
    assert removed == {"removedId": third["id"], "errors": []}
    assert await primaries() == {"b2@example.com"}  # the verified one, though not the oldest
    made = await api.mutate("verifyContactPoint", {"contactId": b.contacts["email"],
                                                   "primary": True})
    assert made["contact"]["primary"] is True
    assert await primaries() == {"boris@example.com"}
    assert (await kinds_of(b.id))[-3:] == ["contact_verified", "contact_removed",
                                          "contact_verified"]


async def test_remove_last_contact_of_a_kind(world, api):
    payload = await api.mutate("removeContactPoint", {"contactId": world.anna.contacts["post"]})
    assert payload["errors"] == []
    assert not await ContactPoint.exists(client_id=world.anna.id, kind="postal")


async def test_set_profile_tags(world, api, kinds_of):
    """R-1.2 profile: a given list replaces that kind's tags (deduplicated), an omitted list
    stays, an empty list clears."""
    payload = await api.mutate("setProfileTags", {
        "clientId": world.anna.gid, "segments": ["DISABLED", "PENSIONER", "DISABLED"]})
    assert payload["errors"] == []
    assert payload["client"]["segments"] == ["DISABLED", "PENSIONER"]
    assert payload["client"]["lifeSituations"] == ["MOVING"]
    payload = await api.mutate("setProfileTags", {"clientId": world.anna.gid,
                                                  "lifeSituations": []})
    assert payload["client"]["lifeSituations"] == []
    assert await ClientTag.filter(client_id=world.anna.id).count() == 2
    assert (await kinds_of(world.anna.id))[-2:] == ["profile_changed", "profile_changed"]


async def test_add_and_remove_representative(world, api, kinds_of):
    """R-1.2: a person acting for a client, with the basis of authority."""
    payload = await api.mutate("addRepresentative", {
        "clientId": world.org.gid, "representativeId": world.employee.gid, "basis": "CHARTER",
        "document": "Устав, п. 5.1", "validUntil": "2099-12-31"})
    assert payload["errors"] == []
    rep = payload["representative"]
    assert rep | {"id": None} == {"id": None, "basis": "CHARTER", "document": "Устав, п. 5.1",
                                  "validUntil": "2099-12-31", "representativeName": "Петров Пётр"}
    removed = await api.mutate("removeRepresentative", {"id": rep["id"]})
    assert removed == {"removedId": rep["id"], "errors": []}
    assert not await Representative.exists(client_id=world.org.id)
    assert (await kinds_of(world.org.id))[-2:] == ["representative_added",
                                                  "representative_removed"]
    again = await api.mutate("removeRepresentative", {"id": rep["id"]})
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]


async def test_parallel_duplicate_contacts(world, api, kinds_of):
    """Two requests adding the same address at once: one is stored, the other gets DUPLICATE
    (the unique constraint catches the race the existence check cannot), nothing half-written."""
    import asyncio

    events_before = len(await kinds_of(world.boris.id))
    results = await asyncio.gather(*[
        api.mutate("addContactPoint", {"clientId": world.boris.gid, "kind": "PHONE",
                                       "value": spelling, "primary": True})
        for spelling in ("8 (903) 111-22-33", "+7 903 1112233", "89031112233")])
    codes = sorted(tuple(e["code"] for e in r["errors"]) for r in results)
    assert codes == [(), ("DUPLICATE",), ("DUPLICATE",)]
    phones = await ContactPoint.filter(client_id=world.boris.id, kind="phone").values(
        "value", "primary")
    assert sorted(p["value"] for p in phones) == ["+79031112233", "+79170001122"]
    assert [p["value"] for p in phones if p["primary"]] == ["+79031112233"]
    assert len(await kinds_of(world.boris.id)) == events_before + 1
