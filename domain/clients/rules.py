"""Pure client rules: no database, no framework."""

from __future__ import annotations

from domain.clients.models import Channel, ClientKind, ContactKind
from domain.errors import DomainError, ErrorCode

# which kind of contact point a chosen channel needs to reach the client.
# Channels absent here reach the client without a contact point of theirs
# (their personal account in the web site or app, a visit, the EDMS).
CONTACT_FOR_CHANNEL: dict[Channel, ContactKind] = {
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.SMS: ContactKind.PHONE,
    Channel.PHONE: ContactKind.PHONE,
    Channel.POSTAL: ContactKind.POSTAL,
    Channel.MESSENGER: ContactKind.MESSENGER,
}

MESSENGER_NETWORKS = ("telegram", "whatsapp", "viber", "vk", "max")

SEGMENTS = (
    "pensioner",
    "large_family",
    "disabled",
    "entrepreneur",
    "veteran",
    "student",
    "low_income",
    "svo_participant",
)
LIFE_SITUATIONS = (
    "birth_of_child",
    "job_loss",
    "moving",
    "retirement",
    "illness",
    "loss_of_breadwinner",
    "emergency",
    "housing_problem",
)


def display_name(
    kind: ClientKind,
    last_name: str | None,
    first_name: str | None,
    middle_name: str | None,
    organisation_name: str | None,
) -> str:
    if kind == ClientKind.ORGANISATION:
        return organisation_name or ""
    return " ".join(p for p in (last_name, first_name, middle_name) if p)


def required_contact_kind(channel: Channel) -> ContactKind | None:
    return CONTACT_FOR_CHANNEL.get(channel)


def check_preference(
    preferred: Channel,
    preferred_contact_kind: ContactKind | None,
    additional: Channel | None,
    additional_contact_kind: ContactKind | None,
) -> None:
    """R-1.4: a preference must be reachable through a contact point of the right kind."""
    pairs = [("preferredChannel", "preferredContactId", preferred, preferred_contact_kind)]
    if additional is not None:
        pairs.append(
            ("additionalChannel", "additionalContactId", additional, additional_contact_kind)
        )
    for _channel_field, contact_field, channel, contact_kind in pairs:
        needed = required_contact_kind(channel)
        if needed is None:
            continue
        if contact_kind is None:
            raise DomainError(
                ErrorCode.CONTACT_REQUIRED,
                f"Для выбранного способа связи нужен контакт: {CONTACT_KIND_RU[needed]}.",
                contact_field,
            )
        if contact_kind != needed:
            raise DomainError(
                ErrorCode.CONTACT_KIND_MISMATCH,
                f"Для выбранного способа связи нужен контакт вида «{CONTACT_KIND_RU[needed]}».",
                contact_field,
            )
    if additional is not None and additional == preferred:
        raise DomainError(
            ErrorCode.INVALID,
            "Дополнительный способ связи должен отличаться от основного.",
            "additionalChannel",
        )


CONTACT_KIND_RU = {
    ContactKind.EMAIL: "электронная почта",
    ContactKind.PHONE: "телефон",
    ContactKind.POSTAL: "почтовый адрес",
    ContactKind.MESSENGER: "мессенджер",
}
