"""Sentence splitting for Russian official texts, keeping positions.

A full stop ends a sentence unless it belongs to an abbreviation common in
official letters («ст.», «п.», «ч.», «т.д.», «г.», «ул.», «№ 59-ФЗ»), an
initial («И.И. Иванов») or a number («1.3.»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset({
    "ст", "стст", "ч", "п", "пп", "пт", "абз", "подп", "гл", "разд", "прил", "г", "гг", "ул",
    "д", "кв", "корп", "стр", "пр", "просп", "пер", "пл", "обл", "р", "руб", "коп", "тыс",
    "млн", "млрд", "т", "е", "др", "см", "рис", "табл", "им", "тел", "эл", "исх", "вх",
    "рег", "н", "нач", "зам", "мкр", "с", "пос", "дер", "ред", "изм", "утв", "прим", "напр",
    "вр", "мин", "сек",
})
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*")
_LAST_WORD = re.compile(r"([A-Za-zА-Яа-яЁё]+)$")
_NEXT_CHAR = re.compile(r"\s*(\S)")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str

    @property
    def words(self) -> list[re.Match[str]]:
        return list(_WORD.finditer(self.text))


def _is_abbreviation(text: str, dot: int) -> bool:
    """The full stop at ``dot`` closes an abbreviation or an initial, not a sentence."""
    # Look back and ahead a few characters only: the split stays linear in the text.
    before = _LAST_WORD.search(text, max(0, dot - 40), dot)
    word = before.group(1).lower() if before else ""
    after = text[dot + 1:dot + 3]
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and text[dot - 1].isupper():  # «И.» of «И.И. Иванов»
        return True
    if text[dot - 1:dot].isdigit() and after[:1].isdigit():  # 1.3
        return True
    # A sentence only starts with a capital letter, a digit or a quote/dash.
    nxt = _NEXT_CHAR.match(text, dot + 1)
    return bool(nxt) and nxt.group(1).islower()


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        end_here = False
        if ch in "!?…":
            end_here = True
        elif ch == ".":
            end_here = not _is_abbreviation(text, i)
        elif ch == "\n" and text[i + 1:i + 2] == "\n":  # noqa: SIM114  (a blank line: paragraph end)
            end_here = True
        elif ch == "\n" and re.match(r"\s*(?:[-•*]|\d+[.)])\s", text[i + 1:]):  # list items
            end_here = True
        if end_here:
            while i + 1 < n and text[i + 1] in ".!?…»\")":
                i += 1
            _add(sentences, text, start, i + 1)
            start = i + 1
        i += 1
    _add(sentences, text, start, n)
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped or not _WORD.search(stripped):
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    sentences.append(Sentence(s, s + len(stripped), stripped))
