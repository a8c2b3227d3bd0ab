"""Bearer JWT -> Actor. HS256 with a shared secret in development; RS256/ES256
against an identity provider's JWKS in production."""

from __future__ import annotations

import time
from functools import lru_cache

import jwt

from domain.actor import SELF_SERVICE_ROLES, Actor, Role
from domain.settings import Settings


class InvalidToken(Exception):
    pass


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> jwt.PyJWKClient:
    return jwt.PyJWKClient(url, cache_keys=True, lifespan=3600)


def actor_from_token(token: str, settings: Settings) -> Actor:
    try:
        if settings.jwks_url:
            key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token).key
            algorithms = ["RS256", "ES256"]
        else:
            key, algorithms = settings.jwt_secret, ["HS256"]
        claims = jwt.decode(
            token, key, algorithms=algorithms, audience=settings.jwt_audience,
            issuer=settings.jwt_issuer, options={"require": ["exp", "sub"]},
        )
        role = Role(claims.get("role", ""))
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken(str(exc)) from None
    if role == Role.SYSTEM:
        raise InvalidToken("system role is internal")
    client_id = claims.get("client_id")
    if role in SELF_SERVICE_ROLES:
        client_id = client_id or claims["sub"]
    return Actor(role=role, subject=str(claims["sub"]), client_id=client_id)


def actor_from_header(value: str | None, settings: Settings) -> Actor | None:
    """None for no credentials; InvalidToken for bad ones (the caller answers 401)."""
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("expected 'Bearer <token>'")
    return actor_from_token(token.strip(), settings)


def mint_token(
    settings: Settings, role: Role, subject: str, client_id: str | None = None,
    ttl_seconds: int | None = None,
) -> str:
    """Development tokens (``okno token``); production tokens come from the identity provider."""
    now = int(time.time())
    claims = {
        "sub": subject, "role": str(role), "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
        "iat": now, "exp": now + (ttl_seconds or settings.token_ttl_seconds),
    }
    if client_id:
        claims["client_id"] = client_id
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
