"""Plain-language checks for written answers and notices (R-2.2, R-2.8).

The procedure's appendix asks for texts a citizen understands at first reading:
short sentences, one thought each; everyday words instead of office clichés;
active voice that says who does what; and no reliance on legal acts — a
reference may stay, but what it means for the reader is said in plain words
next to it. A refusal must give its grounds that way (R-2.8), so a refusal whose
only grounds are a reference to a legal act is *blocking*; everything else is
advice the executor may weigh.

    findings = check_plain_language(text, refusal=True)
    [f for f in findings if f.blocking]  # must be fixed before sending
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.texts.normalize import flat
from domain.texts.sentences import Sentence, split_sentences

DEFAULT_MAX_WORDS = 25


class FindingCode(StrEnum):
    LONG_SENTENCE = "long_sentence"
    CLICHE = "cliche"
    PASSIVE = "passive"
    LEGAL_REFERENCE = "legal_reference"  # a reference to a legal act with no explanation nearby
    ABBREVIATION = "abbreviation"
    REFUSAL_LEGAL_ONLY = "refusal_legal_only"  # grounds are only a legal reference
    REFUSAL_NO_GROUNDS = "refusal_no_grounds"  # a refusal that gives no grounds


class Severity(StrEnum):
    ADVICE = "advice"
    BLOCKING = "blocking"


@dataclass(frozen=True, slots=True)
class Finding:
    code: FindingCode
    severity: Severity
    start: int
    end: int
    fragment: str
    message: str  # Russian advice the executor reads next to the fragment

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.BLOCKING

    def as_dict(self) -> dict:
        return {"code": str(self.code), "severity": str(self.severity), "start": self.start,
                "end": self.end, "fragment": self.fragment, "message": self.message}


_B = r"(?<![а-яa-z0-9])"
_E = r"(?![а-яa-z0-9])"

# Office clichés and what to write instead (the appendix's «канцеляризмы»).
_CLICHES: tuple[tuple[str, str], ...] = (
    ((r"в\s+соответствии\s+с\s+вышеизложенным|на\s+основании\s+вышеизложенного|"
     r"учитывая\s+вышеизложенное|исходя\s+из\s+вышеизложенного|с\s+учетом\s+вышеизложенного"),
     "«поэтому»"),
    (r"вышеизложенн\w*|вышеуказанн\w*|вышеназванн\w*|вышеперечисленн\w*|нижеследующ\w*",
     "«этот», «следующий» или повторите, о чём речь"),
    (r"в\s+целях|с\s+целью", "«чтобы» или «для»"),
    (r"осуществл\w*", "глагол, который называет действие: «делаем», «проверяем», «платим»"),
    (r"производ(?:ится|ятся|ился|илась|илось|ились|ить|ит|ят|имый|имая|имые)",
     "глагол, который называет действие: «делаем», «считаем», «выплачиваем»"),
    (r"в\s+связи\s+с\s+тем,?\s+что", "«потому что»"),
    (r"в\s+связи\s+с", "«из-за», «после» или «потому что»"),
    (r"в\s+рамках", "«во время», «при» или «по»"),
    (r"в\s+настоящее\s+время|на\s+сегодняшний\s+день|на\s+текущий\s+момент", "«сейчас»"),
    (r"в\s+случае,?\s+если|в\s+случае", "«если»"),
    (r"данн(?:ый|ая|ое|ого|ой|ому|ую|ом)", "«этот»"),
    (r"явля(?:ется|ются|лся|лась|лось|лись)", "«это» или тире"),
    ((r"доводим\s+до\s+(?:вашего\s+)?сведения|довести\s+до\s+(?:вашего\s+)?сведения|"
     r"настоящим\s+(?:сообщаем|уведомляем|информируем)|уведомляем|информируем"),
     "«сообщаем»"),
    (r"не\s+представляется\s+возможным", "«мы не можем» и почему"),
    (r"по\s+вопросу", "«о» или «об»"),
    (r"в\s+отношении", "«о», «для» или «к»"),
    (r"в\s+части", "«о» или «по»"),
    (r"денежн(?:ые|ых|ыми)\s+средств\w*", "«деньги»"),
    (r"посредством", "«через» или «с помощью»"),
    (r"имеет\s+место", "«есть», «бывает» или «случилось»"),
    (r"за\s+исключением", "«кроме»"),
    (r"в\s+ваш\s+адрес|в\s+адрес", "«вам» или «в»"),
    (r"заявител\w*", "«вы»: пишите человеку, а не о нём"),
    (r"оказани\w+\s+(?:содействия|помощи|услуг\w*)", "«помочь», «помогаем»"),
    (r"в\s+установленном\s+порядке", "что именно нужно сделать, по шагам"),
    (r"надлежащ\w*", "«нужный» или «правильный»"),
    (r"незамедлительно", "«сразу»"),
    (r"препровожда\w*", "«отправляем»"),
    (r"соответствующ\w*", "«нужный», «этот» или назовите предмет"),
    (r"вследствие|ввиду", "«из-за»"),
    (r"по\s+причине", "«из-за» или «потому что»"),
    (r"указанн\w*", "«этот» или повторите, о чём речь"),
    (r"в\s+кратчайшие\s+сроки", "конкретный срок: «до 15 марта»"),
    (r"согласно", "«по» или «как сказано в»"),
)
_CLICHE_RE = [(re.compile(_B + p + _E), s) for p, s in _CLICHES]

# Reflexive passive of process verbs («рассматривается») and short passive participles
# («рассмотрено», «отказано»): the reader cannot see who acts.
_PASSIVE_STEMS = (
    r"(?:рассматрива|принима|направля|предоставля|оформля|выда|устанавлива|определя|"
    r"обеспечива|выполня|начисля|взима|допуска|запреща|рекоменду|выплачива|возвраща|"
    r"проверя|переда|уведомля|назнача|перечисля|рассчитыва|учитыва|отклоня|"
    r"\w{2,}иру)(?:ет|ют|ет|ют|ёт|ют)ся"
    r"|(?:проводи|производи|направи)(?:тся)"
)
_PARTICIPLES = (
    r"(?:направлен|рассмотрен|принят|установлен|предоставлен|выдан|оформлен|разъяснен|"
    r"передан|зарегистрирован|осуществлен|произведен|проведен|подготовлен|поручен|утвержден|"
    r"выявлен|получен|определен|учтен|возвращен|приостановлен|прекращен|продлен|исполнен|"
    r"обеспечен|включен|заключен|организован|издан|опубликован|внесен|согласован|проверен|"
    r"уведомлен|рекомендован|допущен|назначен|начислен|перечислен|выплачен|отклонен|"
    r"переадресован|отказан|запрещен|разрешен|предусмотрен|установлен)(?:а|о|ы)?"
)
_PASSIVE_RE = re.compile(
    rf"{_B}(?:(?:был|была|было|были|будет|будут)\s+)?(?:{_PARTICIPLES}|{_PASSIVE_STEMS}){_E}"
)

# References to legal acts: articles, parts, points, laws with numbers, codes.
_LEGAL_PARTS = [
    (r"(?:(?:ч(?:асть|асти|астью)?\.?|п(?:ункт|ункта|ункте|унктом|п)?\.?|абз(?:ац)?\w*\.?|"
    r"подп(?:ункт)?\w*\.?)\s*\d+(?:\.\d+)*\s*(?:,\s*)?)*"
    r"(?:ст(?:атья|атьи|атье|атью|атьей|атьями|атьях)?\.?|стст\.)\s*\d+(?:\.\d+)*(?:\s*,\s*\d+)*"),
    r"(?:п(?:ункт|ункта|ункте|унктом|п)?\.)\s*\d+(?:\.\d+)*",
    (r"(?:федеральн\w+\s+)?(?:конституционн\w+\s+)?закон\w*\s+(?:рф\s+|российской\s+федерации\s+|"
    r"ульяновской\s+области\s+)?(?:от\s+\d{1,2}\.\d{1,2}\.\d{2,4}\s*(?:г\.?\s*)?)?№\s*[\w/-]+"),
    r"№\s*\d+-(?:фз|фкз|зо|п|пр|р|рп|пг)",
    r"\d+-(?:фз|фкз)",
    (r"(?:постановлени|распоряжени|приказ|указ|решени)\w*\s+(?:[\w«»\"]+\s+){0,8}?"
    r"(?:от\s+\d{1,2}\.\d{1,2}\.\d{2,4}\s*(?:г\.?)?\s*)?№\s*[\w/.-]+"),
    r"(?:гк|нк|жк|тк|ук|упк|гпк|апк|кас|зк|ск|бк|грк|лк|вк)\s*рф|коап(?:\s*рф)?",
    (r"(?:гражданск|налогов|жилищн|трудов|уголовн|земельн|семейн|бюджетн|градостроительн|"
    r"лесн|водн)\w*\s+кодекс\w*(?:\s+российской\s+федерации|\s+рф)?"),
]
_LEGAL_RE = re.compile(_B + "(?:" + "|".join(_LEGAL_PARTS) + ")", re.IGNORECASE)

_EXPLANATION_RE = re.compile(
    _B + r"(?:это\s+значит|это\s+означает|то\s+есть|т\.\s*е\.|иначе\s+говоря|другими\s+словами|"
    r"проще\s+говоря|простыми\s+словами|по\s+этому\s+закону|этот\s+закон|эта\s+статья|"
    r"эта\s+норма|этот\s+пункт|в\s+н(?:ем|ей)\s+сказано|там\s+сказано|"
    r"(?:он|она|закон|статья|пункт|норма)\s+(?:требует|запрещает|разрешает|говорит|"
    r"устанавливает|позволяет|обязывает)|значит|поэтому|например|а\s+именно)" + _E
)
_REASON_RE = re.compile(
    _B + r"(?:потому\s+что|так\s+как|поскольку|из-за|причина\w*|дело\s+в\s+том|это\s+значит|"
    r"то\s+есть|так\s+что|поэтому|ведь|т\.\s*к\.)" + _E
)
_REASON_AFTER = ("потому", "так как", "поскольку", "из-за", "причин", "дело в том", "это значит",
                 "то есть", "ведь", "т. к.", "т.к.")
# Words that only point at a legal act and carry no reason of their own.
_LEGAL_FILLER = re.compile(
    _B + r"(?:это|эт\w+|предусмотрен\w*|установлен\w*|согласно|в\s+соответствии\s+с|"
    r"на\s+основании|требовани\w*|норм\w*|положени\w*|закон\w*|законодательств\w*|стать\w*|"
    r"пункт\w*|част\w*|указанн\w*|действующ\w*|федеральн\w*|российск\w*|федераци\w*|"
    r"правил\w*|порядк\w*|так|как|что|и|с|в|по|от|г|года|рф|области|ульяновской|"
    r"постановлени\w*|распоряжени\w*|приказ\w*|указ\w*|кодекс\w*|вам|вас|мы|нам)" + _E
)
_REFUSAL_RE = re.compile(
    _B + r"(?:отказ\w*|не\s+можем|не\s+может|невозможн\w*|не\s+имеете\s+права|не\s+положен\w*|"
    r"не\s+предусмотрен\w*|нет\s+оснований|оснований\s+нет|не\s+подлежит|отклон\w*)" + _E
)

_KNOWN_ABBREVIATIONS = frozenset({
    "РФ", "СССР", "ИНН", "СНИЛС", "МФЦ", "ЖКХ", "ДТП", "ГИБДД", "МВД", "ФИО", "ОМС", "ЕГЭ",
    "ОГЭ", "ВУЗ", "ООО", "ИП", "АО", "ПАО", "ОАО", "ЗАО", "РЖД", "УК", "ТСЖ", "СМС", "SMS",
    "PDF", "ФЗ", "ЗО", "СВО", "ЕПГУ", "ЧС", "ЖК", "НК", "ГК", "ТК", "КОАП", "ПФР", "СФР",
})
_ABBREVIATION_RE = re.compile(r"(?<![\w-])[А-ЯЁ]{2,6}(?![\w-])")


def legal_references(text: str) -> list[tuple[int, int]]:
    """Spans of references to legal acts, merged where they touch («ч. 2 ст. 11 … № 59-ФЗ»)."""
    spans = sorted((m.start(), m.end()) for m in _LEGAL_RE.finditer(flat(text)))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        gap = text[merged[-1][1]:start] if merged else ""
        if merged and start - merged[-1][1] <= 40 and not re.search(r"[.;!?]\s", gap):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _sentence_of(sentences: list[Sentence], pos: int) -> int:
    for i, s in enumerate(sentences):
        if s.start <= pos < s.end:
            return i
    return len(sentences) - 1


def _parenthesised(text: str, start: int, end: int, sentence: Sentence) -> bool:
    """The reference sits in brackets after a statement of its own: «… (ст. 5 Закона № 1-ЗО)»."""
    opening = text.rfind("(", sentence.start, start)
    if opening == -1 or text.rfind(")", opening, start) != -1:
        return False
    outside = text[sentence.start:opening]
    return len(re.findall(r"[А-Яа-яЁёA-Za-z]{2,}", outside)) >= 5


def _explained(text: str, span: tuple[int, int], sentences: list[Sentence]) -> bool:
    if not sentences:
        return False
    i = _sentence_of(sentences, span[0])
    sentence = sentences[i]
    if _parenthesised(text, span[0], span[1], sentence):
        return True
    after = flat(text[span[1]:sentence.end])
    before = flat(text[sentence.start:span[0]])
    nxt = flat(sentences[i + 1].text) if i + 1 < len(sentences) else ""
    return bool(_EXPLANATION_RE.search(after) or _EXPLANATION_RE.search(nxt)
                or re.search(_B + r"(?:это\s+значит|то\s+есть|проще\s+говоря)", before))


def _plain_grounds(text: str, sentences: list[Sentence], refs: list[tuple[int, int]]) -> bool:
    """Some sentence gives a reason in its own words, not merely by pointing at a law."""
    for i, sentence in enumerate(sentences):
        low = flat(sentence.text)
        found = _REASON_RE.search(low)
        if not found:
            continue
        marker = found.group()
        if marker.startswith(_REASON_AFTER):
            clause = sentence.text[found.end():]
            offset = sentence.start + found.end()
        else:  # «…, поэтому мы не можем»: the reason comes before the marker
            clause = sentence.text[:found.start()]
            offset = sentence.start
            if not clause.strip() and i > 0:
                clause, offset = sentences[i - 1].text, sentences[i - 1].start
        # Cut out references inside the clause, then drop words that only point at a law.
        chars = list(clause)
        for start, end in refs:
            for k in range(max(start - offset, 0), min(end - offset, len(chars))):
                chars[k] = " "
        rest = _LEGAL_FILLER.sub(" ", flat("".join(chars)))
        if len(re.findall(r"[а-яa-z]{3,}", rest)) >= 2:
            return True
    return False


def check_refusal(text: str) -> list[Finding]:
    """R-2.8: a refusal states its grounds so that no legal act need be read."""
    sentences = split_sentences(text)
    refs = legal_references(text)
    if _plain_grounds(text, sentences, refs):
        return []
    if refs:
        start, end = refs[0]
        return [Finding(
            FindingCode.REFUSAL_LEGAL_ONLY, Severity.BLOCKING, start, end, text[start:end],
            "Причина отказа указана только ссылкой на правовой акт. Объясните своими словами, "
            "почему мы отказываем и что человек может сделать: читателю не нужно открывать "
            "закон, чтобы понять ответ. Ссылку можно оставить в скобках после объяснения.",
        )]
    anchor = _REFUSAL_RE.search(flat(text))
    start, end = (anchor.start(), anchor.end()) if anchor else (0, min(len(text), 60))
    return [Finding(
        FindingCode.REFUSAL_NO_GROUNDS, Severity.BLOCKING, start, end, text[start:end],
        "В отказе не названа причина. Напишите простыми словами, почему мы отказываем "
        "(например: «потому что …»), и что человек может сделать дальше.",
    )]


def check_plain_language(
    text: str, *, refusal: bool = False, max_sentence_words: int = DEFAULT_MAX_WORDS
) -> list[Finding]:
    """Every finding in ``text``, by position; with ``refusal=True`` also the R-2.8 check."""
    findings: list[Finding] = []
    low = flat(text)
    sentences = split_sentences(text)

    for sentence in sentences:
        count = len(sentence.words)
        if count > max_sentence_words:
            findings.append(Finding(
                FindingCode.LONG_SENTENCE, Severity.ADVICE, sentence.start, sentence.end,
                sentence.text,
                f"Длинное предложение: {count} слов. Разделите его на два-три коротких: "
                f"одна мысль — одно предложение, не длиннее {max_sentence_words} слов.",
            ))

    taken: list[tuple[int, int]] = []
    for pattern, suggestion in _CLICHE_RE:
        for m in pattern.finditer(low):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # a longer cliché already covers it
            taken.append((m.start(), m.end()))
            findings.append(Finding(
                FindingCode.CLICHE, Severity.ADVICE, m.start(), m.end(), text[m.start():m.end()],
                f"Канцелярский оборот «{text[m.start():m.end()]}». Лучше написать проще: "
                f"{suggestion}.",
            ))

    for m in _PASSIVE_RE.finditer(low):
        if any(s <= m.start() and m.end() <= e for s, e in taken):
            continue
        findings.append(Finding(
            FindingCode.PASSIVE, Severity.ADVICE, m.start(), m.end(), text[m.start():m.end()],
            f"Пассивный оборот «{text[m.start():m.end()]}»: не видно, кто действует. Напишите, "
            "кто и что делает: «Мы рассмотрели ваше обращение», «Министерство выплатит…».",
        ))

    refs = legal_references(text)
    for start, end in refs:
        if not _explained(text, (start, end), sentences):
            findings.append(Finding(
                FindingCode.LEGAL_REFERENCE, Severity.ADVICE, start, end, text[start:end],
                "Ссылка на правовой акт без объяснения. Расскажите простыми словами, что в нём "
                "сказано и что это значит для читателя; саму ссылку можно дать в скобках.",
            ))

    seen: set[str] = set()
    for m in _ABBREVIATION_RE.finditer(text):
        word = m.group()
        if word in _KNOWN_ABBREVIATIONS or word in seen or any(s <= m.start() < e for s, e in refs):
            continue
        seen.add(word)
        around = text[max(0, m.start() - 3):m.end() + 3]
        if "(" in around or ")" in around:  # «… (ЕГРН)» or «ЕГРН (реестр …)»: explained
            continue
        findings.append(Finding(
            FindingCode.ABBREVIATION, Severity.ADVICE, m.start(), m.end(), word,
            f"Сокращение «{word}» может быть непонятно. При первом упоминании напишите "
            "полностью, а сокращение дайте в скобках.",
        ))

    if refusal:
        findings.extend(check_refusal(text))
    return sorted(findings, key=lambda f: (f.start, f.code))
