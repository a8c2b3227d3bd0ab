"""Where each fast-path type's rows live: the one declared place per GraphQL type.

Plain strawberry fields (no resolver) read the column of their Python name, so only what
differs is written here: a column override, a field computed from columns, a relation.
``tests/api/fastpath/test_mappings.py`` checks every entry against the schema and the
Tortoise models, so a renamed field or column cannot silently drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from api.messages.types import MessageDeadline
from domain.clients import rules


@dataclass(frozen=True)
class Computed:
    """A field with a resolver that only combines columns of its own row: a scalar, or a
    strawberry object (walked like the stock resolver's value, ``objects.Instances``)."""

    columns: tuple[str, ...]
    compute: Callable[..., Any]


@dataclass(frozen=True)
class Many:
    """A plain list of child rows (no arguments), in the stock loader's order.
    ``order`` uses ``{t}`` for the child table's alias."""

    type_name: str
    foreign_key: str
    order: str


@dataclass(frozen=True)
class One:
    """At most one child row (null when there is none)."""

    type_name: str
    foreign_key: str


@dataclass(frozen=True)
class Page:
    """A connection with ``first``/``after`` only, newest first by (``time``, ``id``): the
    stock keyset page (domain/history/queries.py ``page``)."""

    type_name: str
    foreign_key: str
    time: str = "occurred_at"


@dataclass(frozen=True)
class Table:
    table: str
    columns: dict[str, str] = field(default_factory=dict)  # Python field name -> column
    computed: dict[str, Computed] = field(default_factory=dict)  # GraphQL name -> how
    relations: dict[str, Many | One | Page] = field(default_factory=dict)  # GraphQL name
    # The columns the strawberry type's ``visible(actor, row)`` reads (root objects only).
    visible_columns: tuple[str, ...] = ()
    key: str = "id"  # what children's foreign keys point at


TABLES: dict[str, Table] = {
    "Client": Table(
        "client",
        computed={"displayName": Computed(
            ("kind", "last_name", "first_name", "middle_name", "organisation_name"),
            rules.display_name)},
        relations={
            "contacts": Many("ContactPoint", "client_id", '{t}.kind, {t}."primary" DESC, '
                                                          "{t}.created_at"),
            "preference": One("ChannelPreference", "client_id"),
            "history": Page("InteractionEvent", "client_id"),
        },
        visible_columns=("id",),
    ),
    "ContactPoint": Table("contact_point"),
    "ChannelPreference": Table("channel_preference", key="client_id"),
    "InteractionEvent": Table("interaction_event", columns={"id": "public_id"}),
    # Listed by ``Query.messages`` (``plan.Compiler.messages_root``), whose WHERE is the
    # domain's own (``domain.messages.queries.page_statement``): visibility included.
    "Message": Table(
        "message",
        computed={
            "deadline": Computed(("due_kind", "due_date", "due_at"), MessageDeadline.of_due),
            "deadlines": Computed(("terms",), lambda terms: MessageDeadline.open_of(
                orjson.loads(terms) if isinstance(terms, str) else terms)),  # asyncpg: text
        },
    ),
}
