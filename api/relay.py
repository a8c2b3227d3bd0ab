"""Relay plumbing shared by every area: global IDs, cursor connections, page caps."""

from __future__ import annotations

import inspect
from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError
from strawberry.types import Info
from strawberry.types.cast import cast as strawberry_cast

from domain.errors import DomainError, invalid_id

T = TypeVar("T")


@strawberry.type(description="One item of a page, with the cursor that points just after it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T


@strawberry.type(
    description="A page of a list, newest first. Continue with `after: pageInfo.endCursor`.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: relay.PageInfo = strawberry.field(description="Where this page stands in the list.")

    @classmethod
    def of(cls, nodes: list[Any], cursors: list[str], has_next: bool, after: str | None):
        edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=has_next, has_previous_page=after is not None,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )


FIRST_DESCRIPTION = "Page size, 1 to 100 (default 20); other values are a BAD_USER_INPUT error."
AFTER_DESCRIPTION = "Continue after this cursor (a previous page's `pageInfo.endCursor`)."
DEFAULT_PAGE = 20


def page_size(info: Info, first: int | None) -> int:
    """``first`` checked against the cap: a front end asking for 500 learns it at once,
    instead of silently getting 100 and believing the list ends there."""
    cap = info.context.settings.max_page_size
    if first is None:
        return min(DEFAULT_PAGE, cap)
    if not 1 <= first <= cap:
        raise GraphQLError(
            f"`first` must be between 1 and {cap}.",
            extensions={"code": "BAD_USER_INPUT", "reason": "INVALID", "field": "first"},
        )
    return first


def bad_input(error: DomainError) -> GraphQLError:
    """For query arguments: a top-level error with the same code and Russian message."""
    return GraphQLError(
        error.message, extensions={"code": "BAD_USER_INPUT", "reason": str(error.code),
                                   "field": error.field}
    )


def decode_id(value: Any, type_name: str, field: str) -> str:
    """The node id inside a global ID of ``type_name``; anything else (a raw UUID, another
    type's ID, garbage) is an INVALID_ID error naming ``field``. Whether the record exists
    is the service's question (NOT_FOUND)."""
    try:
        gid = relay.GlobalID.from_id(str(value))
    except (GlobalIDValueError, ValueError, TypeError):
        raise invalid_id(type_name, field) from None
    if gid.type_name != type_name or not gid.node_id:
        raise invalid_id(type_name, field)
    return gid.node_id


def decode_optional_id(value: Any, type_name: str, field: str) -> str | None:
    """``decode_id`` for optional inputs: null and unset stay None."""
    if value is None or value is strawberry.UNSET:
        return None
    return decode_id(value, type_name, field)


def encode_id(type_name: str, node_id: Any) -> strawberry.ID:
    return strawberry.ID(str(relay.GlobalID(type_name, str(node_id))))


async def resolve_node_of(info: Info, type_name: str, node_id: str) -> relay.Node | None:
    """The object ``node(id:)`` would return for this type and ID: the owning area's
    loader and its visibility check decide, so what the caller may not see is null."""
    definition = info.schema.get_type_by_name(type_name)
    origin = getattr(definition, "origin", None)
    if origin is None or not hasattr(origin, "resolve_node"):
        return None
    found = origin.resolve_node(node_id, info=info, required=False)
    if inspect.isawaitable(found):
        found = await found
    return None if found is None else strawberry_cast(origin, found)
