"""Templates (R-2.2 plain Russian): ``templates/<name>.{subject,txt,html}.j2``, optional
``<name>.sms.j2`` for short channels. HTML parts are autoescaped; subjects are one line.

Every template gets ``client_name`` besides the caller's context; optional values are tested
with ``is defined``; a value a template needs but was not given is an error, never a blank.
Dates may be given as ``date``/``datetime`` or ISO strings (contexts are stored as JSON).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound
from markupsafe import Markup, escape

from domain.deliveries.models import Template
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode

TEMPLATE_DIR = Path(__file__).parent / "templates"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
CONTEXT_MAX_BYTES = 256 * 1024
SUBJECT_MAX = 300
ORGANISATION = "Правительство Ульяновской области"
SIGNATURE = f"С уважением, {ORGANISATION}"
REPLY_HINT = "Чтобы ответить, напишите нам через сайт или на адрес, указанный в обращении."
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
          "сентября", "октября", "ноября", "декабря")
ZONE = "Europe/Ulyanovsk"


def _as_datetime(value: Any) -> datetime | date:
    if isinstance(value, (datetime, date)):
        return value
    text = str(value)
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        return date.fromisoformat(text)
    except ValueError:
        raise TemplateError(f"не дата: {text[:40]}") from None


def date_ru(value: Any) -> str:
    d = _as_datetime(value)
    if isinstance(d, datetime):
        d = _local(d).date()
    return f"{d.day} {MONTHS[d.month - 1]} {d.year} г."


def datetime_ru(value: Any) -> str:
    d = _as_datetime(value)
    if not isinstance(d, datetime):
        return date_ru(d)
    d = _local(d)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year} г. в {d:%H:%M}"


def _local(d: datetime) -> datetime:
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).astimezone(ZoneInfo(ZONE))


_URL = re.compile(r"(https?://[^\s<>\"']+)")


def paragraphs(value: Any) -> Markup:
    """Plain text as HTML paragraphs, escaped, with links made clickable."""
    out = []
    for block in re.split(r"\n\s*\n", str(value).strip()):
        html = str(escape(block)).replace("\n", "<br>\n")
        html = _URL.sub(r'<a href="\1">\1</a>', html)
        out.append(f"<p>{html}</p>")
    return Markup("\n".join(out))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(date_ru=date_ru, datetime_ru=datetime_ru, paragraphs=paragraphs)
    env.globals.update(organisation=ORGANISATION, signature=SIGNATURE, reply_hint=REPLY_HINT)
    return env


def available() -> list[str]:
    """Template names that have at least a subject and a text part (on disk)."""
    return sorted(p.name.removesuffix(".subject.j2") for p in TEMPLATE_DIR.glob("*.subject.j2")
                  if not p.name.startswith("_")
                  and (TEMPLATE_DIR / p.name.replace(".subject.", ".txt.")).exists())


def templates() -> list[Template]:
    """The templates areas and ``previewTemplate`` can use, in name order."""
    return sorted(Template, key=str)


def json_safe(context: dict[str, Any] | None) -> dict[str, Any]:
    """The context as it will be stored (JSON) and rendered, so a re-render is identical."""
    if context is None:
        return {}
    if not isinstance(context, dict):
        raise DomainError(ErrorCode.INVALID, "Контекст шаблона должен быть объектом.", "context")
    try:
        raw = orjson.dumps(context, default=str, option=orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        raise DomainError(ErrorCode.INVALID, "Контекст шаблона нельзя сохранить.",
                          "context") from None
    if len(raw) > CONTEXT_MAX_BYTES:
        raise DomainError(ErrorCode.TOO_LONG, "Контекст шаблона слишком большой.", "context")
    if b"\\u0000" in raw:
        raise DomainError(ErrorCode.FORBIDDEN_CHARACTERS, "Контекст содержит недопустимые "
                          "символы.", "context")
    return orjson.loads(raw)


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str  # the body fragment, without a layout
    short: str  # for SMS and messengers


def _part(name: str, context: dict[str, Any]) -> str | None:
    try:
        template = environment().get_template(name)
    except TemplateNotFound:
        return None
    return template.render(context)


def check_name(template: str) -> None:
    if not isinstance(template, str) or not NAME.match(template) \
            or template not in Template._value2member_map_:
        raise DomainError(ErrorCode.UNKNOWN_TEMPLATE, "Такого шаблона нет.", "template")


def render(template: str, context: dict[str, Any]) -> Rendered:
    """All parts of one template. Raises DomainError(TEMPLATE_ERROR) naming what is missing."""
    check_name(template)
    try:
        subject = _part(f"{template}.subject.j2", context) or ""
        text = _part(f"{template}.txt.j2", context) or ""
        html = _part(f"{template}.html.j2", context)
        short = _part(f"{template}.sms.j2", context)
    except TemplateError as exc:
        message = str(exc.message or exc)
        match = re.match(r"'(\w+)' is undefined", message)
        if match:
            message = f"не задано значение «{match[1]}»"
        raise DomainError(ErrorCode.TEMPLATE_ERROR,
                          f"Шаблон «{template}»: {message[:200]}.", "context") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        raise DomainError(ErrorCode.TEMPLATE_ERROR,
                          f"Шаблон «{template}»: {str(exc)[:200]}.", "context") from None
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    text = _tidy(text)
    if html is None:
        html = str(paragraphs(text))
    return Rendered(subject=subject, text=text, html=html.strip(),
                    short=_tidy(short) if short is not None else text)


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text.strip())


def email_parts(rendered: Rendered) -> tuple[str, str]:
    """Text with the signature footer, and the full HTML document."""
    env = environment()
    footer = env.get_template("_footer.txt.j2").render()
    html = env.get_template("_email.html.j2").render(subject=rendered.subject,
                                                     body=Markup(rendered.html))
    return rendered.text + "\n" + footer.rstrip() + "\n", html


def letter_html(rendered: Rendered, recipient_name: str, address: str | None,
                delivery_id: str) -> str:
    """A printable A4 letter for the print queue (postal) or for registering in the EDMS."""
    return environment().get_template("_letter.html.j2").render(
        subject=rendered.subject, body=Markup(rendered.html), recipient_name=recipient_name,
        address=address or "", today=datetime.now(UTC), delivery_id=delivery_id,
    )


def bodies(rendered: Rendered, channel: Channel | None, recipient_name: str,
           address: str | None, delivery_id: str) -> tuple[str, str | None]:
    """(text, html) as stored for one channel."""
    if channel in (Channel.SMS, Channel.MESSENGER):
        return rendered.short, None
    if channel in (Channel.POSTAL, Channel.EDMS):
        return rendered.text, letter_html(rendered, recipient_name, address, delivery_id)
    return email_parts(rendered)
