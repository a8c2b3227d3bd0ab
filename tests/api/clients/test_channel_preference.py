"""R-1.4: whatever channel a client arrives through, they choose the channel for further
communication, plus an optional extra one for processes whose legal channel is fixed."""

from __future__ import annotations

import pytest

from domain.clients.models import ChannelPreference
from domain.history.models import InteractionEvent

PREF = "{ me { preference { preferredChannel additionalChannel chosenVia " \
       "preferredContact { id value } additionalContact { id value } } } }"


async def test_client_chooses_preferred_and_additional_channel(world, api, gql):
    """R-1.4: Anna, arriving through the mobile app, picks email and adds postal mail for
    processes where the law requires a letter; the choice and its channel are recorded."""
    me = {"as_": "client", "subject": world.anna.id}
    # A client chooses among confirmed contacts only (issue 15): staff confirmed these.
    for kind in ("email", "post"):
        confirmed = await api.mutate("verifyContactPoint", {
            "contactId": world.anna.contacts[kind]}, as_="operator")
        assert confirmed["errors"] == []
    payload = await api.mutate("setChannelPreference", {
        "clientId": world.anna.gid, "preferredChannel": "EMAIL",
        "preferredContactId": world.anna.contacts["email"], "additionalChannel": "POSTAL",
        "additionalContactId": world.anna.contacts["post"], "chosenVia": "MOBILE_APP"}, **me)
    assert payload["errors"] == []
    body = await gql(PREF, **me)
    assert body["data"]["me"]["preference"] == {
        "preferredChannel": "EMAIL", "additionalChannel": "POSTAL", "chosenVia": "MOBILE_APP",
        "preferredContact": {"id": world.anna.contacts["email"],
                             "value": "anna.smirnova@example.com"},
        "additionalContact": {"id": world.anna.contacts["post"],
                              "value": "432017, Ульяновск, ул. Гончарова, 1"},
    }
    event = await InteractionEvent.filter(client_id=world.anna.id).order_by("-id").first()
    assert event.kind == "preference_set"
    assert event.channel == "mobile_app"
    assert event.summary == "Выбран способ связи: электронная почта; дополнительный: почта"
    assert event.actor_role == "client"
    assert event.details["preferred_channel"] == "email"


@pytest.mark.parametrize("channel", ["WEB", "MOBILE_APP", "IN_PERSON", "SOCIAL", "EDMS"])
async def test_channels_that_need_no_contact(world, api, channel):
    """R-1.4: the personal account, the app, a visit (and social, EDMS) reach the client
    without a contact point; a client with none may choose them on first arrival."""
    created = await api.mutate("createClient", {"kind": "PERSON", "firstName": "Гость"})
    gid = created["client"]["id"]
    payload = await api.mutate("setChannelPreference", {
        "clientId": gid, "preferredChannel": channel, "chosenVia": channel})
    assert payload["errors"] == []
    assert payload["preference"] == {
        "preferredChannel": channel, "additionalChannel": None, "chosenVia": channel,
        "preferredContact": None, "additionalContact": None}


async def test_choice_can_be_changed_and_stays_one_row(world, api):
    first = await api.mutate("setChannelPreference", {
        "clientId": world.boris.gid, "preferredChannel": "SMS",
        "preferredContactId": world.boris.contacts["phone"], "additionalChannel": "EMAIL",
        "additionalContactId": world.boris.contacts["email"]})
    assert first["errors"] == []
    second = await api.mutate("setChannelPreference", {
        "clientId": world.boris.gid, "preferredChannel": "WEB"})
    assert second["preference"]["preferredChannel"] == "WEB"
    assert second["preference"]["additionalChannel"] is None
    assert second["preference"]["chosenVia"] is None
    assert await ChannelPreference.filter(client_id=world.boris.id).count() == 1


@pytest.mark.parametrize("channel, contact, code", [
    ("EMAIL", None, "CONTACT_REQUIRED"),
    ("SMS", None, "CONTACT_REQUIRED"),
    ("POSTAL", None, "CONTACT_REQUIRED"),
    ("MESSENGER", None, "CONTACT_REQUIRED"),
    ("EMAIL", "phone", "CONTACT_KIND_MISMATCH"),
    ("PHONE", "email", "CONTACT_KIND_MISMATCH"),
    ("SMS", "post", "CONTACT_KIND_MISMATCH"),
    ("POSTAL", "email", "CONTACT_KIND_MISMATCH"),
    ("MESSENGER", "phone", "CONTACT_KIND_MISMATCH"),
    ("IN_PERSON", "post", "CONTACT_KIND_MISMATCH"),
])
async def test_contact_kind_enforced_for_additional_channel(world, api, snap, channel, contact,
                                                            code):
    """R-1.4: the extra channel must reach the client too: a contact of the right kind."""
    before = await snap()
    payload = await api.mutate("setChannelPreference", {
        "clientId": world.anna.gid, "preferredChannel": "WEB", "additionalChannel": channel,
        "additionalContactId": world.anna.contacts[contact] if contact else None})
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, "additionalContactId")]
    assert payload["preference"] is None
    assert await snap() == before


async def test_contact_in_use_until_the_choice_moves(world, api, snap):
    """R-1.4: the contact a choice points at cannot be removed; after the client chooses
    another channel it can."""
    before = await snap()
    refused = await api.mutate("removeContactPoint", {"contactId": world.anna.contacts["phone"]})
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("CONTACT_IN_USE",
                                                                     "contactId")]
    assert await snap() == before
    moved = await api.mutate("setChannelPreference", {
        "clientId": world.anna.gid, "preferredChannel": "EMAIL",
        "preferredContactId": world.anna.contacts["email"]})
    assert moved["errors"] == []
    removed = await api.mutate("removeContactPoint", {"contactId": world.anna.contacts["phone"]})
    assert removed["errors"] == []
