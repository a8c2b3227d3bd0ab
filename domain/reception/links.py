"""Signed one-step links of a booking (R-4.6, R-4.4): cancel, and accept a change.

A token is an HS256 JWT signed with ``settings.link_secret`` (never the session secret),
naming one purpose (``booking-cancel`` or ``booking-accept``), the record (``sub``: the
booking, or the booking's change notice) and the slot the booking held when the link was
made (``slot``); it expires when that slot starts (``exp``). So a link is bound to one
booking at one time: when the booking moves (a change, R-4.4) the old link no longer
matches and is refused as stale; the new notice carries new links. Tokens are
deterministic, so a notice re-rendered later carries the same links.

Pure: no database. The checks against the booking's state are in ``tokens.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from domain.errors import DomainError, ErrorCode
from domain.ids import as_uuid
from domain.settings import Settings

CANCEL = "booking-cancel"
ACCEPT = "booking-accept"
MAX_TOKEN_LENGTH = 1000

INVALID_LINK = ("Ссылка недействительна. Проверьте, что она скопирована полностью, или "
                "позвоните на линию консультаций.")
EXPIRED_LINK = "Срок действия ссылки истёк: время приёма уже наступило."
STALE_LINK = ("Эта ссылка больше не действует: запись изменилась. Воспользуйтесь ссылкой из "
              "последнего письма о записи.")


@dataclass(frozen=True, slots=True)
class LinkClaims:
    purpose: str
    record_id: Any  # UUID of the booking (cancel) or of the change notice (accept)
    slot_id: Any  # UUID of the slot the booking held when the link was made
    starts_at: datetime  # that slot's start, also the link's expiry


def sign(settings: Settings, purpose: str, record_id: Any, slot_id: Any,
         starts_at: datetime) -> str:
    claims = {"purpose": purpose, "sub": str(record_id), "slot": str(slot_id),
              "exp": int(starts_at.timestamp())}
    return jwt.encode(claims, settings.link_secret, algorithm="HS256")


def verify(settings: Settings, token: Any, purpose: str,
           now: datetime | None = None) -> LinkClaims:
    """The claims of a genuine, unexpired token of this purpose; INVALID_TOKEN or
    EXPIRED_TOKEN (field ``token``) otherwise."""
    if not isinstance(token, str) or not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID_LINK, "token")
    try:
        claims = jwt.decode(token.strip(), settings.link_secret, algorithms=["HS256"],
                            options={"require": ["exp", "sub", "purpose", "slot"],
                                     "verify_exp": False})
    except jwt.PyJWTError:
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID_LINK, "token") from None
    record_id, slot_id = as_uuid(claims.get("sub")), as_uuid(claims.get("slot"))
    exp = claims.get("exp")
    if claims.get("purpose") != purpose or record_id is None or slot_id is None \
            or not isinstance(exp, int):
        raise DomainError(ErrorCode.INVALID_TOKEN, INVALID_LINK, "token")
    starts_at = datetime.fromtimestamp(exp, UTC)
    if (now or datetime.now(UTC)) >= starts_at:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token")
    return LinkClaims(purpose, record_id, slot_id, starts_at)


def same_moment(claims: LinkClaims, starts_at: datetime) -> bool:
    """The booking still holds the slot at the time the link was made for."""
    return int(claims.starts_at.timestamp()) == int(starts_at.timestamp())


def cancel_url(settings: Settings, booking_id: Any, slot_id: Any, starts_at: datetime) -> str:
    base = settings.public_base_url.rstrip("/")
    return f"{base}/reception/cancel/{sign(settings, CANCEL, booking_id, slot_id, starts_at)}"


def accept_url(settings: Settings, change_id: Any, slot_id: Any, starts_at: datetime) -> str:
    base = settings.public_base_url.rstrip("/")
    return f"{base}/reception/accept/{sign(settings, ACCEPT, change_id, slot_id, starts_at)}"
