"""Compiling one validated query into one SQL statement per root field and an assembler.

The walk follows graphql-core's field collection (response keys in first-seen order, fields
of the same key merged, fragments whose type condition matches, ``@include``/``@skip``) and
refuses (``Fallback``) anything it does not know exactly: the stock executor then answers.
Values go through the schema's own serializers (enums, DateTime), and global IDs through
strawberry's ``to_base64`` encoding (``values.global_id``), so the bytes are the stock
executor's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from strawberry import Schema

from api.access import ROLES
from api.fastpath.mappings import TABLES, Many, One, Page, Table
from api.fastpath.objects import Instances
from api.fastpath.values import (
    Build,
    Fallback,
    Param,
    Part,
    RootPlan,
    Row,
    constant,
    converter,
    cursor_part,
    decode_client,
    fetch_rows,
    global_id,
    literal,
    own_client,
    page_limit_of,
    plain_fields,
)
from api.relay import DEFAULT_PAGE
from domain.errors import DomainError
from domain.pagination import encode_cursor


class Level:
    """The column list of one SELECT (or ROW(...)) and its table alias."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.exprs: list[str] = []

    def column(self, expr: str) -> int:
        if expr not in self.exprs:
            self.exprs.append(expr)
        return self.exprs.index(expr)

    def own(self, column: str) -> int:
        return self.column(f'{self.alias}."{column}"')


def operation_of(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        operations = [o for o in operations if o.name and o.name.value == name]
    if len(operations) != 1 or operations[0].operation is not OperationType.QUERY:
        raise Fallback
    return operations[0]


def shape_variables(operation: OperationDefinitionNode,
                    fragments: dict[str, FragmentDefinitionNode]) -> tuple[str, ...]:
    """Variables that change the plan's shape: directive conditions and ``after``."""
    names: list[str] = []

    def walk(node: Any) -> None:
        for directive in getattr(node, "directives", None) or ():
            names.extend(a.value.name.value for a in directive.arguments or ()
                         if isinstance(a.value, VariableNode))
        if isinstance(node, FieldNode):
            names.extend(a.value.name.value for a in node.arguments or ()
                         if a.name.value == "after" and isinstance(a.value, VariableNode))
        for child in getattr(getattr(node, "selection_set", None), "selections", ()):
            walk(child)

    walk(operation)
    for fragment in fragments.values():
        walk(fragment)
    return tuple(dict.fromkeys(names))


class Compiler(Instances):
    def __init__(self, schema: Schema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: dict[str, Any], caller: str, max_page: int) -> None:
        self.schema, self.gschema = schema, schema._schema
        self.fragments = {d.name.value: d for d in document.definitions
                          if isinstance(d, FragmentDefinitionNode)}
        self.operation, self.caller, self.max_page = operation, caller, max_page
        self.defaults = {d.variable.name.value: d.default_value
                         for d in operation.variable_definitions or ()}
        self.variables = variables  # read only for shape variables (part of the cache key)
        self.aliases = 0
        self.params: list[Param] = []
        self.variable_pages = False  # a page size from a variable: cost per request

    # -- selections ------------------------------------------------------------------------

    def variable(self, name: str) -> Any:
        if name in self.variables:
            return self.variables[name]
        default = self.defaults.get(name)
        if default is None or isinstance(default, NullValueNode):
            return None
        return literal(default)

    def included(self, node: Any) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("include", "skip"):
                raise Fallback
            (argument,) = directive.arguments
            value = argument.value
            if isinstance(value, VariableNode):
                flag = self.variable(value.name.value)
            elif isinstance(value, BooleanValueNode):
                flag = value.value
            else:
                raise Fallback
            if not isinstance(flag, bool):
                raise Fallback
            if flag != (name == "include"):
                return False
        return True

    def collect(self, parent: GraphQLObjectType,
                sets: list[SelectionSetNode]) -> dict[str, list[FieldNode]]:
        fields: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def matches(condition: Any) -> bool:
            if condition is None or condition.name.value == parent.name:
                return True
            named = self.gschema.get_type(condition.name.value)
            return is_abstract_type(named) and self.gschema.is_sub_type(named, parent)

        def walk(selection_set: SelectionSetNode) -> None:
            for node in selection_set.selections:
                if not self.included(node):
                    continue
                if isinstance(node, FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    fields.setdefault(key, []).append(node)
                elif isinstance(node, InlineFragmentNode):
                    if matches(node.type_condition):
                        walk(node.selection_set)
                elif isinstance(node, FragmentSpreadNode):
                    name = node.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments[name]
                    if matches(fragment.type_condition):
                        walk(fragment.selection_set)

        for selection_set in sets:
            walk(selection_set)
        return fields

    def argument(self, node: FieldNode, name: str) -> tuple[bool, Any]:
        """(given, literal-or-VariableNode) of one argument."""
        for argument in node.arguments or ():
            if argument.name.value == name:
                return True, argument.value
        return False, None

    def param(self, resolve: Param) -> str:
        self.params.append(resolve)
        return f"${len(self.params)}"

    # -- root fields -----------------------------------------------------------------------

    def roots(self) -> list[tuple[str, RootPlan | None]]:
        query = self.gschema.query_type
        plans: list[tuple[str, RootPlan | None]] = []
        for key, nodes in self.collect(query, [self.operation.selection_set]).items():
            name = nodes[0].name.value
            if name == "__typename":
                plans.append((key, None))
                continue
            roles = ROLES.get(f"Query.{name}")
            if roles is None or self.caller not in roles:
                raise Fallback
            self.params = []
            if name == "messages":
                plans.append((key, self.messages_root(key, nodes, query.fields[name])))
                continue
            if name == "client":
                given, value = self.argument(nodes[0], "id")
                if len(nodes[0].arguments) != 1 or not given:
                    raise Fallback
                raw = self.getter((given, value), None)
                target = self.param(lambda variables, actor, raw=raw:
                                    decode_client(raw(variables)))
            elif name == "me" and not nodes[0].arguments:
                target = self.param(own_client)
            else:
                raise Fallback
            plans.append((key, self.root(key, query.fields[name].type, nodes, target)))
        return plans

    def messages_root(self, key: str, nodes: list[FieldNode], field: Any) -> RootPlan:
        """``Query.messages`` (staff's lists, such as open messages with their deadlines, and
        a client's own) in one statement: the selected columns under the domain's own WHERE
        (``page_statement``: visibility and filters), as the stock resolver reads them."""
        from api.messages.queries import _filter  # the API module imports the schema's types
        from domain.messages import queries

        node = nodes[0]
        if any(a.name.value not in ("first", "after", "filter") for a in node.arguments or ()):
            raise Fallback
        self.param(self.page_limit(node))
        after = self.getter(self.argument(node, "after"), None)
        self.param(lambda variables, actor: after(variables))
        given, value = self.argument(node, "filter")
        self.param(self.input_of(field.args["filter"].type, value if given else None,
                                 "MessageFilter"))
        level = self.level()
        part = self.connection(field, nodes, TABLES["Message"], level, "received_at",
                               after(self.variables) is not None)
        select = ", ".join(level.exprs)

        async def fetch(conn: Any, vals: list[Any], actor: Any) -> list[Row]:
            limit, cursor, conditions = vals
            if cursor is not None and not isinstance(cursor, str):
                raise Fallback
            try:
                statement = queries.page_statement(
                    actor, _filter(conditions), limit - 1, cursor, select, level.alias)
            except DomainError:
                raise Fallback from None  # the stock path's BAD_USER_INPUT
            return [] if statement is None else await fetch_rows(conn, *statement)

        def build(rows: list[Row], vals: list[Any]) -> dict[str, Any]:
            first = vals[0] - 1
            return part(rows[:first], len(rows) > first, vals)

        return RootPlan(key, self.params, fetch, build)

    def root(self, key: str, field_type: Any, nodes: list[FieldNode], target: str) -> RootPlan:
        named = get_named_type(field_type)
        table = TABLES[named.name]
        level = self.level()
        build = self.object(named, table, nodes, level)
        seen = [level.own(c) for c in table.visible_columns]
        origin = self.schema.get_type_by_name(named.name).origin
        columns = table.visible_columns

        sql = (f"SELECT {', '.join(level.exprs)} FROM {table.table} {level.alias} "
               f'WHERE {level.alias}."{table.key}" = {target}')

        async def fetch(conn: Any, vals: list[Any], actor: Any) -> Row:
            rows = await fetch_rows(conn, sql, vals)
            if not rows or not origin.visible(
                    actor, {c: rows[0][i] for c, i in zip(columns, seen, strict=True)}):
                raise Fallback  # the stock path's null
            return rows[0]

        return RootPlan(key, self.params, fetch, build)

    def level(self) -> Level:
        self.aliases += 1
        return Level(f"t{self.aliases}")

    # -- objects ---------------------------------------------------------------------------

    def object(self, gtype: GraphQLObjectType, table: Table, nodes: list[FieldNode],
               level: Level) -> Build:
        fields = self.collect(gtype, [n.selection_set for n in nodes if n.selection_set])
        plain = plain_fields(self.schema, gtype.name)
        node_type = any(i.name == "Node" for i in gtype.interfaces)
        # (key, column index or None, the value's converter, or the part's own build)
        parts: list[tuple[str, int | None, Callable[..., Any]]] = []
        for key, same in fields.items():
            name = same[0].name.value
            if name == "__typename":
                parts.append((key, None, constant(gtype.name)))
                continue
            definition = gtype.fields.get(name)
            if definition is None:
                raise Fallback
            if name in table.relations:
                parts.append((key, None, self.relation(table.relations[name], definition, same,
                                                       level, table)))
                continue
            if same[0].arguments:
                raise Fallback
            if name in table.computed:
                computed = table.computed[name]
                indexes = [level.own(c) for c in computed.columns]
                convert = (self.instance(definition.type, same) if same[0].selection_set
                           else converter(definition.type))
                parts.append((key, None, lambda row, vals, f=computed.compute, ix=indexes,
                              c=convert: c(f(*[row[i] for i in ix]))))
            elif same[0].selection_set:
                raise Fallback
            elif name == "id" and node_type:
                parts.append((key, level.own(table.columns.get("id", "id")),
                              global_id(gtype.name)))
            elif name in plain:
                parts.append((key, level.own(table.columns.get(plain[name], plain[name])),
                              converter(definition.type)))
            else:
                raise Fallback
        if not level.exprs:
            level.column("true")  # ROW() needs a column

        def build(row: Row, vals: list[Any]) -> dict[str, Any]:
            # A column: its converter on the value; anything else: its own build.
            return {key: part(row, vals) if at is None else part(row[at])
                    for key, at, part in parts}

        return build

    def relation(self, relation: Many | One | Page, definition: Any, nodes: list[FieldNode],
                 parent: Level, parent_table: Table) -> Build:
        child_type = get_named_type(definition.type)
        table = TABLES[relation.type_name]
        link = f'{parent.alias}."{parent_table.key}"'
        child = self.level()
        where = f'{child.alias}."{relation.foreign_key}" = {link}'
        if isinstance(relation, Page):
            return self.page(relation, definition, nodes, parent, table, child, where)
        if nodes[0].arguments:
            raise Fallback
        build = self.object(child_type, table, nodes, child)
        rows = (f"SELECT ROW({', '.join(child.exprs)}) FROM {table.table} {child.alias} "
                f"WHERE {where}")
        if isinstance(relation, Many):
            if not (isinstance(definition.type, GraphQLNonNull)
                    and isinstance(definition.type.of_type, GraphQLList)):
                raise Fallback
            index = parent.column(
                f"ARRAY({rows} ORDER BY {relation.order.format(t=child.alias)})")
            return lambda row, vals: [build(r, vals) for r in row[index]]
        if isinstance(definition.type, GraphQLNonNull):
            raise Fallback
        index = parent.column(f"({rows} LIMIT 1)")
        return lambda row, vals: None if row[index] is None else build(row[index], vals)

    def page(self, relation: Page, definition: Any, nodes: list[FieldNode], parent: Level,
             table: Table, child: Level, where: str) -> Build:
        node = nodes[0]
        if any(a.name.value not in ("first", "after") for a in node.arguments or ()):
            raise Fallback
        limit = self.param(self.page_limit(node))
        limit_at = len(self.params) - 1
        after = self.getter(self.argument(node, "after"), None)
        has_previous = after(self.variables) is not None  # its nullness is in the cache key
        a, time = child.alias, f'{child.alias}."{relation.time}"'
        if has_previous:
            at, event = self.param(cursor_part(after, 0)), self.param(cursor_part(after, 1))
            where += (f" AND {time} <= {at} AND ({time} < {at} "
                      f'OR ({time} = {at} AND {a}."id" < {event}))')
        part = self.connection(definition, nodes, table, child, relation.time, has_previous)
        index = parent.column(
            f"ARRAY(SELECT ROW({', '.join(child.exprs)}) FROM {table.table} {a} WHERE {where} "
            f'ORDER BY {time} DESC, {a}."id" DESC LIMIT {limit})')

        def build(row: Row, vals: list[Any]) -> dict[str, Any]:
            rows, first = row[index], vals[limit_at] - 1
            return part(rows[:first], len(rows) > first, vals)

        return build

    def connection(self, definition: Any, nodes: list[FieldNode], table: Table, child: Level,
                   time: str, has_previous: bool) -> Part:
        """A connection (edges, pageInfo) over one page of ``child`` rows, newest first by
        (``time``, id)."""
        connection = get_named_type(definition.type)
        edge_type = get_named_type(connection.fields["edges"].type)
        page_info = get_named_type(connection.fields["pageInfo"].type)
        node_type = get_named_type(edge_type.fields["node"].type)
        time_at, id_at = child.own(time), child.own("id")
        parts: list[tuple[str, Part]] = []

        def cursor(row: Row) -> str:
            return encode_cursor(row[time_at], row[id_at])

        for key, same in self.collect(connection, [n.selection_set for n in nodes]).items():
            name = same[0].name.value
            if name == "__typename":
                parts.append((key, lambda rows, more, vals, v=connection.name: v))
            elif name == "edges":
                parts.append((key, self.edges(edge_type, node_type, table, same, child, cursor)))
            elif name == "pageInfo":
                parts.append((key, self.page_info(page_info, same, cursor, has_previous)))
            else:
                raise Fallback
        return lambda rows, more, vals: {key: part(rows, more, vals) for key, part in parts}

    def edges(self, edge_type: Any, node_type: Any, table: Table, nodes: list[FieldNode],
              child: Level, cursor: Callable[[Row], str]) -> Part:
        parts: list[tuple[str, Build]] = []
        for key, same in self.collect(edge_type, [n.selection_set for n in nodes]).items():
            name = same[0].name.value
            if name == "__typename":
                parts.append((key, constant(edge_type.name)))
            elif name == "cursor":
                parts.append((key, lambda row, vals: cursor(row)))
            elif name == "node":
                parts.append((key, self.object(node_type, table, same, child)))
            else:
                raise Fallback
        return lambda rows, more, vals: [{key: part(r, vals) for key, part in parts} for r in rows]

    def page_info(self, info_type: Any, nodes: list[FieldNode], cursor: Callable[[Row], str],
                  has_previous: bool) -> Part:
        parts: list[tuple[str, Callable[[list[Row], bool], Any]]] = []
        for key, same in self.collect(info_type, [n.selection_set for n in nodes]).items():
            name = same[0].name.value
            if name == "__typename":
                parts.append((key, lambda rows, more, v=info_type.name: v))
            elif name == "hasNextPage":
                parts.append((key, lambda rows, more: more))
            elif name == "hasPreviousPage":
                parts.append((key, lambda rows, more: has_previous))
            elif name == "startCursor":
                parts.append((key, lambda rows, more: cursor(rows[0]) if rows else None))
            elif name == "endCursor":
                parts.append((key, lambda rows, more: cursor(rows[-1]) if rows else None))
            else:
                raise Fallback
        return lambda rows, more, vals: {key: part(rows, more) for key, part in parts}

    def page_limit(self, node: FieldNode) -> Param:
        """``first`` + 1 (one more row tells whether a next page exists); out of range is the
        stock path's field error."""
        given, value = self.argument(node, "first")
        self.variable_pages |= isinstance(value, VariableNode)
        first = self.getter((given, value), DEFAULT_PAGE)
        cap = self.max_page
        return lambda variables, actor: page_limit_of(first(variables), cap)

    def getter(self, argument: tuple[bool, Any], default: Any) -> Callable[[dict], Any]:
        """An argument's value from the request's variables: a literal, a variable (its
        own default when absent, an explicit null kept) or the field's default."""
        given, value = argument
        if not given:
            return lambda variables: default
        if isinstance(value, VariableNode):
            name = value.name.value
            declared = self.defaults.get(name)
            fallback = None if declared is None else literal(declared)
            return lambda variables: variables.get(name, fallback)
        fixed = literal(value)
        return lambda variables: fixed
