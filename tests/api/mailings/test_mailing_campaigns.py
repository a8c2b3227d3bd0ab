"""Campaigns through the API (R-6.1, R-6.2): each step and its refusals, preview, test
send, live progress over a websocket, bounces and complaints from the intake."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from domain import redis
from domain.deliveries.models import Delivery
from domain.mailings import campaigns
from domain.mailings.models import MailingAddress, MailingSubscription
from tests.api.mailings.test_mailing_flow import CAMPAIGN, IMPORT, make_list
from tests.conftest import token
from tests.domain.mailings.bounce_samples import ARF_COMPLAINT, DSN_HARD
from tests.support.deliveries import MailRecorder, SmtpServer, run_worker
from tests.support.live import connect, live_servers, receive, wait_for_listeners

STEP = """mutation($id: ID!) { %s(input: {id: $id}) { campaign { status }
  errors { code field message } } }"""
UPDATE = """mutation($id: ID!) { updateMailingCampaign(input: {id: $id, subject: "Новое",
  text: "Новый текст"}) { campaign { subject status } errors { code field message } } }"""
SCHEDULE = """mutation($id: ID!, $at: DateTime!) { scheduleMailingCampaign(input: {id: $id,
  scheduledAt: $at}) { campaign { status scheduledAt } errors { code field message } } }"""


async def subscribers(gql, list_id: str, emails: list[str]) -> None:
    rows = [{"email": e, "consentedAt": "2025-01-10T12:00:00+04:00", "proof": "анкета"}
            for e in emails]
    body = await gql(IMPORT, {"list": list_id, "rows": rows}, as_="supervisor")
    assert body["data"]["importMailingSubscribers"]["added"] == len(emails)


async def draft(gql, list_id: str) -> str:
    body = await gql(CAMPAIGN, {"list": list_id, "subject": "Новости"}, as_="supervisor")
    return body["data"]["createMailingCampaign"]["campaign"]["id"]


async def step(gql, name: str, campaign_id: str) -> dict:
    return (await gql(STEP % name, {"id": campaign_id}, as_="supervisor"))["data"][name]


async def test_no_consenting_recipient_is_refused(gql):
    """R-6.1: a campaign nobody consented to is NO_RECIPIENTS, nothing is queued."""
    list_id = await make_list(gql)
    campaign_id = await draft(gql, list_id)
    payload = await step(gql, "startMailingCampaign", campaign_id)
    assert payload["errors"][0]["code"] == "NO_RECIPIENTS"
    assert "некому" in payload["errors"][0]["message"]
    body = await gql("query($id: ID!) { node(id: $id) { ... on MailingCampaign { status } } }",
                     {"id": campaign_id}, as_="supervisor")
    assert body["data"]["node"]["status"] == "DRAFT"


async def test_editing_while_sending_pause_resume_cancel(gql, settings):
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["a@example.ru", "b@example.ru"])
    campaign_id = await draft(gql, list_id)
    edited = (await gql(UPDATE, {"id": campaign_id}, as_="supervisor"))["data"]
    assert edited["updateMailingCampaign"]["campaign"]["subject"] == "Новое"
    assert (await step(gql, "startMailingCampaign", campaign_id))["errors"] == []
    refused = (await gql(UPDATE, {"id": campaign_id}, as_="supervisor"))["data"][
        "updateMailingCampaign"]
    assert refused["campaign"] is None
    assert refused["errors"][0]["code"] == "INVALID_STATE"
    assert "отправляется" in refused["errors"][0]["message"]
    again = await step(gql, "startMailingCampaign", campaign_id)
    assert again["errors"][0]["code"] == "INVALID_STATE"
    assert (await step(gql, "pauseMailingCampaign", campaign_id))["campaign"]["status"] == \
        "PAUSED"
    with SmtpServer(MailRecorder()) as server:  # paused: the jobs find nothing to send
        await run_worker(server.settings(settings))
        assert server.handler.messages == []
        assert (await step(gql, "resumeMailingCampaign", campaign_id))["campaign"][
            "status"] == "SENDING"
        await run_worker(server.settings(settings))
        assert len(server.handler.messages) == 2
    finished = await gql("query($id: ID!) { node(id: $id) { ... on MailingCampaign { status "
                         "progress { sent remaining total } } } }", {"id": campaign_id},
                         as_="supervisor")
    assert finished["data"]["node"] == {"status": "SENT", "progress": {
        "sent": 2, "remaining": 0, "total": 2}}
    cancelled = await step(gql, "cancelMailingCampaign", campaign_id)
    assert cancelled["errors"][0]["code"] == "INVALID_STATE"


async def test_cancel_drops_what_is_queued(gql, settings):
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["a@example.ru"])
    campaign_id = await draft(gql, list_id)
    await step(gql, "startMailingCampaign", campaign_id)
    assert (await step(gql, "cancelMailingCampaign", campaign_id))["campaign"]["status"] == \
        "CANCELLED"
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
        assert server.handler.messages == []
    progress = await gql("query($id: ID!) { campaignProgress(id: $id) { skipped remaining } }",
                         {"id": campaign_id}, as_="supervisor")
    assert progress["data"]["campaignProgress"] == {"skipped": 1, "remaining": 0}


async def test_schedule_only_inside_sending_hours(gql, settings):
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["a@example.ru"])
    campaign_id = await draft(gql, list_id)
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date()
    night = f"{tomorrow}T23:30:00+04:00"
    body = (await gql(SCHEDULE, {"id": campaign_id, "at": night}, as_="supervisor"))["data"]
    assert body["scheduleMailingCampaign"]["errors"][0]["code"] == "OUTSIDE_WORKING_HOURS"
    morning = f"{tomorrow}T10:00:00+04:00"
    body = (await gql(SCHEDULE, {"id": campaign_id, "at": morning}, as_="supervisor"))["data"]
    assert body["scheduleMailingCampaign"]["campaign"]["status"] == "SCHEDULED"
    # Not yet due: the cron leaves it; once due, it starts.
    assert await campaigns.start_due(settings) == 0
    assert await campaigns.start_due(settings, datetime.now(UTC) + timedelta(days=2)) == 1


async def test_preview_and_test_send(gql, settings):
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["first@example.ru"])
    campaign_id = await draft(gql, list_id)
    body = await gql("query($id: ID!) { mailingCampaignPreview(id: $id) { subject text html "
                     "sampleEmail } }", {"id": campaign_id}, as_="supervisor")
    preview = body["data"]["mailingCampaignPreview"]
    assert preview["sampleEmail"] == "first@example.ru"
    assert "http://testserver/u/" in preview["text"] and "Ремонт улицы" in preview["text"]
    assert "Отписаться от рассылки" in preview["html"]
    sent = await gql("""mutation($id: ID!) { sendTestMailingCampaign(input: {id: $id,
      email: "editor@ulgov.example"}) { sent errors { code } } }""", {"id": campaign_id},
                     as_="supervisor")
    assert sent["data"]["sendTestMailingCampaign"]["sent"] is True
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    [mail] = server.handler.messages
    assert mail["To"] == "editor@ulgov.example"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert await Delivery.filter(purpose="mailing").count() == 1


async def test_progress_is_live_over_a_websocket(gql, settings):
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["a@example.ru", "b@example.ru", "c@example.ru"])
    campaign_id = await draft(gql, list_id)
    query = "subscription($id: ID!) { campaignProgress(id: $id) { sent remaining total } }"
    async with live_servers(settings) as [port], \
            await connect(port, token(settings, "supervisor", "head-1")) as ws:
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": query, "variables": {"id": campaign_id}}}))
        first = (await receive(ws))["payload"]["data"]["campaignProgress"]
        assert first == {"sent": 0, "remaining": 0, "total": 0}
        from api.relay import decode_id
        key = decode_id(campaign_id, "MailingCampaign", "id")
        await wait_for_listeners(redis.channel(campaigns.TOPIC, key))
        await step(gql, "startMailingCampaign", campaign_id)
        with SmtpServer(MailRecorder()) as server:
            await run_worker(server.settings(settings))
        seen = []
        while not seen or seen[-1]["remaining"]:
            seen.append((await receive(ws))["payload"]["data"]["campaignProgress"])
        assert seen[-1] == {"sent": 3, "remaining": 0, "total": 3}


async def test_bounces_and_complaints_stop_mail(gql, http, settings):
    """A hard bounce marks the address, a complaint also revokes its consent; neither is
    mailed again. The intake needs the shared secret."""
    list_id = await make_list(gql)
    await subscribers(gql, list_id, ["gone@example.ru", "angry@example.ru", "fine@example.ru"])
    assert (await http.post("/mailings/bounces", content=DSN_HARD)).status_code == 404
    http._transport.app.state.settings = settings.model_copy(
        update={"mailing_bounce_secret": "s3cret-intake"})
    wrong = await http.post("/mailings/bounces", content=DSN_HARD,
                            headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    auth = {"Authorization": "Bearer s3cret-intake"}
    assert (await http.post("/mailings/bounces", content=DSN_HARD, headers=auth)).json() == {
        "hard": 1, "complaints": 0}
    assert (await http.post("/mailings/bounces", content=ARF_COMPLAINT, headers=auth)
            ).json() == {"hard": 0, "complaints": 1}
    assert (await http.post("/mailings/bounces", content=b"garbage", headers=auth)
            ).status_code == 200
    assert (await MailingAddress.get(email="gone@example.ru")).state == "bounced"
    angry = await MailingSubscription.get(address__email="angry@example.ru")
    assert angry.status == "revoked"
    campaign_id = await draft(gql, list_id)
    await step(gql, "startMailingCampaign", campaign_id)
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    assert [m["To"] for m in server.handler.messages] == ["fine@example.ru"]
