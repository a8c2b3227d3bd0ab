"""The embedded SMTP sink: with ``OKNO_SMTP_HOST`` unset, outgoing mail is received
by an in-process aiosmtpd server and stored as .eml files under ``var/mail/``."""

from __future__ import annotations

import time
import uuid
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import structlog
from aiosmtpd.controller import Controller

log = structlog.get_logger("okno.smtp_sink")


class MailDirHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(envelope.content)
        message = message_from_bytes(envelope.content)
        subject = str(make_header(decode_header(message.get("Subject", ""))))
        log.info("mail", to=envelope.rcpt_tos, subject=subject, file=name)
        return "250 Message accepted for delivery"


def start_smtp_sink(directory: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    controller = Controller(MailDirHandler(directory), hostname=host, port=port)
    controller.start()
    return controller
