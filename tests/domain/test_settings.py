"""Settings: production refuses every development stand-in with one message, and secrets
may be read from files."""

from __future__ import annotations

import pytest

from domain.settings import (
    Settings,
    UnsafeProduction,
    production_problems,
    refuse_unsafe_production,
)
from tests.support.production import PRODUCTION


def _production(**changes) -> Settings:
    return Settings(_env_file=None, **{**PRODUCTION, **changes})


def test_a_fully_configured_production_passes():
    settings = _production()
    assert production_problems(settings) == []
    refuse_unsafe_production(settings)  # does not raise
    # JWKS instead of a secret is as good.
    assert production_problems(_production(jwt_secret="", jwks_url="https://idp/jwks")) == []


def test_development_is_never_refused():
    assert production_problems(Settings(_env_file=None)) == []


# Each stand-in, and the setting the message must name for it.
REFUSALS = [
    ({"database_url": ""}, "OKNO_DATABASE_URL"),
    ({"database_url": "sqlite:///srv/okno.sqlite3"}, "OKNO_DATABASE_URL"),
    ({"redis_url": ""}, "OKNO_REDIS_URL"),
    ({"smtp_host": ""}, "OKNO_SMTP_HOST"),
    ({"sms_gateway_url": ""}, "OKNO_SMS_GATEWAY_URL"),
    ({"messenger_gateway_url": ""}, "OKNO_MESSENGER_GATEWAY_URL"),
    ({"public_base_url": "http://okno.ulgov.example"}, "OKNO_PUBLIC_BASE_URL"),
    ({"public_survey_url": "http://localhost:3000/survey/{token}"}, "OKNO_PUBLIC_SURVEY_URL"),
    ({"cors_origins": None}, "OKNO_CORS_ORIGINS"),  # unset: no origin at all in production
    ({"cors_origins": []}, "OKNO_CORS_ORIGINS"),
    ({"cors_origins": ["https://gosuslugi73.example", "http://localhost:3000"]},
     "OKNO_CORS_ORIGINS"),
    ({"cors_origins": ["http://127.0.0.1:5173"]}, "OKNO_CORS_ORIGINS"),
    ({"jwt_secret": "x"}, "OKNO_JWT_SECRET"),
    ({"jwt_secret": "y" * 31}, "OKNO_JWT_SECRET"),
    ({"jwt_secret": Settings.model_fields["jwt_secret"].default}, "OKNO_JWKS_URL"),
    ({"link_secret": "short"}, "OKNO_LINK_SECRET"),
    ({"link_secret": Settings.model_fields["link_secret"].default}, "OKNO_LINK_SECRET"),
]


@pytest.mark.parametrize(("change", "named"), REFUSALS,
                         ids=[f"{next(iter(c))}={next(iter(c.values()))!r}"[:60]
                              for c, _ in REFUSALS])
def test_each_stand_in_is_refused_by_name(change, named):
    problems = production_problems(_production(**change))
    assert len(problems) == 1 and named in problems[0], problems
    with pytest.raises(UnsafeProduction) as refused:
        refuse_unsafe_production(_production(**change))
    assert named in str(refused.value)


def test_one_message_lists_everything_to_set():
    """A bare production configuration gets every missing setting in one message."""
    with pytest.raises(UnsafeProduction) as refused:
        refuse_unsafe_production(Settings(_env_file=None, environment="production"))
    message = str(refused.value)
    for _, named in REFUSALS:
        assert named in message
    assert len(production_problems(Settings(_env_file=None, environment="production"))) == 10


def test_cors_default_is_closed_in_production_and_opened_by_the_setting():
    assert Settings(_env_file=None).allowed_origins == ["http://localhost:3000"]
    assert Settings(_env_file=None, environment="production").allowed_origins == []
    assert _production().allowed_origins == ["https://gosuslugi73.example"]


# --- secrets from files -----------------------------------------------------------------------

@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("JWT_SECRET", "LINK_SECRET", "DATABASE_URL", "REDIS_URL", "SMTP_PASSWORD",
                 "SMS_GATEWAY_TOKEN", "MESSENGER_GATEWAY_TOKEN"):
        monkeypatch.delenv(f"OKNO_{name}", raising=False)
        monkeypatch.delenv(f"OKNO_{name}_FILE", raising=False)
    monkeypatch.setenv("OKNO_SECRETS_DIR", str(tmp_path / "secrets"))
    return tmp_path


def test_secrets_from_the_secrets_directory(clean_env, monkeypatch):
    """Docker/Kubernetes secrets: one file per setting, ``okno_<name>``, trailing newline
    dropped; every secret setting is read this way."""
    directory = clean_env / "secrets"
    directory.mkdir()
    values = {
        "jwt_secret": "j" * 40, "link_secret": "l" * 40, "smtp_password": "p@ss word",
        "database_url": "postgres://okno:s3cret@db:5432/okno",
        "redis_url": "rediss://:r3dis@redis:6380/0",
        "sms_gateway_token": "sms-token", "messenger_gateway_token": "msg-token",
    }
    for name, value in values.items():
        (directory / f"okno_{name}").write_text(value + "\n")
    settings = Settings(_env_file=None)
    for name, value in values.items():
        assert getattr(settings, name) == value, name
    # The environment still wins over a file.
    monkeypatch.setenv("OKNO_LINK_SECRET", "from-env-" + "e" * 30)
    assert Settings(_env_file=None).link_secret == "from-env-" + "e" * 30


def test_secret_from_a_named_file(clean_env, monkeypatch):
    secret = clean_env / "jwt.txt"
    secret.write_text("k" * 48 + "\n")
    monkeypatch.setenv("OKNO_JWT_SECRET_FILE", str(secret))
    assert Settings(_env_file=None).jwt_secret == "k" * 48
    # A named file that is missing stops start-up rather than fall back to the default.
    monkeypatch.setenv("OKNO_JWT_SECRET_FILE", str(clean_env / "missing"))
    with pytest.raises(OSError):
        Settings(_env_file=None)


def test_without_secret_files_the_defaults_stay(clean_env):
    assert Settings(_env_file=None).jwt_secret == Settings.model_fields["jwt_secret"].default
