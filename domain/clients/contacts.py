"""Contact points and the channel preference (R-1.4). Each use case is one transaction
that writes its history event; the client or staff may act, except where noted."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.clients import rules
from domain.clients.access import can_see_client, forbid, get_client_for
from domain.clients.models import ChannelPreference, ContactKind, ContactPoint
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind, SourceType
from domain.ids import parse_uuid
from domain.settings import get_settings
from domain.transaction import transaction
from domain.validation import SHORT_MAX, clean_text, normalise_email, normalise_phone

_MESSENGER = re.compile(r"^(?P<network>[a-z]+):(?P<handle>@?[\w.\-+]{2,100})$")


def normalise_contact(kind: ContactKind, value: str) -> str:
    """One spelling per address, so duplicates are caught and search is exact."""
    if kind == ContactKind.EMAIL:
        return normalise_email(value)
    if kind == ContactKind.PHONE:
        return normalise_phone(value, countries=get_settings().phone_countries)
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


def _duplicate() -> DomainError:
    return DomainError(ErrorCode.DUPLICATE, "Такой контакт уже добавлен.", "value")


async def add_contact(
    actor: Actor, client_id: Any, kind: ContactKind, value: str,
    label: str | None = None, primary: bool = False,
) -> ContactPoint:
    """The first contact of a kind becomes primary; ``primary`` takes the mark from another."""
    normalised = normalise_contact(kind, value)
    label = clean_text(label, "label")
    async with transaction():
        client = await get_client_for(actor, client_id)
        if await ContactPoint.exists(client_id=client.id, kind=kind, value=normalised):
            raise _duplicate()
        has_primary = await ContactPoint.exists(client_id=client.id, kind=kind, primary=True)
        if primary and has_primary:
            await ContactPoint.filter(client_id=client.id, kind=kind).update(primary=False)
        try:
            contact = await ContactPoint.create(
                client_id=client.id, kind=kind, value=normalised, label=label,
                primary=primary or not has_primary,
            )
        except IntegrityError:  # the same address added by a parallel request
            raise _duplicate() from None
        await history.record(
            client.id, EventKind.CONTACT_ADDED, f"Добавлен контакт: {rules.CONTACT_KIND_RU[kind]}",
            actor=actor, source=(SourceType.CONTACT, contact.id),
        )
    return contact


async def contact_for(actor: Actor, contact_id: Any) -> ContactPoint:
    cid = parse_uuid(contact_id, "contactId", "Контакт")
    contact = await ContactPoint.get_or_none(id=cid)
    if contact is None or not can_see_client(actor, contact.client_id):
        raise not_found("Контакт", "contactId")
    return contact


async def verify_contact(actor: Actor, contact_id: Any, primary: bool = False) -> ContactPoint:
    """Staff confirm a contact (the client proved it). Confirmation by code is the
    deliveries area's (``domain.deliveries.verification``)."""
    if not actor.is_staff:
        raise forbid()
    async with transaction():
        return await mark_verified(actor, await contact_for(actor, contact_id), primary)


async def mark_verified(actor: Actor, contact: ContactPoint, primary: bool = False
                        ) -> ContactPoint:
    """The write of a confirmation and its history event; callers check who may confirm."""
    async with transaction():
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
            actor=actor, source=(SourceType.CONTACT, contact.id),
        )
    return contact


async def remove_contact(actor: Actor, contact_id: Any) -> uuid.UUID:
    """Refused while a channel preference points at it; the primary mark passes on."""
    async with transaction():
        contact = await contact_for(actor, contact_id)
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
            actor=actor, source=(SourceType.CONTACT, contact.id),
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
            # Another client's contact is as unknown as a forged one.
            contact = await ContactPoint.get_or_none(id=cid, client_id=client.id)
            if contact is None:
                raise not_found("Контакт", field)
            return contact

        preferred = await own_contact(preferred_contact_id, "preferredContactId")
        additional = await own_contact(additional_contact_id, "additionalContactId")
        if not actor.is_staff:  # see README, "Government mail to anyone"
            for contact, field in ((preferred, "preferredContactId"),
                                   (additional, "additionalContactId")):
                if contact is not None and not contact.verified:
                    raise DomainError(ErrorCode.CONTACT_NOT_VERIFIED, "Этот контакт ещё не "
                                      "подтверждён: выберите подтверждённый.", field)
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
        # A queryset update, not instance.save(): with the one-to-one primary key Tortoise
        # would bind the raw UUID on SQLite, which sqlite3 refuses.
        updated = await ChannelPreference.filter(client_id=client.id).update(
            **values, updated_at=datetime.now(UTC))
        if not updated:
            await ChannelPreference.create(client_id=client.id, **values)
        pref = await ChannelPreference.get(client_id=client.id)
        await history.record(
            client.id, EventKind.PREFERENCE_SET,
            rules.preference_summary(preferred_channel, additional_channel),
            actor=actor, channel=chosen_via, source=(SourceType.CLIENT, client.id),
            details={
                "preferred_channel": str(preferred_channel),
                "preferred_contact_id": str(preferred.id) if preferred else None,
                "additional_channel": str(additional_channel) if additional_channel else None,
                "additional_contact_id": str(additional.id) if additional else None,
                "chosen_via": str(chosen_via) if chosen_via else None,
            },
        )
    return pref
