"""domain.validation: what typed text okno accepts, and how it is normalised (no database)."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, ErrorCode
from domain.validation import (
    clean_text,
    normalise_email,
    normalise_phone,
    validate_inn,
    validate_ogrn,
)


def _code(fn, *args, **kwargs) -> ErrorCode:
    with pytest.raises(DomainError) as exc:
        fn(*args, **kwargs)
    return exc.value.code


# --- clean_text -------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("  Иванов  ", "Иванов"),
    ("Е\u0308жиков", "Ёжиков"),  # decomposed «Ё» is stored composed (NFC)
    ("   ", None),
    ("", None),
    (None, None),
])
def test_clean_text_strips_and_normalises(raw, expected):
    assert clean_text(raw, "f") == expected


@pytest.mark.parametrize("bad", ["a\x00b", "\x00", "a\x01", "a\x1b[31m", "a\x7f", "a\x85b",
                                 "a\x9f", "a\nb", "a\rb", "a\u2028b", "a\ud800b"])
def test_clean_text_refuses_control_characters_in_single_line(bad):
    assert _code(clean_text, bad, "f") == ErrorCode.FORBIDDEN_CHARACTERS


def test_clean_text_multiline_keeps_newlines_and_tabs_but_not_nul():
    assert clean_text("строка 1\n\tстрока 2\r\n", "f", multiline=True, max_length=100) == \
        "строка 1\n\tстрока 2"
    assert _code(clean_text, "a\nb\x00", "f", multiline=True) == ErrorCode.FORBIDDEN_CHARACTERS


def test_clean_text_refuses_over_long_before_looking_inside():
    assert _code(clean_text, "я" * 201, "f") == ErrorCode.TOO_LONG
    assert clean_text("я" * 200, "f") == "я" * 200
    assert clean_text("  " + "я" * 200 + "  ", "f") == "я" * 200
    assert _code(clean_text, "\x00" * 10_000_000, "f") == ErrorCode.TOO_LONG


@pytest.mark.parametrize("raw", [None, "", "    "])
def test_clean_text_required(raw):
    with pytest.raises(DomainError) as exc:
        clean_text(raw, "lastName", required=True)
    assert (exc.value.code, exc.value.field) == (ErrorCode.REQUIRED, "lastName")


# --- email ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("ivan@example.com", "ivan@example.com"),
    ("  Ivan.Petrov@Example.COM ", "ivan.petrov@example.com"),
    ("ИВАН@ПРИМЕР.РФ", "иван@пример.рф"),
])
def test_email_normalised_to_one_lower_case_spelling(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("bad", ["ivan", "ivan@", "@example.com", "a@@b.ru", "a b@c.ru", "a@b",
                                 "ivan@example..com", "x" * 250 + "@a.ru", ""])
def test_email_refused(bad):
    assert _code(normalise_email, bad) in {ErrorCode.INVALID_EMAIL, ErrorCode.TOO_LONG,
                                           ErrorCode.REQUIRED}


def test_email_with_nul_is_forbidden_characters():
    assert _code(normalise_email, "a\x00@b.ru") == ErrorCode.FORBIDDEN_CHARACTERS


# --- phone ------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [
    "8 (912) 345-67-89", "+7 912 3456789", "89123456789", "+79123456789", "9123456789",
    "8-912-345-67-89", "+7 (912) 345 67 89", "7 912 345 67 89", "8.912.345.67.89",
    "８９１２３４５６７８９",  # full-width digits from some keyboards
])
def test_phone_common_russian_spellings_normalise_to_e164(raw):
    assert normalise_phone(raw) == "+79123456789"


def test_phone_landline_and_foreign_numbers():
    assert normalise_phone("8 (8422) 41-20-10") == "+78422412010"  # Ulyanovsk landline
    assert normalise_phone("8 800 555-35-35") == "+78005553535"
    assert normalise_phone("+1 202 555 0143") == "+12025550143"


@pytest.mark.parametrize("bad", ["123", "abc", "+7 912", "8 912 ABC DEFG", "+79123456789 ext 1",
                                 "+7 912 345 67 89 0", "+7 000 000 00 00", "телефон 89123456789",
                                 "1" * 41, "  "])
def test_phone_junk_refused(bad):
    assert _code(normalise_phone, bad) in {ErrorCode.INVALID_PHONE, ErrorCode.TOO_LONG,
                                           ErrorCode.REQUIRED}


# --- INN / OGRN -------------------------------------------------------------------------

VALID_INN = ["7707083893", "7736207543", "500100732259", "773059322060"]
VALID_OGRN = ["1027700132195", "1027739850962", "304500116000157"]


@pytest.mark.parametrize("inn", VALID_INN)
def test_inn_with_correct_check_digits(inn):
    assert validate_inn(f" {inn} ") == inn


def _corrupt(value: str, position: int) -> str:
    return value[:position] + str((int(value[position]) + 1) % 10) + value[position + 1:]


@pytest.mark.parametrize("inn, position", [
    (inn, pos) for inn in VALID_INN for pos in (0, len(inn) - 2, len(inn) - 1)
])
def test_inn_with_a_corrupted_digit_refused(inn, position):
    assert _code(validate_inn, _corrupt(inn, position)) == ErrorCode.INVALID_INN


@pytest.mark.parametrize("bad", ["770708389", "77070838931", "7707O83893", "7707 083893",
                                 "²" * 10, "٧٧٠٧٠٨٣٨٩٣", "-707083893"])
def test_inn_of_wrong_shape_refused(bad):
    assert _code(validate_inn, bad) == ErrorCode.INVALID_INN


@pytest.mark.parametrize("ogrn", VALID_OGRN)
def test_ogrn_with_correct_check_digit(ogrn):
    assert validate_ogrn(ogrn) == ogrn


@pytest.mark.parametrize("ogrn, position", [
    (ogrn, pos) for ogrn in VALID_OGRN for pos in (0, len(ogrn) - 1)
])
def test_ogrn_with_a_corrupted_digit_refused(ogrn, position):
    assert _code(validate_ogrn, _corrupt(ogrn, position)) == ErrorCode.INVALID_OGRN


@pytest.mark.parametrize("bad", ["102770013219", "10277001321950", "1O27700132195", "²" * 13,
                                 "1234567890123456"])
def test_ogrn_of_wrong_shape_refused(bad):
    assert _code(validate_ogrn, bad) in {ErrorCode.INVALID_OGRN, ErrorCode.TOO_LONG}
