"""Government mail to anyone (issue 15, "Misuse"): a citizen who adds someone else's email,
puts a phishing text in their name and triggers a history export must not make the state
mail that text to the victim. A citizen may choose only confirmed contacts for replies; a
mail to an unconfirmed address carries nothing the citizen typed; phone contacts are
limited to the configured regions, never premium-rate. Real HTTP, a real SMTP server, a
real worker."""

from __future__ import annotations

import pytest

from api.relay import encode_id
from domain.clients.models import Client, ClientKind, ContactPoint
from domain.errors import DomainError
from domain.validation import normalise_phone
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

PHISHING = "Ваш счёт заблокирован Перейдите на evil-gosuslugi.example"
ADD = """mutation($in: AddContactPointInput!) { addContactPoint(input: $in) {
  contact { id verified } errors { code field } } }"""


async def _as_attacker(gql, client_id: str, query: str, variables: dict) -> dict:
    body = await gql(query, variables, as_="client", subject=client_id)
    return next(iter(body["data"].values()))


async def test_the_victim_gets_nothing_the_attacker_typed(gql, settings):
    attacker = await Client.create(kind=ClientKind.PERSON, last_name="Иванов")
    cid, gid = str(attacker.id), encode_id("Client", attacker.id)
    added = await _as_attacker(gql, cid, ADD, {"in": {"clientId": gid, "kind": "EMAIL",
                                                      "value": "victim@example.ru"}})
    assert added["errors"] == [] and added["contact"]["verified"] is False
    renamed = await _as_attacker(gql, cid, """mutation($in: UpdateClientInput!) {
        updateClient(input: $in) { errors { code } } }""", {"in": {
        "id": gid, "lastName": PHISHING[:100], "firstName": PHISHING[100:] or "Иван"}})
    assert renamed["errors"] == []
    preferred = await _as_attacker(gql, cid, """mutation($in: SetChannelPreferenceInput!) {
        setChannelPreference(input: $in) { errors { code field } } }""", {"in": {
        "clientId": gid, "preferredChannel": "EMAIL",
        "preferredContactId": added["contact"]["id"]}})
    assert preferred["errors"] == [{"code": "CONTACT_NOT_VERIFIED",
                                    "field": "preferredContactId"}]
    requested = await _as_attacker(gql, cid, """mutation($id: ID!) {
        requestHistoryExport(input: {clientId: $id}) { errors { code } } }""", {"id": gid})
    assert requested["errors"] == []
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    mails = [m for m in server.handler.messages
             if "victim@example.ru" in str(m["To"])]
    assert mails, "the fallback still mails the only address (the test must see it)"
    for mail in mails:
        raw = mail.as_string()
        parts = [p.get_content() for p in mail.walk() if p.get_content_maintype() == "text"]
        for text in [raw, str(mail["To"]), str(mail["Subject"]), *parts]:
            assert "evil-gosuslugi" not in text and "заблокирован" not in text
            assert "Иванов" not in text


async def test_staff_may_still_choose_an_unconfirmed_contact(gql):
    """Staff take the choice in person (they see the citizen): no confirmation needed."""
    client = await Client.create(kind=ClientKind.PERSON, last_name="Петров")
    gid = encode_id("Client", client.id)
    added = (await gql(ADD, {"in": {"clientId": gid, "kind": "EMAIL",
                                    "value": "petrov@example.ru"}}, as_="operator"))
    contact = added["data"]["addContactPoint"]["contact"]
    body = await gql("""mutation($in: SetChannelPreferenceInput!) {
        setChannelPreference(input: $in) { errors { code } } }""", {"in": {
        "clientId": gid, "preferredChannel": "EMAIL", "preferredContactId": contact["id"]}},
        as_="operator")
    assert body["data"]["setChannelPreference"]["errors"] == []


@pytest.mark.parametrize("number", ["+7 809 505-12-34", "8 809 505 12 34",  # premium rate
                                    "+7 701 123 4567",  # Kazakhstan: not configured
                                    "+44 7911 123456", "+1 900 555 0100"])
async def test_phone_contacts_only_in_the_configured_regions(gql, number):
    client = await Client.create(kind=ClientKind.PERSON, last_name="Сидоров")
    result = await _as_attacker(gql, str(client.id), ADD, {"in": {
        "clientId": encode_id("Client", client.id), "kind": "PHONE", "value": number}})
    assert result["errors"] == [{"code": "INVALID_PHONE", "field": "value"}]
    assert await ContactPoint.filter(client_id=client.id).count() == 0


def test_the_regions_are_a_setting():
    assert normalise_phone("+7 701 123 4567", countries=["RU", "KZ"]) == "+77011234567"
    assert normalise_phone("+7 917 123-45-67", countries=["RU"]) == "+79171234567"
    with pytest.raises(DomainError):
        normalise_phone("+7 701 123 4567", countries=["RU"])
