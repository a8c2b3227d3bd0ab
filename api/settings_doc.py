"""The README's configuration table, generated from ``domain.settings.Settings``.

``uv run okno settings-doc --write`` refreshes the table between the markers in
README.md; a contract test fails when it is stale, so no setting goes undocumented.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from domain.settings import Settings

START, END = "<!-- settings:start -->", "<!-- settings:end -->"

# Meanings for settings declared without a ``description`` (prefer adding one there).
MEANINGS = {
    "database_url": "PostgreSQL URL (`postgres://user:pass@host:5432/db`); empty: the SQLite "
                    "file `var/okno.sqlite3`",
    "redis_url": "Redis URL (`redis://host:6379/0`); empty: an embedded redis-server on a unix "
                 "socket under `var/`",
    "smtp_host": "Outgoing mail server; empty: the embedded sink (mail saved under `var/mail/`)",
    "smtp_port": "Port of `OKNO_SMTP_HOST`",
    "smtp_username": "SMTP login (empty: none)",
    "smtp_password": "SMTP password",
    "smtp_starttls": "Upgrade the SMTP connection with STARTTLS",
    "smtp_ssl": "Connect to SMTP over TLS from the start (port 465)",
    "mail_from": "Sender address of outgoing mail",
    "host": "Address `okno serve`/`okno dev` listen on",
    "port": "Port `okno serve`/`okno dev` listen on",
    "public_base_url": "How citizens' browsers reach this API (download and unsubscribe "
                       "links); unset: `http://OKNO_HOST:OKNO_PORT`",
    "graphiql": "GraphiQL on `GET /graphql`; empty: on in development, off in production",
    "max_body_bytes": "Largest request body; larger gets 413",
    "max_query_depth": "Deepest GraphQL selection allowed",
    "max_aliases": "Most aliases in one GraphQL document",
    "max_tokens": "Most tokens in one GraphQL document",
    "max_page_size": "Cap on `first` for every list",
    "jwt_secret": "HS256 secret of development tokens (`okno token`); change it anywhere shared",
    "jwt_issuer": "Required `iss` claim of tokens",
    "jwt_audience": "Required `aud` claim of tokens",
    "jwks_url": "Identity provider's JWKS URL; when set, only RS256/ES256 tokens it signed count",
    "token_ttl_seconds": "Lifetime of tokens minted by `okno token`",
    "link_secret": "Secret signing citizens' links (downloads, unsubscribe, surveys)",
    "retention_default_years": "History kept this many years unless `OKNO_RETENTION_YEARS` says "
                               "otherwise",
    "retention_years": "Years to keep events outside any case, per event kind, JSON, e.g. "
                       "`{\"call\": 3}`",
    "export_link_ttl_hours": "How long a history export's download link works",
    "public_survey_url": "Survey page of the citizen site; `{token}` is replaced",
    "survey_token_ttl_days": "How long a survey invitation link works",
    "survey_reminder_working_days": "Working days before an unanswered invitation is reminded",
    "survey_submit_limit_per_minute":
        "Survey submission attempts allowed per minute, per link and per IP address",
    "survey_reminder_from_hour": "Survey reminders are sent from this local hour (inclusive)",
    "survey_reminder_to_hour": "… until this local hour (exclusive)",
}


def _default(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, Path):
        return f"`{value.as_posix()}`"
    if isinstance(value, list | dict):
        return f"`{json.dumps(value, ensure_ascii=False)}`"
    if value == "":
        return "(empty)"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def settings_table() -> str:
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory else field.default
        meaning = field.description or MEANINGS.get(name, "")
        meaning = meaning.replace("|", "\\|").replace("\n", " ")
        rows.append(f"| `OKNO_{name.upper()}` | {_default(default).replace('|', chr(92) + '|')} "
                    f"| {meaning} |")
    return "\n".join(rows) + "\n"


def replace_in(text: str) -> str:
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"markers {START} ... {END} not found")
    return pattern.sub(lambda _: f"{START}\n{settings_table()}{END}", text)
