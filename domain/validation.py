"""Cleaning of everything a person types: one place decides what text is acceptable."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from domain.errors import DomainError, ErrorCode

# Tab and newline are allowed in long texts; every other control character
# (NUL above all: PostgreSQL rejects it in text; C1 controls; lone surrogates,
# which cannot be stored as UTF-8) is refused with a clear error. Single-line
# values also refuse the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# A phone as people write it: digits, spaces, brackets, dashes, dots, a leading plus.
# Letters are refused although phonenumbers would read "8-800-FLOWERS" as digits.
# Invisible characters that change how text around them is shown: bidi embeddings,
# overrides, isolates and marks (U+202E turns "exe.txt" into "txt.exe"), and zero-width
# characters (a name that looks like a staff member's, an address that looks like another).
# They are removed, not refused: a citizen who pasted one did nothing wrong, and what they
# see stays the same. Long texts keep ZWNJ/ZWJ (U+200C/D), which emoji sequences and some
# scripts need; one-line values (names, subjects, addresses) lose them too.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = re.compile(f"[{_BIDI}\u200b-\u200d\u2060\ufeff]")
_INVISIBLE_IN_LONG_TEXT = re.compile(f"[{_BIDI}\u200b\u2060\ufeff]")
_PHONE_CHARS = re.compile(r"\+?[\d\s().\-]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")

_PAID_TYPES = frozenset({phonenumbers.PhoneNumberType.PREMIUM_RATE,
                         phonenumbers.PhoneNumberType.SHARED_COST})
NAME_MAX = 200
SHORT_MAX = 500
TEXT_MAX = 20_000


def clean_text(
    value: str | None,
    field: str,
    *,
    max_length: int = NAME_MAX,
    required: bool = False,
    multiline: bool = False,
) -> str | None:
    """NFC-normalised, stripped text; None when empty and not required."""
    if value is None:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "Поле обязательно для заполнения.", field)
        return None
    # Surrounding blanks do not count (" 7707083893 " is a 10-digit INN).
    if len(value) > max_length and len(value.strip()) > max_length:
        raise DomainError(
            ErrorCode.TOO_LONG, f"Слишком длинное значение: не больше {max_length} символов.", field
        )
    pattern = _CONTROL if multiline else _SINGLE_LINE_CONTROL
    if pattern.search(value):
        raise DomainError(
            ErrorCode.FORBIDDEN_CHARACTERS, "Значение содержит недопустимые символы.", field
        )
    value = strip_invisible(value, multiline=multiline)
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        if required:
            raise DomainError(ErrorCode.REQUIRED, "Поле обязательно для заполнения.", field)
        return None
    return value


def strip_invisible(value: str, *, multiline: bool = False) -> str:
    """The text without bidi controls and zero-width characters (see ``_INVISIBLE``); also
    for values written before this rule, where they are shown (an email's ``To:`` name)."""
    return (_INVISIBLE_IN_LONG_TEXT if multiline else _INVISIBLE).sub("", value)


def normalise_email(value: str, field: str = "value") -> str:
    """Syntax-checked and lower-cased as a whole: mailboxes are case-insensitive in practice,
    and one spelling per address keeps duplicates out and makes search exact."""
    text = clean_text(value, field, max_length=254, required=True)
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise DomainError(
            ErrorCode.INVALID_EMAIL, "Адрес электронной почты указан неверно.", field
        ) from None


def normalise_phone(value: str, field: str = "value",
                    countries: Collection[str] | None = None) -> str:
    """E.164; numbers written the Russian way (8 912 …) are read as +7. With ``countries``
    (a number we will send to), only numbers of those regions, and no premium-rate or
    shared-cost numbers (a citizen must not make the state text a paid line)."""
    text = clean_text(value, field, max_length=40, required=True)
    number = None
    if _PHONE_CHARS.fullmatch(text):
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(ErrorCode.INVALID_PHONE, "Номер телефона указан неверно.", field)
    if countries is not None and (
            phonenumbers.region_code_for_number(number) not in countries
            or phonenumbers.number_type(number) in _PAID_TYPES):
        raise DomainError(ErrorCode.INVALID_PHONE, "На этот номер мы не можем отправлять "
                          "сообщения: укажите мобильный или городской номер.", field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _checksum(digits: str, weights: list[int]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def validate_inn(value: str, field: str = "inn") -> str:
    """INN of an organisation (10 digits) or a person/entrepreneur (12), with check digits."""
    inn = clean_text(value, field, max_length=12, required=True)
    ok = False
    # ASCII only: str.isdigit() also accepts "²" or Arabic-Indic digits.
    if _ASCII_DIGITS.fullmatch(inn) and len(inn) == 10:
        ok = _checksum(inn, [2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(inn[9])
    elif _ASCII_DIGITS.fullmatch(inn) and len(inn) == 12:
        ok = _checksum(inn, [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == int(inn[10]) and _checksum(
            inn, [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
        ) == int(inn[11])
    if not ok:
        raise DomainError(ErrorCode.INVALID_INN, "ИНН указан неверно.", field)
    return inn


def validate_ogrn(value: str, field: str = "ogrn") -> str:
    """OGRN (13 digits) or OGRNIP (15), with the check digit."""
    ogrn = clean_text(value, field, max_length=15, required=True)
    ok = False
    if _ASCII_DIGITS.fullmatch(ogrn) and len(ogrn) == 13:
        ok = int(ogrn[:12]) % 11 % 10 == int(ogrn[12])
    elif _ASCII_DIGITS.fullmatch(ogrn) and len(ogrn) == 15:
        ok = int(ogrn[:14]) % 13 % 10 == int(ogrn[14])
    if not ok:
        raise DomainError(ErrorCode.INVALID_OGRN, "ОГРН указан неверно.", field)
    return ogrn
