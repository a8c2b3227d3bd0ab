"""The whole history in the export (R-1.5): every message with its handling materials."""

from __future__ import annotations

import html

import pytest

from api.relay import decode_id, encode_id
from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.deliveries.models import Delivery
from domain.enums import Channel
from domain.messages import service
from domain.messages.intake import IntakeData
from domain.surveys.tokens import redact
from jobs import history as history_jobs
from tests.domain.history.history_cases import ANSWER, FILE, NOTE, TEXT, answered_case
from tests.domain.messages.messages_world import OPERATOR, World, build_world

OPEN_TEXT = "Когда починят лифт в подъезде 3? <script>alert(1)</script> Жду с марта."
OTHER = {"body": "Соседка Петрова пишет о своём долге за воду.",
         "answer": "Петровой: долг за воду пересчитан, теперь он 0 рублей. Звоните 58-93-58.",
         "file": "квитанция-петровой.pdf"}
REQUEST = """mutation($id: ID!) { requestHistoryExport(input: {clientId: $id}) {
  historyExport { id } errors { code } } }"""
POLL = """query($id: ID!) { historyExport(id: $id) { status eventCount downloadUrlJson
  downloadUrlHtml } }"""


@pytest.fixture
async def world(settings) -> World:
    return await build_world()


async def test_export_holds_every_message_with_its_materials(gql, http, world: World, settings):
    """R-1.5: a client with two messages (one answered with a clarification and an attachment,
    one open) requests an export through GraphQL; the built export holds, per case and in
    time order, each text (message, clarification, notices as sent, answer, attachment
    names) in JSON and in readable, escaped HTML; another client's texts never appear."""
    answered = await answered_case(world, settings)
    still_open = await service.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EMAIL, body=OPEN_TEXT, subject="Лифт",
        contact_id=world.email.id))
    await service.register(OPERATOR, still_open.id)
    other = await clients.create_client(Actor(Role.ADMIN, "admin-1"), clients.ClientData(
        kind=ClientKind.PERSON, last_name="Петрова", first_name="Анна"))
    await answered_case(world, settings, other.id, body=OTHER["body"], answer=OTHER["answer"],
                        file=OTHER["file"])
    notices = await Delivery.filter(source_id=str(answered.id)).order_by("created_at")
    receipt = await Delivery.get(source_id=str(still_open.id))

    cid = str(world.client.id)
    body = await gql(REQUEST, {"id": encode_id("Client", cid)}, as_="client", subject=cid)
    assert body["data"]["requestHistoryExport"]["errors"] == []
    export_gid = body["data"]["requestHistoryExport"]["historyExport"]["id"]
    export_id = decode_id(export_gid, "HistoryExport", "id")
    assert await history_jobs.build_history_export(
        {"settings": settings, "job_try": 1}, export_id) == "ready"
    ready = (await gql(POLL, {"id": export_gid}, as_="client", subject=cid))["data"][
        "historyExport"]
    assert ready["status"] == "READY"

    doc = (await http.get(ready["downloadUrlJson"])).json()
    assert doc["format"] == "okno-history-export/2"
    first, second = doc["cases"]
    assert first["id"] == str(answered.id) and first["status"] == "answered"
    assert first["registrationNumber"] == answered.registration_number
    assert first["closedAt"] is not None and second["closedAt"] is None
    assert second["id"] == str(still_open.id) and second["status"] == "registered"
    items = first["items"]
    assert [i["at"] for i in items if i["type"] != "event"] == sorted(
        i["at"] for i in items if i["type"] != "event")
    records = {i["type"]: i for i in items if i["type"] != "event"}
    assert records["message"]["text"] == TEXT and records["message"]["attachments"] == [FILE]
    assert records["clarification"]["text"] == NOTE
    assert records["answer"]["text"] == ANSWER
    sent = [i["text"] for i in items if i["type"] == "notice"]
    # As sent, but with no usable link token (staff may download the export: issue 15).
    assert sent == [redact(n.body_text) for n in notices]
    assert any("/survey/[скрыто]" in text for text in sent)
    assert any(i["type"] == "event" and i["kind"] == "message_received" for i in items)
    assert [i["text"] for i in second["items"] if i["type"] in ("message", "notice")] == [
        OPEN_TEXT, receipt.body_text]
    # Events of the cases are not repeated among the other events; every event is counted.
    in_cases = [i["id"] for c in doc["cases"] for i in c["items"] if i["type"] == "event"]
    others = [e["id"] for e in doc["events"]]
    assert not set(in_cases) & set(others)
    assert {e["kind"] for e in doc["events"]} >= {"client_created", "history_export_requested"}
    assert doc["eventCount"] == ready["eventCount"] == len(in_cases) + len(others)

    page = (await http.get(ready["downloadUrlHtml"])).text
    for text in (TEXT, NOTE, ANSWER, FILE, OPEN_TEXT, *(redact(n.body_text) for n in notices)):
        assert html.escape(text, quote=False) in page or html.escape(text) in page, text
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert f"Обращение № {answered.registration_number}" in page
    assert "Ваше обращение" in page and "Уточнение вопроса" in page and "Ответ" in page

    raw = (await http.get(ready["downloadUrlJson"])).text
    for foreign in OTHER.values():
        assert foreign not in raw and foreign not in page
