"""Email through aiosmtplib, over a small pool of open connections reused across jobs.

The Message-ID is derived from the delivery id, so a resend after a crash carries the same
Message-ID and mail systems can recognise the duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email import policy
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from typing import TYPE_CHECKING, ClassVar

import aiosmtplib

from domain.deliveries import rules
from domain.deliveries.channels.base import PermanentFailure, Sent, TransientFailure
from domain.enums import Channel
from domain.errors import DomainError
from domain.validation import normalise_email, strip_invisible

if TYPE_CHECKING:
    from domain.deliveries.models import Delivery
    from domain.settings import Settings

log = logging.getLogger(__name__)
SMTP_COMPAT = policy.compat32.clone(linesep="\r\n")
# What the DKIM signature covers (RFC 6376 5.4): the identity and content headers, and for
# bulk mail the RFC 8058 pair, so no relay can strip or alter the one-click unsubscribe.
DKIM_HEADERS = (b"from", b"to", b"subject", b"date", b"message-id", b"mime-version",
                b"content-type", b"list-unsubscribe", b"list-unsubscribe-post")


def dkim_key(settings: Settings) -> bytes | None:
    """The configured private key (PEM text or a file path), or None: no signing."""
    if not (settings.dkim_domain and settings.dkim_selector and settings.dkim_private_key):
        return None
    key = settings.dkim_private_key.strip()
    if not key.startswith("-----BEGIN"):
        with open(key, "rb") as f:
            return f.read()
    return key.encode()


def dkim_sign(message: bytes, settings: Settings, key: bytes) -> bytes:
    """The message with its DKIM-Signature header first (relaxed canonicalisation)."""
    import dkim

    present = {line.split(b":", 1)[0].strip().lower()
               for line in message.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
               if line and not line[:1].isspace()}
    signature = dkim.sign(
        message, settings.dkim_selector.encode(), settings.dkim_domain.encode(), key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=[h for h in DKIM_HEADERS if h in present])
    return signature + message


def message_id(delivery_id: object, mail_from: str) -> str:
    domain = mail_from.rpartition("@")[2] or "okno.local"
    return f"<{delivery_id}@{domain}>"


class SmtpPool:
    """At most ``size`` connections; an idle one is reused unless it sat too long."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(max(1, settings.smtp_pool_size))
        self.connections_opened = 0

    async def acquire(self) -> aiosmtplib.SMTP:
        await self._slots.acquire()
        try:
            while self._idle:
                client, since = self._idle.pop()
                fresh = time.monotonic() - since < self.settings.smtp_idle_seconds
                if client.is_connected and fresh:
                    return client
                await self._discard(client)
            return await self._connect()
        except BaseException:
            self._slots.release()
            raise

    def release(self, client: aiosmtplib.SMTP, reusable: bool) -> None:
        if reusable and client.is_connected:
            self._idle.append((client, time.monotonic()))
        else:
            client.close()
        self._slots.release()

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        host, port = s.smtp_endpoint
        client = aiosmtplib.SMTP(
            hostname=host, port=port, use_tls=s.smtp_ssl, start_tls=s.smtp_starttls,
            username=s.smtp_username or None, password=s.smtp_password or None,
            timeout=s.smtp_timeout_seconds, validate_certs=s.smtp_validate_certs,
        )
        await client.connect()
        self.connections_opened += 1
        return client

    async def _discard(self, client: aiosmtplib.SMTP) -> None:
        try:
            await asyncio.wait_for(client.quit(), 2)
        except Exception:  # noqa: BLE001 (already gone, whatever the cause: nothing to tidy)
            client.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client, _ in idle:
            await self._discard(client)


class EmailAdapter:
    channels: ClassVar[tuple[Channel, ...]] = (Channel.EMAIL,)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = SmtpPool(settings)
        self.dkim_key = dkim_key(settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> EmailAdapter:
        return cls(settings)

    def build(self, delivery: Delivery, recipient: str) -> tuple[str, bytes]:
        """(Message-ID, the message as sent). Built with the compat32 MIME classes: the
        modern ``EmailMessage`` policy re-parses every header and costs ~5x the CPU."""
        text = MIMEText(delivery.body_text, "plain", "utf-8")
        if delivery.body_html:
            msg = MIMEMultipart("alternative")
            msg.attach(text)
            msg.attach(MIMEText(delivery.body_html, "html", "utf-8"))
        else:
            msg = text
        if delivery.attachments:
            body, msg = msg, MIMEMultipart("mixed")
            msg.attach(body)
            for item in delivery.attachments:
                msg.attach(_attachment(item))
        mid = message_id(delivery.id, self.settings.mail_from)
        msg["From"] = self.settings.mail_from
        name = strip_invisible(delivery.recipient_name or "")[:200]
        msg["To"] = formataddr((name, recipient)) if name else recipient
        msg["Subject"] = Header(delivery.subject, "utf-8")
        msg["Date"] = format_datetime(delivery.created_at)
        msg["Message-ID"] = mid
        msg["Auto-Submitted"] = "auto-generated"
        for name, value in (delivery.headers or {}).items():
            msg[name] = value
        data = msg.as_bytes(policy=SMTP_COMPAT)
        if self.dkim_key is not None:
            data = dkim_sign(data, self.settings, self.dkim_key)
        return mid, data

    async def send(self, delivery: Delivery) -> Sent:
        try:
            recipient = normalise_email(delivery.address or "")
        except DomainError:
            raise PermanentFailure(f"Неверный адрес электронной почты: {delivery.address!r}") \
                from None
        mid, message = self.build(delivery, recipient)
        try:
            client = await self.pool.acquire()
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise TransientFailure(f"SMTP-сервер недоступен: {_describe(exc)}") from None
        reusable = False
        try:
            await client.sendmail(self.settings.mail_from, [recipient], message)
            reusable = True
        except aiosmtplib.SMTPRecipientsRefused as exc:
            reusable = True
            refused = exc.recipients[0]
            _raise_for_code(refused.code, f"адрес отклонён: {refused.code} {refused.message}")
        except aiosmtplib.SMTPAuthenticationError as exc:
            # Our configuration, not the recipient: keep the mail and retry after a fix.
            raise TransientFailure(f"SMTP: ошибка входа {exc.code} {exc.message}") from None
        except aiosmtplib.SMTPResponseException as exc:
            reusable = client.is_connected
            _raise_for_code(exc.code, f"{exc.code} {exc.message}")
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            raise TransientFailure(f"SMTP: {_describe(exc)}") from None
        finally:
            self.pool.release(client, reusable)
        return Sent(external_id=mid)

    async def close(self) -> None:
        await self.pool.close()


def _attachment(item: dict[str, str]) -> MIMEText:
    """A text attachment (checked by ``rules.clean_attachments`` when it was written)."""
    part = MIMEText(item["content"], item["content_type"].partition("/")[2], "utf-8")
    if item["content_type"] == "text/calendar":  # RFC 6047: the method calendar apps act on
        method = "CANCEL" if "METHOD:CANCEL" in item["content"] else "PUBLISH"
        part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=item["filename"])
    return part


def _raise_for_code(code: int, text: str) -> None:
    if rules.smtp_code_is_transient(code):
        raise TransientFailure(f"SMTP: {text}")
    raise PermanentFailure(f"SMTP: {text}")


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]
