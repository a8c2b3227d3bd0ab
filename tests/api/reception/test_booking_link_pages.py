"""The plain pages behind a booking's links (R-4.6, R-4.4): a GET shows and never changes
anything, a POST cancels (or accepts) without a login; bad links get short Russian pages
with 404/410/409, never a 500. Real HTTP through the app, both databases."""

from __future__ import annotations

import datetime as dt

from domain.reception import links, service
from domain.reception.models import Booking, BookingStatus
from tests.domain.reception.reception_world import OPERATOR, build_world, make_slot
from tests.support.deliveries import make_client


async def booked(settings):
    world = await build_world()
    person = await make_client()
    slot = await make_slot(world)
    booking = await service.book(OPERATOR, slot_id=slot.id, client_id=person.id, topic="Т")
    return world, slot, booking


async def test_get_shows_post_cancels(settings, http):
    """R-4.6: GET never cancels; POST does; POST again is the same result (idempotent)."""
    _, slot, booking = await booked(settings)
    token = links.sign(settings, links.CANCEL, booking.id, slot.id, slot.starts_at)
    url = f"/reception/cancel/{token}"
    for _ in range(2):
        page = await http.get(url)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "Отменить запись" in page.text and 'method="post"' in page.text
        assert "Петров Пётр Петрович" in page.text and "пл. Ленина, 1" in page.text
        assert "no-store" in page.headers["cache-control"]
    assert (await Booking.get(id=booking.id)).status == BookingStatus.BOOKED
    done = await http.post(url)
    assert done.status_code == 200 and "Запись отменена" in done.text
    stored = await Booking.get(id=booking.id)
    assert stored.status == BookingStatus.CANCELLED and stored.seat is None
    assert (await http.post(url)).status_code == 200
    assert "уже отменена" in (await http.get(url)).text


async def test_bad_links_get_plain_pages(settings, http):
    """Bad input: forged → 404, expired → 410, nothing cancelled, never a 500."""
    _, slot, booking = await booked(settings)
    forged = settings.model_copy(update={"link_secret": "z" * 40})
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    cases = {
        "garbage": 404,
        links.sign(forged, links.CANCEL, booking.id, slot.id, slot.starts_at): 404,
        links.sign(settings, links.CANCEL, booking.id, slot.id, past): 410,
        "%00%0d%0a": 404,
        "x" * 3000: 404,
    }
    for token, status in cases.items():
        for method in ("GET", "POST"):
            page = await http.request(method, f"/reception/cancel/{token}")
            assert page.status_code == status, (token[:20], method, page.text)
            assert "Ссылка" in page.text or "ссылк" in page.text
    assert (await Booking.get(id=booking.id)).status == BookingStatus.BOOKED
    assert (await http.get("/reception/accept/garbage")).status_code == 404
