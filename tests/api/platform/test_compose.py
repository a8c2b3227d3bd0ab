"""docker-compose.prod.yml: production settings that okno accepts, with every secret from a
file and none written in the compose files. (Docker does not run here: the files are read.)"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from domain.settings import SECRET_SETTINGS, Settings, production_problems

ROOT = Path(__file__).resolve().parents[3]
OKNO_SERVICES = ("migrate", "api", "worker")
# What an operator puts in .env for the ${…:?} placeholders.
OPERATOR = {
    "OKNO_SMTP_HOST": "smtp.ulgov.example", "OKNO_MAIL_FROM": "okno@ulgov.example",
    "OKNO_PUBLIC_BASE_URL": "https://okno.ulgov.example",
    "OKNO_PUBLIC_SURVEY_URL": "https://gosuslugi73.example/survey/{token}",
    "OKNO_CORS_ORIGINS": '["https://gosuslugi73.example"]',
    "OKNO_JWKS_URL": "https://idp.ulgov.example/.well-known/jwks.json",
}


class ComposeLoader(yaml.SafeLoader):
    """Compose's merge tags (`!override`, `!reset`) read as plain values."""


for tag in ("!override", "!reset"):
    ComposeLoader.add_constructor(tag, lambda loader, node: (
        loader.construct_mapping(node, deep=True) if isinstance(node, yaml.MappingNode)
        else loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode)
        else loader.construct_scalar(node)))


def _load(name: str) -> dict:
    return yaml.load((ROOT / name).read_text(), Loader=ComposeLoader)


def _interpolate(value: str) -> str:
    def one(match: re.Match) -> str:
        name, kind, default = match.group(1), match.group(2), match.group(3)
        return OPERATOR[name] if kind == ":?" else OPERATOR.get(name, default)
    return re.sub(r"\$\{(\w+)(:\?|:-)([^}]*)\}", one, str(value))


PROD = _load("docker-compose.prod.yml")


@pytest.mark.parametrize("service", OKNO_SERVICES)
def test_production_override_passes_the_refusal_check(service, tmp_path, monkeypatch):
    """The override's environment plus its secret files is a production okno accepts."""
    spec = PROD["services"][service]
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    for name in spec["secrets"]:
        value = {"okno_database_url": "postgres://okno:pw@postgres:5432/okno",
                 "okno_redis_url": "redis://:pw@redis:6379/0"}.get(name, "s" * 64)
        (secrets / name).write_text(value + "\n")
    for key in list(os.environ):
        if key.startswith("OKNO_"):
            monkeypatch.delenv(key)
    for key, value in spec["environment"].items():
        monkeypatch.setenv(key, _interpolate(value))
    monkeypatch.setenv("OKNO_SECRETS_DIR", str(secrets))
    settings = Settings(_env_file=None)
    assert settings.production
    assert production_problems(settings) == []


def test_no_secret_is_written_in_the_compose_files():
    for name in ("docker-compose.prod.yml",):
        compose = _load(name)
        for service, spec in compose["services"].items():
            environment = spec.get("environment") or {}
            for secret in SECRET_SETTINGS:
                assert f"OKNO_{secret.upper()}" not in environment, (service, secret)
            assert "POSTGRES_PASSWORD" not in environment
            for secret in spec.get("secrets", []):
                assert compose["secrets"][secret] == {"file": f"./secrets/{secret}"}
    assert "requirepass" in " ".join(PROD["services"]["redis"]["command"])
    assert "/run/secrets/redis_password" in " ".join(PROD["services"]["redis"]["command"])


def test_production_services_restart_and_are_checked():
    for service in ("api", "worker", "postgres", "redis"):
        assert PROD["services"][service]["restart"] == "always"
    base = _load("docker-compose.yml")
    for service in ("api", "postgres", "redis"):  # the override keeps or brings a healthcheck
        assert "healthcheck" in {**base["services"][service], **PROD["services"][service]}
    assert PROD["services"]["mailpit"]["profiles"] == ["development"]
    assert base["x-okno-env"]["OKNO_ENVIRONMENT"] == "development"
