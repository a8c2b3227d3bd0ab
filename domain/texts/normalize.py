"""Text normalisation that remembers where every character came from.

Abuse detection matches lexicon patterns against a *normalised* form of each word
(lower case, ``ё`` → ``е``, Latin look-alikes and digits read as Cyrillic letters,
inserted punctuation removed, repeated letters collapsed), but its evidence must
point at the *original* text. Every normalised character therefore carries the
span of original characters it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
VOWELS = frozenset("аеёиоуыэюяaeiouy")

# Characters that look like Cyrillic letters, as people use them to dodge filters.
# Upper and lower case differ: «B» looks like «В», «b» like «б».
_LOOKALIKE = {
    "a": "а", "A": "а", "b": "б", "B": "в", "c": "с", "C": "с", "e": "е", "E": "е",
    "h": "н", "H": "н", "k": "к", "K": "к", "m": "м", "M": "м", "n": "п", "o": "о",
    "O": "о", "p": "р", "P": "р", "r": "г", "t": "т", "T": "т", "u": "и", "x": "х",
    "X": "х", "y": "у", "Y": "у",
    "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "9": "я", "@": "а", "$": "с", "€": "е",
}
# Inside a Cyrillic word, a Latin letter with no look-alike is read as its transliteration.
_LATIN_SINGLE = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
    "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
    "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х",
    "y": "ы", "z": "з",
}
_LATIN_MULTI = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"), ("yo", "е"),
    ("jo", "е"), ("ye", "е"),
)
# Stand for a hidden letter: «х*й», «б**дь», «п#зда».
WILDCARDS = frozenset("*#%_")
# Inserted between letters to break a word up: «х.у.й», «б-л-я».
_SEPARATORS = frozenset(".,-‐‑–—'\"`~+|/\\()[]{}<>!?:;«»“”„^=")
_ELLIPSIS = "…"
# «Е.Б.», «Е.Б.Иванова»: initials, not a word broken up by dots.
_INITIALS = re.compile(r"^(?:[A-ZА-ЯЁ]\.){1,2}(?:[A-ZА-ЯЁ][a-zа-яё]|$)")


@dataclass(frozen=True, slots=True)
class Piece:
    """A normalised word: ``text[i]`` stands for original characters ``spans[i]``."""

    text: str
    spans: tuple[tuple[int, int], ...]
    masked: bool = False  # built by reading look-alikes, wildcards or separators

    def original(self, i: int, j: int) -> tuple[int, int]:
        """The original span of normalised characters ``i`` to ``j`` (exclusive)."""
        return self.spans[i][0], self.spans[j - 1][1]

    @property
    def wildcards(self) -> int:
        return self.text.count("*")

    @property
    def letters(self) -> int:
        return len(self.text) - self.wildcards


def _collapse(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """«хуууй» → «хуй»: runs of the same letter become one, covering the whole run."""
    out: list[tuple[str, int, int]] = []
    for ch, start, end in chars:
        if out and out[-1][0] == ch and ch != "*":
            out[-1] = (ch, out[-1][1], end)
        else:
            out.append((ch, start, end))
    return out


def _piece(chars: list[tuple[str, int, int]], masked: bool) -> Piece | None:
    chars = _collapse(chars)
    if not chars:
        return None
    return Piece("".join(c for c, _, _ in chars), tuple((s, e) for _, s, e in chars), masked)


def lower_cyr(ch: str) -> str:
    ch = ch.lower()
    return "е" if ch == "ё" else ch


@dataclass(slots=True)
class Word:
    """One whitespace-separated chunk of the original text, with its readings."""

    start: int
    end: int
    raw: str
    pieces: list[Piece]  # every reading to test, anchored at its start

    @property
    def single_letter(self) -> Piece | None:
        """The chunk is one letter (perhaps with punctuation): a part of «х у й»."""
        for piece in self.pieces:
            if len(piece.text) == 1 and piece.text != "*":
                return piece
        return None


def _read_mixed(raw: str, offset: int) -> tuple[list[list[tuple[str, int, int]]], bool]:
    """Characters of a chunk with Cyrillic letters in it, split where separators were.

    Returns the parts (separators removed) and whether anything was read as a disguise.
    """
    parts: list[list[tuple[str, int, int]]] = [[]]
    masked = False
    i = 0
    while i < len(raw):
        ch = raw[i]
        pos = offset + i
        low = lower_cyr(ch)
        if low in CYRILLIC:
            parts[-1].append((low, pos, pos + 1))
        elif ch in _LOOKALIKE:
            parts[-1].append((_LOOKALIKE[ch], pos, pos + 1))
            masked = True
        elif ch.lower() in _LATIN_SINGLE:
            parts[-1].append((_LATIN_SINGLE[ch.lower()], pos, pos + 1))
            masked = True
        elif ch in WILDCARDS:
            parts[-1].append(("*", pos, pos + 1))
            masked = True
        elif ch == _ELLIPSIS or (ch == "." and raw[i + 1:i + 2] == "."):
            j = i
            while j < len(raw) and raw[j] in (".", _ELLIPSIS):
                j += 1
            if parts[-1] and j < len(raw):  # dots inside a word hide letters: «б...дь»
                hidden = 3 if ch == _ELLIPSIS else min(j - i, 3)
                parts[-1].extend(("*", pos, offset + j) for _ in range(hidden))
                masked = True
            i = j
            continue
        elif ch in _SEPARATORS:  # noqa: SIM102  (a separator ends the elif chain either way)
            if parts[-1]:
                parts.append([])
        # anything else (emoji, other scripts, digits without a look-alike) is dropped
        i += 1
    return [p for p in parts if p], masked


def _transliterate(raw: str, offset: int) -> list[tuple[str, int, int]]:
    """A Latin-only chunk read as Russian transliteration: «blyad» → «бляд»."""
    out: list[tuple[str, int, int]] = []
    low = raw.lower()
    i = 0
    while i < len(low):
        for latin, cyr in _LATIN_MULTI:
            if low.startswith(latin, i):
                out.append((cyr, offset + i, offset + i + len(latin)))
                i += len(latin)
                break
        else:
            ch = low[i]
            if ch == "y" and out and out[-1][0] in VOWELS | {"а", "е", "и", "о", "у"}:
                out.append(("й", offset + i, offset + i + 1))
            elif ch in _LATIN_SINGLE:
                out.append((_LATIN_SINGLE[ch], offset + i, offset + i + 1))
            elif raw[i] in _LOOKALIKE and not raw[i].isalpha():  # digits: «bl9t»
                out.append((_LOOKALIKE[raw[i]], offset + i, offset + i + 1))
            elif ch in WILDCARDS:
                out.append(("*", offset + i, offset + i + 1))
            i += 1
    return out


def _lookalike_only(raw: str, offset: int) -> list[tuple[str, int, int]] | None:
    """A Latin-only chunk read as Cyrillic look-alikes («XYЙ» typed on a Latin keyboard)."""
    out = []
    for i, ch in enumerate(raw):
        if ch in _LOOKALIKE:
            out.append((_LOOKALIKE[ch], offset + i, offset + i + 1))
        elif ch in WILDCARDS:
            out.append(("*", offset + i, offset + i + 1))
        elif ch in _SEPARATORS:
            continue
        else:
            return None
    return out


def words(text: str) -> Iterator[Word]:
    """Every chunk with letters, with the normalised readings abuse matching should try."""
    for match in re.finditer(r"\S+", text):
        raw, start = match.group(), match.start()
        # Trim punctuation at the edges. Stars on both sides are emphasis («*срочно*»);
        # trailing ones alone hide letters («бл*», «ху**»).
        edge = "".join(_SEPARATORS) + "…"
        emphasis = len(raw) > 2 and raw[0] in WILDCARDS and raw[-1] in WILDCARDS
        lead = len(raw) - len(raw.lstrip(edge + "*#_%"))
        core = raw[lead:].rstrip(edge + ("*#_%" if emphasis else ""))
        if not core or not any(ch.isalpha() for ch in core):
            continue
        offset = start + lead
        pieces: list[Piece] = []
        has_cyr = any(lower_cyr(ch) in CYRILLIC for ch in core)
        if has_cyr or any(ch in WILDCARDS or ch.isdigit() for ch in core) and not core.isascii():
            parts, masked = _read_mixed(core, offset)
            joined = [c for part in parts for c in part]
            if len(parts) > 1 and not _INITIALS.match(core):
                # «х.у.й»: the separators were inserted; read the chunk as one word ...
                piece = _piece(joined, True)
                if piece:
                    pieces.append(piece)
            for part in parts:  # ... and each part on its own («слово,слово»)
                piece = _piece(part, masked)
                if piece:
                    pieces.append(piece)
        else:
            for chars, masked in ((_transliterate(core, offset), True),
                                  (_lookalike_only(core, offset), True)):
                if chars:
                    piece = _piece(chars, masked)
                    if piece:
                        pieces.append(piece)
        # Wildcards may also be inserted separators: «х*у*й» is «хуй».
        for piece in list(pieces):
            if "*" in piece.text:
                kept = [(c, s) for c, s in zip(piece.text, piece.spans, strict=True) if c != "*"]
                stripped = _piece([(c, s, e) for c, (s, e) in kept], True)
                if stripped:
                    pieces.append(stripped)
        unique: dict[str, Piece] = {}
        for piece in pieces:
            unique.setdefault(piece.text, piece)
        yield Word(start, start + len(raw), raw, list(unique.values()))


MAX_SPELLED = 16  # longer than any word of the lexicon spelled out


def spaced_runs(items: list[Word], min_letters: int = 3) -> Iterator[Piece]:
    """Words spelled out letter by letter, «х у й» or «п-и-з-д-а»: joined back together.

    Yields a window starting at every letter of a run, so a pattern anchored at a word's
    start can match a run that begins with an ordinary one-letter word («и х у й»). Windows
    are at most ``MAX_SPELLED`` letters: a long run costs linear time, not quadratic.
    """
    run: list[Piece] = []

    def flush() -> Iterator[Piece]:
        if len(run) >= min_letters:
            for k in range(len(run) - min_letters + 1):
                chars = [(p.text, p.spans[0][0], p.spans[0][1]) for p in run[k:k + MAX_SPELLED]]
                piece = _piece(chars, True)
                if piece:
                    yield piece

    previous_end = None
    for item in items:
        letter = item.single_letter
        adjacent = previous_end is None or item.start - previous_end <= 3
        if letter is not None and adjacent:
            run.append(letter)
        else:
            yield from flush()
            run = [letter] if letter is not None else []
        previous_end = item.end
    yield from flush()


def flat(text: str) -> str:
    """Lower case with «ё» read as «е»; same length as ``text``, so positions carry over."""
    return "".join(lower_cyr(ch) if len(lower_cyr(ch)) == 1 else ch for ch in text)
