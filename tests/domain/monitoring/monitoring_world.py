"""Messages and reception changes with known deadlines and completion times, written
directly (the areas that make them are tested elsewhere): the monitoring only reads."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from domain.clients.models import Client, ClientKind
from domain.consultation.models import (
    Call,
    Callback,
    CallbackStatus,
    CallSource,
    ConsultationLine,
)
from domain.deliveries.models import Delivery, DeliveryStatus, RouteReason
from domain.enums import Channel
from domain.messages.models import Answer, AnswerOutcome, Audience, Message, MessageStatus
from domain.reception.models import (
    BookedBy,
    Booking,
    BookingChange,
    ChangeKind,
    NoticeOutcome,
    ReceptionChange,
)
from domain.social.models import Network, SocialItem, SocialSource, SocialStatus

ZONE = ZoneInfo("Europe/Ulyanovsk")
# Wednesday 11 March 2026, noon in Ulyanovsk: "now" of every monitoring test.
NOW = dt.datetime(2026, 3, 11, 12, 0, tzinfo=ZONE).astimezone(dt.UTC)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


MONDAY = local(2026, 3, 2, 10)
TUESDAY = local(2026, 3, 3, 9)


async def a_client() -> Client:
    return await Client.create(id=uuid.uuid4(), kind=ClientKind.PERSON, last_name="Иванов",
                               first_name="Иван")


async def message(client: Client, *, received: dt.datetime = MONDAY,
                  answered: dt.datetime | None = None, **fields) -> Message:
    fields.setdefault("audience", Audience.EXTERNAL)
    if answered is not None:  # as sending the answer does: answered, closed at that moment
        fields.setdefault("status", MessageStatus.ANSWERED)
        fields.setdefault("closed_at", answered)
    fields.setdefault("channel", Channel.EMAIL)
    m = await Message.create(id=uuid.uuid4(), client=client, body="Прошу помочь",
                             received_at=received, **fields)
    if answered is not None:
        await Answer.create(id=uuid.uuid4(), message=m, text="Ответ",
                            outcome=AnswerOutcome.RESOLVED, drafted_by="exec-1",
                            drafted_at=answered, sent_at=answered, sent_by="exec-1")
    return m


async def change_notice(slot, client: Client, *, old_start: dt.datetime,
                        sent: dt.datetime | None, made: dt.datetime = TUESDAY
                        ) -> BookingChange:
    """A booking hit by a change, and (when ``sent``) its notice in the outbox."""
    booking = await Booking.create(id=uuid.uuid4(), client=client, slot=slot, seat=None,
                                   topic="Т", booked_by=BookedBy.OPERATOR)
    change = await ReceptionChange.create(id=uuid.uuid4(), kind=ChangeKind.SLOT_CHANGED,
                                          summary="Приём перенесён", made_by="admin-1")
    row = await BookingChange.create(id=uuid.uuid4(), change=change, booking=booking,
                                     outcome=NoticeOutcome.KEPT, old_starts_at=old_start)
    await BookingChange.filter(id=row.id).update(created_at=made)
    if sent is not None:
        await Delivery.create(
            id=uuid.uuid4(), client=client, channel=Channel.EMAIL, route=RouteReason.PREFERRED,
            address="c@example.ru", purpose="reception_changed", template="reception_changed",
            subject="Приём", body_text="Приём перенесён", status=DeliveryStatus.SENT,
            idempotency_key=f"reception-change:{change.id}:{booking.id}",
            next_attempt_at=sent, sent_at=sent)
    return row


async def social_item(kind: str, *, due: dt.datetime, answered: dt.datetime | None = None,
                      deleted: dt.datetime | None = None, received: dt.datetime = MONDAY
                      ) -> SocialItem:
    source = await SocialSource.create(id=uuid.uuid4(), network=Network.VK, name="Группа")
    return await SocialItem.create(
        id=uuid.uuid4(), source=source, source_item_id=uuid.uuid4().hex, network=Network.VK,
        kind=kind, text="Когда починят дорогу?", received_at=received, due_at=due, warn_at=due,
        answered_at=answered, deleted_at=deleted,
        status=SocialStatus.ANSWERED if answered else SocialStatus.NEW)


async def callback(*, due_until: dt.datetime, done: dt.datetime | None = None,
                   status: CallbackStatus = CallbackStatus.SCHEDULED) -> Callback:
    line = await ConsultationLine.get_or_none(number="88422589358") or (
        await ConsultationLine.create(id=uuid.uuid4(), name="Линия", number="88422589358",
                                      display_number="8 (8422) 58-93-58"))
    call = await Call.create(id=uuid.uuid4(), line=line, source=CallSource.OPERATOR,
                             started_at=MONDAY)
    row = await Callback.create(id=uuid.uuid4(), call=call, number="+79171234567",
                                promised_by=due_until, due_at=due_until - dt.timedelta(hours=1),
                                due_until=due_until, done_at=done, status=status,
                                created_by="op-1")
    await Callback.filter(id=row.id).update(created_at=MONDAY)
    return row


__all__ = ["MARCH", "NOW", "CallbackStatus", "MessageStatus", "a_client", "callback",
           "change_notice", "local", "message", "social_item"]
