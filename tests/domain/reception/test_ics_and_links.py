"""Pure parts of the booking notices: the iCalendar event (RFC 5545) and the signed links."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from icalendar import Calendar

from domain.errors import DomainError, ErrorCode
from domain.reception import ics, links
from domain.settings import Settings

SETTINGS = Settings(_env_file=None, link_secret="k" * 40, public_base_url="https://okno.example/")
START = dt.datetime(2030, 3, 5, 10, 0, tzinfo=dt.UTC)


def event(**extra) -> ics.Appointment:
    values = {"booking_id": "b-1", "starts_at": START,
              "ends_at": START + dt.timedelta(minutes=20),
              "summary": "Личный приём: Петров П. П.",
              "location": "Ульяновск, пл. Ленина, 1; к. 5",
              "description": "Вход с торца, пандус.\nОтменить: https://okno.example/x",
              "latitude": 54.31, "longitude": 48.40}
    return ics.Appointment(**{**values, **extra})


def test_ics_is_valid_rfc5545_with_escaping_and_crlf():
    text = ics.build(event(), domain="ulgov.example")
    assert "\r\n" in text and text.startswith("BEGIN:VCALENDAR")
    parsed = Calendar.from_ical(text)
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["UID"]) == "booking-b-1@ulgov.example"
    assert vevent.decoded("DTSTART") == START
    assert str(vevent["LOCATION"]) == "Ульяновск, пл. Ленина, 1; к. 5"  # escaped and back
    assert str(parsed["METHOD"]) == "PUBLISH" and str(vevent["STATUS"]) == "CONFIRMED"
    cancelled = Calendar.from_ical(ics.build(event(cancelled=True, sequence=7)))
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert int(cancelled.walk("VEVENT")[0]["SEQUENCE"]) == 7


def test_links_are_deterministic_bound_and_single_purpose():
    booking, slot = uuid.uuid4(), uuid.uuid4()
    url = links.cancel_url(SETTINGS, booking, slot, START)
    assert url.startswith("https://okno.example/reception/cancel/")
    token = url.rsplit("/", 1)[1]
    assert token == links.sign(SETTINGS, links.CANCEL, booking, slot, START)
    claims = links.verify(SETTINGS, token, links.CANCEL, now=START - dt.timedelta(days=1))
    assert (claims.record_id, claims.slot_id) == (booking, slot)
    assert links.same_moment(claims, START)
    assert not links.same_moment(claims, START + dt.timedelta(minutes=20))
    for bad_purpose in (links.ACCEPT, "history-export"):
        with pytest.raises(DomainError) as err:
            links.verify(SETTINGS, token, bad_purpose, now=START - dt.timedelta(days=1))
        assert err.value.code == ErrorCode.INVALID_TOKEN
    with pytest.raises(DomainError) as err:
        links.verify(SETTINGS, token, links.CANCEL, now=START)
    assert err.value.code == ErrorCode.EXPIRED_TOKEN
    with pytest.raises(DomainError) as err:
        links.verify(SETTINGS.model_copy(update={"link_secret": "j" * 40}), token, links.CANCEL,
                     now=START - dt.timedelta(days=1))
    assert err.value.code == ErrorCode.INVALID_TOKEN
