"""Consent through the API (R-6.1, R-6.3, R-6.4, R-1.5): sign-up without enumeration, rate
limits, confirmation and unsubscribe tokens in every bad shape, the profile path, imports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.relay import encode_id
from domain.actor import Role
from domain.deliveries.models import Delivery
from domain.history.models import InteractionEvent
from domain.mailings import service
from domain.mailings.models import (
    ConsentRecord,
    MailingAddress,
    MailingSubscription,
    SubscriptionStatus,
)
from domain.surveys import tokens
from tests.api.mailings.test_mailing_flow import IMPORT, SUBSCRIBE, make_list
from tests.conftest import token
from tests.support.deliveries import make_client

CONFIRM = """mutation($t: String!) { confirmMailingSubscription(input: {token: $t}) {
  confirmed mailingLists { name } message errors { code field message } } }"""
UNSUBSCRIBE = """mutation($t: String!) { unsubscribe(input: {token: $t}) {
  unsubscribed message errors { code field message } } }"""


async def confirmations() -> list[Delivery]:
    return await Delivery.filter(purpose="mailing_confirmation").order_by("created_at")


def token_of(delivery: Delivery) -> str:
    return delivery.context["confirm_url"].rsplit("/", 1)[1]


async def test_the_same_answer_for_new_pending_and_subscribed(gql):
    """R-6.3: the answer says nothing about the address; a new or pending one gets a
    confirmation mail, a subscribed one gets nothing more."""
    list_id = await make_list(gql)
    answers = []
    for _ in range(2):  # new, then pending
        body = await gql(SUBSCRIBE, {"email": "a@example.ru", "ids": [list_id]}, as_=None)
        answers.append(body["data"]["subscribeToMailing"])
    assert len(await confirmations()) == 2
    done = await gql(CONFIRM, {"t": token_of((await confirmations())[-1])}, as_=None)
    assert done["data"]["confirmMailingSubscription"]["confirmed"] is True
    body = await gql(SUBSCRIBE, {"email": "a@example.ru", "ids": [list_id]}, as_=None)
    answers.append(body["data"]["subscribeToMailing"])
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["accepted"] is True and answers[0]["errors"] == []
    assert len(await confirmations()) == 2  # nothing for the subscribed one
    # The first link was replaced by the second sign-up's.
    old = await gql(CONFIRM, {"t": token_of((await confirmations())[0])}, as_=None)
    assert old["data"]["confirmMailingSubscription"]["errors"][0]["code"] == "EXPIRED_TOKEN"


async def test_role_and_malformed_addresses_are_user_errors(gql):
    list_id = await make_list(gql)
    for email, code in (("postmaster@example.ru", "INVALID_EMAIL"),
                        ("noreply@example.ru", "INVALID_EMAIL"),
                        ("not an address", "INVALID_EMAIL"), ("", "REQUIRED")):
        body = await gql(SUBSCRIBE, {"email": email, "ids": [list_id]}, as_=None)
        payload = body["data"]["subscribeToMailing"]
        assert payload["accepted"] is False
        assert payload["errors"][0]["code"] == code and payload["errors"][0]["field"] == "email"
    bad_id = await gql(SUBSCRIBE, {"email": "b@example.ru", "ids": ["garbage"]}, as_=None)
    assert bad_id["data"]["subscribeToMailing"]["errors"][0]["code"] == "INVALID_ID"
    assert await MailingAddress.all().count() == 0


async def test_sign_ups_are_rate_limited_per_ip_and_per_address(gql, settings):
    list_id = await make_list(gql)
    limit = settings.mailing_signup_limit_per_hour
    for i in range(limit):
        body = await gql(SUBSCRIBE, {"email": f"u{i}@example.ru", "ids": [list_id]}, as_=None)
        assert body["data"]["subscribeToMailing"]["accepted"] is True
    body = await gql(SUBSCRIBE, {"email": "late@example.ru", "ids": [list_id]}, as_=None)
    assert body["data"]["subscribeToMailing"]["errors"][0]["code"] == "RATE_LIMITED"
    # One address from many places (no IP known here): the address' own limit.
    request = service.Request(service.ConsentSource.FORM)
    for _ in range(limit):
        await service.subscribe("target@example.ru", [_raw(list_id)], request, settings)
    try:
        await service.subscribe("target@example.ru", [_raw(list_id)], request, settings)
        raise AssertionError("not limited")
    except service.DomainError as exc:
        assert exc.code == "RATE_LIMITED"


def _raw(global_id: str) -> str:
    from api.relay import decode_id
    return decode_id(global_id, "MailingList", "id")


async def test_forged_expired_reused_and_deleted_list_confirmations(gql, http, settings):
    """Bad tokens are UserErrors in the API and plain Russian pages on the link."""
    list_id = await make_list(gql)
    await gql(SUBSCRIBE, {"email": "c@example.ru", "ids": [list_id]}, as_=None)
    good = token_of((await confirmations())[0])
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    body = await gql(CONFIRM, {"t": forged}, as_=None)
    assert body["data"]["confirmMailingSubscription"]["errors"][0]["code"] == "INVALID_TOKEN"
    page = await http.post(f"/m/confirm/{forged}")
    assert page.status_code == 404 and "Ссылка недействительна" in page.text
    sub = await MailingSubscription.get(address__email="c@example.ru")
    expired = tokens.sign(settings.link_secret, service.CONFIRM, str(sub.address_id),
                          sub.confirm_nonce, datetime.now(UTC) - timedelta(minutes=1))
    body = await gql(CONFIRM, {"t": expired}, as_=None)
    assert body["data"]["confirmMailingSubscription"]["errors"][0]["code"] == "EXPIRED_TOKEN"
    assert (await http.post(f"/m/confirm/{expired}")).status_code == 410
    unsubscribe_token = service.unsubscribe_token(sub.id, sub.nonce, settings)
    body = await gql(CONFIRM, {"t": unsubscribe_token}, as_=None)  # another purpose
    assert body["data"]["confirmMailingSubscription"]["errors"][0]["code"] == "INVALID_TOKEN"
    # Deleted list: nothing to confirm.
    delete = "mutation($id: ID!) { deleteMailingList(input: {id: $id}) { errors { code } } }"
    await gql(delete, {"id": list_id}, as_="admin")
    body = await gql(CONFIRM, {"t": good}, as_=None)
    error = body["data"]["confirmMailingSubscription"]["errors"][0]
    assert error["code"] == "INVALID_STATE" and "больше не ведётся" in error["message"]
    # Reused: a second list, confirmed once, then again.
    other = await make_list(gql, "Культура")
    await gql(SUBSCRIBE, {"email": "d@example.ru", "ids": [other]}, as_=None)
    again = token_of((await confirmations())[-1])
    assert (await gql(CONFIRM, {"t": again}, as_=None))["data"][
        "confirmMailingSubscription"]["confirmed"] is True
    body = await gql(CONFIRM, {"t": again}, as_=None)
    error = body["data"]["confirmMailingSubscription"]["errors"][0]
    assert error["code"] == "EXPIRED_TOKEN" and "уже подтверждена" in error["message"]


async def test_unsubscribe_get_never_revokes_post_always_succeeds(gql, http, settings):
    """R-6.4: the GET page only offers the button; the POST revokes, also twice, also after
    the list was deleted; a forged token is refused."""
    list_id = await make_list(gql)
    await gql(IMPORT, {"list": list_id, "rows": [{
        "email": "e@example.ru", "consentedAt": "2025-01-10T12:00:00+04:00",
        "proof": "анкета на приёме"}]}, as_="supervisor")
    sub = await MailingSubscription.get(address__email="e@example.ru")
    link_token = service.unsubscribe_token(sub.id, sub.nonce, settings)
    page = await http.get(f"/u/{link_token}")
    assert page.status_code == 200 and "Отписаться" in page.text and "Дороги" in page.text
    assert 'method="post"' in page.text
    await sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.CONFIRMED
    delete = "mutation($id: ID!) { deleteMailingList(input: {id: $id}) { errors { code } } }"
    await gql(delete, {"id": list_id}, as_="supervisor")
    for _ in range(2):
        body = await gql(UNSUBSCRIBE, {"t": link_token}, as_=None)
        assert body["data"]["unsubscribe"]["unsubscribed"] is True
    await sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.REVOKED
    assert await ConsentRecord.filter(subscription_id=sub.id, action="revoked").count() == 1
    assert (await http.post(f"/u/{link_token}")).status_code == 200
    forged = link_token[:-2] + ("xx" if not link_token.endswith("xx") else "yy")
    body = await gql(UNSUBSCRIBE, {"t": forged}, as_=None)
    assert body["data"]["unsubscribe"]["errors"][0]["code"] == "INVALID_TOKEN"
    assert (await http.post(f"/u/{forged}")).status_code == 404
    assert (await http.get("/u/test")).status_code == 404
    # Even a subscription that no longer exists: the genuine token still "succeeds".
    await MailingSubscription.filter(id=sub.id).delete()
    body = await gql(UNSUBSCRIBE, {"t": link_token}, as_=None)
    assert body["data"]["unsubscribe"]["unsubscribed"] is True


SUBSCRIBE_ME = """mutation($ids: [ID!]!) { subscribeMeToMailing(input: {listIds: $ids}) {
  subscriptions { id status source email consents { action source textVersion } }
  errors { code } } }"""
MINE = "{ mailingSubscriptions(first: 10) { edges { node { id email status } } } }"


async def test_a_client_subscribes_from_the_profile(gql, http, settings):
    """R-6.3 and R-1.5: a verified address is consent at once, recorded in the ledger and in
    the client's history; an unverified one needs the emailed link. A client sees only
    their own subscriptions."""
    list_id = await make_list(gql)
    verified = await make_client(email="v@example.ru")  # the helper's contacts are verified
    body = await _as_client(http, settings, verified.id, SUBSCRIBE_ME, {"ids": [list_id]})
    [sub] = body["data"]["subscribeMeToMailing"]["subscriptions"]
    assert (sub["status"], sub["source"], sub["email"]) == ("CONFIRMED", "PROFILE", "v@example.ru")
    assert sub["consents"] == [{"action": "GIVEN", "source": "PROFILE", "textVersion": "2026-01"}]
    events = await InteractionEvent.filter(client_id=verified.id, kind="mailing_consent")
    assert len(events) == 1 and "Дороги" in events[0].summary
    assert not await confirmations()

    unverified = await make_client(email="u@example.ru", last_name="Петров")
    from domain.clients.models import ContactPoint
    await ContactPoint.filter(client_id=unverified.id).update(verified=False)
    body = await _as_client(http, settings, unverified.id, SUBSCRIBE_ME, {"ids": [list_id]})
    [sub] = body["data"]["subscribeMeToMailing"]["subscriptions"]
    assert sub["status"] == "PENDING"
    [mail] = await confirmations()
    assert mail.address == "u@example.ru" and "Петров" in mail.body_text

    mine = await _as_client(http, settings, verified.id, MINE, {})
    assert [e["node"]["email"] for e in mine["data"]["mailingSubscriptions"]["edges"]] == [
        "v@example.ru"]
    foreign = await _as_client(http, settings, unverified.id, "query($id: ID!) { node(id: $id) "
                               "{ id } }", {"id": mine["data"]["mailingSubscriptions"]["edges"][
                                   0]["node"]["id"]})
    assert foreign["data"]["node"] is None


async def _as_client(http, settings, client_id: str, query: str, variables: dict) -> dict:
    bearer = token(settings, Role.CLIENT, client_id, client_id)
    response = await http.post("/graphql", json={"query": query, "variables": variables},
                               headers={"Authorization": f"Bearer {bearer}"})
    body = response.json()
    assert "errors" not in body, body
    return body


async def test_an_import_without_proof_imports_nothing(gql):
    """R-6.1: imported addresses keep their proof of consent or are not mailed."""
    list_id = await make_list(gql)
    rows = [{"email": "ok@example.ru", "consentedAt": "2025-01-10T12:00:00+04:00",
             "proof": "анкета № 3"},
            {"email": "noproof@example.ru", "consentedAt": "2025-01-10T12:00:00+04:00",
             "proof": "  "}]
    body = await gql(IMPORT, {"list": list_id, "rows": rows}, as_="supervisor")
    payload = body["data"]["importMailingSubscribers"]
    assert payload["added"] is None
    assert payload["errors"] == [{"code": "REQUIRED", "field": "rows.1.proof"}]
    assert await MailingSubscription.all().count() == 0
    body = await gql(IMPORT, {"list": list_id, "rows": rows[:1]}, as_="supervisor")
    assert body["data"]["importMailingSubscribers"]["added"] == 1
    [entry] = await ConsentRecord.all()
    assert entry.source == "import" and "анкета № 3" in entry.proof


async def test_unconfirmed_sign_ups_are_purged(gql, settings):
    list_id = await make_list(gql)
    await gql(SUBSCRIBE, {"email": "late@example.ru", "ids": [list_id]}, as_=None)
    later = datetime.now(UTC) + timedelta(hours=settings.mailing_confirm_ttl_hours + 1)
    assert await service.purge_unconfirmed(settings, later) == 1
    assert await MailingSubscription.all().count() == 0
    assert await MailingAddress.all().count() == 0
    assert await ConsentRecord.all().count() == 0


async def test_a_form_sign_up_of_a_clients_address_is_in_their_history(gql, http, settings):
    """R-1.5: the address belongs to a client (an email contact of theirs), so each ledger
    entry of the public form is also an event of their history; another client can neither
    see nor revoke the subscription."""
    list_id = await make_list(gql)
    person = await make_client(email="known@example.ru")
    await gql(SUBSCRIBE, {"email": "KNOWN@example.ru", "ids": [list_id]}, as_=None)
    await gql(CONFIRM, {"t": token_of((await confirmations())[0])}, as_=None)
    events = await InteractionEvent.filter(client_id=person.id, kind="mailing_consent") \
        .order_by("occurred_at", "id")
    assert [e.details["action"] for e in events] == ["requested", "given"]
    assert all(e.details["source"] == "form" for e in events)
    assert "Подписка на рассылку «Дороги» подтверждена" in events[1].summary
    sub = await MailingSubscription.get(address__email="known@example.ru")
    other = await make_client(email="other@example.ru", last_name="Другой")
    revoke = """mutation($id: ID!) { revokeMailingSubscription(input: {subscriptionId: $id}) {
      subscription { status } errors { code } } }"""
    body = await _as_client(http, settings, other.id, revoke,
                            {"id": encode_id("MailingSubscription", sub.id)})
    assert body["data"]["revokeMailingSubscription"]["errors"] == [{"code": "NOT_FOUND"}]
    body = await _as_client(http, settings, person.id, revoke,
                            {"id": encode_id("MailingSubscription", sub.id)})
    assert body["data"]["revokeMailingSubscription"]["subscription"]["status"] == "REVOKED"
    [entry] = await ConsentRecord.filter(subscription_id=sub.id, action="revoked")
    assert entry.source == "profile"


async def test_a_token_naming_no_client_sees_no_subscriptions(gql):
    """An anonymous sign-up's address has no client: a client token without a client record
    must not match it as "no client"."""
    list_id = await make_list(gql)
    await gql(SUBSCRIBE, {"email": "anon@example.ru", "ids": [list_id]}, as_=None)
    assert await MailingSubscription.all().count() == 1
    body = await gql(MINE, as_="client")
    assert body["data"]["mailingSubscriptions"]["edges"] == []
    staff = await gql(MINE, as_="operator")
    assert len(staff["data"]["mailingSubscriptions"]["edges"]) == 1
