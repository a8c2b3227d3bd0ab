"""Executors see only deliveries about messages they may see (issue 15, "Misuse": the
department scoping leaked through ``deliveries(...) { text }``), by every way a delivery is
reached: the outbox list, a client's card, ``node``/``delivery`` by ID (``reroutedFrom`` and
the subscription use the same check); other staff roles see every delivery."""

from __future__ import annotations

import pytest

from api.relay import encode_id
from domain.deliveries.models import Delivery
from domain.enums import Channel
from domain.messages import service as messages
from domain.messages.intake import IntakeData
from tests.contract.factories import HEATING, OPERATOR, Scene

ROUTES = {
    "outbox": "{ deliveries(first: 100) { edges { node { id text } } } }",
    "client card": "query($c: ID!) { client(id: $c) { deliveries(first: 100) "
                   "{ edges { node { id text } } } } }",
}


@pytest.fixture
async def scene(settings, http) -> Scene:
    scene = Scene(settings, http)
    await scene.answered()  # a receipt notice and an answer about A's message of D1
    base = await scene.base()
    # A's second message, handled by D2: its receipt notice is D2's business.
    other = await messages.receive(OPERATOR, IntakeData(
        client_id=base["a"], channel=Channel.EMAIL, body=HEATING, subject="Ещё",
        contact_id=base["email"]), settings)
    await messages.register(OPERATOR, other.id, settings)
    await messages.assign(OPERATOR, other.id, base["d2"], "exec-2", settings)
    scene._done["other"] = other
    return scene


async def _by_route(scene: Scene, viewer: str) -> dict[str, set[str]]:
    base = await scene.base()
    seen = {}
    for name, query in ROUTES.items():
        data = await scene.fetch(query, {"c": encode_id("Client", base["a"])}, viewer=viewer)
        edges = data["deliveries"]["edges"] if "deliveries" in data else (
            data["client"]["deliveries"]["edges"])
        assert all(e["node"]["text"] for e in edges)
        seen[name] = {e["node"]["id"] for e in edges}
    by_id = set()
    for row in await Delivery.all().values("id"):
        gid = encode_id("Delivery", row["id"])
        data = await scene.fetch("query($id: ID!) { node(id: $id) { id } delivery(id: $id) "
                                 "{ id text } }", {"id": gid}, viewer=viewer)
        assert (data["node"] is None) == (data["delivery"] is None)
        if data["delivery"]:
            by_id.add(gid)
    seen["by id"] = by_id
    return seen


async def _about(message) -> set[str]:
    return {encode_id("Delivery", r["id"]) for r in await Delivery.filter(
        source_type="message", source_id=str(message.id)).values("id")}


async def test_each_staff_role_sees_what_it_may(scene):
    d1, d2 = await _about(await scene.message()), await _about(scene._done["other"])
    everything = {encode_id("Delivery", r["id"]) for r in await Delivery.all().values("id")}
    assert len(d1) >= 2 and d2 and everything == d1 | d2
    expected = {"operator": everything, "supervisor": everything, "admin": everything,
                "executor": d1, "other_executor": d2}
    for viewer, wanted in expected.items():
        for route, seen in (await _by_route(scene, viewer)).items():
            assert seen == wanted, (viewer, route)


async def test_an_executor_cannot_act_on_another_departments_delivery(scene):
    """The staff mutations on a delivery refuse what the caller may not see, as NOT_FOUND."""
    d1 = min(await _about(await scene.message()))
    cancel = """mutation($id: ID!) { cancelDelivery(input: {id: $id, reason: "x"}) {
        delivery { id text } errors { code field } } }"""
    data = await scene.fetch(cancel, {"id": d1}, viewer="other_executor")
    assert data["cancelDelivery"] == {"delivery": None,
                                      "errors": [{"code": "NOT_FOUND", "field": "id"}]}
    retry = """mutation($id: ID!) { retryDelivery(input: {id: $id}) {
        delivery { id } errors { code field } } }"""
    data = await scene.fetch(retry, {"id": d1}, viewer="other_executor")
    assert data["retryDelivery"]["errors"] == [{"code": "NOT_FOUND", "field": "id"}]
