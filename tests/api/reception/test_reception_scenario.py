"""The whole story over HTTP (R-4.2, R-4.4, R-4.5, R-4.6, R-4.7, R-1.4): an operator books
for a caller → the confirmation email reaches a real SMTP server with the address,
accessibility, the .ics and the cancel link → the official is replaced → the notice email
arrives → the client cancels through the link without logging in (GET page, then POST) →
the slot is free → another client books it. Both databases."""

from __future__ import annotations

import re
from email.message import EmailMessage

from api.relay import encode_id
from domain.directory.models import StaffMember
from domain.reception.models import Booking, BookingStatus, ReceivingOfficial
from tests.domain.reception.reception_world import build_world, make_slot
from tests.support.deliveries import MailRecorder, SmtpServer, make_client, run_worker

BOOK = """mutation($slot: ID!, $client: ID, $topic: String!) {
  bookReception(input: {slotId: $slot, clientId: $client, topic: $topic}) {
    booking { id status } errors { code field message } } }"""
CHANGE = """mutation($slot: ID!, $official: ID!, $reason: String) {
  changeReceptionSlot(input: {slotId: $slot, officialId: $official, reason: $reason}) {
    changedSlots keptBookings cancelledBookings bookings { id } errors { code message } } }"""
LINK = re.compile(r"https?://\S+/reception/(cancel|accept)/([A-Za-z0-9_.-]+)")


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def attachment(message: EmailMessage) -> tuple[str, str]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_content()


async def test_book_confirm_replace_cancel_by_link_rebook(settings, gql, http):
    world = await build_world()
    slot = await make_slot(world)
    caller = await make_client(email="caller@example.ru")
    staff = await StaffMember.create(subject="official-2", full_name="Сидорова Анна Ивановна")
    substitute = await ReceivingOfficial.create(staff=staff, position="Заместитель министра")
    slot_gid = encode_id("ReceptionSlot", slot.id)

    booked = (await gql(BOOK, {"slot": slot_gid, "client": encode_id("Client", caller.id),
                               "topic": "Капитальный ремонт"}, as_="operator"))["data"]
    assert booked["bookReception"]["errors"] == []
    booking_gid = booked["bookReception"]["booking"]["id"]

    mail = MailRecorder()
    with SmtpServer(mail) as server:
        await run_worker(server.settings(settings))
        [confirmation] = mail.messages
        assert confirmation["To"].addresses[0].addr_spec == "caller@example.ru"
        body = text_of(confirmation)
        for text in ("Петров Пётр Петрович", "г. Ульяновск, пл. Ленина, 1", "кабинет 201",
                     "пандус", "лифт", "время местное"):
            assert text in body, text
        name, ics = attachment(confirmation)
        assert name.endswith(".ics") and "BEGIN:VEVENT" in ics and "METHOD:PUBLISH" in ics
        assert [m[0] for m in LINK.findall(body)] == ["cancel"]

        changed = (await gql(CHANGE, {"slot": slot_gid,
                                      "official": encode_id("ReceivingOfficial", substitute.id),
                                      "reason": "командировка"}, as_="supervisor"))["data"]
        result = changed["changeReceptionSlot"]
        assert result["errors"] == [] and result["keptBookings"] == 1
        assert result["bookings"] == [{"id": booking_gid}]
        await run_worker(server.settings(settings))
        assert len(mail.messages) == 2
        notice = text_of(mail.messages[1])
        assert ("Приём проведёт другое должностное лицо: Сидорова Анна Ивановна (было: "
                "Петров Пётр Петрович)") in notice
        links = dict(LINK.findall(notice))
        assert set(links) == {"accept", "cancel"}
        assert "SEQUENCE" in attachment(mail.messages[1])[1]

        # The client cancels through the link, without a token of any kind.
        page = await http.get(f"/reception/cancel/{links['cancel']}")
        assert page.status_code == 200 and "Сидорова Анна Ивановна" in page.text
        booking = await Booking.filter(client_id=caller.id).first()
        assert booking.status == BookingStatus.BOOKED  # a GET never cancels
        done = await http.post(f"/reception/cancel/{links['cancel']}")
        assert done.status_code == 200 and "Запись отменена" in done.text
        booking = await Booking.get(id=booking.id)
        assert booking.status == BookingStatus.CANCELLED and booking.seat is None
        await run_worker(server.settings(settings))
        assert "отменена" in mail.messages[2]["Subject"]
        assert "METHOD:CANCEL" in attachment(mail.messages[2])[1]

    other = await make_client(email="next@example.ru")
    rebooked = (await gql(BOOK, {"slot": slot_gid, "client": encode_id("Client", other.id),
                                 "topic": "Другой вопрос"}, as_="operator"))["data"]
    assert rebooked["bookReception"]["errors"] == []
    assert rebooked["bookReception"]["booking"]["status"] == "BOOKED"
