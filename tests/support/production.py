"""A production configuration with nothing left to the development stand-ins: what
``production_problems`` accepts. Tests of production behaviour start from it."""

from __future__ import annotations

from typing import Any

PRODUCTION: dict[str, Any] = {
    "environment": "production",
    "database_url": "postgres://okno:secret@db.internal:5432/okno",
    "redis_url": "rediss://:secret@redis.internal:6380/0",
    "smtp_host": "smtp.internal",
    "sms_gateway_url": "https://sms.internal/send",
    "messenger_gateway_url": "disabled",
    "public_base_url": "https://okno.ulgov.example",
    "public_survey_url": "https://gosuslugi73.example/survey/{token}",
    "cors_origins": ["https://gosuslugi73.example"],
    "jwt_secret": "prod-secret-" + "x" * 40,
    "link_secret": "prod-link-secret-" + "y" * 40,
}
