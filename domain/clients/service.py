"""Client use cases (the write side). Each runs in one transaction and writes its history
event.

Contact points and channel preferences live in ``contacts.py``, the visibility check in
``access.py``; both are re-exported here so other areas call one module. Reads are in
``queries.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.actor import Actor
from domain.clients import rules
from domain.clients.access import (  # noqa: F401 (re-exported)
    can_see_client,
    forbid,
    get_client_for,
    own_client_id,
)
from domain.clients.contacts import (  # noqa: F401 (re-exported)
    add_contact,
    normalise_contact,
    remove_contact,
    set_channel_preference,
    verify_contact,
)
from domain.clients.models import (
    AuthorityBasis,
    Client,
    ClientKind,
    ClientTag,
    Representative,
    TagKind,
)
from domain.directory.models import Department
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.ids import parse_uuid
from domain.settings import get_settings
from domain.transaction import transaction
from domain.validation import (
    NAME_MAX,
    SHORT_MAX,
    clean_text,
    validate_inn,
    validate_ogrn,
)

UNSET: Any = object()  # "field not given" in updates, as opposed to "set to null"


@dataclass
class ClientData:
    kind: ClientKind | None = None
    last_name: Any = UNSET
    first_name: Any = UNSET
    middle_name: Any = UNSET
    organisation_name: Any = UNSET
    inn: Any = UNSET
    ogrn: Any = UNSET
    department_id: Any = UNSET
    position: Any = UNSET

    def touches_staff_fields(self) -> bool:
        return any(v is not UNSET for v in (self.inn, self.ogrn, self.department_id,
                                            self.position))


_TEXT_FIELDS = {  # attribute -> (input field, max length)
    "last_name": ("lastName", NAME_MAX),
    "first_name": ("firstName", NAME_MAX),
    "middle_name": ("middleName", NAME_MAX),
    "organisation_name": ("organisationName", SHORT_MAX),
    "position": ("position", SHORT_MAX),
}


async def _apply_client_data(client: Client, data: ClientData) -> list[str]:
    """Validate every given field (all errors at once), then the kind's rules; set only
    what changed. Raises before touching the database if anything is wrong."""
    errors: list[DomainError] = []
    changed: list[str] = []

    def put(name: str, value: Any) -> None:
        if getattr(client, name) != value:
            setattr(client, name, value)
            changed.append(name)

    def attempt(name: str, fn) -> None:
        raw = getattr(data, name)
        if raw is UNSET:
            return
        try:
            put(name, fn(raw) if raw not in (None, "") else None)
        except DomainError as exc:
            errors.append(exc)

    for name, (gql, limit) in _TEXT_FIELDS.items():
        attempt(name, lambda v, g=gql, m=limit: clean_text(v, g, max_length=m))
    attempt("inn", validate_inn)
    attempt("ogrn", validate_ogrn)
    if data.department_id is not UNSET:
        if data.department_id is None:
            put("department_id", None)
        else:
            try:
                dep_id = parse_uuid(data.department_id, "departmentId", "Подразделение")
                if not await Department.exists(id=dep_id):
                    raise not_found("Подразделение", "departmentId")
                put("department_id", dep_id)
            except DomainError as exc:
                errors.append(exc)
    if not errors:
        errors.extend(rules.check_client_fields(
            client.kind, client.last_name, client.first_name, client.organisation_name,
            client.inn, client.ogrn, client.department_id,
        ))
    if errors:
        raise ValidationFailed(errors)
    client.search_name = rules.search_key(rules.display_name(
        client.kind, client.last_name, client.first_name, client.middle_name,
        client.organisation_name,
    ))
    return changed


async def create_client(actor: Actor, data: ClientData) -> Client:
    """Staff open a card (R-1.2); citizens' own cards come from their identity provider."""
    if not actor.is_staff:
        raise forbid()
    if data.kind is None:
        raise DomainError(ErrorCode.REQUIRED, "Укажите вид клиента.", "kind")
    async with transaction():
        client = Client(kind=data.kind)
        await _apply_client_data(client, data)
        await client.save()
        await history.record(
            client.id, EventKind.CLIENT_CREATED, "Карточка клиента создана", actor=actor,
            source=(SourceType.CLIENT, client.id),
        )
    return client


async def update_client(actor: Actor, client_id: Any, data: ClientData) -> Client:
    """A client may correct their own name; INN, OGRN, department and position are staff's."""
    if not actor.is_staff and data.touches_staff_fields():
        raise forbid()
    async with transaction():
        client = await get_client_for(actor, client_id, "id")
        changed = await _apply_client_data(client, data)
        if changed:
            await client.save()
            await history.record(
                client.id, EventKind.CLIENT_UPDATED, "Данные клиента изменены", actor=actor,
                source=(SourceType.CLIENT, client.id), details={"fields": changed},
            )
    return client


def _clean_tags(tags: list[str], allowed: tuple[str, ...], field: str) -> list[str]:
    """The API sends enum values; other callers (seed, tests) may send any text."""
    cleaned: list[str] = []
    for tag in tags:
        value = clean_text(str(tag), field, max_length=100, required=True)
        if value not in allowed:
            raise DomainError(
                ErrorCode.INVALID, f"Неизвестное значение «{value[:40]}». Допустимо: "
                f"{', '.join(allowed)}.", field,
            )
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


async def set_profile_tags(
    actor: Actor, client_id: Any, segments: list[str] | None, life_situations: list[str] | None
) -> Client:
    """R-1.2 client profile, kept by staff; read later by urgency and wording rules."""
    if not actor.is_staff:
        raise forbid()
    wanted: dict[TagKind, list[str]] = {}
    if segments is not None:
        wanted[TagKind.SEGMENT] = _clean_tags(segments, rules.SEGMENTS, "segments")
    if life_situations is not None:
        wanted[TagKind.LIFE_SITUATION] = _clean_tags(
            life_situations, rules.LIFE_SITUATIONS, "lifeSituations"
        )
    async with transaction():
        client = await get_client_for(actor, client_id)
        for kind, tags in wanted.items():
            await ClientTag.filter(client_id=client.id, kind=kind).delete()
            if tags:
                await ClientTag.bulk_create(
                    [ClientTag(client_id=client.id, kind=kind, tag=t) for t in tags]
                )
        await history.record(
            client.id, EventKind.PROFILE_CHANGED, "Профиль клиента изменён", actor=actor,
            source=(SourceType.CLIENT, client.id), details={str(k): v for k, v in wanted.items()},
        )
    return client


def _today() -> date:
    return datetime.now(ZoneInfo(get_settings().timezone)).date()


async def add_representative(
    actor: Actor, client_id: Any, representative_id: Any, basis: AuthorityBasis,
    document: str | None = None, valid_until: date | None = None,
) -> Representative:
    """R-1.2: a person acting for the client; staff record it from the authorising document."""
    if not actor.is_staff:
        raise forbid()
    document = clean_text(document, "document", max_length=SHORT_MAX)
    rules.check_authority_term(valid_until, _today())
    async with transaction():
        client = await get_client_for(actor, client_id)
        rep = await get_client_for(actor, representative_id, "representativeId")
        if rep.id == client.id or rep.kind == ClientKind.ORGANISATION:
            raise DomainError(
                ErrorCode.INVALID, "Представителем может быть только другой человек.",
                "representativeId",
            )
        if await Representative.exists(client_id=client.id, representative_id=rep.id):
            raise DomainError(ErrorCode.DUPLICATE, "Этот представитель уже указан.",
                              "representativeId")
        link = await Representative.create(
            client_id=client.id, representative_id=rep.id, basis=basis, document=document,
            valid_until=valid_until,
        )
        await history.record(
            client.id, EventKind.REPRESENTATIVE_ADDED, "Добавлен представитель", actor=actor,
            source=(SourceType.REPRESENTATIVE, link.id),
        )
    return link


async def remove_representative(actor: Actor, link_id: Any) -> uuid.UUID:
    if not actor.is_staff:
        raise forbid()
    async with transaction():
        link = await Representative.get_or_none(id=parse_uuid(link_id, "id", "Представитель"))
        if link is None:
            raise not_found("Представитель")
        await link.delete()
        await history.record(
            link.client_id, EventKind.REPRESENTATIVE_REMOVED, "Представитель исключён",
            actor=actor, source=(SourceType.REPRESENTATIVE, link.id),
        )
    return link.id
