"""Self-service confirmation of a contact point by a code (R-1.4, issue 15 "Government mail to
anyone"): a client proves an address by the code sent to it, then may choose it for contact.
Real HTTP, both databases, the real outbox and Redis."""

from __future__ import annotations

import asyncio
import re

from domain.deliveries.models import Delivery
from domain.redis import get_redis

REQUEST = """mutation($input: RequestContactVerificationInput!) {
  requestContactVerification(input: $input) { contact { id verified } errors { code field } } }"""
CONFIRM = """mutation($input: ConfirmContactVerificationInput!) {
  confirmContactVerification(input: $input) {
    contact { id verified } errors { code field message } } }"""
PREFER = """mutation($input: SetChannelPreferenceInput!) {
  setChannelPreference(input: $input) { preference { preferredChannel } errors { code } } }"""


def _me(person) -> dict:
    return {"as_": "client", "subject": person.id}


async def _request(gql, person, contact: str) -> dict:
    body = await gql(REQUEST, {"input": {"contactId": person.contacts[contact]}}, **_me(person))
    return body["data"]["requestContactVerification"]


async def _confirm(gql, person, contact: str, code: str) -> dict:
    body = await gql(CONFIRM, {"input": {"contactId": person.contacts[contact], "code": code}},
                     **_me(person))
    return body["data"]["confirmContactVerification"]


async def _sent(person, contact: str) -> list[Delivery]:
    return await Delivery.filter(contact_id=person.contact_ids[contact]).order_by("created_at")


def _code(delivery: Delivery) -> str:
    found = re.findall(r"\b\d{6}\b", delivery.body_text)
    assert len(found) == 1, delivery.body_text
    return found[0]


async def test_client_confirms_own_email_by_code_then_prefers_it(world, gql, kinds_of):
    """R-1.4, issue 15: Boris asks for a code for his email; it goes to that address only,
    naming nobody; the code confirms it, and then he may choose it for contact."""
    boris = world.boris
    prefer = {"input": {"clientId": boris.gid, "preferredChannel": "EMAIL",
                        "preferredContactId": boris.contacts["email"]}}
    refused = await gql(PREFER, prefer, **_me(boris))
    assert refused["data"]["setChannelPreference"]["errors"] != []  # unverified: not yet

    payload = await _request(gql, boris, "email")
    assert payload == {"contact": {"id": boris.contacts["email"], "verified": False},
                       "errors": []}
    rows = await Delivery.filter(client_id=boris.id)
    assert len(rows) == 1  # to that address only: not also to his preferred phone
    (row,) = rows
    assert (row.purpose, row.channel, row.address) == (
        "contact_verification", "email", "boris@example.com")
    code = _code(row)
    # Nothing the citizen typed: the address is unverified, so the message names nobody.
    assert "Кузнецов" not in row.body_text and "Борис" not in row.body_text
    assert "Борис" not in (row.body_html or "") and "Борис" not in (row.subject or "")
    # Only a hash is kept in Redis.
    assert code.encode() not in b"".join(
        v for v in (await get_redis().hgetall(
            f"okno:contact-code:{boris.contact_ids['email']}")).values())

    confirmed = await _confirm(gql, boris, "email", code)
    assert confirmed == {"contact": {"id": boris.contacts["email"], "verified": True},
                         "errors": []}
    assert (await kinds_of(boris.id))[-1] == "contact_verified"
    assert (await _confirm(gql, boris, "email", code))["errors"][0]["code"] == "INVALID_STATE"
    assert (await _request(gql, boris, "email"))["errors"][0]["code"] == "INVALID_STATE"
    chosen = await gql(PREFER, prefer, **_me(boris))
    assert chosen["data"]["setChannelPreference"] == {
        "preference": {"preferredChannel": "EMAIL"}, "errors": []}


async def test_another_clients_contact_is_not_found(world, gql, snap):
    """R-1.2: Anna cannot send a code to Boris's address nor confirm it; nothing is written."""
    before = await snap()
    for document, extra in ((REQUEST, {}), (CONFIRM, {"code": "123456"})):
        body = await gql(document, {"input": {"contactId": world.boris.contacts["email"],
                                              **extra}}, **_me(world.anna))
        (payload,) = body["data"].values()
        assert payload["contact"] is None
        assert payload["errors"][0]["code"] == "NOT_FOUND"
    assert await Delivery.all().count() == 0
    assert await snap() == before


async def test_five_wrong_codes_void_the_code(world, gql):
    """Issue 15: at most five guesses per code; after them even the right code is refused."""
    anna = world.anna
    assert (await _request(gql, anna, "email"))["errors"] == []
    code = _code((await _sent(anna, "email"))[-1])
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        errors = (await _confirm(gql, anna, "email", wrong))["errors"]
        assert errors[0]["code"] == "INVALID" and errors[0]["field"] == "code"
        assert f"Осталось попыток: {left}" in errors[0]["message"]
    assert (await _confirm(gql, anna, "email", wrong))["errors"][0]["code"] == "EXPIRED_TOKEN"
    late = await _confirm(gql, anna, "email", code)
    assert late["contact"] is None and late["errors"][0]["code"] == "EXPIRED_TOKEN"
    # A new code works again.
    assert (await _request(gql, anna, "email"))["errors"] == []
    fresh = _code((await _sent(anna, "email"))[-1])
    assert (await _confirm(gql, anna, "email", fresh))["contact"]["verified"] is True


async def test_expired_code_is_refused(world, gql):
    """Issue 15: a code lives ten minutes; Redis expires it and it no longer confirms."""
    anna = world.anna
    assert (await _request(gql, anna, "phone"))["errors"] == []
    row = (await _sent(anna, "phone"))[-1]
    assert row.channel == "sms"
    key = f"okno:contact-code:{anna.contact_ids['phone']}"
    assert 590 <= await get_redis().ttl(key) <= 600
    await get_redis().pexpire(key, 1)
    await asyncio.sleep(0.05)
    refused = await _confirm(gql, anna, "phone", _code(row))
    assert refused["contact"] is None
    assert refused["errors"][0]["code"] == "EXPIRED_TOKEN"
    assert not await get_redis().exists(key)  # the failed attempt left nothing behind


async def test_fourth_request_in_an_hour_is_rate_limited(world, gql):
    """Issue 15: at most three codes an hour to one address; the refusal sends nothing."""
    anna = world.anna
    for _ in range(3):
        assert (await _request(gql, anna, "email"))["errors"] == []
    fourth = await _request(gql, anna, "email")
    assert fourth["errors"][0]["code"] == "RATE_LIMITED"
    assert len(await _sent(anna, "email")) == 3
    # Only the latest code is valid.
    codes = [_code(r) for r in await _sent(anna, "email")]
    if codes[0] != codes[-1]:
        assert (await _confirm(gql, anna, "email", codes[0]))["errors"][0]["code"] == "INVALID"
    assert (await _confirm(gql, anna, "email", codes[-1]))["contact"]["verified"] is True


async def test_postal_address_and_anonymous_are_refused(world, gql):
    """A letter would arrive after the code expired; no token, no code."""
    assert (await _request(gql, world.anna, "post"))["errors"][0]["code"] == "INVALID"
    body = await gql(REQUEST, {"input": {"contactId": world.anna.contacts["email"]}},
                     as_=None, expect_errors=True)
    assert body["data"]["requestContactVerification"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Delivery.all().count() == 0
