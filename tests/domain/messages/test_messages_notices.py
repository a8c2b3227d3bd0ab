"""R-2.1/R-2.2: the notices messages send are written communication too, so their own texts
pass the plain-language checker."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.deliveries.rendering import render
from domain.messages.rules import ABUSE_NOTICE_TEXT
from domain.texts import check_plain_language

BASE = {"client_name": "Иван Иванович Иванов", "message_number": "ОГ-2026-000123"}
NOTICES = {
    "registration_notice": {"received_on": dt.date(2026, 11, 2), "deadline": dt.date(2026, 12, 2),
                            "channel_chosen": False},
    "abuse_notice": {"reason": ABUSE_NOTICE_TEXT},
    "redirect_notice": {"agency_name": "Отделение Социального фонда", "agency_contacts":
                        "8-800-200-80-00", "reason": "Пенсии назначает Социальный фонд."},
    "extension_notice": {"new_deadline": dt.date(2027, 1, 11),
                         "reason": "Нужна проверка дома на месте."},
    "clarification_request": {"question": "Напишите, пожалуйста, номер квартиры."},
    "answer": {"answer_text": "Мы починим крышу до 15 мая.", "survey_url": "http://x/survey/t"},
}


@pytest.mark.parametrize("template", sorted(NOTICES))
def test_notice_texts_are_plain(template):
    """R-2.2: no clichés, no passive voice, no unexplained legal references in our notices."""
    rendered = render(template, {**BASE, **NOTICES[template]})
    findings = check_plain_language(rendered.text)
    assert findings == [], [(f.code, f.fragment) for f in findings]
    assert BASE["message_number"] in rendered.subject + rendered.text


def test_registration_notice_offers_the_channel_choice():
    """R-1.4: a client who has not chosen a channel is offered the choice."""
    offer = render("registration_notice", {**BASE, **NOTICES["registration_notice"]})
    assert "Как вам удобнее получать ответы" in offer.text
    chosen = render("registration_notice", {**BASE, **NOTICES["registration_notice"],
                                            "channel_chosen": True})
    assert "Как вам удобнее" not in chosen.text
    assert "2 декабря 2026 г." in chosen.text
