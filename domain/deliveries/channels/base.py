"""What every channel adapter is: one class per channel, ``send(delivery) -> Sent``.

An adapter raises ``TransientFailure`` for what may work later (connection refused, SMTP 4xx,
gateway 5xx, timeouts) and ``PermanentFailure`` for what never will (SMTP 5xx, an invalid
address); the dispatcher turns those into a retry with backoff or a failed delivery.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from domain.enums import Channel

if TYPE_CHECKING:
    from domain.deliveries.models import Delivery
    from domain.settings import Settings


class DeliveryFailure(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:900]


class TransientFailure(DeliveryFailure):
    """Worth another try later."""


class PermanentFailure(DeliveryFailure):
    """Will never work as addressed: fail now, with the reason, for staff to act on."""


@dataclass(frozen=True, slots=True)
class Sent:
    external_id: str | None = None  # Message-ID, gateway id
    held: bool = False  # handed to an operator's queue (print, EDMS), not yet out


class Adapter(Protocol):
    channels: ClassVar[tuple[Channel, ...]]

    @classmethod
    def from_settings(cls, settings: Settings) -> Adapter: ...

    async def send(self, delivery: Delivery) -> Sent: ...

    async def close(self) -> None: ...
