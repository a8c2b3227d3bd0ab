"""Words the writer attributes to someone else (R-2.5): «сосед назвал меня …», «мне написали:
«…»», ««…», — сказал он». A citizen reporting an insult or a threat they received does not
insult or threaten anyone; the message itself must.

Three frames, each with a reporting verb in the third person or the past tense:

- a quotation («…», „…“, “…”, "…") introduced by the verb before it, or followed by
  «— сказал …»;
- a colon after the verb: the reported words run to the end of the sentence;
- a naming verb («назвал», «обзывают») and the few words after it, in the same clause.

Not a report: the verb's subject is «я»/«мы» (the writer's own words), or the words are
aimed at the reader («называют вас …», «сказал про вас: «…»»), or an unnamed crowd is
quoted without quotation marks («как говорят в народе, …»). Every check looks at a bounded
window around a verb or a quotation, so the whole pass stays linear in the text.
"""

from __future__ import annotations

import re

from domain.texts.normalize import flat

_B = r"(?<![а-яa-z])"
_E = r"(?![а-яa-z])"

_NAMING = (
    r"назвал[аи]?|называ(?:ет|ют|л|ла|ли)|обозвал[аи]?|обзыва(?:ет|ют|л|ла|ли)(?:ся|сь)?"
)
_REPORTING = (
    _NAMING + r"|сказал[аи]?|говорит|говорят|говорил[аи]?|заявил[аи]?|ответил[аи]?|"
    r"написал[аи]?|написан[оаы]?|пишет|пишут|писал[аи]?|прислал[аи]?|присылает|присылают|"
    r"присылал[аи]?|пришл[оаи]?|кричал[аи]?|кричит|кричат|крикнул[аи]?|накричал[аи]?|"
    r"выкрикивал[аи]?|выкрикивает|орал[аи]?|орет|орут|наорал[аи]?|угрожал[аи]?|угрожает|"
    r"угрожают|пригрозил[аи]?|грозит|грозят|грозил(?:ся|ась|ись)|оскорбил[аи]?|"
    r"оскорблял[аи]?|оскорбляет|оскорбляют|материл(?:ся|ась|ись)?|матерится|материт|матерят|"
    r"ругал(?:ся|ась|ись)|ругается|ругаются|выругал(?:ся|ась|ись)|пообещал[аи]?|обещал[аи]?|"
    r"произнес(?:ла|ли)?|прозвучал[оаи]?|звучит|звучат|звучал[оаи]?|со\s+словами|словами|"
    r"словом|фразой|надпись\w*|в\s+(?:мой|наш|ее|его|их)\s+адрес"
)
_REPORTING_RE = re.compile(_B + "(?:" + _REPORTING + ")" + _E)
_NAMING_RE = re.compile(_B + "(?:" + _NAMING + ")" + _E)
_AFTER_QUOTE_RE = re.compile(r"\s*[,!?.…]*\s*[—–-]+\s*(?:" + _REPORTING + ")" + _E + r"(\s+\S+)?")
_FIRST_PERSON_RE = re.compile(_B + r"(?:я|мы)" + _E)
_SECOND_PERSON = frozenset({"вас", "вам", "вами", "вы", "тебя", "тебе", "ты", "тобой"})
_SECOND_PERSON_RE = re.compile(_B + r"(?:вас|вам|вами|вы|тебя|тебе|ты|тобой)" + _E)
_CLAUSE_BREAK = re.compile(r"[,;.!?:—–\n«»\"“”„(]")
_SENTENCE_END = re.compile(r"[.!?\n]")
_INSTRUMENTAL = re.compile(r"(?:ом|ем|ой|ей|ою|ею|ами|ями|ым|им|ыми|ими)$")

FRAME = 120  # how far before a quotation its reporting verb may stand
COLON_SPAN = 300  # how far reported words after a colon may run
NAMING_WORDS = 6  # how many words after a naming verb are its complement

_OPENERS = {"„": "“”", "“": "”", '"': '"'}


def _quotations(text: str) -> list[tuple[int, int]]:
    """Outermost quotations, one pass: «…» nest, the other marks pair with their closers."""
    pairs: list[tuple[int, int]] = []
    depth_start: list[int] = []
    other: tuple[str, int] | None = None
    for i, ch in enumerate(text):
        if ch == "«":
            depth_start.append(i)
        elif ch == "»":
            if depth_start:
                start = depth_start.pop()
                if not depth_start:
                    pairs.append((start, i + 1))
        elif other is not None and ch in _OPENERS[other[0]]:
            pairs.append((other[1], i + 1))
            other = None
        elif other is None and ch in _OPENERS:
            other = (ch, i)
    return pairs


def _clause_before(low: str, pos: int) -> str:
    """The clause that ends at ``pos``: back to the last comma, dash, colon or full stop."""
    window = low[max(0, pos - FRAME):pos]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end():] if breaks else window


def _writer_speaks(low: str, verb_start: int) -> bool:
    return bool(_FIRST_PERSON_RE.search(_clause_before(low, verb_start)))


def _quotation_reported(low: str, start: int, end: int) -> bool:
    # «…», — сказал сосед
    after = _AFTER_QUOTE_RE.match(low, end, min(len(low), end + 80))
    if after:
        subject = (after.group(1) or "").strip(" \t\n.,;:!?…")
        return subject not in ("я", "мы")
    # сосед написал мне: «…» / меня обозвали словом «…»
    window_start = max(0, start - FRAME)
    before = low[window_start:start]
    verbs = list(_REPORTING_RE.finditer(before))
    if not verbs:
        return False
    verb = verbs[-1]
    between = before[verb.end():]
    if _SENTENCE_END.search(between) or _SECOND_PERSON_RE.search(between):
        return False
    return not _writer_speaks(low, window_start + verb.start())


def _colon_spans(low: str) -> list[tuple[int, int]]:
    spans = []
    for verb in _REPORTING_RE.finditer(low):
        colon = low.find(":", verb.end(), min(len(low), verb.end() + 60))
        if colon == -1:
            continue
        between = low[verb.end():colon]
        if _SENTENCE_END.search(between) or _SECOND_PERSON_RE.search(between):
            continue
        if _writer_speaks(low, verb.start()):
            continue
        limit = min(len(low), colon + COLON_SPAN)
        stop = _SENTENCE_END.search(low, colon + 1, limit)
        spans.append((colon + 1, stop.end() if stop else limit))
    return spans


def _naming_spans(low: str) -> list[tuple[int, int]]:
    spans = []
    token = re.compile(r"\S+")
    for verb in _NAMING_RE.finditer(low):
        if _writer_speaks(low, verb.start()):
            continue
        end, words, aimed_at_reader = verb.end(), 0, False
        stop_next, comma = False, False
        for m in token.finditer(low, verb.end(), min(len(low), verb.end() + FRAME)):
            raw = m.group()
            word = raw.strip(".,;:!?…—–-«»\"“”„()")
            if stop_next or raw[:1] in "«\"“„—–" or word in ("а", "но", "однако", "зато"):
                break
            if comma and not _INSTRUMENTAL.search(word):
                break  # «назвал меня дураком, вы идиоты»: the list of names ended
            if word in _SECOND_PERSON:
                aimed_at_reader = True
                break
            end, words = m.start() + len(raw.rstrip(".,;:!?…")), words + 1
            tail = raw[len(raw.rstrip(".,;:!?…")):]
            stop_next = any(c in tail for c in ".;:!?…")
            comma = "," in tail
            if words >= NAMING_WORDS:
                break
        if not aimed_at_reader and end > verb.end():
            spans.append((verb.end(), end))
    return spans


def reported_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` holding words the writer attributes to someone else, sorted."""
    low = flat(text)
    spans = [q for q in _quotations(text) if _quotation_reported(low, *q)]
    spans += _colon_spans(low) + _naming_spans(low)
    return sorted(spans)
