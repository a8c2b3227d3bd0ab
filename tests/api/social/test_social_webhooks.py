"""Webhooks over real HTTP, one signing scheme per network (R-7.1), and their bad input:
unknown sources, unsigned, forged and stale requests, bad JSON, replays, edits and deletions
at the source."""

from __future__ import annotations

import time
import uuid

import pytest

from domain.social import rules, sources
from domain.social.models import Network, SocialItem, SocialKind, SocialStatus
from tests.support.social import ADMIN, local, make_source, signed, vk_comment

TG = "X-Telegram-Bot-Api-Secret-Token"


def path(source) -> str:
    return f"/social/{source.id}/webhook"


async def test_vk_confirmation_and_signed_comment(http, settings):
    """R-7.1: VK's confirmation string, then a comment with the secret key; the limit runs
    5 working hours (R-7.2) from when VK says it was written."""
    source = await make_source(Network.VK)
    secret = sources.secret_of(source, settings)
    confirm = await http.post(path(source), json={"type": "confirmation", "group_id": 100})
    assert (confirm.status_code, confirm.text) == (200, "c0nf1rm")
    at = local(2026, 3, 13, 15, 0)
    response = await http.post(path(source), json=vk_comment(secret, at=at))
    assert (response.status_code, response.text) == (200, "ok")
    item = await SocialItem.get(source_id=source.id)
    assert (item.source_item_id, item.kind, item.status) == ("-100_77", SocialKind.COMMENT,
                                                              SocialStatus.NEW)
    assert item.received_at == at
    assert item.due_at == local(2026, 3, 16, 12, 15)
    assert item.url == "https://vk.com/wall-100_12?reply=77"


async def test_vk_refusals(http, settings):
    source = await make_source(Network.VK)
    secret = sources.secret_of(source, settings)
    assert (await http.post(path(source), json=vk_comment(None))).status_code == 401
    assert (await http.post(path(source), json=vk_comment("wrong"))).status_code == 403
    assert (await http.post(path(source), json=vk_comment(123))).status_code == 403
    other = await make_source(Network.VK, name="Другая страница")
    stolen = sources.secret_of(other, settings)
    assert (await http.post(path(source), json=vk_comment(stolen))).status_code == 403
    bad = await http.post(path(source), content=b"{not json",
                          headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert (await http.post(path(source), content=b"[1, 2]")).status_code == 400
    shape = {"type": "wall_reply_new", "object": "nope", "secret": secret}
    assert (await http.post(path(source), json=shape)).status_code == 400
    assert await SocialItem.all().count() == 0


@pytest.mark.parametrize("where", ["00000000-0000-0000-0000-000000000000", "nonsense",
                                   str(uuid.uuid4())])
async def test_unknown_source_is_404(http, settings, where):
    assert (await http.post(f"/social/{where}/webhook", json={})).status_code == 404


async def test_switched_off_source_is_404(http, settings):
    source = await make_source(Network.VK)
    await sources.save_source(ADMIN, source.id, sources.SourceData(active=False))
    secret = sources.secret_of(source, settings)
    assert (await http.post(path(source), json=vk_comment(secret))).status_code == 404


async def test_rotated_secret_refuses_the_old_one(http, settings):
    source = await make_source(Network.VK)
    old = sources.secret_of(source, settings)
    source = await sources.save_source(ADMIN, source.id,
                                       sources.SourceData(rotate_secret=True))
    assert (await http.post(path(source), json=vk_comment(old))).status_code == 403
    new = sources.secret_of(source, settings)
    assert (await http.post(path(source), json=vk_comment(new))).status_code == 200


async def test_replay_edit_and_delete_at_the_source(http, settings):
    """Bad input: a replay changes nothing; an edit keeps what was said first; a deletion
    marks the item and stops its alerts (nothing is left to answer in public)."""
    source = await make_source(Network.VK)
    secret = sources.secret_of(source, settings)
    first = vk_comment(secret, text="Когда починят дорогу?")
    for _ in range(3):
        assert (await http.post(path(source), json=first)).status_code == 200
    [item] = await SocialItem.all()
    before = item.updated_at
    edit = vk_comment(secret, text="Когда починят дорогу на ул. Гончарова?",
                      kind="wall_reply_edit")
    assert (await http.post(path(source), json=edit)).status_code == 200
    assert (await http.post(path(source), json=edit)).status_code == 200
    item = await SocialItem.get(id=item.id)
    assert item.text == "Когда починят дорогу на ул. Гончарова?"
    assert item.original_text == "Когда починят дорогу?"
    assert item.edited_at is not None and item.updated_at >= before
    gone = {"type": "wall_reply_delete", "object": {"id": 77, "owner_id": -100, "post_id": 12,
                                                   "deleter_id": 501}, "secret": secret}
    assert (await http.post(path(source), json=gone)).status_code == 200
    deleted = await SocialItem.get(id=item.id)
    assert deleted.deleted_at is not None and deleted.next_alert_at is None
    assert (await http.post(path(source), json=gone)).status_code == 200
    assert (await SocialItem.get(id=item.id)).deleted_at == deleted.deleted_at
    assert deleted.text == item.text and deleted.original_text == "Когда починят дорогу?"
    assert await SocialItem.all().count() == 1
    # A deletion of an item never received is acknowledged and ignored.
    never = {**gone, "object": {**gone["object"], "id": 78}}
    assert (await http.post(path(source), json=never)).status_code == 200
    assert await SocialItem.all().count() == 1


async def test_telegram_secret_token_header(http, settings):
    source = await make_source(Network.TELEGRAM)
    secret = sources.secret_of(source, settings)
    update = {"update_id": 1, "message": {
        "message_id": 9, "date": int(time.time()), "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "first_name": "Анна"}, "text": "Куда обратиться за субсидией?"}}
    assert (await http.post(path(source), json=update)).status_code == 401
    assert (await http.post(path(source), json=update, headers={TG: "x" * 43})).status_code \
        == 403
    assert (await http.post(path(source), content=b"nope", headers={TG: secret})).status_code \
        == 400
    ok = await http.post(path(source), json=update, headers={TG: secret})
    assert ok.status_code == 200
    edited = {"update_id": 2, "edited_message": {**update["message"], "text": "Исправлено",
                                                 "edit_date": int(time.time())}}
    assert (await http.post(path(source), json=edited, headers={TG: secret})).status_code == 200
    [item] = await SocialItem.all()
    assert (item.kind, item.text, item.original_text) == (
        SocialKind.OFFICIAL_APPEAL, "Исправлено", "Куда обратиться за субсидией?")


async def test_generic_hmac(http, settings):
    source = await make_source(Network.OK)
    secret = sources.secret_of(source, settings)
    body = {"items": [{"id": "ok-1", "kind": "mention", "text": "Правительство области",
                       "authorId": "u1", "at": "2026-03-13T15:00:00+04:00"},
                      {"id": "ok-2", "kind": "comment", "text": "Спасибо"}]}
    raw, headers = signed(secret, body)
    unsigned = await http.post(path(source), content=raw,
                               headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    forged = {**headers, "X-Okno-Signature": "sha256=" + "0" * 64}
    assert (await http.post(path(source), content=raw, headers=forged)).status_code == 403
    stale_raw, stale = signed(secret, body, at=time.time() - 3600)
    assert (await http.post(path(source), content=stale_raw, headers=stale)).status_code == 403
    tampered = raw.replace(b"ok-2", b"ok-3")
    assert (await http.post(path(source), content=tampered, headers=headers)).status_code == 403
    response = await http.post(path(source), content=raw, headers=headers)
    assert response.status_code == 200
    assert response.json() == {"created": 2, "updated": 0, "unchanged": 0, "ignored": 0}
    replay = await http.post(path(source), content=raw, headers=headers)
    assert replay.json() == {"created": 0, "updated": 0, "unchanged": 2, "ignored": 0}
    mention = await SocialItem.get(source_item_id="ok-1")
    # 6 working hours: 1 h 45 min on Friday, then Monday 09:00–13:00 and, after lunch, 15 min
    assert mention.due_at == local(2026, 3, 16, 14, 0)
    for bad in ({"items": []}, {"items": "x"}, {"items": [{"id": "1", "kind": "rumour",
                                                          "text": "x"}]}, {"items": [1]}):
        raw, headers = signed(secret, bad)
        assert (await http.post(path(source), content=raw, headers=headers)).status_code == 400
    not_json = b"not json"
    _, headers = signed(secret, {})
    stamp = headers["X-Okno-Timestamp"]
    headers["X-Okno-Signature"] = "sha256=" + rules.body_signature(secret, stamp, not_json)
    assert (await http.post(path(source), content=not_json, headers=headers)).status_code == 400
    assert await SocialItem.all().count() == 2
    assert mention.abuse_flags is None
