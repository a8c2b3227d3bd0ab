"""Bad input never reaches an internal error (issue 15, "Production mode"): every DateTime
argument and input field of the schema — found by walking it, so the next one is covered
without anyone remembering it — refuses moments near the calendar's ends as BAD_USER_INPUT,
and ``node`` answers null for a global ID naming any type of the schema that is not a Node.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
)

from api.relay import encode_id
from api.schema import build_schema
from domain.settings import Settings

SCHEMA = build_schema(Settings(_env_file=None))._schema
EXTREMES = ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00+00:00", "1899-12-31T23:59:59+00:00",
            "3000-01-01T00:00:00+00:00", "9999-12-31T23:59:59-14:00", "9999-12-31T23:59:59+00:00"]
FINE = "2026-11-02T09:00:00+04:00"
# A plausible value per scalar, for the arguments a call needs besides the one under test.
SCALARS = {"String": "x", "ID": "eA==", "Int": 1, "Float": 1.0, "Boolean": False,
           "Date": "2026-11-02", "DateTime": FINE}


def _datetime_paths(type_: GraphQLInputType, seen: tuple[str, ...] = ()) -> Iterator[tuple]:
    named = get_named_type(type_)
    if named.name == "DateTime":
        yield ()
    elif isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        for name, field in named.fields.items():
            for path in _datetime_paths(field.type, (*seen, named.name)):
                yield (name, *path)


def _locations() -> list[tuple[str, str, str, tuple]]:
    """(type, field, argument, path inside the argument) of every DateTime input."""
    found = []
    for type_name, type_ in sorted(SCHEMA.type_map.items()):
        if isinstance(type_, GraphQLObjectType) and not type_name.startswith("__"):
            for field_name, field in type_.fields.items():
                for arg_name, arg in field.args.items():
                    found += [(type_name, field_name, arg_name, path)
                              for path in _datetime_paths(arg.type)]
    return found


def _literal(value: object) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, _Enum):
        return value.name
    return json.dumps(value)


class _Enum:
    """Written bare: an enum value, or a variable such as ``$when``."""

    def __init__(self, name: str) -> None:
        self.name = name


def _minimal(type_: GraphQLInputType) -> object:
    """A value of the type with only its required parts filled."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLEnumType):
        return _Enum(next(iter(type_.values)))
    if isinstance(type_, GraphQLInputObjectType):
        return {name: _minimal(f.type) for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull) and f.default_value is ...}
    return SCALARS.get(type_.name, "x")


def _arguments(type_name: str, field_name: str, arg_name: str, path: tuple, value: object) -> str:
    field = SCHEMA.type_map[type_name].fields[field_name]
    args = {name: _minimal(a.type) for name, a in field.args.items()
            if isinstance(a.type, GraphQLNonNull) and name != arg_name}
    if "first" in field.args:
        args["first"] = 1
    target = _minimal(field.args[arg_name].type)
    if path:
        node, arg_type = target, get_named_type(field.args[arg_name].type)
        for step in path[:-1]:
            arg_type = get_named_type(arg_type.fields[step].type)
            node = node.setdefault(step, _minimal(arg_type))
        node[path[-1]] = value
    else:
        target = value
    args[arg_name] = target
    selection = "" if not isinstance(get_named_type(field.type), GraphQLObjectType) else (
        " { __typename }")
    return f"{field_name}({', '.join(f'{k}: {_literal(v)}' for k, v in args.items())}){selection}"


LOCATIONS = _locations()


def test_the_walk_finds_the_known_datetime_inputs():
    known = {(t, f) for t, f, _, _ in LOCATIONS}
    assert {("Query", "deliveries"), ("Query", "deadlinePreview"), ("Client", "history"),
            ("Mutation", "receiveMessage")} <= known


def _refused(body: dict) -> bool:
    """Refused as the client's mistake: no data for the field and only coded or validation
    errors (no internal error, nothing masked)."""
    errors = body.get("errors") or []
    if not errors:
        return False
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if error.get("path") and code != "BAD_USER_INPUT":
            return False
        if "unexpected" in error["message"].lower() or "unknown error" in error["message"]:
            return False
    return True


@pytest.mark.parametrize(("type_name", "field_name", "arg_name", "path"), LOCATIONS,
                         ids=[f"{t}.{f}({a}{'.' if p else ''}{'.'.join(p)})"
                              for t, f, a, p in LOCATIONS])
async def test_every_datetime_input_refuses_the_calendars_ends(
        gql, type_name, field_name, arg_name, path):
    """A moment near year 1 or 9999 is BAD_USER_INPUT wherever a DateTime is taken, written
    inline or passed as a variable; a normal moment in the same place is no error of its kind."""
    client_id = None
    if type_name not in ("Query", "Mutation"):
        created = await gql('mutation { createClient(input: {kind: PERSON, lastName: "Орлова"}) '
                            "{ client { id } } }")
        client_id = created["data"]["createClient"]["client"]["id"]
        assert type_name == "Client", "extend the walk: reach this type through node(id:)"
    operation = "mutation" if type_name == "Mutation" else "query"

    def document(value: object) -> str:
        call = _arguments(type_name, field_name, arg_name, path, value)
        if client_id:
            call = f'node(id: "{client_id}") {{ ... on Client {{ {call} }} }}'
        return f"{operation}($when: DateTime!) {{ {call} }}"

    for value in EXTREMES:
        inline = document(value).replace("($when: DateTime!)", "")
        body = await gql(inline, expect_errors=True)
        assert _refused(body), (value, body)
        body = await gql(document(_Enum("$when")), {"when": value}, expect_errors=True)
        assert _refused(body), (value, body)
    body = await gql(document(_Enum("$when")), {"when": FINE}, expect_errors=True)
    assert not any("DateTime" in e["message"] for e in body.get("errors", [])), body


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def test_node_of_every_type_that_is_not_a_node_is_null(gql):
    """``node`` on an interface, an input, a scalar, an enum or a root type: null, no error."""
    for name in sorted(SCHEMA.type_map):
        for gid in (_b64(f"{name}:1"), encode_id(name, "00000000-0000-0000-0000-000000000000")):
            body = await gql("query($id: ID!) { node(id: $id) { __typename } }", {"id": gid},
                             expect_errors=True)
            assert body == {"data": {"node": None}}, (name, body)
