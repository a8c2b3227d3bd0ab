"""Abuse detection (R-2.5): obscene language, insults, threats to life and health.

The detector only *suggests*: staff confirm before a message is treated as abusive,
so it aims at high recall on real abuse, including deliberately masked spellings
(«xуй» with a Latin x, «п1зда», «х*й», «б.л.я.д.ь», «п и з д е ц», «бляяяять»,
«blyad»), while keeping ordinary words that merely contain a similar substring
(«хлебный», «оскорбление», «рубля», «Херсон», «застрахуйте») out.

    report = detect_abuse("…")
    report.abusive            # any flag at all
    report.flags[0].fragment  # the original characters, as the citizen typed them
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.texts.lexicon import (
    LATIN_EXCEPTIONS,
    THREAT_PHRASES,
    WORD_ENTRIES,
    AbuseKind,
    Entry,
)
from domain.texts.normalize import Piece, flat, spaced_runs, words

__all__ = ["AbuseFlag", "AbuseKind", "AbuseReport", "detect_abuse"]


@dataclass(frozen=True, slots=True)
class AbuseFlag:
    kind: AbuseKind
    term: str  # canonical word or phrase the evidence matched
    start: int  # span in the original text, [start, end)
    end: int
    fragment: str  # the original characters of the span
    masked: bool  # found through look-alikes, wildcards or inserted separators
    confidence: float

    def as_dict(self) -> dict:
        return {
            "kind": str(self.kind), "term": self.term, "start": self.start, "end": self.end,
            "fragment": self.fragment, "masked": self.masked, "confidence": self.confidence,
        }


@dataclass(frozen=True, slots=True)
class AbuseReport:
    flags: tuple[AbuseFlag, ...] = field(default_factory=tuple)

    @property
    def abusive(self) -> bool:
        return bool(self.flags)

    @property
    def kinds(self) -> frozenset[AbuseKind]:
        return frozenset(f.kind for f in self.flags)

    @property
    def score(self) -> float:
        """The strongest piece of evidence, 0 when there is none."""
        return max((f.confidence for f in self.flags), default=0.0)


def _match_piece(piece: Piece, entry: Entry) -> tuple[int, int, bool] | None:
    """Where ``entry`` matches ``piece`` (normalised indices), and whether wildcards helped."""
    found = entry.pattern.search(piece.text)
    if found:
        return found.start(), found.end(), False
    if piece.wildcards and piece.letters >= 2 and piece.wildcards <= piece.letters:
        found = entry.wild.search(piece.text)
        if found and any(ch != "*" for ch in found.group()):
            return found.start(), found.end(), True
    return None


def _word_flags(text: str) -> list[AbuseFlag]:
    flags: list[AbuseFlag] = []
    items = list(words(text))
    candidates: list[Piece] = []
    for item in items:
        if item.raw.strip(".,!?;:\"'«»()").lower() in LATIN_EXCEPTIONS:
            continue
        candidates.extend(item.pieces)
    candidates.extend(spaced_runs(items))
    for piece in candidates:
        for entry in WORD_ENTRIES:
            hit = _match_piece(piece, entry)
            if hit is None:
                continue
            _i, _j, wild = hit
            # Flag the whole word the root sits in, as staff want to see it.
            start, end = piece.original(0, len(piece.text))
            confidence = 0.95 if not (wild or piece.masked) else (0.75 if wild else 0.85)
            if entry.kind == AbuseKind.INSULT:
                confidence -= 0.15  # insults depend on context more than obscenities do
            flags.append(AbuseFlag(
                entry.kind, entry.term, start, end, text[start:end],
                masked=piece.masked or wild, confidence=round(confidence, 2),
            ))
            break  # one flag per reading is enough
    return flags


def _threat_flags(text: str) -> list[AbuseFlag]:
    flat_text = flat(text)
    flags = []
    for phrase in THREAT_PHRASES:
        for found in phrase.pattern.finditer(flat_text):
            flags.append(AbuseFlag(
                AbuseKind.THREAT, phrase.term, found.start(), found.end(),
                text[found.start():found.end()], masked=False, confidence=0.9,
            ))
    return flags


def _dedupe(flags: list[AbuseFlag]) -> tuple[AbuseFlag, ...]:
    """One flag per overlapping span and kind: the most confident, then the widest."""
    ordered = sorted(flags, key=lambda f: (f.start, -f.confidence, -(f.end - f.start)))
    kept: list[AbuseFlag] = []
    for flag in ordered:
        if any(k.kind == flag.kind and k.start < flag.end and flag.start < k.end for k in kept):
            continue
        kept.append(flag)
    return tuple(sorted(kept, key=lambda f: f.start))


def detect_abuse(text: str | None) -> AbuseReport:
    if not text:
        return AbuseReport()
    return AbuseReport(_dedupe(_word_flags(text) + _threat_flags(text)))
