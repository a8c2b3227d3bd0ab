"""The fast path over strawberry objects: a resolver's own value, walked without the
executor.

For fields computed from columns into an object (``mappings.Computed``, such as a message's
``deadline``) the plan calls the same function as the stock resolver, then reads the object
field by field: plain attributes, and resolvers that take nothing but ``self`` (sync, no
``info``, no arguments, no permission or field extension) called directly. Input objects
(a list's ``filter``) become the strawberry instances the stock resolver gets. Anything
else falls back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    ObjectValueNode,
    VariableNode,
    coerce_input_value,
    get_named_type,
    value_from_ast,
)
from graphql.pyutils import Undefined
from strawberry.relay.utils import to_base64

from api.fastpath.values import Fallback, constant, converter

if TYPE_CHECKING:
    from strawberry import Schema

ToJSON = Callable[[Any], Any]


class Instances:
    """Mixed into the compiler (``plan.Compiler``): needs ``schema``, ``collect``,
    ``getter``, ``param`` and ``params``."""

    schema: Schema
    params: list[Any]
    variable_pages: bool
    max_page: int

    def input_of(self, input_type: Any, value: Any, type_name: str) -> Any:
        """An input object argument as the strawberry instance the stock resolver gets."""
        definition = self.schema.get_type_by_name(type_name)
        names = {self.schema.config.name_converter.from_field(f): f.python_name
                 for f in definition.fields}
        cls = definition.origin

        if value is not None and not isinstance(value, VariableNode | ObjectValueNode):
            raise Fallback

        def resolve(variables: dict[str, Any], actor: Any) -> Any:
            if value is None:
                return None
            try:
                raw = (coerce_input_value(variables.get(value.name.value), input_type)
                       if isinstance(value, VariableNode)
                       else value_from_ast(value, input_type, variables))
            except Exception:  # noqa: BLE001 - the stock path reports bad input
                raise Fallback from None
            if raw is Undefined:
                raise Fallback
            if raw is None:
                return None
            return cls(**{names[k]: v for k, v in raw.items()})

        return resolve

    def instance(self, field_type: Any, nodes: list[FieldNode]) -> ToJSON:
        """A field's value (a strawberry object, a list of them, or null) to JSON."""
        required = isinstance(field_type, GraphQLNonNull)
        inner = field_type.of_type if required else field_type
        if isinstance(inner, GraphQLList):
            item = self.instance(inner.of_type, nodes)
            of = (lambda value: [item(v) for v in value])
        elif isinstance(inner, GraphQLObjectType):
            of = self.fields_of(inner, nodes)
        else:
            raise Fallback

        def convert(value: Any) -> Any:
            if value is None:
                if required:
                    raise Fallback
                return None
            return of(value)

        return convert

    def fields_of(self, gtype: GraphQLObjectType, nodes: list[FieldNode]) -> ToJSON:
        definition = self.schema.get_type_by_name(gtype.name)
        convert_name = self.schema.config.name_converter
        fields = {convert_name.from_field(f): f for f in definition.fields
                  if f.python_name != "id" or f.base_resolver is not None}
        node_type = any(i.name == "Node" for i in gtype.interfaces)
        parts: list[tuple[str, ToJSON]] = []
        for key, same in self.collect(gtype, [n.selection_set for n in nodes]).items():
            name = same[0].name.value
            if name == "__typename":
                typename = constant(gtype.name)
                parts.append((key, lambda obj, t=typename: t(obj, [])))
                continue
            field, gfield = fields.get(name), gtype.fields.get(name)
            if field is None or gfield is None or same[0].arguments or field.extensions \
                    or field.permission_classes:
                raise Fallback
            if name == "id" and node_type:
                parts.append((key, lambda obj, t=gtype.name: to_base64(t, str(obj.id))))
                continue
            read = self.reader(field)
            if isinstance(get_named_type(gfield.type), GraphQLObjectType):
                value = self.instance(gfield.type, same)
            else:
                value = converter(gfield.type)  # lists of scalars fall back here
            parts.append((key, lambda obj, r=read, v=value: v(r(obj))))
        return lambda obj: {key: part(obj) for key, part in parts}

    @staticmethod
    def reader(field: Any) -> ToJSON:
        resolver = field.base_resolver
        if resolver is None:
            return lambda obj, n=field.python_name: getattr(obj, n)
        reserved = [p for r, p in resolver.reserved_parameters.items()
                    if p is not None and getattr(r, "name", None) != "self"]
        if resolver.is_async or resolver.arguments or reserved:
            raise Fallback
        return resolver.wrapped_func
