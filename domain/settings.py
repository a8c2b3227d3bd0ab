"""All configuration, read once from the environment (prefix ``OKNO_``) and ``.env``.

Defaults are the embedded ones, so ``okno dev`` runs on a fresh machine with
nothing else installed: a SQLite file, an embedded Redis, a local SMTP sink.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from domain.calendar.schedule import Schedule


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKNO_", env_file=".env", extra="ignore")

    environment: str = Field("development", description="development | production")
    var_dir: Path = Field(Path("var"), description="Where embedded state lives")

    # Storage and services. Empty means "embedded".
    database_url: str = ""
    db_pool_size: int = Field(10, description="Most PostgreSQL connections one process opens")
    redis_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = "okno@ulgov.example"
    smtp_sink_port: int = Field(
        8025, description="Port of the embedded SMTP sink; unset: `OKNO_PORT` + 25")

    # HTTP
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:3000"])
    graphiql: bool | None = None  # None: on in development, off in production
    max_body_bytes: int = 16 * 1024 * 1024
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_page_size: int = 100
    trusted_proxies: list[str] = Field(
        default_factory=list, description="CIDRs of the reverse proxies whose "
        "X-Forwarded-For names the client (per-IP limits); empty: the socket's peer is the client")

    # Auth
    jwt_secret: str = "dev-secret-change-me-in-production-0123456789"
    jwt_issuer: str = "okno"
    jwt_audience: str = "okno"
    jwks_url: str = ""
    token_ttl_seconds: int = 3600 * 12
    link_secret: str = "dev-link-secret-change-me-0123456789"

    # Government
    phone_countries: list[str] = Field(
        default_factory=lambda: ["RU"], description="Regions (ISO 3166 codes, e.g. RU, KZ) "
        "whose phone numbers a contact point may have; premium-rate numbers never")
    timezone: str = Field("Europe/Ulyanovsk", description="IANA zone deadlines are computed in")

    # Working time (domain/calendar). The production calendar (holidays, decree transfers,
    # working Saturdays) comes from the ``holidays`` library; this is the office's week.
    work_schedule: str = Field(
        "Mon-Thu 09:00-18:00; Fri 09:00-16:45",
        description="Hours per weekday, Monday to Friday all required: 'Mon-Thu 09:00-18:00; "
        "Fri 09:00-16:45' (parts split by ';' or ',', a later part wins)",
    )
    work_lunch: str = Field("13:00-13:45", description="Daily lunch break HH:MM-HH:MM; empty: none")
    pre_holiday_cut_minutes: int = Field(
        60, description="How much shorter a working day right before a statutory holiday is"
    )

    # History: retention on the archive's clock (from 1 January of the year after a
    # case was closed). Periods per record type of the archive list (cases: a message and
    # everything handled under it); events outside any case per event kind; anything not
    # listed uses the default. Defaults follow the typical archive list: appeals and the
    # documents on their handling are kept 5 years (domain/history/README.md).
    retention_default_years: int = 5
    retention_periods: dict[str, int] = Field(
        default_factory=lambda: {"appeal": 5, "internal_request": 5, "correspondence": 5},
        description="Years to keep per record type of the archive list (appeal, "
        "internal_request, correspondence), counted from 1 January after the case closed, "
        "JSON; 0 keeps for ever")
    retention_years: dict[str, int] = Field(default_factory=dict)
    retention_action: str = Field("anonymise", description="anonymise | delete")
    export_link_ttl_hours: int = 72
    download_limit_per_minute: int = Field(
        30, description="Export downloads (history, survey answers) per client IP per minute")

    # Surveys: the citizen front end's survey page; "{token}" is
    # replaced by the signed invitation token.
    public_survey_url: str = "http://localhost:3000/survey/{token}"
    survey_token_ttl_days: int = 60
    survey_reminder_working_days: int = 3
    survey_submit_limit_per_minute: int = 10
    survey_read_limit_per_minute: int = Field(
        60, description="surveyByToken calls per token and per client IP per minute")
    # Reminders go out only in these local hours (from inclusive, to exclusive): an SMS
    # route must not wake anyone.
    survey_reminder_from_hour: int = Field(9, ge=0, le=23)
    survey_reminder_to_hour: int = Field(20, ge=1, le=24)

    # Messages (R-2.x, R-5.x): every term is configuration, not code. Defaults follow
    # 59-FZ and the procedure; "working days" use the production calendar.
    message_registration_days: int = Field(
        3, description="59-FZ: a written appeal is registered within N calendar days of receipt")
    message_answer_days: int = Field(
        30, description="59-FZ: answered within N calendar days of registration")
    message_extension_days: int = Field(
        30, description="59-FZ: the answer term may be extended once by N calendar days")
    message_redirect_days: int = Field(
        7, description="59-FZ: redirected to the competent body within N days of registration")
    message_urgent_max_working_days: int = Field(
        5, description="R-2.4: an urgent message's deadline is at most N working days of receipt")
    message_abuse_notice_working_days: int = Field(
        7, description="R-2.5: the abuse notice goes out within N working days of receipt")
    message_internal_terms: dict[str, int] = Field(
        default_factory=lambda: {"it": 2, "accounting": 5, "administrative": 3},
        description="R-5.5: working days to answer an internal written request, per category")
    message_warn_working_days: int = Field(
        1, description="The deadline sweep warns the executor N working days before a deadline")
    message_sweep_batch: int = Field(500, description="Messages per deadline-sweep batch")
    message_number_prefix: str = Field(
        "ОГ", description="Registration numbers look like «ОГ-2026-000123»")
    message_repeat_window_days: int = Field(
        365, description="R-2.4: earlier appeals within N days on the same sphere count as history")
    message_max_sentence_words: int = Field(
        25, description="R-2.2: the plain-language checker flags longer sentences")
    message_simple_max_sentence_words: int = Field(
        15, description="R-2.8: the same limit for readers whose segment or life situation "
        "needs simpler words")

    # Deliveries (outbox): email through SMTP above; SMS and messengers through an HTTP
    # gateway, or, with no gateway URL, a development adapter writing var/outbox/*.jsonl.
    smtp_timeout_seconds: float = Field(30, description="SMTP connect/command timeout")
    smtp_validate_certs: bool = Field(True, description="Check the SMTP server's TLS certificate")
    smtp_pool_size: int = Field(4, description="SMTP connections a worker keeps open and reuses")
    smtp_idle_seconds: float = Field(
        30, description="An SMTP connection idle longer than this is closed, not reused")
    sms_gateway_url: str = Field(
        "", description="SMS gateway endpoint (POST JSON); empty: dev file")
    sms_gateway_token: str = Field("", description="Bearer token for the SMS gateway")
    messenger_gateway_url: str = Field(
        "", description="Messenger gateway endpoint (POST JSON); empty: dev file")
    messenger_gateway_token: str = Field("", description="Bearer token for the messenger gateway")
    gateway_timeout_seconds: float = Field(15, description="HTTP gateway request timeout")
    delivery_max_attempts: int = Field(
        8, description="Tries for transient failures before a delivery is marked failed")
    delivery_retry_base_seconds: float = Field(
        30, description="First retry delay; doubles on each further attempt")
    delivery_retry_max_seconds: float = Field(3600, description="Cap on one retry delay")
    delivery_sweep_after_seconds: float = Field(
        60, description="A pending delivery due this long ago is re-enqueued by the sweep")
    delivery_stuck_after_seconds: float = Field(
        300, description="A delivery 'sending' this long (its worker died) is sent again")

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: list[str]) -> list[str]:
        for cidr in value:
            ipaddress.ip_network(cidr, strict=False)  # ValueError: a typo stops the start
        return value

    @model_validator(mode="after")
    def _check_working_time(self) -> Settings:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:  # an unknown zone fails at start-up, not at the first deadline
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        self.work_schedule_value  # noqa: B018 - parses, raising ValueError on a bad schedule
        return self

    @property
    def work_schedule_value(self) -> Schedule:
        from domain.calendar.schedule import Schedule

        return Schedule.parse(self.work_schedule, self.work_lunch, self.pre_holiday_cut_minutes)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return (not self.production) if self.graphiql is None else self.graphiql

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite://{(self.var_dir / 'okno.sqlite3').as_posix()}"

    @property
    def smtp_endpoint(self) -> tuple[str, int]:
        """Where mail goes: the configured server, or the embedded sink."""
        if self.smtp_host:
            return self.smtp_host, self.smtp_port
        return "127.0.0.1", self.smtp_sink_port

    @property
    def exports_dir(self) -> Path:
        return self.var_dir / "exports"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def outbox_dir(self) -> Path:
        """Development SMS/messenger adapter output (one JSON line per message)."""
        return self.var_dir / "outbox"


@lru_cache
def get_settings() -> Settings:
    return Settings()
