"""Bearer JWT -> Actor. HS256 with a shared secret in development; RS256/ES256
against an identity provider's JWKS in production."""

from __future__ import annotations

import asyncio
import time

import jwt

from domain.actor import SELF_SERVICE_ROLES, Actor, Role
from domain.ids import as_uuid
from domain.settings import Settings

JWKS_ALGORITHMS = ["RS256", "ES256"]


class InvalidToken(Exception):
    pass


class JWKSKeys:
    """The identity provider's signing keys, fetched off the event loop and cached by kid.

    ``PyJWKClient`` fetches with blocking urllib, so fetches run in a thread; a
    request whose key is cached never waits. An unknown kid triggers at most one
    refetch per ``min_refresh_seconds``, so forged tokens cannot make us hammer the
    identity provider; keys are refreshed anyway after ``max_age_seconds``.
    """

    def __init__(self, url: str, max_age_seconds: float = 3600, min_refresh_seconds: float = 30,
                 timeout_seconds: float = 5) -> None:
        self._client = jwt.PyJWKClient(url, cache_jwk_set=False, cache_keys=False,
                                       timeout=timeout_seconds)
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._max_age = max_age_seconds
        self._min_refresh = min_refresh_seconds
        self._lock = asyncio.Lock()

    def _fetch(self) -> dict[str, jwt.PyJWK]:
        jwk_set = jwt.PyJWKSet.from_dict(self._client.fetch_data())
        return {key.key_id or "": key for key in jwk_set.keys
                if key.public_key_use in (None, "sig")}

    async def _refresh(self, seen_at: float) -> None:
        async with self._lock:
            if self._fetched_at > seen_at:  # another request refreshed while we waited
                return
            try:
                keys = await asyncio.to_thread(self._fetch)
            except (jwt.PyJWKClientError, jwt.PyJWKSetError) as exc:
                raise InvalidToken(f"cannot read the identity provider's keys: {exc}") from None
            finally:
                self._fetched_at = time.monotonic()
            self._keys = keys

    async def key_for(self, token: str) -> jwt.PyJWK:
        try:
            kid = jwt.get_unverified_header(token).get("kid") or ""
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from None
        now = time.monotonic()
        age = now - self._fetched_at
        if age > self._max_age or (kid not in self._keys and age > self._min_refresh):
            try:
                await self._refresh(now)
            except InvalidToken:
                if kid not in self._keys:
                    raise  # a stale cached key still verifies while the provider is down
        key = self._keys.get(kid)
        if key is None and not kid and len(self._keys) == 1:
            key = next(iter(self._keys.values()))  # a single-key JWKS need not name it
        if key is None:
            raise InvalidToken("unknown signing key")
        return key


_jwks: dict[str, JWKSKeys] = {}


def jwks_keys(url: str) -> JWKSKeys:
    found = _jwks.get(url)
    if found is None:
        found = _jwks[url] = JWKSKeys(url)
    return found


def _actor_from_claims(claims: dict) -> Actor:
    try:
        role = Role(claims.get("role", ""))
    except ValueError:
        raise InvalidToken("unknown role") from None
    if role == Role.SYSTEM:
        raise InvalidToken("system role is internal")
    client_id = claims.get("client_id")
    if role in SELF_SERVICE_ROLES:
        client_id = client_id or claims["sub"]
    return Actor(role=role, subject=str(claims["sub"]), client_id=client_id)


# Verified claims by (verifier, token): a front end sends the same token with every request,
# and verifying it costs ~4% of a small query's CPU. Entries live until the token expires;
# the cache is cleared whole when full, which only costs re-verification.
_VERIFIED: dict[tuple[object, ...], dict] = {}
_VERIFIED_MAX = 10_000


def _decode(token: str, key: object, algorithms: list[str], settings: Settings) -> dict:
    cache_key = (token, key if isinstance(key, str) else id(key), settings.jwt_audience,
                 settings.jwt_issuer, tuple(algorithms))
    claims = _VERIFIED.get(cache_key)
    if claims is not None and claims["exp"] > time.time():
        return claims
    try:
        claims = jwt.decode(
            token, key, algorithms=algorithms, audience=settings.jwt_audience,
            issuer=settings.jwt_issuer, options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError as exc:
        _VERIFIED.pop(cache_key, None)
        raise InvalidToken(str(exc)) from None
    if len(_VERIFIED) >= _VERIFIED_MAX:
        _VERIFIED.clear()
    _VERIFIED[cache_key] = claims
    return claims


def actor_from_token(token: str, settings: Settings) -> Actor:
    """HS256 development tokens only; use ``authenticate`` to accept JWKS-signed ones too."""
    if settings.jwks_url:
        raise InvalidToken("tokens are verified against the JWKS; call authenticate()")
    return _actor_from_claims(_decode(token, settings.jwt_secret, ["HS256"], settings))


async def authenticate(header: str | None, settings: Settings) -> Actor | None:
    """The actor named by an ``Authorization`` header: None for no credentials,
    ``InvalidToken`` for bad ones (the caller answers 401)."""
    return (await authenticate_until(header, settings))[0]


async def authenticate_until(header: str | None, settings: Settings
                             ) -> tuple[Actor | None, float | None]:
    """``authenticate``, and when the token expires (epoch seconds; None without one): a
    websocket outlives its request and must stop serving at that moment."""
    if not header:
        return None, None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise InvalidToken("expected 'Bearer <token>'")
    if not settings.jwks_url:
        claims = _decode(token, settings.jwt_secret, ["HS256"], settings)
    else:
        key = await jwks_keys(settings.jwks_url).key_for(token)
        algorithms = ([key.algorithm_name] if key.algorithm_name in JWKS_ALGORITHMS
                      else JWKS_ALGORITHMS)
        claims = _decode(token, key.key, algorithms, settings)
    return _actor_from_claims(claims), float(claims["exp"])


def actor_from_header(value: str | None, settings: Settings) -> Actor | None:
    """Synchronous variant for HS256 (development) tokens."""
    if not value:
        return None
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("expected 'Bearer <token>'")
    return actor_from_token(token.strip(), settings)


def client_subject(value: str) -> str:
    """A client's UUID from either a UUID or a ``Client`` global ID (as the API shows it)."""
    from strawberry.relay import GlobalID

    if (parsed := as_uuid(value)) is not None:
        return str(parsed)
    try:
        gid = GlobalID.from_id(value)
    except ValueError:  # GlobalIDValueError: not base64 "Type:id"
        raise ValueError(f"not a client ID: {value!r}") from None
    if gid.type_name != "Client":
        raise ValueError(f"expected a Client ID, got a {gid.type_name} ID")
    if (parsed := as_uuid(gid.node_id)) is None:
        raise ValueError(f"not a client ID: {value!r}")
    return str(parsed)


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
