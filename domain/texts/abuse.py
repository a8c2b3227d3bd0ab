"""Abuse detection (R-2.5): obscene language, insults, threats to life and health.

The detector only *suggests*: staff confirm before a message is treated as abusive,
so it aims at high recall on real abuse, including deliberately masked spellings
(«xуй» with a Latin x, «п1зда», «х*й», «бл@ть», «п!здец», «б.л.я.д.ь», «п и з д е ц»,
«бляяяять», «blyad») and short interjections («ёпт», «бл», «нах», «пздц»), while keeping
ordinary words that merely contain a similar substring («хлебный», «оскорбление», «рубля»,
«Херсон», «застрахуйте», «бл. 3») out.

Words the writer attributes to someone else — «сосед назвал меня …», «мне написали:
«…»» — are not the writer's abuse (``reported.py``): their evidence goes to
``report.reported`` for staff to see, not to ``report.flags``.

    report = detect_abuse("…")
    report.abusive            # any flag at all
    report.flags[0].fragment  # the original characters, as the citizen typed them
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from domain.texts.lexicon import (
    INTERJECTION,
    LATIN_EXCEPTIONS,
    THREAT_PHRASES,
    WORD_ENTRIES,
    AbuseKind,
    Entry,
)
from domain.texts.normalize import Piece, flat, spaced_runs, words
from domain.texts.reported import reported_spans

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
    # Evidence inside words the writer attributes to someone else («сосед назвал меня …»):
    # shown to staff, but not abuse by the writer.
    reported: tuple[AbuseFlag, ...] = field(default_factory=tuple)

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


def _interjection_flags(text: str) -> list[AbuseFlag]:
    return [AbuseFlag(AbuseKind.OBSCENE, "блядь", m.start(), m.end(), m.group(), masked=False,
                      confidence=0.8) for m in INTERJECTION.finditer(text)]


def _split_reported(
    text: str, flags: tuple[AbuseFlag, ...],
) -> tuple[tuple[AbuseFlag, ...], tuple[AbuseFlag, ...]]:
    """Flags inside words attributed to someone else go aside; the rest are the writer's."""
    merged: list[list[int]] = []
    for start, end in reported_spans(text) if flags else []:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [s for s, _ in merged]
    own, reported = [], []
    for flag in flags:
        i = bisect.bisect_right(starts, flag.start) - 1
        inside = i >= 0 and flag.end <= merged[i][1]
        (reported if inside else own).append(flag)
    return tuple(own), tuple(reported)


def _dedupe(flags: list[AbuseFlag]) -> tuple[AbuseFlag, ...]:
    """One flag per overlapping span and kind: the most confident, then the widest."""
    ordered = sorted(flags, key=lambda f: (f.start, -f.confidence, -(f.end - f.start)))
    kept: list[AbuseFlag] = []
    # Sorted by start, a flag overlaps a kept one of its kind exactly when the furthest end
    # kept so far for that kind lies past its start: linear, however many flags there are.
    reach: dict[AbuseKind, int] = {}
    for flag in ordered:
        if reach.get(flag.kind, -1) > flag.start:
            continue
        kept.append(flag)
        reach[flag.kind] = max(reach.get(flag.kind, -1), flag.end)
    return tuple(sorted(kept, key=lambda f: f.start))


def detect_abuse(text: str | None) -> AbuseReport:
    if not text:
        return AbuseReport()
    found = _dedupe(_word_flags(text) + _threat_flags(text) + _interjection_flags(text))
    own, reported = _split_reported(text, found)
    return AbuseReport(own, reported)
