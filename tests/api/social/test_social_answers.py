"""Public answers (R-7.3–R-7.5): checked, then posted through the network's API by the
outbox, retried on failure and rate limits with a clear state, never posted twice; a real
local HTTP server stands in for the network."""

from __future__ import annotations

import datetime as dt

import orjson

from api.relay import encode_id
from domain.social import intake, rules
from domain.social.models import Network, PostState, SocialAnswer, SocialItem, SocialStatus
from jobs import social as social_jobs
from tests.support.social import fake_network, make_source

ANSWER = """mutation($input: AnswerSocialItemInput!) { answerSocialItem(input: $input) {
  socialItem { id status answeredAt onTime answer { text state attempts lastError
  nextAttemptAt postedAt } } errors { code field message } } }"""
TEXT = "Дорогу отремонтируют до 1 июня. Подрядчик уже выбран."


async def item_of(source, item_id: str = "c-1", kind: str = "comment",
                  text: str = "Когда отремонтируют дорогу?") -> SocialItem:
    await intake.ingest(source, [rules.parse_generic({"id": item_id, "kind": kind,
                                                      "text": text, "authorId": "501"})])
    return await SocialItem.get(source_id=source.id, source_item_id=item_id)


async def answer(gql, item, text=TEXT, as_="operator"):
    body = await gql(ANSWER, {"input": {"itemId": encode_id("SocialItem", item.id),
                                        "text": text}}, as_=as_)
    return body["data"]["answerSocialItem"]


async def post(settings) -> str | None:
    answer_row = await SocialAnswer.first()
    return await social_jobs.post_social_answer({"settings": settings}, str(answer_row.id))


async def test_answer_over_the_network_limit_is_refused(gql, settings):
    """Bad input: an answer longer than the network takes is refused before anything is
    queued (R-7.3: a short answer)."""
    source = await make_source(Network.TELEGRAM)
    item = await item_of(source)
    result = await answer(gql, item, "Да. " * 1100)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("TOO_LONG", "text")]
    assert "4096" in result["errors"][0]["message"]
    assert await SocialAnswer.all().count() == 0
    assert (await SocialItem.get(id=item.id)).status == SocialStatus.NEW


async def test_failing_and_rate_limiting_network_then_posted_once(gql, settings):
    """The network fails (500), then rate-limits (429 Retry-After: 7); each time the answer
    waits in RETRYING with the reason, then is posted once: every attempt carried the same
    idempotency key, and a further run or answer posts nothing."""
    async with fake_network() as network:
        source = await make_source(Network.OK, api_url=None)
        source.api_url = network.url + "/answers"
        await source.save()
        item = await item_of(source)
        network.script = [(500, {"error": "down"}, {}), (429, {"error": "slow"},
                                                         {"Retry-After": "7"})]
        queued = await answer(gql, item)
        assert queued["errors"] == []
        assert queued["socialItem"]["status"] == "ANSWERING"
        assert queued["socialItem"]["answer"]["state"] == "QUEUED"
        assert await post(settings) == "retrying"
        row = await SocialAnswer.get(item_id=item.id)
        assert (row.state, row.attempts) == (PostState.RETRYING, 1)
        assert "500" in row.last_error
        assert await post(settings) is None  # not due yet: nothing sent
        assert len(network.requests) == 1
        row.next_attempt_at = dt.datetime.now(dt.UTC)
        await row.save()
        before = dt.datetime.now(dt.UTC)
        assert await post(settings) == "retrying"
        row = await SocialAnswer.get(item_id=item.id)
        assert "429" in row.last_error
        pause = (row.next_attempt_at - before).total_seconds()
        assert 6 <= pause <= 9  # the network's Retry-After, not our backoff
        later = row.next_attempt_at + dt.timedelta(seconds=1)
        from domain.social import posting

        assert await posting.post_due(settings, now=later) == {"posted": 1}
        assert await posting.post_due(settings, now=later) == {}
        assert len(network.requests) == 3
        keys = {r["headers"]["idempotency-key"] for r in network.requests}
        assert keys == {row.idempotency_key}
        assert network.published == {row.idempotency_key: TEXT}
        sent = network.requests[-1]["body"]
        assert (sent["itemId"], sent["network"], sent["text"]) == ("c-1", "ok", TEXT)
        assert network.requests[-1]["headers"]["authorization"] == "Bearer tok"
        again = await answer(gql, item, "Ещё раз.")
        assert [e["code"] for e in again["errors"]] == ["ALREADY_ANSWERED"]
        done = await SocialItem.get(id=item.id)
        assert done.status == SocialStatus.ANSWERED and done.answered_at is not None
        assert done.next_alert_at is None


async def test_final_refusal_reopens_the_item_and_a_new_answer_keeps_the_key(gql, settings):
    async with fake_network() as network:
        source = await make_source(Network.OTHER)
        source.api_url = network.url + "/answers"
        await source.save()
        item = await item_of(source)
        network.script = [(403, {"error": "banned word"}, {})]
        await answer(gql, item)
        assert await post(settings) == "failed"
        failed = await SocialAnswer.get(item_id=item.id)
        assert "403" in failed.last_error
        assert (await SocialItem.get(id=item.id)).status == SocialStatus.NEW
        rewritten = await answer(gql, item, "Дорогу отремонтируют летом.")
        assert rewritten["errors"] == []
        assert await post(settings) == "posted"
        row = await SocialAnswer.get(item_id=item.id)
        assert row.idempotency_key == failed.idempotency_key
        assert network.published == {row.idempotency_key: "Дорогу отремонтируют летом."}


async def test_attempts_used_up_fail_with_the_reason(gql, settings):
    async with fake_network() as network:
        source = await make_source(Network.MAX)
        source.api_url = network.url + "/answers"
        await source.save()
        item = await item_of(source)
        few = settings.model_copy(update={"social_post_max_attempts": 2})
        network.script = [(503, {}, {}), (503, {}, {})]
        await answer(gql, item)
        from domain.social import posting

        assert await posting.post_due(few) == {"retrying": 1}
        far = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
        assert await posting.post_due(few, now=far) == {"failed": 1}
        row = await SocialAnswer.get(item_id=item.id)
        assert (row.state, row.attempts, row.next_attempt_at) == (PostState.FAILED, 2, None)
        assert network.published == {}


async def test_vk_and_telegram_apis(gql, settings):
    """The VK adapter calls wall.createComment with the answer's key as ``guid`` (VK's own
    duplicate guard); VK's flood-control error is retried. Telegram replies with
    sendMessage; its 429 carries retry_after in the body."""
    async with fake_network() as network:
        vk = await make_source(Network.VK, api_url=network.url, api_token="vk-token")
        comment = await item_of(vk, "-100_77")
        comment.post_id = "-100_12"
        await comment.save()
        network.script = [(200, {"error": {"error_code": 9, "error_msg": "Flood control"}},
                           {})]
        await answer(gql, comment)
        assert await post(settings) == "retrying"
        row = await SocialAnswer.get(item_id=comment.id)
        row.next_attempt_at = None
        await row.save()
        assert await post(settings) == "posted"
        request = network.requests[-1]
        assert request["path"] == "/method/wall.createComment"
        assert {k: request["body"][k] for k in ("owner_id", "post_id", "reply_to_comment",
                                                "guid", "access_token")} == {
            "owner_id": "-100", "post_id": "12", "reply_to_comment": "77",
            "guid": row.idempotency_key, "access_token": "vk-token"}
        assert (await SocialAnswer.get(id=row.id)).external_id == "900"

        await SocialAnswer.all().delete()
        tg = await make_source(Network.TELEGRAM, api_url=network.url, api_token="123:abc")
        message = await item_of(tg, "42:9", "official_appeal")
        network.script = [(429, {"ok": False, "parameters": {"retry_after": 3}}, {})]
        await answer(gql, message)
        before = dt.datetime.now(dt.UTC)
        assert await post(settings) == "retrying"
        row = await SocialAnswer.get(item_id=message.id)
        assert 2 <= (row.next_attempt_at - before).total_seconds() <= 5
        row.next_attempt_at = None
        await row.save()
        assert await post(settings) == "posted"
        request = network.requests[-1]
        assert request["path"] == "/bot123:abc/sendMessage"
        assert request["body"]["chat_id"] == "42"
        assert request["body"]["reply_parameters"]["message_id"] == 9


async def test_development_file_sink(gql, settings):
    source = await make_source(Network.VK)  # no API URL: the file sink
    item = await item_of(source)
    await answer(gql, item)
    assert await post(settings) == "posted"
    [line] = (settings.outbox_dir / "social.jsonl").read_bytes().splitlines()
    written = orjson.loads(line)
    row = await SocialAnswer.get(item_id=item.id)
    assert (written["idempotencyKey"], written["text"]) == (row.idempotency_key, TEXT)
    production = settings.model_copy(update={"environment": "production"})
    second = await item_of(source, "c-2")
    await answer(gql, second)
    other = await SocialAnswer.get(item_id=second.id)
    assert await social_jobs.post_social_answer({"settings": production}, str(other.id)) \
        == "failed"


async def test_deleted_or_moved_items_take_no_public_answer(gql, settings):
    source = await make_source(Network.OK)
    item = await item_of(source)
    await intake.ingest(source, [rules.Incoming(rules.Action.DELETE, "c-1")])
    result = await answer(gql, item)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_STATE", "itemId")]
    unknown = await gql(ANSWER, {"input": {"itemId": encode_id("SocialItem", source.id),
                                           "text": TEXT}}, as_="operator")
    assert [e["code"] for e in unknown["data"]["answerSocialItem"]["errors"]] == ["NOT_FOUND"]
    malformed = await gql(ANSWER, {"input": {"itemId": "nonsense", "text": TEXT}},
                          as_="operator")
    assert [e["code"] for e in malformed["data"]["answerSocialItem"]["errors"]] == [
        "INVALID_ID"]
    empty = await answer(gql, item, "   ")
    assert [e["code"] for e in empty["errors"]] == ["REQUIRED"]


async def test_plain_language(gql, settings):
    """R-7.4/R-7.5: an answer that only points at a legal act is refused; advice on the
    wording is kept with the answer for the writer."""
    source = await make_source(Network.VK)
    item = await item_of(source)
    legal = await answer(gql, item, "В соответствии со ст. 12 Федерального закона № 59-ФЗ.")
    assert [(e["code"], e["field"]) for e in legal["errors"]] == [("REFUSAL_GROUNDS", "text")]
    assert await SocialAnswer.all().count() == 0
    advised = await answer(gql, item, "Доводим до вашего сведения, что дорогу отремонтируют "
                           "до 1 июня.")
    assert advised["errors"] == []
    row = await SocialAnswer.get(item_id=item.id)
    assert [f["code"] for f in row.findings] == ["cliche"]
