"""clients(first, after, search, kind, segment): what each kind of search finds, and paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.clients.models import Client, ClientKind

QUERY = """query($s: String, $kind: ClientKind, $segment: ClientSegment, $first: Int,
                 $after: String) {
  clients(search: $s, kind: $kind, segment: $segment, first: $first, after: $after) {
    edges { cursor node { id displayName } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _found(gql, **variables) -> list[str]:
    body = await gql(QUERY, variables)
    return [e["node"]["displayName"] for e in body["data"]["clients"]["edges"]]


@pytest.mark.parametrize("text", ["смирнова", "СМИРН", "Анна Смирнова", "сергеевна анна",
                                  "  смирнова   анна  "])
async def test_name_fragment_any_case_any_order(world, gql, text):
    assert await _found(gql, s=text) == ["Смирнова Анна Сергеевна"]


async def test_yo_and_ye_are_the_same_letter(world, gql, api):
    await api.mutate("createClient", {"kind": "PERSON", "lastName": "Семёнов", "firstName": "Пётр"})
    assert await _found(gql, s="семенов") == ["Семёнов Пётр"]
    assert await _found(gql, s="СЕМЁНОВ ПЁТР") == ["Семёнов Пётр"]


async def test_organisation_name_and_like_wildcards(world, gql):
    assert await _found(gql, s="ромашк") == ["ООО «Ромашка»"]
    for wildcard in ("%", "_", "%%", "\\"):
        assert await _found(gql, s=wildcard) == [], wildcard


@pytest.mark.parametrize("text", ["anna.smirnova@example.com", "ANNA.Smirnova@Example.COM",
                                  " anna.smirnova@example.com "])
async def test_email_any_case(world, gql, text):
    assert await _found(gql, s=text) == ["Смирнова Анна Сергеевна"]


@pytest.mark.parametrize("text", ["8 (912) 345-67-89", "+7 912 3456789", "89123456789",
                                  "+79123456789", "8-912-345-67-89", "9123456789"])
async def test_phone_any_common_spelling(world, gql, text):
    assert await _found(gql, s=text) == ["Смирнова Анна Сергеевна"]


async def test_inn_exact(world, gql):
    assert await _found(gql, s="7707083893") == ["ООО «Ромашка»"]
    assert await _found(gql, s="500100732259") == ["Смирнова Анна Сергеевна"]
    assert await _found(gql, s="770708389") == []  # a fragment is not an INN


async def test_kind_and_segment_filters(world, gql):
    assert await _found(gql, kind="ORGANISATION") == ["ООО «Ромашка»"]
    assert await _found(gql, kind="EMPLOYEE") == ["Петров Пётр"]
    assert set(await _found(gql, kind="PERSON")) == {"Смирнова Анна Сергеевна", "Кузнецов Борис"}
    assert await _found(gql, segment="PENSIONER") == ["Смирнова Анна Сергеевна"]
    assert await _found(gql, segment="PENSIONER", kind="ORGANISATION") == []
    assert await _found(gql, segment="LARGE_FAMILY") == []
    assert await _found(gql, segment="PENSIONER", s="кузнецов") == []


@pytest.mark.parametrize("segment", ["pensioner", "VIP"])
async def test_segment_outside_the_enum_is_refused_by_the_schema(world, gql, segment):
    """The segment filter is the same enum as `Client.segments`: anything else never reaches
    the resolver."""
    body = await gql(QUERY, {"segment": segment}, expect_errors=True)
    assert body["data"] is None and "ClientSegment" in body["errors"][0]["message"]


@pytest.mark.parametrize("variables, field", [
    ({"s": "смир\x00нова"}, "search"),
    ({"s": "я" * 50_000}, "search"),  # the longest text the request limits let through
    ({"after": "not-a-cursor"}, "after"),
    ({"after": "MjAyNi0wMS0wMXxub3QtYS11dWlk"}, "after"),  # base64 of "2026-01-01|not-a-uuid"
])
async def test_bad_arguments_are_bad_user_input(world, gql, variables, field):
    """Query arguments are not payloads: a top-level BAD_USER_INPUT error naming the field."""
    body = await gql(QUERY, variables, expect_errors=True)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert error["message"]


async def _many(n: int, same_time: bool) -> set[str]:
    """n person clients; with ``same_time`` all share one created_at, so the page key's
    tie-breaker (the id) alone keeps pages apart."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [Client(kind=ClientKind.PERSON, last_name=f"Тестов{i}", search_name=f"тестов{i}",
                   created_at=base if same_time else base + timedelta(seconds=i))
            for i in range(n)]
    await Client.bulk_create(rows)
    # auto_now_add may overwrite created_at on insert; set it explicitly afterwards.
    for row in rows:
        await Client.filter(id=row.id).update(
            created_at=base if same_time else base + timedelta(seconds=rows.index(row)))
    return {r.last_name for r in rows}


async def _walk(gql, page: int, **variables) -> list[str]:
    names, after, pages = [], None, 0
    while True:
        body = await gql(QUERY, {**variables, "first": page, "after": after})
        conn = body["data"]["clients"]
        assert len(conn["edges"]) <= page
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        names += [e["node"]["displayName"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            return names
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        after = conn["pageInfo"]["endCursor"]
        assert pages < 100


@pytest.mark.parametrize("same_time", [False, True], ids=["distinct-times", "same-time"])
async def test_cursor_pagination_has_no_duplicates_or_gaps(world, gql, same_time):
    expected = await _many(23, same_time)
    names = await _walk(gql, 4, s="тестов")
    assert len(names) == len(set(names)) == 23
    assert set(names) == expected
    everyone = await _walk(gql, 5)
    assert len(everyone) == len(set(everyone)) == 27  # 23 + the world's 4
    assert await _walk(gql, 3, kind="EMPLOYEE") == ["Петров Пётр"]


async def test_newest_first(world, gql):
    await _many(5, same_time=False)
    assert await _found(gql, s="тестов") == [f"Тестов{i}" for i in range(4, -1, -1)]


async def test_first_outside_1_to_100_is_bad_user_input_on_that_field_only(world, gql):
    await _many(104, same_time=False)
    body = await gql(QUERY, {"first": 100})
    conn = body["data"]["clients"]
    assert len(conn["edges"]) == 100 and conn["pageInfo"]["hasNextPage"] is True
    both = """query($first: Int) { clients(first: $first) { edges { node { id } } }
      me { id } }"""
    for first in (0, 101, 1000, -1):
        body = await gql(both, {"first": first}, expect_errors=True)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", first
        assert error["path"] == ["clients"]
        assert body["data"] == {"clients": None, "me": None}  # `me` answered (null for staff)


async def test_name_search_index_on_postgres(world, gql):
    """On PostgreSQL a trigram index serves `search` by a name fragment (migration 0009)."""
    from tortoise import Tortoise

    from domain import db

    if not db.is_postgres():
        pytest.skip("SQLite scans the name column")
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'client_search_name_trgm'")
    assert rows and "gin_trgm_ops" in rows[0]["indexdef"]
