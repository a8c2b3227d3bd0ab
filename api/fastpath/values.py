"""Values for the fast path: arguments, page sizes, IDs and the schema's own serializers."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from binascii import b2a_base64
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from graphql import (
    BooleanValueNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLScalarType,
    IntValueNode,
    NullValueNode,
    StringValueNode,
)
from strawberry import Schema
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from api.access import ANONYMOUS
from api.relay import DEFAULT_PAGE, decode_id
from api.scalars import serialize_datetime
from domain.clients.access import own_client_id
from domain.errors import DomainError
from domain.ids import as_uuid
from domain.pagination import decode_cursor

Row = Any  # an asyncpg Record (positional) or a strawberry object
Build = Callable[[Row, list[Any]], Any]  # (row, the request's parameters) -> JSON value
Param = Callable[[dict[str, Any], Any], Any]  # (variables, actor) -> parameter
Part = Callable[[list[Row], bool, list[Any]], Any]  # (page rows, has next, parameters) -> JSON


class RootPlan:
    """One root field: its parameters, how its row is fetched and how it becomes JSON."""

    def __init__(self, key: str, params: list[Param],
                 fetch: Callable[[Any, list[Any], Any], Awaitable[Row]], build: Build) -> None:
        self.key, self.params, self.fetch, self.build = key, params, fetch, build


class Fallback(Exception):
    """Not for the fast path: the stock executor answers."""


def literal(value: Any) -> Any:
    if isinstance(value, IntValueNode):
        return int(value.value)
    if isinstance(value, BooleanValueNode | StringValueNode):
        return value.value
    if isinstance(value, NullValueNode):
        return None
    raise Fallback


def page_limit_of(first: Any, cap: int) -> int:
    if first is None:
        return min(DEFAULT_PAGE, cap) + 1
    if not isinstance(first, int) or isinstance(first, bool) or not 1 <= first <= cap:
        raise Fallback
    return first + 1


def cursor_part(after: Callable[[dict], Any], part: int) -> Param:
    def resolve(variables: dict[str, Any], actor: Any) -> Any:
        raw = after(variables)
        if not isinstance(raw, str):
            raise Fallback
        try:
            at, row_id = decode_cursor(raw)
            return at if part == 0 else int(row_id)
        except (DomainError, ValueError):
            raise Fallback from None

    return resolve


def decode_client(value: Any) -> Any:
    if not isinstance(value, str):
        raise Fallback
    try:
        parsed = as_uuid(decode_id(value, "Client", "id"))
    except DomainError:
        raise Fallback from None
    if parsed is None:
        raise Fallback
    return parsed


def own_client(variables: dict[str, Any], actor: Any) -> Any:
    own = own_client_id(actor) if actor is not None else None
    if own is None:
        raise Fallback
    return own


def constant(value: Any) -> Build:
    return lambda row, vals: value


def plain_fields(schema: Schema, type_name: str) -> dict[str, str]:
    """GraphQL name -> Python name of the type's fields without a resolver (columns); a
    field with a permission class or an extension is not plain (the stock path runs it)."""
    definition = schema.get_type_by_name(type_name)
    exposed = schema._schema.get_type(type_name).fields  # not strawberry.Private ones
    convert = schema.config.name_converter
    names = {convert.from_field(f): f.python_name for f in definition.fields
             if f.base_resolver is None and f.python_name != "id"
             and not f.permission_classes and not f.extensions}
    return {name: python for name, python in names.items() if name in exposed}


def converter(field_type: Any) -> Callable[[Any], Any]:
    """A column value as the schema's serializer writes it, in one call per value (the
    common shapes are spelled out: a card has ~150 of these); a value the stock executor
    would refuse (a null for a non-null field, a wrong type) falls back."""
    required = isinstance(field_type, GraphQLNonNull)
    named = field_type.of_type if required else field_type
    if isinstance(named, GraphQLEnumType):
        names: dict[Any, str] = {}

        def enum(value: Any) -> Any:
            found = names.get(value)
            if found is None:
                if value is None:
                    if required:
                        raise Fallback
                    return None
                found = names[value] = named.serialize(value)
            return found

        return enum
    if not isinstance(named, GraphQLScalarType):
        raise Fallback
    if named.name in EXACT:
        kind = EXACT[named.name]

        def exact(value: Any) -> Any:
            if type(value) is kind or (value is None and not required):
                return value
            raise Fallback

        return exact
    if named.name == "DateTime":
        def moment(value: Any) -> Any:
            # A UTC datetime (asyncpg's) is left to orjson: ``DUMPS`` writes it as
            # ``serialize_datetime`` does (offset +00:00, whole seconds), without a call.
            if type(value) is dt.datetime and value.tzinfo is dt.UTC:
                return value
            if value is None:
                if required:
                    raise Fallback
                return None
            return serialize_datetime(value)

        return moment
    if named.name not in ("Float", "Date"):
        raise Fallback
    inner = named.serialize

    def convert(value: Any) -> Any:
        if value is None:
            if required:
                raise Fallback
            return None
        return inner(value)

    return convert


def global_id(type_name: str) -> Callable[[Any], str]:
    """strawberry's ``to_base64(type_name, str(value))`` without its type checks."""
    prefix = f"{type_name}:"
    return lambda value: b2a_base64((prefix + str(value)).encode(), newline=False).decode()


EXACT: dict[str, type] = {"String": str, "Boolean": bool, "Int": int}
DUMPS = orjson.OPT_OMIT_MICROSECONDS  # the fast path's orjson options (see ``converter``)


async def fetch_rows(client: Any, sql: str, vals: list[Any]) -> list[Any]:
    """The rows of one statement, from the asyncpg pool itself. Tortoise's ``execute_query``
    adds a lock-guarded pool check, exception translation and an upper-cased copy of the
    statement per call; none of it matters here (any failure falls back). Its debug line is
    kept (``count_queries`` in the tests reads it). Only the plain client: a transaction's
    wrapper keeps Tortoise's way."""
    pool = client._pool if type(client) is AsyncpgDBClient else None
    if pool is None:
        return (await client.execute_query(sql, vals))[1]
    if client.log.isEnabledFor(logging.DEBUG):
        client.log.debug("%s: %s", sql, vals)
    gate = _TURNS.get(client)
    if gate is None:
        gate = _TURNS[client] = asyncio.Semaphore(client.pool_maxsize)
    async with gate, pool.acquire() as connection:
        return await connection.fetch(sql, *vals)


# Requests take the pool's connections in turn. asyncpg's pool hands a released connection to
# whoever asks next, and a request that just arrived asks before the woken waiter runs, so under
# load some requests wait ever longer: on the client card at 50 users (bench/client_card.py),
# p50 8 ms and p99 160-220 ms. asyncio's Semaphore (3.11.1+) queues newcomers behind the
# waiters: p50 18 ms and p99 28 ms at the same req/s (Little's law: 50 users / 2,700 req/s).
_TURNS: weakref.WeakKeyDictionary[Any, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def caller_of(actor: Any) -> str:
    return ANONYMOUS if actor is None else str(actor.role)
