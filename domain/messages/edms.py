"""R-8 both ways: an answer that goes out through the EDMS queue records its outgoing EDMS
registration number and link when the operator (or the EDMS integration) registers it there.
Incoming EDMS numbers are taken in at intake (``intake.py``)."""

from __future__ import annotations

from typing import Any

from domain.actor import Actor
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, Purpose
from domain.ids import as_uuid
from domain.messages.models import Answer
from domain.transaction import transaction


async def register_outgoing(actor: Actor, delivery_id: Any, number: str | None,
                            link: str | None) -> Delivery:
    """Mark the EDMS delivery registered (``deliveries.mark_edms_registered``) and, when it
    carries a message's answer, keep the number and link on the answer too, in one
    transaction."""
    async with transaction():
        row = await deliveries.mark_edms_registered(actor, delivery_id, number, link)
        message_id = as_uuid(row.source_id) if row.source_type == "message" else None
        if message_id is not None and row.purpose == Purpose.ANSWER:
            await Answer.filter(message_id=message_id).update(
                edms_number=row.message_id, edms_link=row.external_link)
    return row
