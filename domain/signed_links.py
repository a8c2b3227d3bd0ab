"""Signed, expiring download links: HS256 JWTs signed with ``settings.link_secret`` (not the
session secret), each naming one purpose, so a link made for one download never opens
another. Used by every "download by link" of the areas (history exports, the survey,
monitoring and call-quality CSVs); reception's cancel links expire with the slot instead and
keep their own rules (domain/reception/links.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from domain.errors import DomainError, ErrorCode
from domain.settings import Settings

EXPIRED = "Срок действия ссылки истёк."
INVALID = "Ссылка недействительна."


def expires_at(settings: Settings) -> datetime:
    """When a link made now stops working (``export_link_ttl_hours``)."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(
        hours=settings.export_link_ttl_hours)


def sign(settings: Settings, purpose: str, claims: dict[str, Any], until: datetime) -> str:
    return jwt.encode({"purpose": purpose, **claims, "exp": int(until.timestamp())},
                      settings.link_secret, algorithm="HS256")


def url(settings: Settings, path: str, token: str, suffix: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/{path}/{token}.{suffix}"


def verify(settings: Settings, token: str, purpose: str, required: tuple[str, ...]
           ) -> dict[str, Any]:
    """The claims of a genuine, unexpired link of this purpose carrying ``required``;
    EXPIRED_TOKEN or INVALID_TOKEN (in plain Russian) otherwise."""
    try:
        claims = jwt.decode(token, settings.link_secret, algorithms=["HS256"],
                            options={"require": ["exp", "purpose", *required]})
    except jwt.ExpiredSignatureError:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED) from None
    except jwt.PyJWTError:
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID) from None
    if claims.get("purpose") != purpose:
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID)
    return claims
