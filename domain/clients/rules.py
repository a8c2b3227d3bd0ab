"""Pure client rules: no database, no framework."""

from __future__ import annotations

import re
from datetime import date

from domain.clients.models import ClientKind, ContactKind, LifeSituation, Segment
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode

# which kind of contact point a chosen channel needs to reach the client.
# Channels absent here reach the client without a contact point of theirs
# (their personal account in the web site or app, a visit, the EDMS, a reply
# in the social-network thread they wrote in).
CONTACT_FOR_CHANNEL: dict[Channel, ContactKind] = {
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.SMS: ContactKind.PHONE,
    Channel.PHONE: ContactKind.PHONE,
    Channel.POSTAL: ContactKind.POSTAL,
    Channel.MESSENGER: ContactKind.MESSENGER,
}

MESSENGER_NETWORKS = ("telegram", "whatsapp", "viber", "vk", "max")

# The fixed sets of profile tags (enums in the API, in output, input and filters alike).
SEGMENTS: tuple[str, ...] = tuple(str(s) for s in Segment)
LIFE_SITUATIONS: tuple[str, ...] = tuple(str(s) for s in LifeSituation)

CONTACT_KIND_RU = {
    ContactKind.EMAIL: "электронная почта",
    ContactKind.PHONE: "телефон",
    ContactKind.POSTAL: "почтовый адрес",
    ContactKind.MESSENGER: "мессенджер",
}

# For history summaries a citizen reads in their timeline.
CHANNEL_RU = {
    Channel.EMAIL: "электронная почта",
    Channel.SMS: "SMS",
    Channel.PHONE: "телефон",
    Channel.POSTAL: "почта",
    Channel.MESSENGER: "мессенджер",
    Channel.WEB: "личный кабинет на сайте",
    Channel.MOBILE_APP: "мобильное приложение",
    Channel.IN_PERSON: "личный приём",
    Channel.SOCIAL: "социальная сеть",
    Channel.EDMS: "система электронного документооборота",
}


def preference_summary(preferred: Channel, additional: Channel | None) -> str:
    summary = f"Выбран способ связи: {CHANNEL_RU[preferred]}"
    if additional is not None:
        summary += f"; дополнительный: {CHANNEL_RU[additional]}"
    return summary


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


_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """How names are stored for search and how a typed fragment is compared with them:
    lower case, «ё» read as «е» (people write «Семенов» for «Семёнов»), single spaces."""
    return _SPACES.sub(" ", text.lower().replace("ё", "е")).strip()


def required_contact_kind(channel: Channel) -> ContactKind | None:
    return CONTACT_FOR_CHANNEL.get(channel)


def check_preference(
    preferred: Channel,
    preferred_contact_kind: ContactKind | None,
    additional: Channel | None,
    additional_contact_kind: ContactKind | None,
) -> None:
    """R-1.4: each chosen channel reaches the client through a contact point of the kind it
    needs (and channels that need none are given none); the additional one is a different
    channel."""
    if additional is None and additional_contact_kind is not None:
        raise DomainError(
            ErrorCode.REQUIRED, "Укажите дополнительный способ связи.", "additionalChannel"
        )
    if additional is not None and additional == preferred:
        raise DomainError(
            ErrorCode.INVALID,
            "Дополнительный способ связи должен отличаться от основного.",
            "additionalChannel",
        )
    pairs = [("preferredContactId", preferred, preferred_contact_kind)]
    if additional is not None:
        pairs.append(("additionalContactId", additional, additional_contact_kind))
    for contact_field, channel, contact_kind in pairs:
        needed = required_contact_kind(channel)
        if needed is None:
            if contact_kind is not None:
                raise DomainError(
                    ErrorCode.CONTACT_KIND_MISMATCH,
                    "Для этого способа связи контакт не нужен.",
                    contact_field,
                )
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


def check_client_fields(
    kind: ClientKind,
    last_name: str | None,
    first_name: str | None,
    organisation_name: str | None,
    inn: str | None,
    ogrn: str | None,
    department_id: object | None,
) -> list[DomainError]:
    """What each kind of client must have, and which INN/OGRN form fits it.

    Organisations: a name, a 10-digit INN, a 13-digit OGRN. People and employees: a last
    or first name, a 12-digit INN, a 15-digit OGRNIP (an entrepreneur). Employees: a department.
    Values are assumed already checked for their own check digits.
    """
    errors: list[DomainError] = []
    if kind == ClientKind.ORGANISATION:
        if not organisation_name:
            errors.append(DomainError(
                ErrorCode.REQUIRED, "Укажите название организации.", "organisationName"))
        inn_len, ogrn_len = 10, 13
        inn_msg = "ИНН организации состоит из 10 цифр."
        ogrn_msg = "ОГРН организации состоит из 13 цифр."
    else:
        if not last_name and not first_name:
            errors.append(DomainError(ErrorCode.REQUIRED, "Укажите фамилию или имя.", "lastName"))
        inn_len, ogrn_len = 12, 15
        inn_msg = "ИНН физического лица состоит из 12 цифр."
        ogrn_msg = "ОГРНИП индивидуального предпринимателя состоит из 15 цифр."
    if inn and len(inn) != inn_len:
        errors.append(DomainError(ErrorCode.INVALID_INN, inn_msg, "inn"))
    if ogrn and len(ogrn) != ogrn_len:
        errors.append(DomainError(ErrorCode.INVALID_OGRN, ogrn_msg, "ogrn"))
    if kind == ClientKind.EMPLOYEE and not department_id:
        errors.append(DomainError(
            ErrorCode.REQUIRED, "Укажите подразделение сотрудника.", "departmentId"))
    return errors


def check_authority_term(valid_until: date | None, today: date) -> None:
    """A representative's authority that has already ended cannot be recorded (R-1.2)."""
    if valid_until is not None and valid_until < today:
        raise DomainError(
            ErrorCode.INVALID, "Срок действия полномочий уже истёк.", "validUntil"
        )
