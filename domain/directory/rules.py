"""Pure rules of the directory: what a sphere code, a keyword or an agency's site may be."""

from __future__ import annotations

import math
import re

from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
MIN_WEIGHT, MAX_WEIGHT = 0.1, 10.0
MAX_KEYWORDS = 500  # per sphere: the classifier reads them all on every message


def sphere_code(value: str | None, field: str = "code") -> str:
    code = clean_text(value, field, max_length=40, required=True)
    if not _CODE.match(code):
        raise DomainError(
            ErrorCode.INVALID,
            "Код сферы: латинские строчные буквы, цифры и «_», начинается с буквы (2–40 знаков).",
            field,
        )
    return code


def keyword_term(value: str | None, field: str = "term") -> str:
    """One dictionary term: a word or a short phrase, spaces collapsed."""
    term = clean_text(value, field, max_length=200, required=True)
    term = re.sub(r"\s+", " ", term)
    if len(re.findall(r"[A-Za-zА-Яа-яЁё]", term)) < 2:
        raise DomainError(ErrorCode.INVALID, "Ключевое слово должно содержать буквы.", field)
    if len(term.split(" ")) > 6:
        raise DomainError(ErrorCode.INVALID, "Ключевая фраза — не длиннее шести слов.", field)
    return term


def keyword_weight(value: float | None, field: str = "weight") -> float:
    if value is None:
        return 1.0
    if math.isnan(value) or not MIN_WEIGHT <= value <= MAX_WEIGHT:
        raise DomainError(
            ErrorCode.INVALID, f"Вес — число от {MIN_WEIGHT} до {MAX_WEIGHT:g}.", field
        )
    return round(float(value), 3)


def website(value: str | None, field: str = "website") -> str | None:
    site = clean_text(value, field, max_length=500)
    if site is not None and not _URL.match(site):
        raise DomainError(ErrorCode.INVALID, "Адрес сайта должен начинаться с http:// или https://.",
                          field)
    return site
