"""The issue's scenario over HTTP: a signed VK-style webhook delivers a comment on Friday
15:00 → the 5-working-hour limit lands on Monday → a warning → the answer posted back
through the adapter → answered on time; a second comment moved to an individual channel
becomes a message with its own legal terms."""

from __future__ import annotations

from domain.deliveries.models import Delivery
from domain.directory.models import StaffMember
from domain.social import deadlines, posting
from domain.social.models import SocialAnswer
from tests.support.social import fake_network, local, vk_comment

SAVE = """mutation($input: SaveSocialSourceInput!) { saveSocialSource(input: $input) {
  socialSource { id webhookPath webhookSecret network } errors { code field } } }"""
ITEMS = """query($overdue: Boolean) { socialItems(overdue: $overdue) { edges { node {
  id kind status dueAt answeredAt onTime answer { state postedAt } } } } }"""
ANSWER = """mutation($input: AnswerSocialItemInput!) { answerSocialItem(input: $input) {
  socialItem { status } errors { code } } }"""
MOVE = """mutation($input: MoveSocialItemToMessageInput!) { moveSocialItemToMessage(
  input: $input) { message { id channel receivedAt registrationDueDate status
  socialItem { id status } } errors { code } } }"""
REPLY = ("Здравствуйте! Ремонт дороги на ул. Гончарова начнётся 1 апреля. "
         "Подрядчик уже выбран.")


async def test_friday_comment_answered_on_monday_in_time_and_one_moved(http, gql, settings):
    """R-7.1, R-7.2, R-7.3: the whole path over HTTP."""
    await StaffMember.create(subject="head-1", full_name="Сидорова Анна", supervisor=True,
                             email="head@example.ru")
    async with fake_network() as vk_api:
        saved = await gql(SAVE, {"input": {"network": "VK", "name": "Правительство области",
                                           "confirmationCode": "a1b2c3", "apiUrl": vk_api.url,
                                           "apiToken": "group-token"}})
        source = saved["data"]["saveSocialSource"]["socialSource"]
        hook, secret = source["webhookPath"], source["webhookSecret"]
        confirm = await http.post(hook, json={"type": "confirmation", "group_id": 100})
        assert confirm.text == "a1b2c3"

        friday = local(2026, 3, 13, 15, 0)
        delivered = await http.post(hook, json=vk_comment(secret, at=friday))
        assert (delivered.status_code, delivered.text) == (200, "ok")
        [edge] = (await gql(ITEMS, as_="operator"))["data"]["socialItems"]["edges"]
        item = edge["node"]
        assert (item["kind"], item["status"]) == ("COMMENT", "NEW")
        assert item["dueAt"] == local(2026, 3, 16, 12, 15).isoformat()  # Monday

        warned = await deadlines.sweep(local(2026, 3, 16, 11, 20))
        assert (warned.warnings, warned.emails) == (1, 1)
        [mail] = await Delivery.filter(address="head@example.ru").values_list("subject",
                                                                              flat=True)
        assert mail.startswith("Срок истекает")

        answered = await gql(ANSWER, {"input": {"itemId": item["id"], "text": REPLY}},
                             as_="operator")
        assert answered["data"]["answerSocialItem"] == {"socialItem": {"status": "ANSWERING"},
                                                        "errors": []}
        answer = await SocialAnswer.get()
        assert await posting.post(answer.id, settings, now=local(2026, 3, 16, 11, 30)) == \
            "posted"
        [request] = vk_api.requests
        assert request["path"] == "/method/wall.createComment"
        assert (request["body"]["message"], request["body"]["guid"]) == (
            REPLY, answer.idempotency_key)
        assert await deadlines.sweep(local(2026, 3, 16, 12, 20)) == deadlines.SweepResult()

        on_time = (await gql(ITEMS, {"overdue": False}, as_="operator"))["data"]
        [edge] = on_time["socialItems"]["edges"]
        assert edge["node"]["status"] == "ANSWERED" and edge["node"]["onTime"] is True
        assert edge["node"]["answeredAt"] == local(2026, 3, 16, 11, 30).isoformat()
        assert edge["node"]["answer"]["state"] == "POSTED"

        second = await http.post(hook, json=vk_comment(
            secret, comment=78, author=777, at=local(2026, 3, 13, 15, 30),
            text="Мне третий месяц не пересчитывают плату за отопление, что делать?"))
        assert second.status_code == 200
        edges = (await gql(ITEMS, as_="operator"))["data"]["socialItems"]["edges"]
        new = next(e["node"] for e in edges if e["node"]["status"] == "NEW")
        moved = await gql(MOVE, {"input": {"itemId": new["id"], "lastName": "Орлова"}},
                          as_="operator")
        result = moved["data"]["moveSocialItemToMessage"]
        assert result["errors"] == []
        message = result["message"]
        assert message["channel"] == "SOCIAL" and message["status"] == "RECEIVED"
        assert message["receivedAt"] == local(2026, 3, 13, 15, 30).isoformat()
        # 59-FZ: registration within 3 days of receipt, on its own clock (not the 5 hours).
        assert message["registrationDueDate"] == "2026-03-16"
        assert message["socialItem"] == {"id": new["id"], "status": "MOVED"}
        assert len(vk_api.requests) == 1  # nothing was posted for the moved one
