"""The messages list is read in plain SQL (``queries.page_statement``, issue 14); these tests
hold it to the rules it restates: the visibility rule of ``access.visibility`` for every role,
and the values Tortoise gives for every column, on both databases."""

from __future__ import annotations

from typing import Any

import pytest

from domain.actor import Actor, Role
from domain.directory.models import StaffMember
from domain.enums import Channel
from domain.messages import access, queries, service
from domain.messages.intake import IntakeData
from domain.messages.models import Message
from tests.domain.messages.messages_world import OPERATOR, World


async def _messages(world: World) -> list[Any]:
    ids = []
    for i in range(4):
        message = await service.receive(OPERATOR, IntakeData(
            client_id=world.client.id, channel=Channel.EMAIL, subject=f"Тема {i}",
            body=f"Прошу отремонтировать подъезд номер {i} по улице Гончарова."))
        if i % 2:
            await service.register(OPERATOR, message.id)
        ids.append(message.id)
    # Handlers set directly: the test is about who reads what, not the workflow.
    await Message.filter(id=ids[0]).update(executor="exec-1")
    await Message.filter(id=ids[1]).update(department_id=world.department.id)
    await Message.filter(id=ids[2]).update(executor="exec-2",
                                           department_id=world.other_department.id)
    return ids


def _actors(world: Any) -> list[Actor]:
    """Every role, and within roles every case the rule tells apart."""
    client = str(world.client.id)
    actors = [Actor(role, f"{role}-1") for role in Role]
    actors += [Actor(Role.EXECUTOR, "exec-1"), Actor(Role.EXECUTOR, "exec-2"),
               Actor(Role.EXECUTOR, "exec-gone"),
               Actor(Role.CLIENT, "citizen-1", client_id=client),
               Actor(Role.EMPLOYEE, "employee-1", client_id=str(world.employee.id))]
    return actors


async def test_sql_visibility_is_the_visibility_rule_for_every_role(world: World) -> None:
    """R-2.1, issue 14: for every role (the ``Role`` enum is walked, so a new role is
    covered), the plain-SQL list shows exactly the messages ``access.visibility`` admits."""
    await _messages(world)
    # Someone who left the department: their token alone no longer opens its messages.
    await StaffMember.create(subject="exec-gone", full_name="Уволенный Сотрудник",
                             department=world.department, active=False)
    seen_some = set()
    for actor in _actors(world):
        condition = await access.visibility(actor)
        query = Message.all() if condition is None else Message.filter(condition)
        expected = {str(i) for i in await query.values_list("id", flat=True)}
        rows, more = await queries.page(actor, queries.MessageFilter(), 100, None)
        assert {str(r["id"]) for r in rows} == expected, actor
        assert not more
        seen_some.add(len(expected))
    assert {0, 1, 2, 4} <= seen_some  # the cases differ: nobody, one, two, all


@pytest.mark.parametrize("first", [1, 3, 10])
async def test_rows_have_the_values_tortoise_gives(first: int, world: World) -> None:
    """Issue 14: the plain-SQL page's rows equal Tortoise's ``.values()`` of the same messages,
    type for type (enums, JSON, UUIDs, dates, moments), so every resolver reads what it
    read before."""
    await _messages(world)
    rows, more = await queries.page(OPERATOR, queries.MessageFilter(), first, None)
    expected = await Message.all().order_by("-received_at", "-id").limit(first).values(
        *queries.MESSAGE_COLUMNS)
    assert rows == expected
    assert [{k: type(v) for k, v in r.items()} for r in rows] == \
        [{k: type(v) for k, v in r.items()} for r in expected]
    assert more == (first < 4)
