"""Fixtures for the clients API tests: a small world of clients, and a DB snapshot to prove
that a refused mutation wrote nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from api.relay import encode_id
from domain.actor import Actor, Role
from domain.clients import service
from domain.clients.models import (
    AuthorityBasis,
    ChannelPreference,
    Client,
    ClientKind,
    ClientTag,
    ContactKind,
    ContactPoint,
    Representative,
)
from domain.directory.models import Department
from domain.enums import Channel
from domain.history.models import InteractionEvent

SETUP = Actor(role=Role.ADMIN, subject="test-setup")


@dataclass
class Person:
    id: str
    gid: str
    contacts: dict[str, str] = field(default_factory=dict)  # name -> ContactPoint global ID
    contact_ids: dict[str, str] = field(default_factory=dict)  # name -> UUID


@dataclass
class World:
    department_gid: str
    anna: Person
    boris: Person
    org: Person
    employee: Person
    representative_gid: str  # Boris acts for Anna


async def _client(data: service.ClientData) -> Person:
    obj = await service.create_client(SETUP, data)
    return Person(id=str(obj.id), gid=encode_id("Client", obj.id))


async def _contact(person: Person, name: str, kind: ContactKind, value: str) -> None:
    obj = await service.add_contact(SETUP, person.id, kind, value)
    person.contacts[name] = encode_id("ContactPoint", obj.id)
    person.contact_ids[name] = str(obj.id)


async def build_world() -> World:
    dep = await Department.create(name="Отдел информатизации")
    anna = await _client(service.ClientData(
        kind=ClientKind.PERSON, last_name="Смирнова", first_name="Анна", middle_name="Сергеевна",
        inn="500100732259"))
    await _contact(anna, "email", ContactKind.EMAIL, "anna.smirnova@example.com")
    await _contact(anna, "phone", ContactKind.PHONE, "8 (912) 345-67-89")
    await _contact(anna, "post", ContactKind.POSTAL, "432017, Ульяновск, ул. Гончарова, 1")
    await service.set_channel_preference(
        SETUP, anna.id, Channel.EMAIL, anna.contact_ids["email"], Channel.SMS,
        anna.contact_ids["phone"], Channel.WEB)
    await service.set_profile_tags(SETUP, anna.id, ["pensioner"], ["moving"])
    boris = await _client(service.ClientData(
        kind=ClientKind.PERSON, last_name="Кузнецов", first_name="Борис"))
    await _contact(boris, "email", ContactKind.EMAIL, "boris@example.com")
    await _contact(boris, "phone", ContactKind.PHONE, "+7 917 000 11 22")
    await service.set_channel_preference(
        SETUP, boris.id, Channel.PHONE, boris.contact_ids["phone"])
    org = await _client(service.ClientData(
        kind=ClientKind.ORGANISATION, organisation_name="ООО «Ромашка»", inn="7707083893",
        ogrn="1027700132195"))
    employee = await _client(service.ClientData(
        kind=ClientKind.EMPLOYEE, last_name="Петров", first_name="Пётр", department_id=dep.id,
        position="Инженер"))
    link = await service.add_representative(
        SETUP, anna.id, boris.id, AuthorityBasis.POWER_OF_ATTORNEY, "Доверенность 73 АА 123456")
    return World(
        department_gid=encode_id("Department", dep.id), anna=anna, boris=boris, org=org,
        employee=employee, representative_gid=encode_id("Representative", link.id),
    )


@pytest.fixture
async def world(settings) -> World:
    return await build_world()


SNAPSHOT_MODELS = (Client, ContactPoint, ChannelPreference, ClientTag, Representative,
                   InteractionEvent, Department)


async def snapshot() -> dict[str, list[Any]]:
    """Every row of every table a client mutation may touch (history included)."""
    out: dict[str, list[Any]] = {}
    for model in SNAPSHOT_MODELS:
        rows = await model.all().values()
        out[model.__name__] = sorted(
            tuple(sorted((k, repr(v)) for k, v in row.items())) for row in rows)
    return out


async def history_kinds(client_id: str) -> list[str]:
    """Event kinds of one client's timeline, oldest first."""
    return [r["kind"] for r in await InteractionEvent.filter(client_id=client_id)
            .order_by("id").values("kind")]


@pytest.fixture
def snap():
    """``await snap()``: the rows a client mutation may touch, for before/after comparison."""
    return snapshot


@pytest.fixture
def kinds_of():
    """``await kinds_of(client_id)``: that client's history event kinds, oldest first."""
    return history_kinds


_PAYLOAD = {
    "createClient": "client { id kind displayName inn ogrn position department { name } }",
    "updateClient": "client { id displayName lastName firstName inn }",
    "addContactPoint": "contact { id kind value label verified primary }",
    "verifyContactPoint": "contact { id verified primary }",
    "removeContactPoint": "removedId",
    "setChannelPreference": "preference { preferredChannel additionalChannel chosenVia "
                            "preferredContact { id } additionalContact { id } }",
    "setProfileTags": "client { id segments lifeSituations }",
    "addRepresentative": "representative { id basis document validUntil representativeName }",
    "removeRepresentative": "removedId",
}
MUTATION_NAMES = tuple(_PAYLOAD)


def mutation_document(name: str) -> str:
    input_type = name[0].upper() + name[1:] + "Input"
    if name == "verifyContactPoint":
        input_type = "VerifyContactPointInput"
    return (f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {_PAYLOAD[name]} "
            "errors { code field message } } }")


class ClientApi:
    """Client mutations over real HTTP, returning the payload."""

    def __init__(self, gql) -> None:
        self.gql = gql

    async def mutate(self, name: str, input: dict[str, Any], *, as_: str = "admin",
                     subject: str | None = None) -> dict[str, Any]:
        body = await self.gql(mutation_document(name), {"input": input}, as_=as_, subject=subject)
        return body["data"][name]

    @staticmethod
    def document(name: str) -> str:
        return mutation_document(name)

    async def post(self, name: str, input: dict[str, Any], authorization: str):
        """The raw HTTP response, for tokens the ``gql`` helper would not mint."""
        return await self.gql.http.post(
            "/graphql", json={"query": mutation_document(name), "variables": {"input": input}},
            headers={"Authorization": authorization, "X-Client-App": "tests"})


@pytest.fixture
def api(gql) -> ClientApi:
    return ClientApi(gql)
