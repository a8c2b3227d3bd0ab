"""Channels an operator finishes by hand: the letter waits in a print queue (postal) or to
be registered in the EDMS; ``markPostalDelivery`` records printed/posted."""

from __future__ import annotations

from typing import ClassVar

from domain.deliveries.channels.base import Sent
from domain.enums import Channel


class PrintQueueAdapter:
    channels: ClassVar[tuple[Channel, ...]] = (Channel.POSTAL, Channel.EDMS)

    @classmethod
    def from_settings(cls, settings) -> PrintQueueAdapter:
        return cls()

    async def send(self, delivery) -> Sent:
        # The printable HTML was rendered with the outbox row; queueing is the state change.
        return Sent(held=True)

    async def close(self) -> None:
        return None


class AccountAdapter:
    """Web site and app: the text is in the client's personal account (Client.deliveries)
    the moment it is committed; the front ends' own push notices are theirs to send."""

    channels: ClassVar[tuple[Channel, ...]] = (Channel.WEB, Channel.MOBILE_APP)

    @classmethod
    def from_settings(cls, settings) -> AccountAdapter:
        return cls()

    async def send(self, delivery) -> Sent:
        return Sent()

    async def close(self) -> None:
        return None
