"""Sphere classification by keyword dictionaries (R-2.3), with light stemming.

Dictionaries come from the directory (admins edit them): for every sphere, terms
of one or more words with a weight. A term matches when each of its words, cut to
its stem, begins the stem of consecutive words of the text — so «детский сад»
finds «в детском саду», and «отопление» finds «отопления». Abbreviations
(«ЖКХ», «ДТП») match whole words only.

The result is a ranked suggestion with a confidence; staff confirm or change it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_WORD = re.compile(r"[A-Za-zА-Яа-яЁё]+(?:-[A-Za-zА-Яа-яЁё]+)*|\d+")

# Inflectional endings, longest first; a stem keeps at least four letters.
_ENDINGS = sorted({
    "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией", "иях",
    "ях", "ах", "ов", "ев", "ей", "ой", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие",
    "ых", "их", "ым", "им", "ую", "юю", "ом", "ем", "ам", "ям", "ия", "ию", "ии", "ье", "ья",
    "ьи", "ью", "ться", "тся", "ешь", "ете", "ите", "ишь", "ут", "ют", "ат", "ят",
    "ет", "ит", "ла", "ло", "ли", "ть", "а", "я", "ы", "и", "у", "ю", "е", "о", "ь", "й",
}, key=len, reverse=True)
MIN_STEM = 4


def stem(word: str) -> str:
    word = word.lower().replace("ё", "е")
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class SphereScore:
    sphere: str  # the sphere's code
    confidence: float  # 0..1: how sure the suggestion is, for staff
    score: float  # sum of matched terms' weights
    matched: tuple[str, ...]  # the terms found, in dictionary spelling


class _Compiled:
    def __init__(self, term: Term) -> None:
        self.term = term
        raw = _WORD.findall(term.text)
        # Abbreviations («ЖКХ») and one- or two-letter words must match exactly; the
        # rest match by stem («сад» → «саду», «садовый»).
        self.parts = [
            (w.lower().replace("ё", "е"), (w.isupper() and len(w) > 1) or len(w) <= 2)
            for w in raw
        ]
        self.stems = [w if exact else stem(w) for w, exact in self.parts]

    def occurs(self, words: list[str], stems: list[str]) -> bool:
        n = len(self.parts)
        if n == 0:
            return False
        for i in range(len(words) - n + 1):
            ok = True
            for k, (word, exact) in enumerate(self.parts):
                if exact:
                    if words[i + k] != word:
                        ok = False
                        break
                elif not stems[i + k].startswith(self.stems[k]):
                    ok = False
                    break
            if ok:
                return True
        return False


def compile_dictionaries(
    dictionaries: Mapping[str, Iterable[Term | str]],
) -> dict[str, list[_Compiled]]:
    return {
        sphere: [_Compiled(t if isinstance(t, Term) else Term(t)) for t in terms]
        for sphere, terms in dictionaries.items()
    }


def classify(
    text: str, dictionaries: Mapping[str, Iterable[Term | str]] | dict[str, list[_Compiled]],
    *, limit: int = 3,
) -> list[SphereScore]:
    """Spheres whose terms occur in ``text``, best first; empty when nothing matches."""
    compiled = {
        sphere: [t if isinstance(t, _Compiled) else _Compiled(t if isinstance(t, Term) else Term(t))
                 for t in terms]
        for sphere, terms in dictionaries.items()
    }
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(text or "")]
    stems = [stem(w) for w in words]
    scored: list[tuple[str, float, tuple[str, ...]]] = []
    for sphere, terms in compiled.items():
        matched = [t.term for t in terms if t.occurs(words, stems)]
        if matched:
            score = sum(t.weight for t in matched)
            scored.append((sphere, score, tuple(t.text for t in matched)))
    if not scored:
        return []
    total = sum(s for _, s, _ in scored)
    results = []
    for sphere, score, matched in scored:
        # Share among matching spheres, damped when the evidence is thin (one weak term).
        share = score / total
        strength = 1 - math.exp(-score / 1.5)
        results.append(SphereScore(sphere, round(share * strength, 3), round(score, 3), matched))
    results.sort(key=lambda r: (-r.confidence, -r.score, r.sphere))
    return results[:limit]
