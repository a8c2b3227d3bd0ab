"""Sources as data: one row per page, group, channel or chat, kept by admins. Each has its
own webhook secret, derived from the server's link secret, the source id and a version
(never stored, so a database dump reveals no secret; rotating bumps the version)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, ValidationFailed, not_found
from domain.ids import parse_uuid
from domain.settings import Settings, get_settings
from domain.social import access, rules
from domain.social.models import Network, SocialSource
from domain.transaction import transaction
from domain.validation import clean_text

_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
UNSET: Any = object()


@dataclass
class SourceData:
    network: Network | None = None
    name: Any = UNSET
    confirmation_code: Any = UNSET
    api_url: Any = UNSET
    api_token: Any = UNSET
    active: Any = UNSET
    rotate_secret: bool = False


def secret_of(source: SocialSource | dict, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    source_id = source["id"] if isinstance(source, dict) else source.id
    version = source["secret_version"] if isinstance(source, dict) else source.secret_version
    return rules.webhook_secret(settings.link_secret, str(source_id), version)


def _clean(data: SourceData) -> dict[str, Any]:
    errors: list[DomainError] = []
    out: dict[str, Any] = {}

    def take(attr: str, field: str, max_length: int, required: bool = False) -> None:
        value = getattr(data, attr)
        if value is UNSET:
            return
        try:
            out[attr] = clean_text(value, field, max_length=max_length, required=required)
        except DomainError as exc:
            errors.append(exc)

    take("name", "name", 200, required=True)
    take("confirmation_code", "confirmationCode", 100)
    take("api_url", "apiUrl", 1000)
    take("api_token", "apiToken", 1000)
    if out.get("api_url") and not _URL.match(out["api_url"]):
        errors.append(DomainError(ErrorCode.INVALID, "Адрес API сети должен начинаться с "
                                  "http:// или https://.", "apiUrl"))
    if data.active is not UNSET:
        out["active"] = bool(data.active)
    if errors:
        raise ValidationFailed(errors)
    return out


async def save_source(actor: Actor, source_id: Any, data: SourceData) -> SocialSource:
    """Create (no id: network and name required) or change a source."""
    access.require_source_manager(actor)
    values = _clean(data)
    async with transaction():
        if source_id is None:
            if data.network is None:
                raise DomainError(ErrorCode.REQUIRED, "Укажите социальную сеть.", "network")
            if "name" not in values:
                raise DomainError(ErrorCode.REQUIRED, "Поле обязательно для заполнения.",
                                  "name")
            return await SocialSource.create(network=data.network, created_by=actor.subject,
                                             **values)
        source = await SocialSource.filter(id=parse_uuid(source_id, "id", "Источник")) \
            .select_for_update().first()
        if source is None:
            raise not_found("Источник", "id")
        if data.network is not None and data.network != source.network:
            raise DomainError(ErrorCode.INVALID, "Сеть источника не меняется: заведите новый "
                              "источник.", "network")
        for attr, value in values.items():
            setattr(source, attr, value)
        if data.rotate_secret:
            source.secret_version += 1
        await source.save()
    return source
