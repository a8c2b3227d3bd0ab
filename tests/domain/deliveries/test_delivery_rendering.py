"""Templates (R-2.2 plain Russian, R-2.10 survey link) render every part safely."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.deliveries import rendering
from domain.deliveries.models import Purpose
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode

# The least context each template needs; optional values are left out on purpose.
MINIMAL = {
    "answer": {"answer_text": "Ответ."},
    "information": {"title": "график приёма", "text": "Понедельник."},
    "service_result": {"service_name": "Справка", "result_text": "Готово."},
    "receipt_notice": {"deadline": "2026-02-10"},
    "redirect_notice": {"agency_name": "Минздрав"},
    "abuse_notice": {},
    "clarification_request": {"question": "Какой адрес?"},
    "extension_notice": {"new_deadline": "2026-03-01", "reason": "нужен запрос"},
    "booking_confirmation": {"official_name": "Петров П. П.", "place": "каб. 1",
                             "starts_at": "2026-02-10T10:00:00+00:00"},
    "booking_cancelled": {"official_name": "Петров П. П.",
                          "starts_at": "2026-02-10T10:00:00+00:00"},
    "booking_changed": {"official_name": "Петров П. П.", "place": "каб. 1",
                        "starts_at": "2026-02-10T10:00:00+00:00", "change_text": "Перенос.",
                        "accept_url": "https://x/a", "cancel_url": "https://x/c"},
    "reminder": {"what": "приём у министра"},
    "survey_invitation": {"survey_url": "https://okno.example/s/abc", "survey_context": "О",
                          "survey_expires_on": "1 марта"},
    "survey_reminder": {"survey_url": "https://okno.example/s/abc", "survey_context": "О",
                        "survey_expires_on": "1 марта"},
    "history_export_ready": {"links": [{"title": "HTML", "url": "https://x/e.html"}],
                             "expires_at": "2026-02-10T10:00:00+00:00"},
    "mailing": {"title": "Новости", "text": "Текст.", "unsubscribe_url": "https://x/u"},
    "mailing_confirmation": {"list_name": "Новости", "confirm_url": "https://x/c"},
    "contact_verification": {"code": "123456"},
    "deadline_alert": {"item": "Обращение 12", "deadline": "2026-02-10T10:00:00+00:00"},
    "notice": {"title": "Уведомление", "text": "Текст."},
}


def test_every_purpose_has_a_template_and_every_template_renders():
    """R-2.2: each purpose has its plain-Russian template with subject, text and HTML
    (areas may add more templates of their own)."""
    assert set(MINIMAL) == {str(p) for p in Purpose}
    assert set(MINIMAL) <= set(rendering.available())
    for name, context in MINIMAL.items():
        r = rendering.render(name, {"client_name": "Иванов Иван", **context})
        assert r.subject and "\n" not in r.subject, name
        assert r.text and r.html and r.short, name
        assert "{{" not in r.text + r.html, name


def test_final_answer_carries_the_survey_link_when_given():
    """R-2.10: a final communication renders `survey_url` from its context."""
    url = "https://okno.example/survey/tok?x=1&y=2"
    r = rendering.render("answer", {"client_name": "Иван", "answer_text": "Ответ.",
                                    "survey_url": url, "message_number": "А-12"})
    assert url in r.text
    assert 'href="https://okno.example/survey/tok?x=1&amp;y=2"' in r.html
    assert r.subject == "Ответ на ваше обращение № А-12"
    without = rendering.render("answer", {"client_name": "Иван", "answer_text": "Ответ."})
    assert "оцените" not in without.text


def test_html_is_escaped_and_text_is_not():
    r = rendering.render("notice", {"client_name": "<script>x</script>", "title": "Т",
                                    "text": "a <b>b</b> & c"})
    assert "<script>" not in r.html and "&lt;script&gt;" in r.html
    assert "&lt;b&gt;" in r.html
    assert "a <b>b</b> & c" in r.text


def test_subject_is_one_line_whatever_the_context():
    r = rendering.render("notice", {"client_name": "И", "title": "строка\r\nBcc: x@y", "text": "т"})
    assert r.subject == "строка Bcc: x@y"


def test_missing_value_names_it():
    with pytest.raises(DomainError) as err:
        rendering.render("answer", {"client_name": "Иван"})
    assert err.value.code == ErrorCode.TEMPLATE_ERROR
    assert "answer_text" in err.value.message


@pytest.mark.parametrize("name", ["nope", "../etc/passwd", "_email", "ANSWER", "", "a" * 200])
def test_unknown_template(name):
    with pytest.raises(DomainError) as err:
        rendering.render(name, {})
    assert err.value.code == ErrorCode.UNKNOWN_TEMPLATE


def test_dates_in_russian_in_the_government_zone():
    assert rendering.date_ru(date(2026, 3, 5)) == "5 марта 2026 г."
    assert rendering.date_ru("2026-03-05") == "5 марта 2026 г."
    # 20:30 UTC is 00:30 next day in Ulyanovsk (UTC+4).
    assert rendering.datetime_ru(datetime(2026, 3, 5, 20, 30, tzinfo=UTC)) == \
        "6 марта 2026 г. в 00:30"


def test_context_is_stored_as_json_and_refuses_bad_input():
    safe = rendering.json_safe({"when": datetime(2026, 1, 2, tzinfo=UTC), "n": 1})
    assert safe == {"when": "2026-01-02T00:00:00+00:00", "n": 1}
    for bad, code in [("text", ErrorCode.INVALID), ({"a": "x" * 300_000}, ErrorCode.TOO_LONG),
                      ({"a": "nul\x00"}, ErrorCode.FORBIDDEN_CHARACTERS)]:
        with pytest.raises(DomainError) as err:
            rendering.json_safe(bad)
        assert err.value.code == code


def test_channel_bodies():
    r = rendering.render("booking_confirmation", {"client_name": "Иван", **MINIMAL[
        "booking_confirmation"]})
    text, html = rendering.bodies(r, Channel.SMS, "Иван", "+79020000000", "d1")
    assert html is None and text.startswith("Вы записаны на приём")
    text, html = rendering.bodies(r, Channel.EMAIL, "Иван", "a@b.ru", "d1")
    assert "С уважением" in text and html.startswith("<!DOCTYPE html>")
    text, html = rendering.bodies(r, Channel.POSTAL, "Иванов Иван", "432017, Ульяновск", "d1")
    assert "432017, Ульяновск" in html and "@page" in html and "d1" in html
