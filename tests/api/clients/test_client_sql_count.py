"""DataLoaders keep a client list's SQL constant in its length (DESIGN: IDs and lists)."""

from __future__ import annotations

from domain.actor import Actor, Role
from domain.clients import service
from domain.clients.models import AuthorityBasis, ClientKind, ContactKind
from domain.directory.models import Department
from domain.enums import Channel
from tests.conftest import count_queries

LIST = """query($first: Int) { clients(first: $first) { edges { node {
  contacts { id }
  preference { preferredChannel preferredContact { id } }
  segments
  representatives { representativeName }
  department { name }
} } } }"""

STAFF = Actor(role=Role.ADMIN, subject="sql-count")


async def _fill(n: int) -> None:
    """n clients, each with every relation the list query reads filled in."""
    dep = await Department.create(name="Отдел учёта")
    previous = None
    for i in range(n):
        kind = ClientKind.EMPLOYEE if i % 2 else ClientKind.PERSON
        client = await service.create_client(STAFF, service.ClientData(
            kind=kind, last_name=f"Счётов{i}", department_id=dep.id if i % 2 else service.UNSET))
        email = await service.add_contact(STAFF, client.id, ContactKind.EMAIL, f"c{i}@example.com")
        await service.add_contact(STAFF, client.id, ContactKind.PHONE, f"+7 912 000 {i:04d}")
        await service.set_channel_preference(STAFF, client.id, Channel.EMAIL, email.id)
        await service.set_profile_tags(STAFF, client.id, ["pensioner"], None)
        if previous is not None:
            await service.add_representative(STAFF, client.id, previous,
                                             AuthorityBasis.POWER_OF_ATTORNEY)
        previous = client.id


async def test_client_list_sql_is_constant_in_page_size(settings, gql):
    await _fill(40)
    with count_queries() as small:
        body = await gql(LIST, {"first": 4})
    assert len(body["data"]["clients"]["edges"]) == 4
    with count_queries() as large:
        body = await gql(LIST, {"first": 40})
    nodes = [e["node"] for e in body["data"]["clients"]["edges"]]
    assert len(nodes) == 40
    assert all(n["contacts"] and n["preference"]["preferredContact"] and n["segments"]
               for n in nodes)
    assert sum(1 for n in nodes if n["representatives"]) == 39
    assert sum(1 for n in nodes if n["department"]) == 20
    assert large.count == small.count, [s for s, _ in large.statements]
    # page, contacts, preferences, tags, representatives, their names, departments
    assert large.count <= 7, [s for s, _ in large.statements]
