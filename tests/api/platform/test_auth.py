"""Bearer JWT authentication: HS256 in development, RS256/ES256 from a JWKS URL in production."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from okno_platform import plain_settings  # noqa: F401 (fixture)

from api.app import create_app
from api.auth import mint_token
from domain.actor import Role
from domain.settings import Settings

ME = "{ me { id } }"  # protected, and answers null for staff without touching the database


async def _client(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, manage_resources=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest.fixture
async def http_plain(plain_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:  # noqa: F811
    async with await _client(plain_settings) as client:
        yield client


async def _post(http: httpx.AsyncClient, token: str | None, query: str = ME) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await http.post("/graphql", json={"query": query}, headers=headers)


def _claims(settings: Settings, **overrides) -> dict:
    now = int(time.time())
    claims = {"sub": "op-1", "role": "operator", "iss": settings.jwt_issuer,
              "aud": settings.jwt_audience, "iat": now, "exp": now + 600}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


async def test_valid_development_token_is_accepted(http_plain, plain_settings):  # noqa: F811
    response = await _post(http_plain, mint_token(plain_settings, Role.ADMIN, "admin-1"))
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


async def test_a_token_accepted_once_is_still_refused_after_it_expires(
        http_plain, plain_settings):  # noqa: F811
    """Verified tokens are cached (api/auth.py); the cache must not outlive the token."""
    token = jwt.encode(_claims(plain_settings, exp=int(time.time()) + 2),
                       plain_settings.jwt_secret, "HS256")
    assert (await _post(http_plain, token)).status_code == 200
    assert (await _post(http_plain, token)).status_code == 200
    await asyncio.sleep(2.2)
    assert (await _post(http_plain, token)).status_code == 401


async def test_a_token_is_verified_against_each_apps_own_secret(plain_settings):  # noqa: F811
    """One process, two configurations: a token cached for one secret is not taken by the other."""
    token = mint_token(plain_settings, Role.ADMIN, "admin-1")
    other = plain_settings.model_copy(update={"jwt_secret": "another-secret-of-enough-length-0000"})
    async with await _client(plain_settings) as first, await _client(other) as second:
        assert (await _post(first, token)).status_code == 200
        assert (await _post(second, token)).status_code == 401


@pytest.mark.parametrize("case", ["expired", "forged", "wrong_audience", "wrong_issuer",
                                  "garbage", "no_exp", "unknown_role", "system_role",
                                  "alg_none", "not_bearer", "empty_bearer"])
async def test_bad_tokens_get_401(http_plain, plain_settings, case):  # noqa: F811
    """A bad token is refused with 401 and a JSON error, never treated as anonymous."""
    s = plain_settings
    tokens = {
        "expired": jwt.encode(_claims(s, exp=int(time.time()) - 10), s.jwt_secret, "HS256"),
        "forged": jwt.encode(_claims(s), "another-secret-of-enough-length-000000", "HS256"),
        "wrong_audience": jwt.encode(_claims(s, aud="someone-else"), s.jwt_secret, "HS256"),
        "wrong_issuer": jwt.encode(_claims(s, iss="evil"), s.jwt_secret, "HS256"),
        "garbage": "not.a.token",
        "no_exp": jwt.encode(_claims(s, exp=None), s.jwt_secret, "HS256"),
        "unknown_role": jwt.encode(_claims(s, role="root"), s.jwt_secret, "HS256"),
        "system_role": jwt.encode(_claims(s, role="system"), s.jwt_secret, "HS256"),
        "alg_none": jwt.encode(_claims(s, role="admin"), None, "none"),
    }
    if case == "not_bearer":
        response = await http_plain.post("/graphql", json={"query": ME},
                                          headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
    elif case == "empty_bearer":
        response = await http_plain.post("/graphql", json={"query": ME},
                                          headers={"Authorization": "Bearer "})
    else:
        response = await _post(http_plain, tokens[case])
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_anonymous_gets_unauthenticated_on_protected_fields(http_plain):
    response = await _post(http_plain, None,
                           "{ me { id } clients(first: 1) { edges { node { id } } } }")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None or all(v is None for v in body["data"].values())
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAUTHENTICATED"}
    assert {e["path"][0] for e in body["errors"]} == {"me", "clients"}


async def test_anonymous_may_introspect(http_plain):
    """Introspection and __typename are public: front ends generate types from them."""
    response = await _post(http_plain, None, "{ __typename __schema { queryType { name } } }")
    assert response.json() == {"data": {"__typename": "Query",
                                        "__schema": {"queryType": {"name": "Query"}}}}


# --- JWKS (RS256 / ES256) ---------------------------------------------------------------------

class JWKSServer:
    """A real HTTP server publishing an identity provider's public keys."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.hits = 0
        self.delay = 0.0
        keys = [
            {**json.loads(RSAAlgorithm.to_jwk(self.rsa.public_key())), "kid": "rsa-1",
             "use": "sig", "alg": "RS256"},
            {**json.loads(ECAlgorithm.to_jwk(self.ec.public_key())), "kid": "ec-1",
             "use": "sig", "alg": "ES256"},
        ]
        body = json.dumps({"keys": keys}).encode()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits += 1
                time.sleep(outer.delay)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/.well-known/jwks.json") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def jwks() -> Iterator[JWKSServer]:
    server = JWKSServer()
    yield server
    server.close()


def _jwks_settings(tmp_path: Path, monkeypatch, url: str) -> Settings:
    monkeypatch.setenv("OKNO_JWKS_URL", url)
    settings = Settings(_env_file=None, var_dir=tmp_path, environment="test")
    assert settings.jwks_url == url
    return settings


async def test_jwks_rs256_and_es256_tokens(tmp_path, monkeypatch, jwks):
    """Production tokens from an identity provider, verified against its JWKS URL;
    keys are fetched once and cached."""
    settings = _jwks_settings(tmp_path, monkeypatch, jwks.url())
    rs = jwt.encode(_claims(settings), jwks.rsa, "RS256", headers={"kid": "rsa-1"})
    es = jwt.encode(_claims(settings, role="client", sub="c1"), jwks.ec, "ES256",
                    headers={"kid": "ec-1"})
    async with await _client(settings) as http:
        for token in (rs, es, rs, es):
            response = await _post(http, token)
            assert response.status_code == 200, response.text
            assert "errors" not in response.json()
    assert jwks.hits == 1


@pytest.mark.parametrize("case", ["forged_rsa", "wrong_audience", "expired", "unknown_kid",
                                  "dev_hs256", "hs256_with_public_key", "es_key_as_rs"])
async def test_jwks_bad_tokens_get_401(tmp_path, monkeypatch, jwks, case):
    settings = _jwks_settings(tmp_path, monkeypatch, jwks.url(f"/{case}.json"))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = jwks.rsa.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tokens = {
        "forged_rsa": lambda: jwt.encode(_claims(settings), other, "RS256",
                                         headers={"kid": "rsa-1"}),
        "wrong_audience": lambda: jwt.encode(_claims(settings, aud="x"), jwks.rsa, "RS256",
                                             headers={"kid": "rsa-1"}),
        "expired": lambda: jwt.encode(_claims(settings, exp=int(time.time()) - 5), jwks.rsa,
                                      "RS256", headers={"kid": "rsa-1"}),
        "unknown_kid": lambda: jwt.encode(_claims(settings), other, "RS256",
                                          headers={"kid": "who"}),
        "dev_hs256": lambda: mint_token(settings, Role.ADMIN, "admin"),
        # The classic algorithm confusion: HS256 keyed with the RSA public key.
        "hs256_with_public_key": lambda: _hs256_with_key(settings, public_pem),
        "es_key_as_rs": lambda: jwt.encode(_claims(settings), jwks.ec, "ES256",
                                           headers={"kid": "rsa-1"}),
    }
    async with await _client(settings) as http:
        response = await _post(http, tokens[case]())
    assert response.status_code == 401, response.text


def _hs256_with_key(settings: Settings, key: bytes) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    payload = b64(json.dumps(_claims(settings, role="admin")).encode())
    signature = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


async def test_unknown_kids_do_not_hammer_the_identity_provider(tmp_path, monkeypatch, jwks):
    settings = _jwks_settings(tmp_path, monkeypatch, jwks.url("/storm.json"))
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    async with await _client(settings) as http:
        for n in range(5):
            token = jwt.encode(_claims(settings), other, "RS256", headers={"kid": f"k{n}"})
            assert (await _post(http, token)).status_code == 401
    assert jwks.hits == 1


async def test_jwks_fetch_does_not_block_the_event_loop(tmp_path, monkeypatch, jwks):
    """The first request waits for the slow key fetch; everything else keeps running."""
    jwks.delay = 0.5
    settings = _jwks_settings(tmp_path, monkeypatch, jwks.url("/slow.json"))
    token = jwt.encode(_claims(settings), jwks.rsa, "RS256", headers={"kid": "rsa-1"})
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    async with await _client(settings) as http:
        task = asyncio.create_task(ticker())
        started = time.monotonic()
        response = await _post(http, token)
        elapsed = time.monotonic() - started
        task.cancel()
    assert response.status_code == 200
    assert elapsed >= 0.5
    assert ticks >= 10  # a blocking fetch would have frozen the loop: ~0 ticks
