"""SMS and messengers through an HTTP gateway (the operator's or an aggregator's).

Request: ``POST <url>`` with JSON ``{"id", "channel", "to", "text"}`` (messengers also
``"network"`` and ``"handle"``), ``Authorization: Bearer <token>`` when a token is set and
``Idempotency-Key: <delivery id>``, so a gateway that honours it never sends twice. A 2xx
answer is success (``{"id": ...}`` in the body is kept as the gateway's message id).

With no gateway URL configured, the development adapter appends each message as one JSON
line to ``var/outbox/<channel>.jsonl`` and logs it (refused in production). The URL
``disabled`` turns the channel off: its deliveries fail at once with the reason, for staff.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
import orjson

from domain.deliveries import rules
from domain.deliveries.channels.base import PermanentFailure, Sent, TransientFailure
from domain.enums import Channel
from domain.errors import DomainError
from domain.settings import DISABLED
from domain.validation import normalise_phone

if TYPE_CHECKING:
    from domain.deliveries.models import Delivery
    from domain.settings import Settings

log = logging.getLogger(__name__)


def payload(delivery: Delivery) -> dict[str, Any]:
    """What a gateway receives; the address is checked first (a bad one fails for good)."""
    address = delivery.address or ""
    body: dict[str, Any] = {"id": str(delivery.id), "channel": str(delivery.channel),
                            "text": delivery.body_text}
    if delivery.channel == Channel.SMS:
        try:
            body["to"] = normalise_phone(address)
        except DomainError:
            raise PermanentFailure(f"Неверный номер телефона: {address!r}") from None
    else:
        network, sep, handle = address.partition(":")
        if not sep or not network or not handle:
            raise PermanentFailure(f"Неверный адрес в мессенджере: {address!r}")
        body.update(to=address, network=network, handle=handle)
    return body


class HttpGateway:
    def __init__(self, url: str, token: str, timeout: float) -> None:
        self.url = url
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(timeout=timeout, headers=headers)

    async def send(self, delivery: Delivery) -> Sent:
        body = payload(delivery)
        try:
            response = await self.http.post(self.url, content=orjson.dumps(body), headers={
                "Content-Type": "application/json", "Idempotency-Key": str(delivery.id)})
        except httpx.HTTPError as exc:
            raise TransientFailure(f"Шлюз недоступен: {type(exc).__name__}: {exc}"[:300]) \
                from None
        if response.is_success:
            try:
                external = response.json().get("id")
            except ValueError:
                external = None
            return Sent(external_id=str(external)[:300] if external is not None else None)
        reason = f"Шлюз ответил {response.status_code}: {response.text[:200]}"
        if rules.http_status_is_transient(response.status_code):
            raise TransientFailure(reason)
        raise PermanentFailure(reason)

    async def close(self) -> None:
        await self.http.aclose()


class DevFileGateway:
    def __init__(self, directory: Path, channel: Channel) -> None:
        self.path = directory / f"{channel}.jsonl"

    async def send(self, delivery: Delivery) -> Sent:
        body = payload(delivery)
        body["at"] = datetime.now(UTC).isoformat()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as out:
            out.write(orjson.dumps(body) + b"\n")
        # The text carries links with tokens, the address is personal: the file has both.
        log.info("dev %s delivery %s written to %s", delivery.channel, delivery.id, self.path)
        return Sent(external_id=f"dev:{delivery.id}")

    async def close(self) -> None:
        return None


class DisabledGateway:
    """The channel is switched off by configuration (``OKNO_<CHANNEL>_GATEWAY_URL=disabled``)."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel

    async def send(self, delivery: Delivery) -> Sent:
        raise PermanentFailure(f"Канал «{self.channel}» отключён в настройках "
                               f"(OKNO_{str(self.channel).upper()}_GATEWAY_URL={DISABLED})")

    async def close(self) -> None:
        return None


class _GatewayAdapter:
    channel: ClassVar[Channel]
    channels: ClassVar[tuple[Channel, ...]]
    url_setting: ClassVar[str]
    token_setting: ClassVar[str]

    def __init__(self, transport: HttpGateway | DevFileGateway | DisabledGateway) -> None:
        self.transport = transport

    @classmethod
    def from_settings(cls, settings: Settings):
        url = getattr(settings, cls.url_setting)
        if url == DISABLED:
            return cls(DisabledGateway(cls.channel))
        if url:
            return cls(HttpGateway(url, getattr(settings, cls.token_setting),
                                   settings.gateway_timeout_seconds))
        return cls(DevFileGateway(settings.outbox_dir, cls.channel))

    async def send(self, delivery: Delivery) -> Sent:
        return await self.transport.send(delivery)

    async def close(self) -> None:
        await self.transport.close()


class SmsAdapter(_GatewayAdapter):
    channel = Channel.SMS
    channels = (Channel.SMS,)
    url_setting = "sms_gateway_url"
    token_setting = "sms_gateway_token"


class MessengerAdapter(_GatewayAdapter):
    channel = Channel.MESSENGER
    channels = (Channel.MESSENGER,)
    url_setting = "messenger_gateway_url"
    token_setting = "messenger_gateway_token"
