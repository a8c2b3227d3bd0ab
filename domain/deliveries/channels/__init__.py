"""Channel adapters. Adding a channel = one adapter class (see ``base.Adapter``) listed in
``ADAPTERS``; ``rules.DELIVERABLE`` must name its channels (a test checks they agree)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.deliveries.channels.base import (
    Adapter,
    DeliveryFailure,
    PermanentFailure,
    Sent,
    TransientFailure,
)
from domain.deliveries.channels.email import EmailAdapter
from domain.deliveries.channels.gateway import MessengerAdapter, SmsAdapter
from domain.deliveries.channels.manual import AccountAdapter, PrintQueueAdapter
from domain.enums import Channel

if TYPE_CHECKING:
    from domain.settings import Settings

ADAPTERS: tuple[type, ...] = (
    EmailAdapter, SmsAdapter, MessengerAdapter, PrintQueueAdapter, AccountAdapter,
)


class Channels:
    """One adapter instance per channel for a worker's lifetime (connections are reused)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.adapters: dict[Channel, Adapter] = {}
        for cls in ADAPTERS:
            adapter = cls.from_settings(settings)
            for channel in cls.channels:
                self.adapters[channel] = adapter

    def get(self, channel: Channel | None) -> Adapter | None:
        return self.adapters.get(channel) if channel is not None else None

    async def close(self) -> None:
        for adapter in {id(a): a for a in self.adapters.values()}.values():
            await adapter.close()


__all__ = ["ADAPTERS", "Adapter", "Channels", "DeliveryFailure", "PermanentFailure", "Sent",
           "TransientFailure"]
