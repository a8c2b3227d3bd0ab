"""Test support for deliveries: clients with contacts, a real aiosmtpd server, worker ctx."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller

from domain.clients.models import (
    ChannelPreference,
    Client,
    ClientKind,
    ContactKind,
    ContactPoint,
)
from domain.enums import Channel
from domain.settings import Settings
from tests.support.live import free_port


@dataclass
class Person:
    id: str
    contacts: dict[str, str]  # "email" / "phone" / "postal" / "messenger" -> contact id


async def make_client(
    *, email: str | None = "ivanov@example.ru", phone: str | None = None,
    postal: str | None = None, messenger: str | None = None,
    preferred: Channel | None = Channel.EMAIL, additional: Channel | None = None,
    last_name: str = "Иванов", first_name: str = "Иван",
) -> Person:
    client = await Client.create(kind=ClientKind.PERSON, last_name=last_name,
                                 first_name=first_name, search_name=last_name.lower())
    contacts: dict[str, str] = {}
    for kind, value in (("email", email), ("phone", phone), ("postal", postal),
                        ("messenger", messenger)):
        if value:
            cp = await ContactPoint.create(client_id=client.id, kind=ContactKind(kind),
                                           value=value, verified=True, primary=True)
            contacts[kind] = str(cp.id)
    kind_of = {Channel.EMAIL: "email", Channel.SMS: "phone", Channel.PHONE: "phone",
               Channel.POSTAL: "postal", Channel.MESSENGER: "messenger"}
    if preferred is not None:
        await ChannelPreference.create(
            client_id=client.id, preferred_channel=preferred,
            preferred_contact_id=contacts.get(kind_of.get(preferred, "")),
            additional_channel=additional,
            additional_contact_id=contacts.get(kind_of.get(additional, "")) if additional else None,
        )
    return Person(str(client.id), contacts)


@dataclass
class MailRecorder:
    """aiosmtpd handler: keeps every accepted message; ``script`` answers DATA in order
    (e.g. ["451 4.3.0 try later"]) before falling back to 250."""

    script: list[str] = field(default_factory=list)
    rcpt_script: dict[str, str] = field(default_factory=dict)  # address -> RCPT reply
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)
    peers: set = field(default_factory=set)  # (host, port) per SMTP connection that sent
    delay: float = 0.0

    async def handle_RCPT(self, server, session, envelope, address, options):
        reply = self.rcpt_script.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.script:
            return self.script.pop(0)
        self.peers.add(tuple(session.peer))
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter:
        return Counter(m["Message-ID"] for m in self.messages)


class SmtpServer:
    def __init__(self, handler: MailRecorder) -> None:
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    def settings(self, base: Settings, **extra: Any) -> Settings:
        return base.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": self.port,
                                       "delivery_retry_base_seconds": 0.05, **extra})


async def run_worker(settings: Settings, *, max_jobs: int = 10) -> Any:
    """A real arq worker, in this process, until the queue (deferred retries included) is
    empty. The app's DB and Redis stay the test's own."""
    from arq.connections import RedisSettings
    from arq.worker import Worker

    from jobs import worker as okno_worker

    worker = Worker(
        functions=okno_worker.FUNCTIONS, redis_settings=RedisSettings.from_dsn(settings.redis_url),
        burst=True, poll_delay=0.02, handle_signals=False, max_jobs=max_jobs,
        on_startup=okno_worker.startup, on_shutdown=okno_worker.shutdown,
        ctx={"settings": settings, "external_resources": True},
    )
    try:
        await worker.main()
    finally:
        await worker.close()
    return worker
