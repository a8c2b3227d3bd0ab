"""The executor fast path for hot reads (issue 14): compiled plans instead of graphql-core.

``FastPath.execute`` answers a POSTed query with the response bytes, or None when the
stock strawberry executor must answer. It only takes a document the stock path has already
parsed and validated (``api/limits.py`` DocumentCache: the size, depth, alias, token and
introspection rules passed), applies the same variable and cost limits, the ROLES table per
root field and the type's ``visible`` rule, then compiles the selection once per query text,
operation, caller role and shape variables (``@include``/``@skip`` conditions, whether
``after`` is given) into one SQL statement per root field (``plan.py``; rows for the
fields in ``mappings.py``). Everything else falls back: mutations, subscriptions, unknown
fields, arguments it does not know, errors of any kind, a null or invisible row, a bad ID
or cursor, SQLite. ``tests/api/fastpath`` proves the bytes equal the stock executor's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

import orjson
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    coerce_input_value,
)
from prometheus_client import Counter
from strawberry import Schema
from tortoise import Tortoise

from api.fastpath.plan import Compiler, operation_of, shape_variables
from api.fastpath.values import DUMPS, Fallback, RootPlan, caller_of
from api.limits import check_variables, cost_limit, query_cost
from api.observability import labelled, log, record_operation, root_field_label
from domain.settings import Settings

FAST_PATH_SERVED = Counter(
    "okno_graphql_fast_path_total",
    "GraphQL queries answered by the compiled fast path instead of the stock executor",
    ["root_field"],
)
_ABSENT = object()
_UNSUPPORTED = object()


def _is_id(v: Any) -> bool:
    return isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool))


VARIABLE_TYPES: dict[str, Callable[[Any], bool]] = {
    "ID": _is_id,
    "String": lambda v: isinstance(v, str),
    "Boolean": lambda v: isinstance(v, bool),
    "Int": lambda v: isinstance(v, int) and not isinstance(v, bool) and -2**31 <= v < 2**31,
}


def _coerces(input_type: GraphQLInputObjectType, value: Any) -> bool:
    try:
        coerce_input_value(value, input_type)
    except GraphQLError:
        return False
    return True


class Entry:
    """One (query text, operation name, caller role): the shapes compiled so far."""

    def __init__(self, schema: Schema, query: str, operation_name: str | None) -> None:
        found = schema.okno_documents.get(query)  # type: ignore[attr-defined]
        if found is None:  # not (yet) parsed and validated by the stock path
            raise Fallback
        self.document, self.operation_name = found[0], operation_name
        self.operation: OperationDefinitionNode = operation_of(self.document, operation_name)
        fragments = {d.name.value: d for d in self.document.definitions
                     if not isinstance(d, OperationDefinitionNode)}
        self.shape = shape_variables(self.operation, fragments)
        self.root = root_field_label(schema._schema, self.document, operation_name)
        self.checks = [self.check_of(schema._schema, d)
                       for d in self.operation.variable_definitions or ()]
        self.plans: dict[tuple[Any, ...], Any] = {}

    @staticmethod
    def check_of(schema: Any, definition: Any) -> tuple[str, bool, bool, Callable[[Any], bool]]:
        """What graphql-core's variable coercion would accept: the scalars used here, or an
        input object graphql-core itself coerces."""
        node, required = definition.type, isinstance(definition.type, NonNullTypeNode)
        if required:
            node = node.type
        if isinstance(node, ListTypeNode) or not isinstance(node, NamedTypeNode):
            raise Fallback
        named = schema.get_type(node.name.value)
        if node.name.value in VARIABLE_TYPES:
            check = VARIABLE_TYPES[node.name.value]
        elif isinstance(named, GraphQLInputObjectType):
            check = partial(_coerces, named)
        else:
            raise Fallback
        return (definition.variable.name.value, required, definition.default_value is not None,
                check)

    def accept(self, variables: dict[str, Any]) -> None:
        for name, required, has_default, check in self.checks:
            value = variables.get(name, _ABSENT)
            if value is _ABSENT:
                if required and not has_default:
                    raise Fallback
            elif value is None:
                if required:
                    raise Fallback
            elif not check(value):
                raise Fallback

    def shape_of(self, variables: dict[str, Any]) -> tuple[Any, ...]:
        shape = []
        for name in self.shape:
            value = variables.get(name, _ABSENT)
            # Only booleans (conditions) and an `after` given or not change the plan.
            shape.append(value if value is _ABSENT or value is None or isinstance(value, bool)
                         else True)
        return tuple(shape)


class Plan:
    def __init__(self, roots: list[tuple[str, RootPlan | None]], variable_pages: bool,
                 cost: int) -> None:
        self.roots, self.variable_pages, self.cost = roots, variable_pages, cost


class FastPath:
    def __init__(self, schema: Schema, settings: Settings, maxsize: int = 512) -> None:
        self.schema, self.settings, self.maxsize = schema, settings, maxsize
        self.entries: OrderedDict[tuple[str, str | None, str], Any] = OrderedDict()

    async def execute(self, context: Any, query: str | None, variables: Any,
                      operation_name: str | None) -> bytes | None:
        """The response body, or None: the stock executor answers."""
        if not self.settings.fast_path or not query:
            return None
        started = time.perf_counter()
        try:
            conn = Tortoise.get_connection("default")
            if conn.capabilities.dialect != "postgres":
                return None
            body, root = await self._run(conn, context.actor, query, variables or {},
                                         operation_name)
        except Fallback:
            return None
        except Exception:  # noqa: BLE001 - anything doubtful: the stock path answers it
            log.debug("fast path fell back", exc_info=True)
            return None
        labelled(FAST_PATH_SERVED, root).inc()
        record_operation(root, "query", "ok", operation_name, time.perf_counter() - started)
        return body

    def entry(self, query: str, operation_name: str | None, caller: str) -> Entry:
        key = (query, operation_name, caller)
        entry = self.entries.get(key)
        if entry is None:
            # Not kept when refused: a document is taken once the stock path validated it.
            entry = self.entries[key] = Entry(self.schema, query, operation_name)
            while len(self.entries) > self.maxsize:
                self.entries.popitem(last=False)
        return entry

    def plan(self, entry: Entry, variables: dict[str, Any], caller: str) -> Plan:
        shape = entry.shape_of(variables)
        plan = entry.plans.get(shape)
        if plan is None:
            try:
                compiler = Compiler(self.schema, entry.document, entry.operation, variables,
                                    caller, self.settings.max_page_size)
                roots = compiler.roots()
                cost = 0 if compiler.variable_pages else query_cost(
                    self.schema._schema, entry.document, entry.operation_name, variables,
                    self.settings)
                plan = Plan(roots, compiler.variable_pages, cost)
            except Exception:  # noqa: BLE001 - Fallback, or a shape the compiler cannot take
                log.debug("fast path cannot compile", exc_info=True)
                plan = _UNSUPPORTED  # decided once per shape: compiling reads no data
            entry.plans[shape] = plan
        if plan is _UNSUPPORTED:
            raise Fallback
        return plan

    async def _run(self, conn: Any, actor: Any, query: str, variables: Any,
                   operation_name: str | None) -> tuple[bytes, str]:
        if not isinstance(variables, dict):
            raise Fallback
        caller = caller_of(actor)
        entry = self.entry(query, operation_name, caller)
        entry.accept(variables)
        try:
            check_variables(variables, self.settings)
        except GraphQLError:
            raise Fallback from None
        plan = self.plan(entry, variables, caller)
        cost = plan.cost if not plan.variable_pages else query_cost(
            self.schema._schema, entry.document, operation_name, variables, self.settings)
        if cost > cost_limit(actor, self.settings):
            raise Fallback
        data: dict[str, Any] = {}
        for key, root in plan.roots:
            if root is None:
                data[key] = "Query"
                continue
            vals = [param(variables, actor) for param in root.params]
            data[key] = root.build(await root.fetch(conn, vals, actor), vals)
        return orjson.dumps({"data": data}, option=DUMPS), entry.root
