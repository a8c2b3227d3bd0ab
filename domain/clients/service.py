"""Client use cases. Each runs in one transaction and writes its history event."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.expressions import Q

from domain.actor import Actor
from domain.clients import rules
from domain.clients.models import (
    AuthorityBasis,
    Channel,
    ChannelPreference,
    Client,
    ClientKind,
    ClientTag,
    ContactKind,
    ContactPoint,
    Representative,
    TagKind,
)
from domain.directory.models import Department
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.pagination import newest_first
from domain.transaction import transaction
from domain.validation import (
    NAME_MAX,
    SHORT_MAX,
    clean_text,
    normalise_email,
    normalise_phone,
    validate_inn,
    validate_ogrn,
)

UNSET: Any = object()  # "field not given" in updates, as opposed to "set to null"


def parse_uuid(value: Any, field: str, what: str = "Запись") -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise not_found(what, field) from None


def forbid() -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, "Недостаточно прав для этого действия.")


async def get_client_for(actor: Actor, client_id: Any, field: str = "clientId") -> Client:
    """The client, if it exists and the actor may see it; both failures look the same."""
    cid = parse_uuid(client_id, field, "Клиент")
    if not actor.can_see_client(str(cid)):
        raise not_found("Клиент", field)
    client = await Client.get_or_none(id=cid)
    if client is None:
        raise not_found("Клиент", field)
    return client


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


async def _apply_client_data(client: Client, data: ClientData) -> list[str]:
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

    camel = {"last_name": "lastName", "first_name": "firstName", "middle_name": "middleName",
             "organisation_name": "organisationName", "position": "position"}
    for name, gql in camel.items():
        limit = SHORT_MAX if name in ("organisation_name", "position") else NAME_MAX
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
        errors.extend(_check_kind_fields(client))
    if errors:
        raise ValidationFailed(errors)
    client.search_name = rules.display_name(
        client.kind, client.last_name, client.first_name, client.middle_name,
        client.organisation_name,
    ).lower()
    return changed


def _check_kind_fields(client: Client) -> list[DomainError]:
    required = "Поле обязательно для заполнения."
    if client.kind == ClientKind.ORGANISATION:
        if not client.organisation_name:
            return [DomainError(ErrorCode.REQUIRED, required, "organisationName")]
    elif not client.last_name and not client.first_name:
        return [DomainError(ErrorCode.REQUIRED, "Укажите фамилию или имя.", "lastName")]
    if client.kind == ClientKind.EMPLOYEE and not client.department_id:
        return [DomainError(ErrorCode.REQUIRED, required, "departmentId")]
    return []


async def create_client(actor: Actor, data: ClientData) -> Client:
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
            source=("client", client.id),
        )
    return client


async def update_client(actor: Actor, client_id: Any, data: ClientData) -> Client:
    async with transaction():
        client = await get_client_for(actor, client_id, "id")
        if not actor.is_staff and (data.inn is not UNSET or data.department_id is not UNSET
                                   or data.ogrn is not UNSET or data.position is not UNSET):
            raise forbid()
        changed = await _apply_client_data(client, data)
        if changed:
            await client.save()
            await history.record(
                client.id, EventKind.CLIENT_UPDATED, "Данные клиента изменены", actor=actor,
                source=("client", client.id), details={"fields": changed},
            )
    return client


_MESSENGER = re.compile(r"^(?P<network>[a-z]+):(?P<handle>@?[\w.\-+]{2,100})$")


def normalise_contact(kind: ContactKind, value: str) -> str:
    if kind == ContactKind.EMAIL:
        return normalise_email(value)
    if kind == ContactKind.PHONE:
        return normalise_phone(value)
    if kind == ContactKind.POSTAL:
        return clean_text(value, "value", max_length=SHORT_MAX, required=True)
    text = clean_text(value, "value", max_length=120, required=True).lower()
    match = _MESSENGER.match(text)
    if not match or match["network"] not in rules.MESSENGER_NETWORKS:
        raise DomainError(
            ErrorCode.INVALID,
            "Укажите мессенджер и имя в нём, например telegram:@ivanov. "
            f"Поддерживаются: {', '.join(rules.MESSENGER_NETWORKS)}.",
            "value",
        )
    return text


async def add_contact(
    actor: Actor, client_id: Any, kind: ContactKind, value: str,
    label: str | None = None, primary: bool = False,
) -> ContactPoint:
    normalised = normalise_contact(kind, value)
    label = clean_text(label, "label")
    async with transaction():
        client = await get_client_for(actor, client_id)
        if await ContactPoint.exists(client_id=client.id, kind=kind, value=normalised):
            raise DomainError(ErrorCode.DUPLICATE, "Такой контакт уже добавлен.", "value")
        has_primary = await ContactPoint.exists(client_id=client.id, kind=kind, primary=True)
        if primary and has_primary:
            await ContactPoint.filter(client_id=client.id, kind=kind).update(primary=False)
        contact = await ContactPoint.create(
            client_id=client.id, kind=kind, value=normalised, label=label,
            primary=primary or not has_primary,
        )
        await history.record(
            client.id, EventKind.CONTACT_ADDED, f"Добавлен контакт: {rules.CONTACT_KIND_RU[kind]}",
            actor=actor, source=("contact", contact.id),
        )
    return contact


async def _contact_for(actor: Actor, contact_id: Any) -> ContactPoint:
    cid = parse_uuid(contact_id, "contactId", "Контакт")
    contact = await ContactPoint.get_or_none(id=cid)
    if contact is None or not actor.can_see_client(str(contact.client_id)):
        raise not_found("Контакт", "contactId")
    return contact


async def verify_contact(actor: Actor, contact_id: Any, primary: bool = False) -> ContactPoint:
    """Staff confirm a contact (the client proved it). Confirmation by code is the deliveries area's."""
    if not actor.is_staff:
        raise forbid()
    async with transaction():
        contact = await _contact_for(actor, contact_id)
        contact.verified = True
        if primary:
            await ContactPoint.filter(client_id=contact.client_id, kind=contact.kind).update(
                primary=False
            )
            contact.primary = True
        await contact.save()
        await history.record(
            contact.client_id, EventKind.CONTACT_VERIFIED,
            f"Контакт подтверждён: {rules.CONTACT_KIND_RU[contact.kind]}",
            actor=actor, source=("contact", contact.id),
        )
    return contact


async def remove_contact(actor: Actor, contact_id: Any) -> uuid.UUID:
    async with transaction():
        contact = await _contact_for(actor, contact_id)
        in_use = await ChannelPreference.filter(
            preferred_contact_id=contact.id
        ).exists() or await ChannelPreference.filter(additional_contact_id=contact.id).exists()
        if in_use:
            raise DomainError(
                ErrorCode.CONTACT_IN_USE,
                "Этот контакт выбран для связи. Сначала выберите другой способ связи.",
                "contactId",
            )
        await contact.delete()
        if contact.primary:  # keep one primary per kind while any are left
            successor = await ContactPoint.filter(
                client_id=contact.client_id, kind=contact.kind
            ).order_by("-verified", "created_at").first()
            if successor:
                successor.primary = True
                await successor.save(update_fields=["primary"])
        await history.record(
            contact.client_id, EventKind.CONTACT_REMOVED,
            f"Удалён контакт: {rules.CONTACT_KIND_RU[contact.kind]}",
            actor=actor, source=("contact", contact.id),
        )
    return contact.id


async def set_channel_preference(
    actor: Actor, client_id: Any, preferred_channel: Channel, preferred_contact_id: Any = None,
    additional_channel: Channel | None = None, additional_contact_id: Any = None,
    chosen_via: Channel | None = None,
) -> ChannelPreference:
    """R-1.4: whatever channel the client came through, they choose how we answer."""
    async with transaction():
        client = await get_client_for(actor, client_id)

        async def own_contact(contact_id: Any, field: str) -> ContactPoint | None:
            if contact_id is None:
                return None
            cid = parse_uuid(contact_id, field, "Контакт")
            contact = await ContactPoint.get_or_none(id=cid, client_id=client.id)
            if contact is None:
                raise not_found("Контакт", field)
            return contact

        preferred = await own_contact(preferred_contact_id, "preferredContactId")
        additional = await own_contact(additional_contact_id, "additionalContactId")
        if additional_channel is None and additional is not None:
            raise DomainError(
                ErrorCode.REQUIRED, "Укажите дополнительный способ связи.", "additionalChannel"
            )
        rules.check_preference(
            preferred_channel, preferred.kind if preferred else None,
            additional_channel, additional.kind if additional else None,
        )
        values = {
            "preferred_channel": preferred_channel,
            "preferred_contact_id": preferred.id if preferred else None,
            "additional_channel": additional_channel,
            "additional_contact_id": additional.id if additional else None,
            "chosen_via": chosen_via,
        }
        pref, created = await ChannelPreference.get_or_create(client_id=client.id, defaults=values)
        if not created:
            await pref.update_from_dict(values).save()
        summary = f"Выбран способ связи: {preferred_channel.value}"
        if additional_channel:
            summary += f", дополнительный: {additional_channel.value}"
        await history.record(
            client.id, EventKind.PREFERENCE_SET, summary, actor=actor, channel=chosen_via,
            source=("client", client.id), details={k: str(v) if v else None for k, v in values.items()},
        )
    return pref


def _clean_tags(tags: list[str], allowed: tuple[str, ...], field: str) -> list[str]:
    cleaned = []
    for tag in tags:
        value = clean_text(tag, field, max_length=100, required=True)
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
            await ClientTag.bulk_create(
                [ClientTag(client_id=client.id, kind=kind, tag=t) for t in tags]
            )
        await history.record(
            client.id, EventKind.PROFILE_CHANGED, "Профиль клиента изменён", actor=actor,
            source=("client", client.id), details={str(k): v for k, v in wanted.items()},
        )
    return client


async def add_representative(
    actor: Actor, client_id: Any, representative_id: Any, basis: AuthorityBasis,
    document: str | None = None, valid_until: date | None = None,
) -> Representative:
    if not actor.is_staff:
        raise forbid()
    document = clean_text(document, "document", max_length=SHORT_MAX)
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
            source=("representative", link.id),
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
            actor=actor, source=("representative", link.id),
        )
    return link.id


@dataclass(frozen=True)
class ClientFilter:
    search: str | None = None
    kind: ClientKind | None = None
    segment: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


CLIENT_COLUMNS = ("id", "kind", "last_name", "first_name", "middle_name", "organisation_name",
                  "inn", "ogrn", "department_id", "position", "created_at", "updated_at")


async def search_clients(
    actor: Actor, flt: ClientFilter, first: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """Staff see everyone; a client's search finds at most their own record."""
    query = Client.all()
    if not actor.is_staff:
        if actor.client_id is None:
            return [], False
        query = query.filter(id=parse_uuid(actor.client_id, "me"))
    if flt.kind:
        query = query.filter(kind=flt.kind)
    if flt.segment:
        query = query.filter(
            id__in=ClientTag.filter(kind=TagKind.SEGMENT, tag=flt.segment).values("client_id")
        )
    if flt.search:
        text = clean_text(flt.search, "search", max_length=200)
        if text:
            query = query.filter(_search_condition(text))
    return await newest_first(query, "created_at", first, after, CLIENT_COLUMNS, uuid.UUID)


def _search_condition(text: str) -> Q:
    """Exact match on a normalised email, phone or INN; otherwise a name fragment."""
    if "@" in text:
        try:
            emails = ContactPoint.filter(kind=ContactKind.EMAIL, value=normalise_email(text))
            return Q(id__in=emails.values("client_id"))
        except DomainError:
            return Q(search_name__contains=text.lower())
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 10 and not re.search(r"[^\d\s()+\-]", text):
        condition = Q(inn=digits)
        try:
            phones = ContactPoint.filter(kind=ContactKind.PHONE, value=normalise_phone(text))
            condition |= Q(id__in=phones.values("client_id"))
        except DomainError:
            pass
        return condition
    return Q(search_name__contains=text.lower())
