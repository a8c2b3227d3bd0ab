"""All configuration, read once from the environment (prefix ``OKNO_``) and ``.env``.

Defaults are the embedded ones, so ``okno dev`` runs on a fresh machine with
nothing else installed: a SQLite file, an embedded Redis, a local SMTP sink.
In production (``OKNO_ENVIRONMENT=production``) every such stand-in is refused
at start (``production_problems``). Secrets may come from files (``SecretFiles``).
"""

from __future__ import annotations

import ipaddress
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

if TYPE_CHECKING:
    from domain.calendar.schedule import Schedule


# Settings that hold secrets or carry passwords inside a URL: each may also be read from a
# file (``OKNO_<NAME>_FILE=/path``, or ``okno_<name>`` in ``OKNO_SECRETS_DIR``), so a secret
# never has to sit in the environment, a compose file or a process listing.
SECRET_SETTINGS = ("database_url", "redis_url", "smtp_password", "jwt_secret", "link_secret",
                   "sms_gateway_token", "messenger_gateway_token", "pbx_secrets")
DEFAULT_SECRETS_DIR = "/run/secrets"
# The value that turns an SMS or messenger gateway off on purpose (no file stand-in).
DISABLED = "disabled"
MIN_SECRET_BYTES = 32


class SecretFiles(PydanticBaseSettingsSource):
    """Secret settings read from files: ``OKNO_<NAME>_FILE`` names the file; otherwise
    ``<OKNO_SECRETS_DIR or /run/secrets>/okno_<name>`` (Docker and Kubernetes secrets) is
    read when it exists. Environment variables and ``.env`` still win over both."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads everything at once

    def __call__(self) -> dict[str, Any]:
        directory = Path(os.environ.get("OKNO_SECRETS_DIR") or DEFAULT_SECRETS_DIR)
        found: dict[str, Any] = {}
        for name in SECRET_SETTINGS:
            named = os.environ.get(f"OKNO_{name.upper()}_FILE")
            path = Path(named) if named else directory / f"okno_{name}"
            if named or path.is_file():
                # A named file that is missing fails start-up (OSError): better than running
                # on a default secret.
                found[name] = path.read_text(encoding="utf-8").strip()
        return found


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OKNO_", env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, env_settings, dotenv_settings, SecretFiles(settings_cls)

    environment: str = Field("development", description="development | production")
    var_dir: Path = Field(Path("var"), description="Where embedded state lives; history "
                          "exports are built under `var/exports/`: every API and worker host "
                          "must share this directory (one volume)")
    secrets_dir: Path = Field(
        Path(DEFAULT_SECRETS_DIR), description="Directory of secret files named "
        "`okno_<setting>` (e.g. `okno_jwt_secret`), read for "
        + ", ".join(f"`{n}`" for n in SECRET_SETTINGS)
        + "; any of them also from the file `OKNO_<NAME>_FILE` names (both read from the "
        "environment, not `.env`; a value set directly wins)")

    # Storage and services. Empty means "embedded".
    database_url: str = ""
    db_pool_size: int = Field(10, description="Most PostgreSQL connections one process opens")
    db_idle_in_transaction_seconds: float = Field(
        60, ge=0, description="PostgreSQL ends a session idle inside a transaction this long "
        "(idle_in_transaction_session_timeout); 0: never")
    db_statement_timeout_seconds: float = Field(
        30, description="PostgreSQL `statement_timeout` of okno's connections: the server cancels "
        "a longer statement (0: none; `okno migrate` runs without it)")
    db_command_timeout_seconds: float = Field(
        60, description="Client-side limit on one PostgreSQL command (asyncpg `command_timeout`), "
        "for a server that stops answering (0: none)")
    db_connect_timeout_seconds: float = Field(
        10, description="Limit on opening one PostgreSQL connection")
    redis_url: str = ""
    redis_socket_timeout_seconds: float = Field(
        5, description="Limit on one Redis command's answer, in every Redis client okno makes "
        "(API, worker, rate limits); pub/sub listeners wait for messages without it")
    redis_connect_timeout_seconds: float = Field(
        3, description="Limit on opening one Redis connection")
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
    cors_origins: list[str] | None = Field(
        None, description="Front-end origins allowed by CORS and for websockets (JSON list); "
        "unset: `http://localhost:3000` in development, none in production")
    introspection: bool | None = Field(
        None, description="GraphQL introspection and \"Did you mean …\" suggestions in errors; "
        "unset: on in development, off in production (front ends use `schema.graphql`)")
    graphiql: bool | None = None  # None: on in development, off in production
    max_body_bytes: int = Field(
        1024 * 1024, description="Largest HTTP request body (413 beyond): a form, not an upload")
    request_timeout_seconds: float = Field(
        30, description="An HTTP request not answered within this is cancelled and gets 503 "
        "(websockets and answers already being sent are not cut; 0: none)")
    access_log_sample: float = Field(
        0.01, ge=0, le=1, description="Share of successful requests faster than log_slow_ms "
        "that get an access log line at INFO (the others are logged at DEBUG). Errors, refusals "
        "and slow requests are always logged. 1: every request")
    log_slow_ms: float = Field(
        500, ge=0, description="Requests slower than this (milliseconds) are always logged")
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_query_chars: int = Field(
        100_000, description="Longest GraphQL query text, refused before parsing (about 50 "
        "characters per token of `max_tokens`)")
    max_variable_list_length: int = Field(
        1000, description="Longest list in GraphQL variables, refused before conversion")
    max_variable_string_chars: int = Field(
        50_000, description="Longest text in GraphQL variables, refused before conversion")
    max_variable_values: int = Field(
        20_000, description="Most values (lists, objects, scalars) in one request's variables")
    max_page_size: int = 100
    fast_path: bool = Field(
        True, description="Answer hot reads (client card, history pages, messages lists) "
        "through the compiled fast path (api/fastpath) instead of the stock GraphQL executor, "
        "same bytes; false runs every query through the stock executor")
    max_sockets_per_subject: int = Field(
        20, description="Open GraphQL websockets per token subject (or per IP address without "
        "a token) in one API process; the next one is closed with code 4429")
    rate_limit_window_seconds: int = Field(
        60, ge=1, description="Window of the per-mutation rate limits of citizens")
    rate_limit_per_window: int = Field(
        30, description="Calls of one mutation per window by one citizen (token subject, or "
        "IP address without a token); staff are not limited")
    rate_limits: dict[str, int] = Field(
        default_factory=lambda: {"receiveMessage": 10, "requestHistoryExport": 5,
                                 "addContactPoint": 10},
        description="Per-mutation overrides of `rate_limit_per_window`, by root field name, "
        "JSON")
    max_cost_anonymous: int = Field(
        2_000, description="Query cost cap without a token: objects a query may return, page "
        "sizes multiplying down the tree (api/limits.py); one year of the working calendar "
        "with its intervals costs 1464")
    max_cost_client: int = Field(
        5_000, description="Query cost cap for citizens' tokens (client, employee)")
    max_cost_staff: int = Field(50_000, description="Query cost cap for staff tokens")
    cost_unpaged_list_size: int = Field(
        5, description="Items a list field without `first` counts as in the query cost (lists "
        "that can grow are connections, so plain lists are short: contacts, deadlines)")
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

    # Consultation line callbacks: the assignee is reminded this long before the
    # window the callback is due in opens.
    callback_reminder_minutes: int = Field(
        30, ge=0, le=24 * 60, description="Minutes before a callback's window opens that its "
        "assignee is reminded by email (R-3.8)")

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
        "", description="SMS gateway endpoint (POST JSON); `disabled`: SMS deliveries fail "
        "at once; empty: a development file under `var/outbox/` (refused in production)")
    sms_gateway_token: str = Field("", description="Bearer token for the SMS gateway")
    messenger_gateway_url: str = Field(
        "", description="Messenger gateway endpoint (POST JSON); `disabled`: messenger "
        "deliveries fail at once; empty: a development file under `var/outbox/` (refused in "
        "production)")
    messenger_gateway_token: str = Field("", description="Bearer token for the messenger gateway")
    gateway_timeout_seconds: float = Field(15, description="HTTP gateway request timeout")
    delivery_max_attempts: int = Field(
        8, description="Tries for transient failures before a delivery is marked failed")
    delivery_retry_base_seconds: float = Field(
        30, description="First retry delay; doubles on each further attempt")
    delivery_retry_max_seconds: float = Field(3600, description="Cap on one retry delay")
    # Personal reception (R-4.x): slots are made from the schedules for a horizon, booked
    # with a lead time, at most so many future bookings per client.
    reception_horizon_days: int = Field(
        60, ge=1, le=366,
        description="R-4.1: slots are materialised this many days ahead (daily cron)")
    reception_min_lead_minutes: int = Field(
        60, ge=0, le=10_080,
        description="R-4.3: a slot can be booked until this many minutes before it starts")
    reception_max_future_bookings: int = Field(
        3, ge=1, le=100, description="R-4.3: most bookings one client may hold in the future")
    reception_max_range_days: int = Field(
        31, ge=1, le=366, description="Widest date range one availableSlots query may ask for")
    # Reception notices: the reminder goes the working day before, inside these local hours.
    reception_reminder_from_hour: int = Field(
        9, ge=0, le=23, description="Booking reminders go out from this local hour (inclusive)")
    reception_reminder_to_hour: int = Field(
        20, ge=1, le=24, description="Booking reminders go out until this local hour (exclusive)")

    delivery_sweep_after_seconds: float = Field(
        60, description="A pending delivery due this long ago is re-enqueued by the sweep")
    delivery_stuck_after_seconds: float = Field(
        300, description="A delivery 'sending' this long (its worker died) is sent again")
    idempotency_ttl_hours: int = Field(
        24, description="How long a mutation's answer is kept for a retry with the same "
        "Idempotency-Key")
    delivery_db_retry_seconds: float = Field(
        60, description="How long a send job keeps retrying its claim and its final update "
        "while the database is unreachable (keep twice this plus the SMTP timeout below the "
        "stuck timeout)")

    # Operations: shutdown, processes, metrics and liveness (README "Operations").
    serve_workers: int = Field(
        1, ge=1, description="API processes `okno serve` runs (uvicorn workers, or --workers); "
        "each opens up to db_pool_size database connections")
    shutdown_grace_seconds: int = Field(
        20, ge=0, description="On SIGTERM the API stops accepting, tells websockets to reconnect "
        "(1012) and lets requests in flight finish for up to N seconds")
    worker_shutdown_grace_seconds: int = Field(
        45, ge=0, description="On SIGTERM a worker takes no new jobs and lets running ones finish "
        "for up to N seconds (more than smtp_timeout_seconds); what still runs is then cancelled "
        "and requeued once. The orchestrator's stop grace period must be longer")
    metrics_host: str = Field(
        "127.0.0.1", description="Interface of the internal metrics port (API and worker)")
    metrics_port: int = Field(
        9100, ge=0, description="Internal port of the API's /metrics (Prometheus); 0: none")
    worker_metrics_port: int = Field(
        9101, ge=0, description="Internal port of the worker's /metrics and /healthz; 0: none")
    metrics_on_public_port: bool | None = Field(
        None, description="Also serve /metrics on the public port; unset: in development only")
    client_apps: list[str] = Field(
        default_factory=lambda: ["citizen-web", "citizen-mobile", "operator-desk", "admin-web"],
        description="Front ends counted by name in metrics (their X-Client-App); any other "
        "value is counted as 'other', none as 'unknown'")
    worker_heartbeat_file: Path | None = Field(
        None, description="File the worker touches every 15 s for `okno worker-health`; "
        "unset: var_dir/worker-heartbeat")
    db_statement_cache_size: int = Field(
        100, ge=0, description="asyncpg prepared statements cached per connection; set 0 behind "
        "PgBouncer in transaction mode")

    # Mailings (R-6.x): double opt-in, one-click unsubscribe, campaigns by email.
    mailing_confirm_ttl_hours: int = Field(
        72, description="A sign-up not confirmed within N hours expires and is purged")
    mailing_signup_limit_per_hour: int = Field(
        10, description="Sign-ups per hour from one IP address, and for one email address")
    mailing_consent_version: str = Field(
        "2026-01", description="Version of the consent text shown at sign-up (kept in the "
        "consent ledger with every consent)")
    mailing_unsubscribe_mailto: str = Field(
        "", description="Mailbox for mailto: unsubscribe requests in List-Unsubscribe; empty: "
        "unsubscribe@ the mail_from domain")
    mailing_send_from_hour: int = Field(
        9, ge=0, le=23, description="Campaigns may be scheduled from this local hour (inclusive)")
    mailing_send_to_hour: int = Field(
        21, ge=1, le=24, description="Campaigns may be scheduled until this local hour (exclusive)")
    mailing_batch_size: int = Field(
        50, ge=1, le=1000, description="Emails a worker claims at once; consent is re-checked "
        "and locked per batch right before sending")
    mailing_workers_per_campaign: int = Field(
        2, ge=1, le=64, description="Parallel batch jobs one campaign runs on")
    mailing_rate_per_second: int = Field(
        50, ge=1, description="Most campaign emails per second to one SMTP server, all workers "
        "together")
    mailing_bounce_secret: str = Field(
        "", description="Shared secret of the bounce intake (POST /mailings/bounces, Bearer); "
        "empty: the intake is off")
    social_warning_working_hours: float = Field(
        1.0, ge=0, description="R-7.2: staff are warned this many working hours before a "
        "social item's limit (6 for mentions, 5 for appeals and comments)")
    social_alert_staff: list[str] = Field(
        default_factory=list, description="Staff subjects who answer on official pages: they "
        "get the R-7.2 warnings and escalations by email; empty: the supervisors get the "
        "warnings (escalations always reach the supervisors)")
    social_post_max_attempts: int = Field(
        8, ge=1, description="Attempts to post one public answer to a network before it is "
        "marked failed (staff then see the reason and may answer again)")
    social_post_retry_seconds: float = Field(
        30, gt=0, description="First pause before posting an answer again after the network "
        "failed; doubles with each attempt")
    social_post_retry_cap_seconds: float = Field(
        3600, gt=0, description="Longest pause between posting attempts, also when the "
        "network's Retry-After asks for more")
    pbx_secrets: dict[str, str] = Field(
        default_factory=dict, description="Consultation line telephony: JSON map of PBX id to "
        "its shared secret, e.g. {\"main\": \"…\"}; the webhook POST /pbx/{id}/events "
        "checks the HMAC-SHA256 signature with it. A PBX not named here gets 404")
    pbx_timestamp_window_seconds: int = Field(
        300, ge=30, le=3600, description="How far a PBX event's X-Okno-Timestamp may be from "
        "the server's clock; older or newer requests are refused (replays)")
    dkim_domain: str = Field("", description="DKIM signing domain (d=); empty: no signature")
    dkim_selector: str = Field("", description="DKIM selector (s=)")
    dkim_private_key: str = Field(
        "", description="DKIM private key, PEM text or a path to a PEM file")

    @field_validator("pbx_secrets", mode="before")
    @classmethod
    def _parse_pbx_secrets(cls, value: Any) -> Any:
        # A secret file holds the JSON text; the environment source parses it already.
        return json.loads(value) if isinstance(value, str) else value

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
    def introspection_enabled(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @property
    def allowed_origins(self) -> list[str]:
        """CORS and websocket origins: closed by default in production."""
        if self.cors_origins is not None:
            return self.cors_origins
        return [] if self.production else ["http://localhost:3000"]

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
    def metrics_public(self) -> bool:
        if self.metrics_on_public_port is None:
            return not self.production
        return self.metrics_on_public_port

    @property
    def heartbeat_path(self) -> Path:
        return self.worker_heartbeat_file or self.var_dir / "worker-heartbeat"

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


def _weak_secret(value: str, default: str) -> bool:
    return value == default or len(value.encode()) < MIN_SECRET_BYTES


def _local_origin(origin: str) -> bool:
    host = (urlsplit(origin).hostname or "").lower()
    return origin == "*" or host in {"localhost", "127.0.0.1", "::1", "0.0.0.0"} \
        or host.endswith(".localhost")


def production_problems(settings: Settings) -> list[str]:
    """What production still needs: every development stand-in in use, one line each with
    the setting that replaces it. Empty outside production and when all is set."""
    if not settings.production:
        return []
    defaults = Settings.model_fields
    problems = []
    if not settings.database_url or settings.effective_database_url.startswith("sqlite"):
        problems.append("OKNO_DATABASE_URL: a PostgreSQL URL (SQLite is for one machine)")
    if not settings.redis_url:
        problems.append("OKNO_REDIS_URL: a Redis URL (not the embedded redis-server)")
    if not settings.smtp_host:
        problems.append("OKNO_SMTP_HOST: the mail server (not the local mail sink)")
    for name in ("sms", "messenger"):
        if not getattr(settings, f"{name}_gateway_url"):
            problems.append(f"OKNO_{name.upper()}_GATEWAY_URL: the {name} gateway's URL, or "
                            f"'{DISABLED}' (not a file of phone numbers and texts)")
    for name in ("public_base_url", "public_survey_url"):
        if urlsplit(getattr(settings, name)).scheme != "https" or _local_origin(
                getattr(settings, name)):
            problems.append(f"OKNO_{name.upper()}: the https address citizens' browsers use")
    if not settings.allowed_origins or any(map(_local_origin, settings.allowed_origins)):
        problems.append("OKNO_CORS_ORIGINS: the front ends' real origins, JSON list "
                        "(no localhost)")
    if not settings.jwks_url and _weak_secret(settings.jwt_secret, defaults["jwt_secret"].default):
        problems.append(f"OKNO_JWKS_URL (the identity provider's keys), or an OKNO_JWT_SECRET "
                        f"of at least {MIN_SECRET_BYTES} bytes that is not the shipped default")
    if _weak_secret(settings.link_secret, defaults["link_secret"].default):
        problems.append(f"OKNO_LINK_SECRET: at least {MIN_SECRET_BYTES} bytes, not the shipped "
                        "default")
    return problems


class UnsafeProduction(RuntimeError):
    """Production settings still name a development stand-in."""


def refuse_unsafe_production(settings: Settings) -> None:
    """Called at the start of ``serve``, ``worker``, ``migrate`` and by the app itself."""
    problems = production_problems(settings)
    if problems:
        raise UnsafeProduction(
            "okno refuses to run in production (OKNO_ENVIRONMENT=production) with development "
            "stand-ins; set:\n" + "\n".join(f"  - {p}" for p in problems)
            + "\n(secrets may come from files: OKNO_<NAME>_FILE or OKNO_SECRETS_DIR)")


@lru_cache
def get_settings() -> Settings:
    return Settings()
