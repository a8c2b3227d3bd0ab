"""Double booking is impossible, also under concurrency (R-4.3): 50 simultaneous bookings of
one slot over real HTTP through live uvicorn servers give exactly one booking and 49
SLOT_TAKEN errors, on PostgreSQL and on SQLite."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.reception.models import Booking
from tests.conftest import token
from tests.domain.reception.reception_world import make_slot
from tests.support.live import live_servers

BOOK = """mutation($input: BookReceptionInput!) { bookReception(input: $input) {
  booking { id } errors { code field } } }"""
RACERS = 50


async def test_fifty_simultaneous_bookings_of_one_slot(settings, world):
    """Exactly one booking wins; the other 49 get SLOT_TAKEN UserErrors, never a 500."""
    slot = await make_slot(world, capacity=1)
    people = [await Client.create(id=uuid.uuid4(), kind=ClientKind.PERSON,
                                  last_name=f"Гонщик{n}") for n in range(RACERS)]
    variables = {"input": {"slotId": encode_id("ReceptionSlot", slot.id), "topic": "Вопрос"}}
    async with live_servers(settings, count=2) as ports:
        limits = httpx.Limits(max_connections=RACERS)
        async with httpx.AsyncClient(timeout=60, limits=limits) as http:
            start = asyncio.Event()

            async def race(n: int, person: Client) -> httpx.Response:
                await start.wait()
                return await http.post(
                    f"http://127.0.0.1:{ports[n % len(ports)]}/graphql",
                    json={"query": BOOK, "variables": variables},
                    headers={"Authorization": "Bearer " + token(
                        settings, "client", str(person.id))})

            tasks = [asyncio.create_task(race(n, p)) for n, p in enumerate(people)]
            await asyncio.sleep(0.1)
            start.set()
            responses = await asyncio.gather(*tasks)
    assert {r.status_code for r in responses} == {200}
    payloads = [r.json()["data"]["bookReception"] for r in responses]
    won = [p for p in payloads if p["booking"]]
    lost = [p["errors"] for p in payloads if not p["booking"]]
    assert len(won) == 1
    assert lost == [[{"code": "SLOT_TAKEN", "field": "slotId"}]] * (RACERS - 1)
    assert await Booking.filter(slot_id=slot.id).count() == 1
