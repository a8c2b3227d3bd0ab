"""Download links for history exports: signed, expiring, single-purpose tokens.

The token is an HS256 JWT signed with ``settings.link_secret`` (not the session
secret), naming one export and the purpose ``history-export``; it expires with the
export. It is deterministic for a given export, so the link in a notice and the link
in the API are the same.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain import signed_links
from domain.errors import DomainError, ErrorCode
from domain.settings import Settings

PURPOSE = "history-export"
FORMATS = ("json", "html")


def sign(settings: Settings, export_id: Any, expires_at: datetime) -> str:
    return signed_links.sign(settings, PURPOSE, {"sub": str(export_id)}, expires_at)


def verify(settings: Settings, token: str) -> str:
    """The export ID the token names; EXPIRED_TOKEN or INVALID_TOKEN otherwise."""
    claims = signed_links.verify(settings, token, PURPOSE, ("sub",))
    if not isinstance(claims.get("sub"), str):
        raise DomainError(ErrorCode.INVALID_TOKEN, signed_links.INVALID)
    return claims["sub"]


def download_url(settings: Settings, export_id: Any, expires_at: datetime, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    return signed_links.url(settings, "exports", sign(settings, export_id, expires_at), fmt)
