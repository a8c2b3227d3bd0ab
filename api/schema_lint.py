"""The front-end contract as machine checks over the exported SDL (CONTRIBUTING, "The front-end
contract"; issue 8), so the conventions stay true as new areas land.

Each rule is a pure function ``rule(schema) -> list[str]`` over a graphql-core schema built from
SDL; a violation reads ``Type.field: what is wrong`` (``Type.field(arg)`` for an argument).
``lint(sdl)`` runs them all. ``okno lint-schema`` prints the violations of the live schema, and
``tests/contract/test_schema_lint.py`` fails on any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_composite_type,
    is_input_object_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    specified_scalar_types,
)

Violations = list[str]
Rule = Callable[[GraphQLSchema], Violations]
Composite = GraphQLObjectType | GraphQLInterfaceType

# Root lists of Node types that are bounded by nature, so a plain list (no connection) is right.
# Add an entry only with the reason it cannot grow; everything else that lists Nodes pages.
BOUNDED_LISTS = {
    "Query.spheres",  # spheres of activity: a short list admins keep, shown in display order
    "Query.departments",  # the government's departments: an org chart, not a growing record
    "Query.externalAgencies",  # the agencies messages may be redirected to: a short registry
    "Query.receptionPoints",  # reception points: a few addresses the keepers maintain
    "Query.receivingOfficials",  # officials who receive citizens: a short list of heads
    "Query.mailingLists",  # mailing topics staff keep, offered on one sign-up form (≤ 200)
    "Query.socialSources",  # the official pages and chats admins connect (≤ 200)
    "Query.consultationLines",  # the line's telephone numbers (two, R-3.2; capped at 100)
}

JS_RESERVED = frozenset({
    "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default",
    "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function",
    "if", "implements", "import", "in", "instanceof", "interface", "let", "new", "null",
    "package", "private", "protected", "public", "return", "static", "super", "switch", "this",
    "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield",
})

# Names of a reference held as a string: `subjectId`, `messageIds`, `sourceType`.
REFERENCE_SUFFIXES = ("Ids", "Id", "Type")
# Names of a value from a fixed set, which must be an enum, not a String.
FIXED_SET_NAMES = frozenset({
    "kind", "code", "status", "state", "role", "purpose", "template", "channel", "method",
    "outcome", "reason",
})
FIXED_SET_SUFFIXES = ("Kind", "Status", "Role")
# The global ID of an object that no longer exists (Relay's `@deleteRecord` reads it): there is
# no typed field to put beside it.
REMOVED_IDS = frozenset({"removedId", "removedIds", "deletedId", "deletedIds"})
# Strings whose names look like a reference or a fixed set but are not; say why.
NOT_REFERENCES_OR_SETS = {
    "Attachment.contentType": "a MIME type, an open set",
    "CalendarOverride.reason": "free text: the decree's number and date",
    "Sphere.code": "spheres are data admins create (createSphere), so their codes are too",
    "SurveyExternalSubject.kind": "an open set: a record kind of an area okno does not hold yet",
    "SphereSuggestion.code": "a Sphere.code (data admins create); `sphere` is the typed field",
    "Call.pbxCallId": "the telephone exchange's own call id: an opaque key of another system",
    "CallTransfer.reason": "free text: why the operator transferred the call",
}


# -- walking the schema -------------------------------------------------------------------------

def _named_types(schema: GraphQLSchema) -> Iterator[GraphQLNamedType]:
    for name, type_ in sorted(schema.type_map.items()):
        if not name.startswith("__") and name not in specified_scalar_types:
            yield type_


def _roots(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    return [t for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t]


def _output_fields(schema: GraphQLSchema) -> Iterator[tuple[Composite, str, GraphQLField]]:
    for type_ in _named_types(schema):
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in type_.fields.items():
                yield type_, name, field


def _is_node(schema: GraphQLSchema, type_: GraphQLNamedType) -> bool:
    node = schema.get_type("Node")
    if not isinstance(node, GraphQLInterfaceType):
        return False
    return type_ is node or (isinstance(type_, Composite) and node in type_.interfaces)


# -- the rules ----------------------------------------------------------------------------------

def nodes(schema: GraphQLSchema) -> Violations:
    """a. Every object type with an `id` implements Node (payloads, edges and connections have
    no `id`), so every object a front end caches can be refetched with `node(id:)`."""
    return [f"{t.name}.id: has an id but does not implement Node"
            for t in _named_types(schema)
            if is_object_type(t) and "id" in t.fields and not _is_node(schema, t)]


def reserved_words(schema: GraphQLSchema) -> Violations:
    """b. No field, argument or input field is named by a JavaScript reserved word."""
    out: Violations = []
    for type_, name, field in _output_fields(schema):
        if name in JS_RESERVED:
            out.append(f"{type_.name}.{name}: named by the JavaScript reserved word {name!r}")
        out += [f"{type_.name}.{name}({arg}): named by the JavaScript reserved word {arg!r}"
                for arg in field.args if arg in JS_RESERVED]
    for type_ in _named_types(schema):
        if is_input_object_type(type_):
            out += [f"{type_.name}.{name}: named by the JavaScript reserved word {name!r}"
                    for name in type_.fields if name in JS_RESERVED]
    return out


def mutations(schema: GraphQLSchema) -> Violations:
    """c. Every mutation takes one argument, `input: XInput!`, and returns an `XPayload` with
    `errors: [UserError!]!`."""
    out: Violations = []
    for name, field in (schema.mutation_type.fields if schema.mutation_type else {}).items():
        where = f"Mutation.{name}"
        args = field.args
        only = args.get("input")
        if list(args) != ["input"] or not (
                is_non_null_type(only.type) and is_input_object_type(only.type.of_type)):
            signature = ", ".join(f"{arg}: {a.type}" for arg, a in args.items())
            out.append(f"{where}: takes ({signature}); it must take one argument, "
                       "`input: <Name>Input!`")
        payload = get_named_type(field.type)
        errors = payload.fields.get("errors") if is_object_type(payload) else None
        if not payload.name.endswith("Payload") or errors is None:
            out.append(f"{where}: returns {field.type}; it must return a …Payload with errors")
        elif str(errors.type) != "[UserError!]!":
            out.append(f"{where}: {payload.name}.errors is {errors.type}, not [UserError!]!")
    return out


def root_roles(schema: GraphQLSchema) -> Violations:
    """d. Every root field says who may call it (`Roles: …`, appended by api/access.py
    guard_root); a query or mutation that some role may not call is nullable, so a refusal nulls
    only that field. (A refused subscription never starts: there is no field to null.)"""
    out: Violations = []
    for root in _roots(schema):
        for name, field in root.fields.items():
            description = field.description or ""
            if "Roles:" not in description:  # api/access.py roles_text
                out.append(f"{root.name}.{name}: the description has no `Roles:` sentence "
                           "(add the field to api/access.py ROLES)")
            elif ("Roles: anyone" not in description and root is not schema.subscription_type
                  and is_non_null_type(field.type)):
                out.append(f"{root.name}.{name}: returns {field.type} but some roles may not "
                           "call it; make it nullable so a refusal nulls only this field")
    return out


def connections(schema: GraphQLSchema) -> Violations:
    """e. A field with `after` also has `first: Int` and returns a nullable …Connection with
    `edges` and `pageInfo`; a root list of Nodes is a connection unless in BOUNDED_LISTS."""
    out: Violations = []
    for type_, name, field in _output_fields(schema):
        if "after" not in field.args:
            continue
        where = f"{type_.name}.{name}"
        first = field.args.get("first")
        if first is None or str(first.type) != "Int":
            out.append(f"{where}: has `after` but no `first: Int`")
        if is_non_null_type(field.type):
            out.append(f"{where}: returns {field.type}; a connection is nullable, so a bad "
                       "cursor fails only this field")
        page = get_named_type(field.type)
        if not (is_object_type(page) and page.name.endswith("Connection")
                and {"edges", "pageInfo"} <= set(page.fields)):
            out.append(f"{where}: has `after` but {page.name} is not a …Connection with "
                       "edges and pageInfo")
    for root in _roots(schema):
        for name, field in root.fields.items():
            type_ = field.type.of_type if is_non_null_type(field.type) else field.type
            item = get_named_type(type_)
            where = f"{root.name}.{name}"
            if is_list_type(type_) and _is_node(schema, item) and where not in BOUNDED_LISTS:
                out.append(f"{where}: a list of {item.name} that can grow; make it a "
                           "connection (or add it to BOUNDED_LISTS in api/schema_lint.py, "
                           "saying why it is bounded)")
    return out


def _typed_sibling(type_: Composite, name: str) -> bool:
    """`clientId` has `client` (`messageIds` has `messages`) beside it, of an object type."""
    stem = name.removesuffix("Ids").removesuffix("Id")
    return any(is_composite_type(get_named_type(type_.fields[sibling].type))
               for sibling in (stem, stem + "s") if sibling in type_.fields)


def _fixed_set_name(name: str) -> bool:
    singular = {name, name.removesuffix("s"), name.removesuffix("es")}
    return bool(singular & FIXED_SET_NAMES) or any(
        n.endswith(FIXED_SET_SUFFIXES) for n in singular)


def references(schema: GraphQLSchema) -> Violations:
    """f. References are not strings: a String/ID output named …Id, …Ids or …Type is a
    violation, unless it is an ID next to a typed field of the same stem (`clientId: ID` beside
    `client: Client`) or the ID of a removed object; a String named like a fixed set (`kind`,
    `status`, …Kind) is an enum. NOT_REFERENCES_OR_SETS lists the few look-alikes."""
    out: Violations = []
    for type_, name, field in _output_fields(schema):
        where = f"{type_.name}.{name}"
        scalar = get_named_type(field.type).name
        if scalar not in ("String", "ID") or where in NOT_REFERENCES_OR_SETS:
            continue
        reference = any(name.endswith(s) and name != s for s in REFERENCE_SUFFIXES)
        global_id = scalar == "ID" and (name in REMOVED_IDS or (
            not name.endswith("Type") and _typed_sibling(type_, name)))
        if reference and not global_id:
            out.append(f"{where}: a reference held as {field.type}; expose a typed field "
                       "(a Node, union or enum) and, where handy, its global ID beside it")
        if scalar == "String" and _fixed_set_name(name):
            out.append(f"{where}: a fixed set held as {field.type}; make it an enum "
                       "(or a typed field when it names an object)")
    return out


def _inherited_description(type_: Composite, name: str) -> bool:
    return any(name in i.fields and i.fields[name].description for i in type_.interfaces)


def _relay_plumbing(type_name: str, name: str) -> bool:
    return (type_name.endswith("Connection") and name == "edges") or (
        type_name.endswith("Edge") and name == "node")


def descriptions(schema: GraphQLSchema) -> Violations:
    """g. Every type, field, argument, enum value and input field has a description: the schema
    is the front-end developers' documentation. Exempt: the root types themselves (their fields
    are described), a mutation's `input` (its input type is described), a field described by
    its interface (`id` of Node), and relay plumbing (`edges` of a …Connection, `node` of an
    …Edge: described by their types)."""
    out: Violations = []
    roots = {t.name for t in _roots(schema)}
    mutation = schema.mutation_type
    for type_ in _named_types(schema):
        if not type_.description and type_.name not in roots:
            out.append(f"{type_.name}: no description")
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in type_.fields.items():
                if not (field.description or _inherited_description(type_, name)
                        or _relay_plumbing(type_.name, name)):
                    out.append(f"{type_.name}.{name}: no description")
                out += [f"{type_.name}.{name}({arg}): no description"
                        for arg, a in field.args.items()
                        if not (a.description or (type_ is mutation and arg == "input"))]
        elif isinstance(type_, GraphQLInputObjectType):
            out += [f"{type_.name}.{name}: no description"
                    for name, f in type_.fields.items() if not f.description]
        elif isinstance(type_, GraphQLEnumType):
            out += [f"{type_.name}.{name}: no description"
                    for name, v in type_.values.items() if not v.description]
    return out


def datetime_rule(schema: GraphQLSchema) -> Violations:
    """h. The DateTime scalar's description states the one rule: UTC output, with an offset."""
    type_ = schema.get_type("DateTime")
    if type_ is None:
        return []
    missing = [word for word in ("UTC", "offset") if word not in (type_.description or "")]
    if not missing:
        return []
    rule = "the description must state the one rule (UTC, with an offset)"
    return [f"DateTime: {rule}; it does not say {' or '.join(missing)}"]


RULES: tuple[Rule, ...] = (
    nodes, reserved_words, mutations, root_roles, connections, references, descriptions,
    datetime_rule,
)


def lint_schema(schema: GraphQLSchema) -> Violations:
    return [violation for rule in RULES for violation in rule(schema)]


def lint(sdl: str) -> Violations:
    """Every violation of the front-end contract in this SDL, rule by rule."""
    return lint_schema(build_schema(sdl))
