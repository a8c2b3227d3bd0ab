"""Demo data (``okno seed``): written through the services, complete, idempotent."""

from __future__ import annotations

from domain.clients.models import (
    ChannelPreference,
    Client,
    ClientKind,
    ClientTag,
    ContactPoint,
    Representative,
)
from domain.directory.models import Department, StaffMember
from domain.history.models import InteractionEvent
from domain.reception.models import ReceptionPoint, ReceptionSlot
from domain.seed import demo_client_id, seed_demo
from domain.validation import validate_inn, validate_ogrn

MODELS = (Department, Client, ContactPoint, ChannelPreference, ClientTag, Representative,
          InteractionEvent, StaffMember, ReceptionPoint, ReceptionSlot)


async def _counts() -> dict[str, int]:
    return {m.__name__: await m.all().count() for m in MODELS}


async def test_seed_creates_every_kind_of_client_and_writes_history(settings):
    summary = await seed_demo()
    assert summary.startswith("demo data added:")
    kinds = {k: await Client.filter(kind=k).count() for k in ClientKind}
    assert kinds[ClientKind.EMPLOYEE] >= 2 and kinds[ClientKind.PERSON] >= 3
    assert kinds[ClientKind.ORGANISATION] >= 1
    org = await Client.get(kind=ClientKind.ORGANISATION)
    assert validate_inn(org.inn) and validate_ogrn(org.ogrn)
    assert await Client.filter(kind=ClientKind.EMPLOYEE, department_id=None).count() == 0
    assert await Representative.exists(client_id=org.id)
    # Every client has contacts, a channel preference and a history timeline.
    for client in await Client.all():
        assert await ContactPoint.exists(client_id=client.id)
        assert await ChannelPreference.exists(client_id=client.id)
        assert await InteractionEvent.filter(client_id=client.id, kind="client_created").exists()
    assert await ClientTag.filter(kind="segment").exists()
    assert await ClientTag.filter(kind="life_situation").exists()
    assert await demo_client_id() is not None
    # R-4.x: points with accessibility, officials and schedules whose slots are open.
    assert await ReceptionPoint.filter(active=True).count() == 2
    assert await ReceptionSlot.filter(status="open").exists()


async def test_seed_twice_adds_nothing(settings):
    await seed_demo()
    before = await _counts()
    assert await seed_demo() == "demo data already present: nothing added"
    assert await _counts() == before


async def test_seed_completes_an_interrupted_run(settings):
    await seed_demo()
    full = await _counts()
    maria = await Client.get(id=await demo_client_id())
    await ChannelPreference.filter(client_id=maria.id).delete()
    await ContactPoint.filter(client_id=maria.id).delete()
    summary = await seed_demo()
    assert "contacts" in summary and "preferences" in summary and "persons" not in summary
    after = await _counts()
    assert {k: v for k, v in after.items() if k != "InteractionEvent"} == {
        k: v for k, v in full.items() if k != "InteractionEvent"}
