"""The role × field matrix: every root field (Query, Mutation, Subscription) called by every
caller of ``api/access.py`` (anonymous, client, employee, operator, executor, supervisor,
admin), generated from the schema and the ``ROLES`` table (issue 8, "Refusals: one shape"
and "Authorization as one declared table").

- A caller the table does not allow gets exactly one error, on that field: UNAUTHENTICATED
  without a token, FORBIDDEN with one; ``data`` is not null and the root ``__typename`` next
  to the field still answers (a refusal nulls only its own field, so refusable root fields
  must be nullable).
- A caller the table allows is never refused (no UNAUTHENTICATED/FORBIDDEN, top-level or in
  the payload's ``errors``) and never meets an internal (uncoded) error; with dummy input,
  NOT_FOUND / INVALID_ID / BAD_USER_INPUT and the like are expected and fine.
- Subscriptions are tried over a real graphql-transport-ws websocket.
- ``ROLES`` names exactly the root fields of the schema.

Each document is built from the schema alone: required arguments get typed dummy values
(an ID is a forged global ID of a plausible type), objects select ``__typename`` (and a
payload its ``errors { code }``). A new root field is covered the moment it exists.

SQLite only: who may call a field is decided before any SQL runs, so the second database
would double the time and prove nothing more (internal errors with dummy input on
PostgreSQL are the Node walk's and the areas' own tests' business).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)

from api.access import ANONYMOUS, CALLERS, ROLES
from api.auth import mint_token
from api.relay import encode_id
from api.schema import build_schema
from domain.actor import Role
from domain.settings import Settings
from tests.support.live import PROTOCOL, live_servers

SCHEMA = build_schema(Settings(_env_file=None))._schema
ROOTS = {"Query": SCHEMA.query_type, "Mutation": SCHEMA.mutation_type,
         "Subscription": SCHEMA.subscription_type}
FIELDS = [f"{root}.{name}" for root, t in ROOTS.items() for name in t.fields]
OPERATION = {"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}
NODE_TYPES = sorted(
    (name for name, t in SCHEMA.type_map.items()
     if isinstance(t, GraphQLObjectType) and any(i.name == "Node" for i in t.interfaces)),
    key=len, reverse=True)  # longest first: "SurveyInvitation" before "Survey"
ALIASES = {"Agency": "ExternalAgency", "Contact": "ContactPoint", "Export": "HistoryExport",
           "Version": "SurveyVersion", "Invitation": "SurveyInvitation"}
REFUSALS = {"UNAUTHENTICATED", "FORBIDDEN"}
SCALARS: dict[str, Any] = {
    "String": "x", "Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-01-12",
    "DateTime": "2026-01-12T09:00:00+00:00", "JSON": {},
}


# -- documents from the schema -------------------------------------------------------------


def _camel_parts(name: str) -> str:
    return name[:1].upper() + name[1:]


def plausible_type(hint: str, context: str) -> str:
    """The Node type an ID argument most likely names: ``clientId`` → Client, ``id`` of
    ``retryDelivery`` → Delivery, ``agencyId`` → ExternalAgency; Client when nothing fits."""
    base = re.sub(r"Ids?$", "", hint)
    for text in ([_camel_parts(base)] if base else []) + [_camel_parts(context)]:
        text = ALIASES.get(text, text)
        for name in NODE_TYPES:
            if name in text:
                return name
        for short, name in ALIASES.items():
            if short in text:
                return name
    return "Client"


def dummy(type_: Any, hint: str, context: str, own: str | None = None) -> Any:
    """A typed value for a required argument or input field; a Client ID is the caller's
    own record (``own``) when the caller is a client, else a forged one."""
    if isinstance(type_, GraphQLNonNull):
        return dummy(type_.of_type, hint, context, own)
    if isinstance(type_, GraphQLList):
        return [dummy(type_.of_type, hint, context, own)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {name: dummy(f.type, name, type_.name, own) for name, f in type_.fields.items()
                if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined}
    if type_.name == "ID":
        kind = plausible_type(hint, context)
        return encode_id(kind, own if kind == "Client" and own else uuid.uuid4())
    return SCALARS[type_.name]


def selection(type_: Any) -> str:
    named = get_named_type(type_)
    if isinstance(named, GraphQLObjectType):
        errors = named.fields.get("errors")
        if errors is not None and isinstance(get_named_type(errors.type), GraphQLObjectType) \
                and "code" in get_named_type(errors.type).fields:
            return " { __typename errors { code } }"
        return " { __typename }"
    if isinstance(named, (GraphQLInterfaceType, GraphQLUnionType)):
        return " { __typename }"
    return ""


def document(key: str, own: str | None = None) -> tuple[str, dict[str, Any]]:
    """A minimal valid operation calling one root field, next to the root ``__typename``
    (``own``: the caller's client record, for self-service callers)."""
    root, name = key.split(".")
    field: GraphQLField = ROOTS[root].fields[name]
    params, args, variables = [], [], {}
    for i, (arg_name, arg) in enumerate(field.args.items()):
        if not isinstance(arg.type, GraphQLNonNull) or arg.default_value is not Undefined:
            continue
        params.append(f"$a{i}: {arg.type}")
        args.append(f"{arg_name}: $a{i}")
        variables[f"a{i}"] = dummy(arg.type, arg_name, name, own)
    head = f"{OPERATION[root]}({', '.join(params)})" if params else OPERATION[root]
    call = f"{name}({', '.join(args)})" if args else name
    typename = "" if root == "Subscription" else "__typename "
    return f"{head} {{ {typename}{call}{selection(field.type)} }}", variables


# -- callers ---------------------------------------------------------------------------------


OWN = {Role.CLIENT: str(uuid.uuid4()), Role.EMPLOYEE: str(uuid.uuid4())}


def own_record(caller: str) -> str | None:
    """The client record a self-service caller's token names (None for staff, anonymous)."""
    return OWN.get(caller)  # type: ignore[call-overload]


def bearer(settings: Settings, caller: str) -> str | None:
    if caller == ANONYMOUS:
        return None
    own = own_record(caller)
    return "Bearer " + mint_token(settings, Role(caller), own or f"{caller}-1", own)


def allowed_text(key: str) -> str:
    return ", ".join(c for c in CALLERS if c in ROLES[key])


def expected_refusal(caller: str) -> str:
    return "UNAUTHENTICATED" if caller == ANONYMOUS else "FORBIDDEN"


def codes(body: dict[str, Any]) -> list[str]:
    return [(e.get("extensions") or {}).get("code") or "internal (uncoded)"
            for e in body.get("errors") or []]


def payload_codes(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [e.get("code") for e in value.get("errors") or [] if isinstance(e, dict)]
    return []


def judge(key: str, caller: str, body: dict[str, Any]) -> list[str]:
    """What is wrong with one answer (empty when it keeps the contract)."""
    name = key.split(".")[1]
    problems = []
    allowed = caller in ROLES[key]
    errors = body.get("errors") or []
    if not allowed:
        want = expected_refusal(caller)
        data = body.get("data")
        if [(e.get("path"), codes({"errors": [e]})[0]) for e in errors] != [([name], want)]:
            problems.append(f"expected one {want} error on {name}, got {codes(body)} "
                            f"{[e.get('message', '')[:60] for e in errors]}")
        if key.startswith("Subscription."):
            return problems
        if data is None:
            problems.append("data is null: the refusal nulled the whole response "
                            "(the field must be nullable)")
        elif data.get("__typename") != key.split(".")[0] or data.get(name) is not None:
            problems.append(f"data is {data}")
        return problems
    for error, code in zip(errors, codes(body), strict=True):
        if code in REFUSALS or code == "internal (uncoded)":
            problems.append(f"allowed but got {code}: {error.get('message', '')[:100]}")
    data = body.get("data") or {}
    for code in payload_codes(data.get(name)):
        if code in REFUSALS:
            problems.append(f"allowed but the payload says {code}")
    return problems


# -- the tests -------------------------------------------------------------------------------


def test_roles_table_names_exactly_the_root_fields():
    """No stale entry (every key is a root field), no root field without one (the schema
    build refuses those too)."""
    assert not set(ROLES) - set(FIELDS), f"stale ROLES entries: {sorted(set(ROLES) - set(FIELDS))}"
    assert not set(FIELDS) - set(ROLES), f"fields without ROLES: {sorted(set(FIELDS) - set(ROLES))}"
    unknown = {caller for roles in ROLES.values() for caller in roles} - set(CALLERS)
    assert not unknown, f"ROLES names callers that do not exist: {unknown}"


def test_every_document_is_valid():
    """The generator builds a valid operation for every root field."""
    from graphql import parse, validate

    invalid = {}
    for key in FIELDS:
        text, _ = document(key)
        errors = validate(SCHEMA, parse(text))
        if errors:
            invalid[key] = [e.message for e in errors]
    assert not invalid, invalid


sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@sqlite_only
@pytest.mark.parametrize("key", [k for k in FIELDS if not k.startswith("Subscription.")])
async def test_field_as_every_caller(http: httpx.AsyncClient, settings: Settings, key: str):
    """Each caller gets the table's answer: refused callers one coded error on this field
    only, allowed ones no refusal and no internal error."""
    failures = []
    for caller in CALLERS:
        text, variables = document(key, own_record(caller))
        headers = {"X-Client-App": "contract-tests"}
        auth = bearer(settings, caller)
        if auth:
            headers["Authorization"] = auth
        response = await http.post("/graphql", json={"query": text, "variables": variables},
                                   headers=headers)
        if response.status_code != 200:
            failures.append(f"{caller}: HTTP {response.status_code} {response.text[:100]}")
            continue
        failures += [f"{caller}: {p}" for p in judge(key, caller, response.json())]
    assert not failures, (f"{key} (allowed: {allowed_text(key)})\n  {text}\n  "
                          + "\n  ".join(failures))


async def _subscribe(port: int, auth: str | None, text: str, variables: dict[str, Any],
                     wait: float) -> dict[str, Any] | None:
    """The first answer to one subscription, or None when it is quietly running."""
    import websockets

    async with websockets.connect(f"ws://127.0.0.1:{port}/graphql",
                                  subprotocols=[PROTOCOL]) as ws:
        params = {"Authorization": auth} if auth else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": params}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": text, "variables": variables}}))
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), wait))
                if message["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                    continue
                break
        except TimeoutError:
            return None
        if message["type"] == "error":  # graphql-transport-ws: payload is the error list
            return {"errors": message["payload"]}
        if message["type"] == "next":
            return message["payload"]
        return {"complete": True}


@sqlite_only
async def test_subscriptions_as_every_caller(settings: Settings):
    """The same matrix over graphql-transport-ws: a refused caller's subscription ends with
    one coded error; an allowed caller's stays open (or ends without a refusal)."""
    keys = [k for k in FIELDS if k.startswith("Subscription.")]
    async with live_servers(settings) as [port]:
        jobs = {}
        for key in keys:
            for caller in CALLERS:
                text, variables = document(key, own_record(caller))
                wait = 0.3 if caller not in ROLES[key] else 1.0
                jobs[(key, caller)] = _subscribe(port, bearer(settings, caller), text,
                                                 variables, wait)
        answers = dict(zip(jobs, await asyncio.gather(*jobs.values()), strict=True))
    failures = []
    for (key, caller), body in answers.items():
        if body is None:
            if caller not in ROLES[key]:
                failures.append(f"{key} as {caller}: no refusal, the subscription runs")
            continue
        if body.get("complete"):
            if caller not in ROLES[key]:
                failures.append(f"{key} as {caller}: completed without a refusal")
            continue
        failures += [f"{key} as {caller}: {p}" for p in judge(key, caller, body)]
    assert not failures, "\n".join(failures)
