"""Cheap refusals before any expensive step: query size, variable size, query cost.

What a request costs the server is mostly decided before a resolver runs: parsing the
query text, converting the variables into inputs, and the rows the selection asks for.
Each is bounded here, by settings, before it is paid for:

- the query text's length, before parsing (the token limit only counts tokens *while*
  parsing, and one giant string or comment is a single token);
- the variables' list lengths, string lengths and total number of values, walking the
  decoded JSON before graphql-core coerces it (50,000 survey answers used to block the
  event loop for seconds before any input rule ran); inline literals are bounded by the
  query length and the token limit;
- the query's cost: every object it may return, page sizes (``first``) multiplying down
  the tree, with a cap per caller kind (anonymous, self-service, staff).

A refusal is a top-level BAD_USER_INPUT error whose ``reason`` says which limit
(QUERY_TOO_LARGE, INPUT_TOO_LARGE, QUERY_TOO_COSTLY). Parsed documents are cached by
query text, and only once they passed validation: a refused document never fills it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    parse,
    value_from_ast_untyped,
)
from strawberry.extensions import SchemaExtension

from domain.calendar.service import MAX_RANGE_DAYS
from domain.settings import Settings

# Plain lists that can be long, by field: counted at their most, not as
# ``cost_unpaged_list_size`` (29 aliased year calendars took an anonymous caller 1.5 s).
LIST_SIZES = {
    "Query.workingCalendar": MAX_RANGE_DAYS,
    "CalendarDay.intervals": 3,  # a working day split by breaks: two spans, three at most
}

# What a refused query is replaced by, so that nothing of it is parsed; the refusal
# stands as the operation's only error before validation runs.
_REFUSED = parse("{ __typename }")


def refusal(reason: str, message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "reason": reason})


class DocumentCache:
    """Parsed documents by query text, newest last, each with the rule sets it passed
    validation under: only a document that passed validation is kept, and validation is
    skipped only for the same rules (a rule added for some callers still runs for them)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, tuple[DocumentNode, set[tuple[Any, ...]]]] = \
            OrderedDict()

    def get(self, query: str) -> tuple[DocumentNode, set[tuple[Any, ...]]] | None:
        entry = self._documents.get(query)
        if entry is not None:
            self._documents.move_to_end(query)
        return entry

    def put(self, query: str, document: DocumentNode, rules: tuple[Any, ...]) -> None:
        entry = self._documents.get(query)
        if entry is None:
            entry = self._documents[query] = (document, set())
        entry[1].add(rules)
        self._documents.move_to_end(query)
        while len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)

    def __len__(self) -> int:
        return len(self._documents)


def check_variables(variables: Mapping[str, Any] | None, settings: Settings) -> None:
    """Walk the decoded JSON once, iteratively, stopping at the first limit passed."""
    if not variables:
        return
    max_list, max_string = settings.max_variable_list_length, settings.max_variable_string_chars
    budget = settings.max_variable_values
    stack: list[Any] = [variables]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            raise refusal("INPUT_TOO_LARGE", f"Variables hold more than "
                          f"{settings.max_variable_values} values.")
        if isinstance(value, str):
            if len(value) > max_string:
                raise refusal("INPUT_TOO_LARGE", f"A variable's text is longer than "
                              f"{max_string} characters.")
        elif isinstance(value, list):
            if len(value) > max_list:
                raise refusal("INPUT_TOO_LARGE", f"A variable's list is longer than "
                              f"{max_list} items.")
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())


def cost_limit(actor: Any, settings: Settings) -> int:
    if actor is None:
        return settings.max_cost_anonymous
    return settings.max_cost_staff if actor.is_staff else settings.max_cost_client


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
               variables: Mapping[str, Any] | None, settings: Settings) -> int:
    """Objects the operation may return at most: each object-typed field counts once per
    parent it is fetched for; a field with ``first`` multiplies everything below it by the
    page size (absent: the cap); a list without ``first`` by ``cost_unpaged_list_size``,
    except a connection's ``edges``/``nodes``, already counted by the connection's page."""
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next((o for o in operations if operation_name is None
                      or (o.name and o.name.value == operation_name)), None)
    if operation is None:
        return 0
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    defaults = {d.variable.name.value: value_from_ast_untyped(d.default_value)
                for d in operation.variable_definitions or () if d.default_value is not None}
    cost = _Cost(schema, fragments, dict(variables or {}), settings)
    cost.variable_defaults = defaults
    return cost.of(operation.selection_set, root, 1)


class _Cost:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode],
                 variables: dict[str, Any], settings: Settings) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables
        self.settings = settings
        self.cap = settings.max_page_size
        self.variable_defaults: dict[str, Any] = {}

    def of(self, selections: SelectionSetNode, parent: GraphQLNamedType, times: int,
           seen: frozenset[str] = frozenset()) -> int:
        total = 0
        for node in selections.selections:
            if isinstance(node, FieldNode):
                total += self.field(node, parent, times, seen)
            elif isinstance(node, InlineFragmentNode):
                condition = (self.schema.get_type(node.type_condition.name.value)
                             if node.type_condition else parent)
                total += self.of(node.selection_set, condition or parent, times, seen)
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    condition = self.schema.get_type(fragment.type_condition.name.value)
                    total += self.of(fragment.selection_set, condition or parent, times,
                                     seen | {name})
        return total

    def field(self, node: FieldNode, parent: GraphQLNamedType, times: int,
              seen: frozenset[str]) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition: GraphQLField | None = fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # scalars and __typename are free
        target = get_named_type(definition.type)
        if not is_composite_type(target):
            return 0
        below = times * self.page(node, definition, parent)
        # A list's items count each (a connection's through its ``edges``), an object once.
        counted = below if isinstance(get_nullable_type(definition.type), GraphQLList) else times
        return counted + self.of(node.selection_set, target, below, seen)

    def page(self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType) -> int:
        if "first" in definition.args:
            first = self.first(node, definition)
            return self.cap if first is None else max(0, min(first, self.cap))
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            known = LIST_SIZES.get(f"{parent.name}.{node.name.value}")
            if known is not None:
                return known
            if node.name.value in ("edges", "nodes") and isinstance(parent, GraphQLObjectType) \
                    and parent.name.endswith("Connection"):
                return 1
            return self.settings.cost_unpaged_list_size
        return 1


    def first(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page size asked for: a literal, a variable's value or the argument's default
        (the variable's own default counts too); anything else is left to ``page_size``."""
        argument = next((a for a in node.arguments or () if a.name.value == "first"), None)
        if argument is None:
            value = definition.args["first"].default_value
        elif isinstance(argument.value, VariableNode):
            name = argument.value.name.value
            value = self.variables.get(name, self.variable_defaults.get(name))
        else:
            value = value_from_ast_untyped(argument.value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class RequestLimits(SchemaExtension):
    """The refusals above and the document cache, one instance per operation."""

    def __init__(self, settings: Settings, documents: DocumentCache) -> None:
        self.settings = settings
        self.documents = documents
        self.query: str | None = None
        self.entry: tuple[DocumentNode, set[tuple[Any, ...]]] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        if len(query) > self.settings.max_query_chars:
            context.graphql_document = _REFUSED
            context._provided_operation_name = None  # the stand-in's one operation
            context.pre_execution_errors = [refusal(
                "QUERY_TOO_LARGE",
                f"The query is longer than {self.settings.max_query_chars} characters.")]
            yield
            return
        self.query = query
        self.entry = self.documents.get(query)
        if self.entry is not None and context.graphql_document is None:
            context.graphql_document = self.entry[0]
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        rules = tuple(context.validation_rules)
        if (self.entry is not None and rules in self.entry[1]
                and context.graphql_document is self.entry[0]
                and context.pre_execution_errors is None):
            context.pre_execution_errors = []  # passed these very rules when cached
        yield
        if (self.query is not None and context.pre_execution_errors == []
                and context.graphql_document is not None):
            self.documents.put(self.query, context.graphql_document, rules)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        check_variables(context.variables, self.settings)
        actor = getattr(context.context, "actor", None)
        limit = cost_limit(actor, self.settings)
        assert context.graphql_document is not None
        cost = query_cost(context.schema._schema, context.graphql_document,
                          context.operation_name, context.variables, self.settings)
        if cost > limit:
            raise refusal("QUERY_TOO_COSTLY", f"The query may return {cost} objects, more "
                          f"than the {limit} allowed for this caller: ask for smaller pages "
                          "or fewer nested lists.")
        yield


class SocketCap:
    """Open GraphQL websockets per caller in this process: a token's subject, or the
    address of a socket without a token. Each subscription costs little now that one Redis
    connection serves them all (domain/redis.py ``Hub``), but a socket still holds memory
    and a task; past the cap the next socket is closed with ``CLOSE_CODE``."""

    CLOSE_CODE = 4429
    CLOSE_REASON = "Too many open sockets for this caller"
    _KEY = "okno_socket_caller"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open: dict[str, int] = {}

    def take(self, scope: dict[str, Any], actor: Any) -> bool:
        if actor is not None:
            caller = f"sub:{actor.subject}"
        else:
            caller = f"ip:{(scope.get('client') or ('unknown',))[0]}"
        if self.open.get(caller, 0) >= self.limit:
            scope.setdefault("state", {})["okno_close"] = (self.CLOSE_CODE, self.CLOSE_REASON)
            return False
        self.open[caller] = self.open.get(caller, 0) + 1
        scope.setdefault("state", {})[self._KEY] = caller
        return True

    def give_back(self, scope: dict[str, Any]) -> None:
        caller = scope.get("state", {}).pop(self._KEY, None)
        if caller is not None:
            left = self.open.get(caller, 1) - 1
            if left > 0:
                self.open[caller] = left
            else:
                self.open.pop(caller, None)
