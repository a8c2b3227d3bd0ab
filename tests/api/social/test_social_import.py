"""The import API for batches (R-7.1): staff send items in the generic shape; all are
checked before any is written, and a replayed batch changes nothing."""

from __future__ import annotations

from api.relay import encode_id
from domain.social.models import Network, SocialItem
from tests.support.social import make_source

IMPORT = """mutation($input: ImportSocialItemsInput!) { importSocialItems(input: $input) {
  created updated unchanged ignored errors { code field message } } }"""


def batch(source, items):
    return {"input": {"sourceId": encode_id("SocialSource", source.id), "items": items}}


async def test_import_dedupes_and_follows_edits(gql, settings):
    source = await make_source(Network.MAX)
    items = [{"sourceItemId": "m-1", "kind": "OFFICIAL_APPEAL", "text": "Прошу помочь",
              "authorAccount": "u-9", "at": "2026-03-13T15:00:00+04:00"},
             {"sourceItemId": "m-2", "kind": "MENTION", "text": "Правительство молодцы"}]
    first = (await gql(IMPORT, batch(source, items), as_="operator"))["data"]
    assert first["importSocialItems"] == {"created": 2, "updated": 0, "unchanged": 0,
                                          "ignored": 0, "errors": []}
    again = (await gql(IMPORT, batch(source, items), as_="operator"))["data"]
    assert again["importSocialItems"]["unchanged"] == 2
    edits = [{"sourceItemId": "m-1", "action": "EDIT", "text": "Прошу помочь с жильём"},
             {"sourceItemId": "m-2", "action": "DELETE"},
             {"sourceItemId": "m-3", "action": "DELETE"}]
    changed = (await gql(IMPORT, batch(source, edits), as_="operator"))["data"]
    assert changed["importSocialItems"] == {"created": 0, "updated": 2, "unchanged": 0,
                                            "ignored": 1, "errors": []}
    appeal = await SocialItem.get(source_item_id="m-1")
    assert (appeal.text, appeal.original_text) == ("Прошу помочь с жильём", "Прошу помочь")
    assert (await SocialItem.get(source_item_id="m-2")).deleted_at is not None


async def test_a_bad_item_refuses_the_whole_batch(gql, settings):
    source = await make_source(Network.OTHER)
    items = [{"sourceItemId": "a", "kind": "COMMENT", "text": "Хорошо"},
             {"sourceItemId": "b", "text": "Без вида"},
             {"sourceItemId": "c", "kind": "COMMENT"}]
    result = (await gql(IMPORT, batch(source, items), as_="operator"))["data"]
    errors = result["importSocialItems"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", "items.1"),
                                                         ("INVALID", "items.2")]
    assert result["importSocialItems"]["created"] is None
    assert await SocialItem.all().count() == 0
    unknown = await gql(IMPORT, {"input": {"sourceId": encode_id("SocialSource", "x"),
                                           "items": items[:1]}}, as_="operator")
    assert [e["code"] for e in unknown["data"]["importSocialItems"]["errors"]] == ["NOT_FOUND"]
    wrong = await gql(IMPORT, {"input": {"sourceId": "nonsense", "items": items[:1]}},
                      as_="operator")
    assert [e["code"] for e in wrong["data"]["importSocialItems"]["errors"]] == ["INVALID_ID"]
    empty = await gql(IMPORT, batch(source, []), as_="operator")
    assert [e["field"] for e in empty["data"]["importSocialItems"]["errors"]] == ["items"]


async def test_sources_are_for_admins(gql, settings):
    save = """mutation($input: SaveSocialSourceInput!) { saveSocialSource(input: $input) {
      socialSource { id webhookSecret } errors { code field } } }"""
    refused = await gql(save, {"input": {"network": "VK", "name": "X"}}, as_="operator",
                        expect_errors=True)
    assert refused["data"]["saveSocialSource"] is None
    nameless = await gql(save, {"input": {"network": "VK"}})
    assert [(e["code"], e["field"]) for e in nameless["data"]["saveSocialSource"]["errors"]] \
        == [("REQUIRED", "name")]
    bad_url = await gql(save, {"input": {"network": "VK", "name": "X", "apiUrl": "ftp://x"}})
    assert [e["field"] for e in bad_url["data"]["saveSocialSource"]["errors"]] == ["apiUrl"]
    made = await gql(save, {"input": {"network": "OK", "name": "Группа"}})
    source = made["data"]["saveSocialSource"]["socialSource"]
    moved = await gql(save, {"input": {"id": source["id"], "network": "VK"}})
    assert [e["field"] for e in moved["data"]["saveSocialSource"]["errors"]] == ["network"]
    listed = await gql("{ socialSources { id name network active } }")
    assert listed["data"]["socialSources"] == [{"id": source["id"], "name": "Группа",
                                                "network": "OK", "active": True}]
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": source["id"]},
                     as_="operator")
    assert node["data"]["node"] is None  # its secret is for admins only
