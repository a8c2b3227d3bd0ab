"""The directory's rules, writes and reads against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import ast
import math
import uuid
from pathlib import Path

import pytest

from domain.clients.models import Channel
from domain.directory import queries, rules, service
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.messages import handling
from domain.messages import service as messages
from domain.messages.intake import IntakeData
from tests.domain.messages.messages_world import ADMIN, OPERATOR, World

ROOT = Path(__file__).resolve().parents[3]


def test_directory_imports_no_area_above_it():
    """Directory is a lower area: messages (and later areas) read it, it never reads them."""
    for path in sorted((ROOT / "domain" / "directory").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("domain.messages", "api", "jobs")), (path, name)


@pytest.mark.parametrize(("fn", "value", "code"), [
    (rules.sphere_code, "Bad Code", ErrorCode.INVALID),
    (rules.sphere_code, "x", ErrorCode.INVALID),
    (rules.keyword_term, "!!", ErrorCode.INVALID),
    (rules.keyword_term, "раз два три четыре пять шесть семь", ErrorCode.INVALID),
    (rules.keyword_weight, math.nan, ErrorCode.INVALID),
    (rules.keyword_weight, 10.5, ErrorCode.INVALID),
    (rules.website, "ftp://x", ErrorCode.INVALID),
])
def test_rules_refuse_bad_values(fn, value, code):
    with pytest.raises(DomainError) as caught:
        fn(value)
    assert caught.value.code == code


def test_rules_clean_good_values():
    assert rules.keyword_term("  детский   сад ") == "детский сад"
    assert rules.keyword_weight(None) == 1.0 and rules.keyword_weight(2.34567) == 2.346
    assert rules.sphere_code("culture_sport") == "culture_sport"


async def test_agency_in_use_cannot_be_deleted(world: World):
    """R-2.6: an agency a message was redirected to stays (deactivate it instead); the
    database's RESTRICT key says so, without the directory reading messages."""
    m = await messages.receive(OPERATOR, IntakeData(
        client_id=world.client.id, channel=Channel.EMAIL, body="Прошу пересчитать пенсию.",
        contact_id=world.email.id))
    await messages.register(OPERATOR, m.id)
    await handling.redirect(OPERATOR, m.id, world.agency.id, "Пенсии — Социальный фонд.")
    with pytest.raises(DomainError) as caught:
        await service.delete_agency(ADMIN, world.agency.id)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID_STATE, "agencyId")
    assert (await queries.agencies_by_ids([world.agency.id]))[0]["name"] == world.agency.name
    await service.update_agency(ADMIN, world.agency.id, service.AgencyData(active=False))
    spare = await service.create_agency(ADMIN, service.AgencyData(name="Росреестр",
                                                                  competence="Недвижимость"))
    assert await service.delete_agency(ADMIN, spare.id) == spare.id


async def test_unknown_and_malformed_ids_are_not_found(world: World):
    for bad in ("nope", str(uuid.uuid4()), "", None):
        with pytest.raises(DomainError) as caught:
            await service.update_sphere(ADMIN, bad, service.SphereData(name="Х"))
        assert (caught.value.code, caught.value.field) == (ErrorCode.NOT_FOUND, "sphereId")
    for bad in ("nope", "0", "-3", "99999999999999999999999", 12345):
        with pytest.raises(DomainError) as caught:
            await service.remove_keyword(ADMIN, bad)
        assert caught.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(ValidationFailed) as failed:
        await service.upsert_staff_member(ADMIN, "s-1", "Иванов", department_id="nope")
    assert failed.value.errors[0].field == "departmentId"
    with pytest.raises(DomainError) as caught:
        await service.save_department(ADMIN, "Отдел", department_id=uuid.uuid4())
    assert (caught.value.code, caught.value.field) == (ErrorCode.NOT_FOUND, "departmentId")


async def test_only_admins_write(world: World):
    with pytest.raises(DomainError) as caught:
        await service.save_department(OPERATOR, "Отдел")
    assert caught.value.code == ErrorCode.FORBIDDEN


async def test_agency_pages_by_name(world: World):
    for name in ("Б-ведомство", "А-ведомство", "В-ведомство"):
        await service.create_agency(ADMIN, service.AgencyData(name=name, competence="x"))
    rows, more = await queries.agencies_page(2, None, search="ведомство")
    assert [r["name"] for r in rows] == ["А-ведомство", "Б-ведомство"] and more
    from domain.pagination import encode_name_cursor

    after = encode_name_cursor(rows[-1]["name"], rows[-1]["id"])
    rows, more = await queries.agencies_page(2, after, search="ведомство")
    assert [r["name"] for r in rows] == ["В-ведомство"] and not more
    for bad in ("garbage", encode_name_cursor("x", "not-a-uuid")):
        with pytest.raises(DomainError) as caught:
            await queries.agencies_page(2, bad)
        assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "after")


async def test_staff_reads(world: World):
    """Who works where: the executor's department decides what they see; heads get
    escalations."""
    assert await queries.department_of("exec-1") == world.department.id
    assert await queries.department_of("nobody") is None
    heads = await queries.heads_by_department([world.department.id, world.other_department.id])
    assert heads == {str(world.department.id): ["head-1"]}
    staff = await queries.active_subjects_by_department([world.department.id, "nope"])
    assert staff == {str(world.department.id): frozenset({"exec-1", "head-1"})}
    assert await queries.staff_name("exec-1") == "Петров Пётр Петрович"
    rows, more = await queries.staff_page(10, None, world.other_department.id)
    assert [r["subject"] for r in rows] == ["exec-2"] and not more
    assert "housing" in await queries.dictionaries()
