"""Read side of the clients area: column lists, the client card's loads, client search.

The card's loads (client, contacts, preference) are the hottest reads: plain SQL through
Tortoise's connection, not its query builder (DESIGN.md, "Performance"). Writes are in
``service.py`` and ``contacts.py``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q, Subquery

from domain import sql
from domain.actor import Actor
from domain.clients import rules
from domain.clients.access import own_client_id
from domain.clients.models import (
    Client,
    ClientKind,
    ClientTag,
    ContactKind,
    ContactPoint,
    Representative,
    TagKind,
)
from domain.errors import DomainError, ErrorCode
from domain.ids import as_uuid
from domain.pagination import newest_first
from domain.validation import clean_text, normalise_email, normalise_phone

CLIENT_COLUMNS = ("id", "kind", "last_name", "first_name", "middle_name", "organisation_name",
                  "inn", "ogrn", "department_id", "position", "created_at", "updated_at")
CONTACT_COLUMNS = ("id", "client_id", "kind", "value", "label", "verified", "primary", "created_at")
PREFERENCE_COLUMNS = ("client_id", "preferred_channel", "preferred_contact_id",
                      "additional_channel", "additional_contact_id", "chosen_via", "updated_at")
REPRESENTATIVE_COLUMNS = ("id", "client_id", "representative_id", "basis", "document",
                          "valid_until", "created_at")
_CLIENT_SELECT = ", ".join(CLIENT_COLUMNS)
_CONTACT_SELECT = ", ".join(f'"{c}"' for c in CONTACT_COLUMNS)
_PREFERENCE_SELECT = ", ".join(PREFERENCE_COLUMNS)


def row_of(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """A saved model as the row a read would return (mutation payloads)."""
    return {c: getattr(obj, c) for c in columns}


# -- by key (the loaders' statements; ids are parsed UUIDs) ------------------------------


async def clients_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    where, params = sql.in_list("id", ids, 1)
    return await sql.fetch(f"SELECT {_CLIENT_SELECT} FROM client WHERE {where}", params,
                           times=("created_at", "updated_at"))


async def contacts_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await ContactPoint.filter(id__in=ids).values(*CONTACT_COLUMNS)


async def contacts_by_client(client_ids: list[Any]) -> list[dict[str, Any]]:
    """By kind, primary first, then oldest first."""
    where, params = sql.in_list("client_id", client_ids, 1)
    return await sql.fetch(
        f"SELECT {_CONTACT_SELECT} FROM contact_point WHERE {where} "
        'ORDER BY kind, "primary" DESC, created_at', params,
        times=("created_at",), flags=("verified", "primary"))


async def preferences_by_client(client_ids: list[Any]) -> list[dict[str, Any]]:
    where, params = sql.in_list("client_id", client_ids, 1)
    return await sql.fetch(
        f"SELECT {_PREFERENCE_SELECT} FROM channel_preference WHERE {where}", params,
        times=("updated_at",))


async def tags_by_client(client_ids: list[Any]) -> list[dict[str, Any]]:
    return await ClientTag.filter(client_id__in=client_ids).order_by("id").values(
        "client_id", "kind", "tag")


async def representatives_by_id(ids: list[Any]) -> list[dict[str, Any]]:
    return await Representative.filter(id__in=ids).values(*REPRESENTATIVE_COLUMNS)


async def representatives_by_client(client_ids: list[Any]) -> list[dict[str, Any]]:
    return await Representative.filter(client_id__in=client_ids).order_by(
        "created_at").values(*REPRESENTATIVE_COLUMNS)


async def display_name_of(client_id: Any) -> str | None:
    """The client's name as documents show it (a history export); None when no such client."""
    row = await Client.filter(id=client_id).first().values(
        "kind", "last_name", "first_name", "middle_name", "organisation_name")
    if not row:
        return None
    return rules.display_name(row["kind"], row["last_name"], row["first_name"],
                              row["middle_name"], row["organisation_name"])


# -- search --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientFilter:
    search: str | None = None
    kind: ClientKind | None = None
    segment: str | None = None


def _uuid_key(raw: str) -> Any:
    parsed = as_uuid(raw)
    if parsed is None:
        raise ValueError(raw)  # a bad cursor
    return parsed


async def search_clients(
    actor: Actor, flt: ClientFilter, first: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """Staff see everyone; a client's search finds at most their own record."""
    query = Client.all()
    if not actor.is_staff:
        own = own_client_id(actor)
        if own is None:
            return [], False
        query = query.filter(id=own)
    if flt.kind:
        query = query.filter(kind=flt.kind)
    if flt.segment is not None:
        segment = str(flt.segment)
        if segment not in rules.SEGMENTS:
            raise DomainError(ErrorCode.INVALID, f"Неизвестный сегмент «{segment[:40]}». "
                              f"Допустимо: {', '.join(rules.SEGMENTS)}.", "segment")
        query = query.filter(
            id__in=Subquery(ClientTag.filter(kind=TagKind.SEGMENT, tag=segment)
                            .values("client_id")))
    if flt.search:
        text = clean_text(flt.search, "search", max_length=200)
        if text:
            query = query.filter(_search_condition(text))
    return await newest_first(query, "created_at", first, after, CLIENT_COLUMNS, _uuid_key)


_PHONE_OR_INN = re.compile(r"[\d\s()+\-.]+")
_MAX_NAME_WORDS = 8


def _search_condition(text: str) -> Q:
    """Exact match on a normalised email, phone or INN; otherwise every word of the text
    is a fragment of the name, in any order and case."""
    if "@" in text:
        try:
            emails = ContactPoint.filter(kind=ContactKind.EMAIL, value=normalise_email(text))
            return Q(id__in=Subquery(emails.values("client_id")))
        except DomainError:
            pass
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 10 and _PHONE_OR_INN.fullmatch(text):
        condition = Q(inn=digits)
        try:
            phones = ContactPoint.filter(kind=ContactKind.PHONE, value=normalise_phone(text))
            condition |= Q(id__in=Subquery(phones.values("client_id")))
        except DomainError:
            pass
        return condition
    words = rules.search_key(text).split()[:_MAX_NAME_WORDS]
    return Q(*[Q(search_name__contains=w) for w in words], join_type="AND")
