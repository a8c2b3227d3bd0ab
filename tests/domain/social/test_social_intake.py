"""Intake analysis with the messages' detectors (R-7.3), a known author linked at intake,
and racing deliveries of one item (dedupe, R-7.1)."""

from __future__ import annotations

import asyncio

from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind, ContactKind
from domain.directory import service as directory
from domain.directory.models import Sphere
from domain.history.models import InteractionEvent
from domain.social import handling, intake, rules
from domain.social.models import Network, SocialAbuse, SocialItem
from tests.support.social import make_source

OPERATOR = Actor(Role.OPERATOR, "op-1")
HEATING = "Здравствуйте! В нашем доме третий день нет отопления. Управляющая компания молчит."


def comment(item_id: str, text: str, author: str = "501") -> rules.Incoming:
    return rules.parse_generic({"id": item_id, "kind": "comment", "text": text,
                                "authorId": author})


async def test_sphere_and_abuse_by_the_messages_detectors(settings):
    """R-7.3: the sphere is suggested (and staff may replace it when answering), abusive
    words are flagged; control characters from the network are dropped, not refused."""
    await directory.ensure_spheres()
    source = await make_source(Network.VK)
    await intake.ingest(source, [comment("1", HEATING + "\x00"),
                                 comment("2", "Вы там все м*даки, когда включите тепло?!")])
    heating = await SocialItem.get(source_item_id="1")
    housing = await Sphere.get(code="housing")
    assert heating.sphere_id == heating.suggested_sphere_id == housing.id
    assert heating.abuse_status == SocialAbuse.NONE and heating.text == HEATING
    rude = await SocialItem.get(source_item_id="2")
    assert rude.abuse_status == SocialAbuse.SUSPECTED
    assert rude.abuse_flags[0]["fragment"] == "м*даки"
    other = await Sphere.exclude(id=housing.id).first()
    await handling.answer_item(OPERATOR, heating.id, "Отопление включат завтра к 10 часам.",
                               other.id)
    assert (await SocialItem.get(id=heating.id)).sphere_id == other.id


async def test_a_known_author_is_linked_at_intake(settings):
    """Every item of a known person is in their history, dated when written."""
    person = await clients.create_client(OPERATOR, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Ким"))
    await clients.add_contact(OPERATOR, person.id, ContactKind.MESSENGER, "telegram:4242")
    source = await make_source(Network.TELEGRAM)
    await intake.ingest(source, [comment("42:1", "Куда сдать документы?", author="4242")])
    item = await SocialItem.get(source_item_id="42:1")
    assert item.client_id == person.id
    event = await InteractionEvent.get(client_id=person.id, kind="social_item")
    assert (event.source_type, event.source_id, event.channel) == (
        "social_item", str(item.id), "social")
    assert event.occurred_at == item.received_at
    stranger = await make_source(Network.OK)
    await intake.ingest(stranger, [comment("x", "Привет", author="4242")])
    assert (await SocialItem.get(source_item_id="x")).client_id is None  # OK: no contact kind


async def test_racing_deliveries_make_one_item(settings):
    """R-7.1: the same new item delivered several times at once is one row; nothing fails."""
    source = await make_source(Network.OK)
    results = await asyncio.gather(*[intake.ingest(source, [comment("r-1", "Один раз")])
                                     for _ in range(5)])
    assert sum(r.created for r in results) == 1
    assert sum(r.unchanged for r in results) == 4
    assert await SocialItem.filter(source_item_id="r-1").count() == 1
