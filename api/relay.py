"""Relay plumbing shared by every area: global IDs, cursor connections, page caps."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.types import Info

from domain.errors import DomainError, not_found

T = TypeVar("T")


@strawberry.type(description="One item of a page, with the cursor that points just after it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T


@strawberry.type(description="A page of a list, newest first. Continue with `after: pageInfo.endCursor`.")
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


FIRST_DESCRIPTION = "Page size, 1 to 100 (default 20); larger values are reduced to 100."


def page_size(info: Info, first: int | None) -> int:
    cap = info.context.settings.max_page_size
    return max(1, min(first if first is not None else 20, cap))


def bad_input(error: DomainError) -> GraphQLError:
    """For query arguments: a top-level error with the same code and Russian message."""
    return GraphQLError(
        error.message, extensions={"code": "BAD_USER_INPUT", "reason": str(error.code),
                                   "field": error.field}
    )


def decode_id(value: Any, type_name: str, field: str, what: str = "Запись") -> str:
    """A global ID of the expected type, else a NOT_FOUND error for ``field``."""
    try:
        gid = relay.GlobalID.from_id(str(value))
    except Exception:
        raise not_found(what, field) from None
    if gid.type_name != type_name:
        raise not_found(what, field)
    return gid.node_id


def encode_id(type_name: str, node_id: Any) -> str:
    return str(relay.GlobalID(type_name, str(node_id)))
