"""The whole path with a real SMTP server and a real worker: sign-up → confirmation mail →
confirm → campaign mail with both RFC 8058 headers and the link → one-click POST → the next
campaign does not reach the address."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from domain.mailings.models import CampaignSend, MailingSubscription, SendStatus
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker

LIST = """mutation($name: String!) { createMailingList(input: {name: $name,
  description: "Новости о ремонте дорог, раз в месяц"}) {
  mailingList { id name } errors { code } } }"""
SUBSCRIBE = """mutation($email: String!, $ids: [ID!]!) {
  subscribeToMailing(input: {email: $email, listIds: $ids}) {
    accepted message errors { code field message } } }"""
CAMPAIGN = """mutation($list: ID!, $subject: String!) { createMailingCampaign(input: {
  listId: $list, subject: $subject, text: "Ремонт улицы Гончарова закончится в мае."}) {
  campaign { id status } errors { code } } }"""
START = """mutation($id: ID!) { startMailingCampaign(input: {id: $id}) {
  campaign { id status progress { queued sent skipped remaining total } }
  errors { code field message } } }"""
IMPORT = """mutation($list: ID!, $rows: [ImportedSubscriberInput!]!) {
  importMailingSubscribers(input: {listId: $list, rows: $rows}) { added errors { code field } } }"""


async def make_list(gql, name="Дороги") -> str:
    body = await gql(LIST, {"name": name}, as_="supervisor")
    return body["data"]["createMailingList"]["mailingList"]["id"]


async def run_campaign(gql, settings, server, list_id: str, subject: str) -> dict:
    made = await gql(CAMPAIGN, {"list": list_id, "subject": subject}, as_="supervisor")
    campaign_id = made["data"]["createMailingCampaign"]["campaign"]["id"]
    started = (await gql(START, {"id": campaign_id}, as_="supervisor"))["data"]
    await run_worker(server.settings(settings))
    return started["startMailingCampaign"]


def link_in(text: str, path: str) -> str:
    found = re.search(r"http://testserver" + path + r"[A-Za-z0-9_\-.]+", text)
    assert found, text
    return found[0]


async def test_signup_confirm_campaign_one_click_next_campaign(gql, http, settings):
    """R-6.3 (double opt-in), R-6.2 (by email), R-6.4 (link and RFC 8058 headers revoke at
    once), R-6.1 (the next campaign goes only to who still consents)."""
    list_id = await make_list(gql)
    # Someone else stays subscribed (an import with proof), so the second campaign runs.
    await gql(IMPORT, {"list": list_id, "rows": [{
        "email": "stays@example.ru", "consentedAt": "2025-03-01T10:00:00+04:00",
        "proof": "бумажная анкета № 17, архив отдела"}]}, as_="supervisor")

    with SmtpServer(MailRecorder()) as server:
        signup = await gql(SUBSCRIBE, {"email": "Reader@Example.ru", "ids": [list_id]}, as_=None)
        assert signup["data"]["subscribeToMailing"]["accepted"] is True
        await run_worker(server.settings(settings))
        [confirmation] = server.handler.messages
        assert confirmation["To"] == "reader@example.ru"
        confirm_url = link_in(confirmation.get_body(("plain",)).get_content(), "/m/confirm/")

        # Following the link (a GET, as scanners do) shows a button and confirms nothing.
        page = await http.get(confirm_url)
        assert page.status_code == 200 and "Подтвердить" in page.text
        sub = await MailingSubscription.get(address__email="reader@example.ru")
        assert sub.status == "pending"
        done = await http.post(confirm_url)
        assert done.status_code == 200 and "Подписка подтверждена" in done.text
        await sub.refresh_from_db()
        assert sub.status == "confirmed"

        first = await run_campaign(gql, settings, server, list_id, "Ремонт дорог")
        assert first["errors"] == [] and first["campaign"]["status"] == "SENDING"
        mails = {m["To"]: m for m in server.handler.messages[1:]}
        assert set(mails) == {"reader@example.ru", "stays@example.ru"}
        mail = mails["reader@example.ru"]
        header = " ".join(str(mail["List-Unsubscribe"]).split())
        url, mailto = re.fullmatch(r"<(http://testserver/u/[^>]+)>, <(mailto:[^>]+)>",
                                   header).groups()
        assert mailto.startswith("mailto:unsubscribe@ulgov.example")
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in mail.get_body(("plain",)).get_content()
        assert f'href="{url}"' in mail.get_body(("html",)).get_content()
        assert "Ремонт улицы Гончарова" in mail.get_body(("plain",)).get_content()

        # RFC 8058: the mail client POSTs the body; revoked at once, 200, no cookie/redirect.
        one_click = await http.post(url, content=b"List-Unsubscribe=One-Click", headers={
            "Content-Type": "application/x-www-form-urlencoded"})
        assert one_click.status_code == 200
        assert "set-cookie" not in one_click.headers and "location" not in one_click.headers
        await sub.refresh_from_db()
        assert sub.status == "revoked" and sub.revoked_at is not None
        # Twice is fine too.
        assert (await http.post(url, content=b"List-Unsubscribe=One-Click")).status_code == 200

        before = len(server.handler.messages)
        second = await run_campaign(gql, settings, server, list_id, "Ремонт дорог, часть 2")
        assert second["errors"] == []
        later = server.handler.messages[before:]
        assert [m["To"] for m in later] == ["stays@example.ru"]


async def test_revocation_between_start_and_send_is_honoured(gql, http, settings):
    """R-6.1: consent is re-checked when the batch is sent, not when the campaign started:
    an address revoked after the fan-out gets nothing, its row is SKIPPED."""
    list_id = await make_list(gql)
    rows = [{"email": f"r{i}@example.ru", "consentedAt": "2025-03-01T10:00:00+04:00",
             "proof": "веб-форма, журнал 2025-03"} for i in range(3)]
    await gql(IMPORT, {"list": list_id, "rows": rows}, as_="supervisor")
    made = await gql(CAMPAIGN, {"list": list_id, "subject": "Новости"}, as_="supervisor")
    campaign_id = made["data"]["createMailingCampaign"]["campaign"]["id"]
    started = await gql(START, {"id": campaign_id}, as_="supervisor")
    assert started["data"]["startMailingCampaign"]["campaign"]["progress"]["queued"] == 3
    sub = await MailingSubscription.get(address__email="r1@example.ru")
    revoke = """mutation($id: ID!) { revokeMailingSubscription(input: {subscriptionId: $id}) {
      subscription { status consents { action source } } errors { code } } }"""
    from api.relay import encode_id
    body = await gql(revoke, {"id": encode_id("MailingSubscription", sub.id)}, as_="operator")
    assert body["data"]["revokeMailingSubscription"]["subscription"]["status"] == "REVOKED"
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    assert sorted(m["To"] for m in server.handler.messages) == ["r0@example.ru",
                                                               "r2@example.ru"]
    skipped = await CampaignSend.get(subscription_id=sub.id)
    assert skipped.status == SendStatus.SKIPPED
    progress = """query($id: ID!) { campaignProgress(id: $id) { sent skipped remaining } }"""
    body = await gql(progress, {"id": campaign_id}, as_="supervisor")
    assert body["data"]["campaignProgress"] == {"sent": 2, "skipped": 1, "remaining": 0}
    assert datetime.now(UTC)  # keep the import used
