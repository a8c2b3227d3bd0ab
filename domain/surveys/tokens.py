"""Signed, expiring, single-purpose link tokens (pure; no database).

A token is ``base64url(claims) "." base64url(HMAC-SHA256(link_secret, claims))`` where the
claims are ``purpose|id|nonce|expires``. Nothing secret is in the claims: the signature makes
them unforgeable, and the nonce (stored on the record, random per record) makes a token of
one record useless for another even if IDs are known. Single use is the caller's business
(the record's state), expiry is checked here and again against the record.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_TOKEN_LENGTH = 400
_SPELLING = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class TokenError(Exception):
    """Malformed, forged, tampered or of another purpose: all look the same to the holder."""


class TokenExpired(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Claims:
    purpose: str
    record_id: str
    nonce: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, body: bytes) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def sign(secret: str, purpose: str, record_id: str, nonce: str, expires_at: datetime) -> str:
    """Deterministic: the same record always gets the same token, so links can be rebuilt."""
    body = f"{purpose}|{record_id}|{nonce}|{int(expires_at.timestamp())}".encode()
    return f"{_b64(body)}.{_b64(_signature(secret, body))}"


def verify(secret: str, token: str, purpose: str, now: datetime | None = None) -> Claims:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise TokenError
    token = token.strip()
    # Exactly as ``sign`` writes it: base64 decoding would also take padding and skip
    # stray characters, so one token would have many spellings (each a fresh rate limit).
    if not _SPELLING.fullmatch(token):
        raise TokenError
    body_part, _, sig_part = token.partition(".")
    try:
        body, sig = _unb64(body_part), _unb64(sig_part)
    except (binascii.Error, ValueError):
        raise TokenError from None
    if not hmac.compare_digest(sig, _signature(secret, body)):
        raise TokenError
    try:
        claimed, record_id, nonce, expires = body.decode().split("|")
        expires_at = datetime.fromtimestamp(int(expires), UTC)
    except (UnicodeError, ValueError, OverflowError, OSError):
        raise TokenError from None
    if claimed != purpose:  # a genuine token of another kind (unsubscribe, export, …)
        raise TokenError
    if (now or datetime.now(UTC)) >= expires_at:
        raise TokenExpired
    return Claims(claimed, record_id, nonce, expires_at)


_CANDIDATE = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{40,}")
HIDDEN = "[скрыто]"


def redact(text: str) -> str:
    """The text with every signed link token in it (a survey link in a sent answer, an
    unsubscribe link) replaced by ``HIDDEN``: staff read what was sent, but a token is a
    bearer key (an executor could rate their own work), so staff never see a usable one."""

    def hide(match: re.Match[str]) -> str:
        try:
            body = _unb64(match.group().partition(".")[0])
        except (binascii.Error, ValueError):
            return match.group()
        return HIDDEN if body.count(b"|") == 3 else match.group()

    return _CANDIDATE.sub(hide, text)


def limit_key(token: object) -> str:
    """The key a token's attempts are counted under: the one spelling ``verify`` accepts
    (blanks around it do not count), so padding the token gives it no fresh limit."""
    return fingerprint(token.strip() if isinstance(token, str) else "")


def fingerprint(token: str) -> str:
    """A short, non-reversible key for a token (rate-limit keys never hold the token)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]
