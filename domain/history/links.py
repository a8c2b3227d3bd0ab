"""Download links for history exports: signed, expiring, single-purpose tokens.

The token is an HS256 JWT signed with ``settings.link_secret`` (not the session
secret), naming one export and the purpose ``history-export``; it expires with the
export. It is deterministic for a given export, so the link in a notice and the link
in the API are the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

from domain.errors import DomainError, ErrorCode
from domain.settings import Settings

PURPOSE = "history-export"
FORMATS = ("json", "html")


def sign(settings: Settings, export_id: Any, expires_at: datetime) -> str:
    claims = {"purpose": PURPOSE, "sub": str(export_id), "exp": int(expires_at.timestamp())}
    return jwt.encode(claims, settings.link_secret, algorithm="HS256")


def verify(settings: Settings, token: str) -> str:
    """The export ID the token names; EXPIRED_TOKEN or INVALID_TOKEN otherwise."""
    try:
        claims = jwt.decode(
            token, settings.link_secret, algorithms=["HS256"],
            options={"require": ["exp", "sub", "purpose"]},
        )
    except jwt.ExpiredSignatureError:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, "Срок действия ссылки истёк.") from None
    except jwt.PyJWTError:
        raise DomainError(ErrorCode.INVALID_TOKEN, "Ссылка недействительна.") from None
    if claims.get("purpose") != PURPOSE or not isinstance(claims.get("sub"), str):
        raise DomainError(ErrorCode.INVALID_TOKEN, "Ссылка недействительна.")
    return claims["sub"]


def download_url(settings: Settings, export_id: Any, expires_at: datetime, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    base = settings.public_base_url.rstrip("/")
    return f"{base}/exports/{sign(settings, export_id, expires_at)}.{fmt}"
