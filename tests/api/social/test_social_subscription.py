"""`socialItemUpdated` over a real websocket (live uvicorn, graphql-transport-ws): staff hear
a webhook's new item and its edit, through Redis pub/sub; a client may not listen."""

from __future__ import annotations

import json

from domain import redis
from domain.social import events, sources
from domain.social.models import Network
from tests.conftest import token
from tests.support.live import connect, live_servers, receive, wait_for_listeners
from tests.support.social import make_source, vk_comment

SUBSCRIBE = "subscription { socialItemUpdated { id status text originalText } }"


async def test_staff_hear_new_and_edited_items(settings, http):
    """R-7.1: an item is on the staff's screens as it arrives and as its author edits it."""
    source = await make_source(Network.VK)
    secret = sources.secret_of(source, settings)
    hook = f"/social/{source.id}/webhook"
    async with live_servers(settings) as [port]:
        staff = await connect(port, token(settings, "operator", "op-1"))
        citizen = await connect(port, token(settings, "client", "c-1", client_id="c-1"))
        try:
            await staff.send(json.dumps({"id": "s", "type": "subscribe",
                                         "payload": {"query": SUBSCRIBE}}))
            await citizen.send(json.dumps({"id": "c", "type": "subscribe",
                                           "payload": {"query": SUBSCRIBE}}))
            refused = await receive(citizen)
            assert refused["type"] in ("error", "next")
            errors = refused["payload"] if refused["type"] == "error" else \
                refused["payload"]["errors"]
            assert errors[0]["extensions"]["code"] == "FORBIDDEN"
            await wait_for_listeners(redis.channel(events.TOPIC, events.STAFF_KEY))
            assert (await http.post(hook, json=vk_comment(secret, text="Где справка?"))) \
                .status_code == 200
            heard = await receive(staff)
            assert heard["payload"]["data"]["socialItemUpdated"]["text"] == "Где справка?"
            await http.post(hook, json=vk_comment(secret, text="Где взять справку?",
                                                  kind="wall_reply_edit"))
            edited = (await receive(staff))["payload"]["data"]["socialItemUpdated"]
            assert (edited["text"], edited["originalText"]) == ("Где взять справку?",
                                                                "Где справка?")
        finally:
            await staff.close()
            await citizen.close()
