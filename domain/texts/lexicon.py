"""Abuse lexicon (R-2.5): obscene roots, insults and threats, as patterns over normalised words.

Word patterns run against one normalised word at a time (lower case, «ё» → «е»,
repeated letters collapsed, so patterns never contain doubled letters) and are
anchored at the word's start: a root must begin the word, or follow one of the
prefixes listed. That is what keeps «хлебный», «себе», «страхуй», «рубля» and
«бледный» apart from the roots hidden in them. Where an innocent word shares a
root's start («мандат», «Херсон», «педиатр», «сукно»), the pattern lists the
root's own endings instead of accepting any.

Threat patterns run over the whole sentence (flattened text), because a threat
is a phrase: a first-person harm verb, or a weaker verb with a person or a
Government building as its target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class AbuseKind(StrEnum):
    OBSCENE = "obscene"  # нецензурная брань
    INSULT = "insult"  # оскорбление
    THREAT = "threat"  # угроза жизни и здоровью


@dataclass(frozen=True, slots=True)
class Entry:
    kind: AbuseKind
    term: str  # the canonical word, shown to staff as the reason
    pattern: re.Pattern[str]
    wild: re.Pattern[str]  # the same, where «*» in the word may stand for any letter


def wildcard_pattern(pattern: str) -> str:
    """Let every literal Cyrillic letter also match «*» (a hidden letter), except inside
    lookarounds, which must stay strict."""
    out: list[str] = []
    in_class = False
    stack: list[bool] = []  # per open group: is it a lookaround?
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
                out.append("*]" if not any(stack) else "]")
            else:
                out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
        elif ch == "(":
            look = pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i)
            stack.append(look)
            out.append(ch)
        elif ch == ")":
            if stack:
                stack.pop()
            out.append(ch)
        elif "а" <= ch <= "я" and not any(stack):
            out.append(f"[{ch}*]")
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _entry(kind: AbuseKind, term: str, pattern: str) -> Entry:
    return Entry(kind, term, re.compile(pattern), re.compile(wildcard_pattern(pattern)))


O, I = AbuseKind.OBSCENE, AbuseKind.INSULT

# Verb prefixes that attach to obscene roots («на-», «по-», «от-ъ-», …).
_P = r"(?:на|по|от|ни|за|до|вы|об|о|рас|раз|с|у|а|недо|пере|при|про)"
# «с», «в», «об» only with the hard sign: bare they would catch «себе», «веб», «обеда».
_PE = r"(?:вы|за|на|по|от|у|до|про|раз|рас|пере|при|недо|долбо|зло|(?:в|с|об|от|под|раз|из)[ъь])"

WORD_ENTRIES: tuple[Entry, ...] = (
    _entry(O, "хуй", rf"^{_P}?ху(?:[йяюеи]|ли$|ле$)"),
    _entry(O, "хер", r"^(?:на|по|за|ни)?хер(?:$|а$|ом$|ы$|ня|ни|ню|ов|ач|ну|ово)"),
    _entry(O, "пизда", r"^\w{0,6}?п[ие]зд"),
    _entry(O, "пизда", r"^пздц"),
    # «ёб», «ёбт», «уёбок», «долбоёб»: the bare root and its clipped forms too.
    _entry(O, "ебать", rf"^{_PE}?еб(?:а|у|л|н|и|е|ы|к|ош|ищ|ец|ь|ок|т|$)"),
    _entry(O, "ёпт", r"^еп(?:т|та|ть|тыть|тить|тать)$"),
    _entry(O, "блядь", r"^(?:вы|за|на|по)?бля(?:$|д|т|х$)"),
    _entry(O, "мудак", r"^(?:за|от)?муд(?:а[кч]|ил|озвон|ень|охат|ох)"),
    _entry(O, "пидор", r"^пид(?:[оа]р|р)"),
    _entry(O, "педик", r"^педик(?!ул|юр)"),
    _entry(O, "залупа", r"^залуп"),
    _entry(O, "манда", r"^манд(?:а|ы|е|у|ой|ав[оа]ш\w*)$"),
    _entry(O, "сука", r"^сук(?:а|и|е|у|ой|ам|ами|ах|ин|ина|ины|иному|ины)$"),
    _entry(O, "сука", r"^суч(?:ар|ий$|ка$|ки$|ку$|кой$)"),
    _entry(O, "сука", r"^(?:сцук(?:а|и|е|у|о|ой)|суко)$"),
    # Clipped «на хуй». Not «пох» («похуй»): «пох. книга» is a village council's register.
    _entry(O, "хуй", r"^нах$"),
    _entry(O, "гондон", r"^г[оа]н[дт]он"),
    _entry(O, "дрочить", r"^(?:за|по|на|от|вз|на)?дроч(?!ен)"),
    _entry(I, "шлюха", r"^шлюх"),
    _entry(I, "идиот", r"^идиот(?:$|а|у|ом|е|ы|ов|ам|ами|ах|ка|ки|ке|ку|кой|изм|ск)"),
    _entry(I, "дебил", r"^дебил"),
    _entry(I, "кретин", r"^кретин"),
    _entry(I, "имбецил", r"^имбецил"),
    _entry(I, "дегенерат", r"^дегенерат"),
    _entry(I, "дурак", r"^дура(?:к|ч|$)|^дуры$|^дурой$"),
    _entry(I, "придурок", r"^придур(?:о?к|ь)"),
    _entry(I, "урод", r"^урод(?:$|а|у|ом|е|ы|ов|ам|ами|ах|ин|ец|ц)"),
    _entry(I, "мразь", r"^мраз(?:ь|и|ей|ям|ями|ота)"),
    _entry(I, "тварь", r"^твар(?:ь|и|ей|ям|ями|юга)$"),
    _entry(I, "сволочь", r"^свол(?:очь|очи|очей|очам|очами|ота)$"),
    _entry(I, "ублюдок", r"^ублюд(?:о?к|ск)"),
    _entry(I, "подонок", r"^подон(?:о?к)"),
    _entry(I, "мерзавец", r"^мерзав(?:е?ц|к)"),
    _entry(I, "негодяй", r"^негодя(?:й|я|ю|ем|и|ев|ям|ями|ях)$"),
    _entry(I, "скоты", r"^скоты$"),  # not «скотина»: livestock in a farmer's letter
    _entry(I, "быдло", r"^быдл"),
    _entry(I, "чмо", r"^чмо(?:$|шн)"),
    _entry(I, "гнида", r"^гнид(?:а|ы|е|у|ой|ам|ами)$"),
    _entry(I, "падла", r"^падл(?:а|ы|е|у|ой|ам|ами)$"),
    _entry(I, "паскуда", r"^паскуд"),
    _entry(I, "ничтожество", r"^ничтожеств"),
    _entry(I, "дармоед", r"^дармоед"),
)

# «бл» cut short: an interjection when a comma, «!», the end or a lower-case word follows,
# never before a full stop or a number («корп. 2, бл. 3» is a building block). Runs over
# the original text, as case tells the interjection from an abbreviation.
INTERJECTION = re.compile(r"(?<![\w@*#%$])[бБ][лЛ](?=\s*[,!?…]|\s*$|\s+[а-яё])")

# Latin-only words that transliterate into a root by accident (brands, names).
LATIN_EXCEPTIONS = frozenset({"ebay", "ebook", "ebooks", "ebitda"})


@dataclass(frozen=True, slots=True)
class Phrase:
    term: str
    pattern: re.Pattern[str]


def _phrase(term: str, pattern: str) -> Phrase:
    return Phrase(term, re.compile(pattern))


_B = r"(?<![а-яa-z])"  # word start
_E = r"(?![а-яa-z])"  # word end
# Whom a weaker verb must be aimed at to make a threat: people, officials, the building.
_TARGET = (
    r"(?:вас|тебя|его|ее|их|всех|чиновник\w*|сотрудник\w*|работник\w*|министр\w*|"
    r"губернатор\w*|депутат\w*|начальник\w*|руководител\w*|исполнител\w*|здани\w*|"
    r"администраци\w*|правительств\w*|кабинет\w*|приемн\w*|офис\w*|мэри\w*|"
    r"(?:ваш|твой|твою|его|ее)\w*\s+(?:дом|офис|здание|кабинет|машину|квартиру|семью|детей))"
)
_WEAK = (
    r"(?:взорву|взорвем|подорву|подорвем|подожгу|подожжем|сожгу|сожжем|спалю|спалим|"
    r"пристукну|грохну|грохнем|прибью|прибьем|придушим|закопаю|закопаем|порежу|порежем|"
    r"размажу|размажем|замочу|замочим|зарежем|порешу|порешим)"
)

THREAT_PHRASES: tuple[Phrase, ...] = (
    # First-person harm verbs: a threat on their own.
    _phrase("убью", rf"{_B}убь(?:ю|ем){_E}"),
    _phrase("убью", rf"{_B}(?:вас|тебя|его|всех)\s+(?:убьют|прибьют|закопают|зарежут|"
                    rf"пристрелят){_E}"),
    _phrase("зарежу", rf"{_B}(?:зарежу|прирежу|прирежем){_E}"),
    _phrase("застрелю", rf"{_B}(?:за|при|пере)стрел(?:ю|яю|им|яем){_E}"),
    _phrase("задушу", rf"{_B}(?:задушу|придушу){_E}"),
    _phrase("покалечу", rf"{_B}(?:по|ис)калеч(?:у|им){_E}"),
    _phrase("изобью", rf"{_B}(?:изо|из)бь(?:ю|ем){_E}|{_B}отмудох\w*"),
    _phrase("урою", rf"{_B}(?:урою|уроем){_E}"),
    _phrase("изуродую", rf"{_B}изуроду(?:ю|ем){_E}"),
    # Weaker verbs: a threat when aimed at someone within a few words.
    _phrase("взорву", rf"{_B}{_WEAK}(?:\s+\S+){{0,2}}?\s+{_TARGET}{_E}"),
    _phrase("взорву", rf"{_B}{_TARGET}(?:\s+\S+){{0,2}}?\s+{_WEAK}{_E}"),
    _phrase("сверну шею", rf"{_B}(?:сверну|свернем|сломаю|переломаю|переломаем|поломаю|"
                          rf"оторву|оторвем|проломлю|снесу)(?:\s+\S+){{0,2}}?\s+"
                          rf"(?:шею|шеи|ноги|руки|кости|голову|головы|башку|башки|череп|хребет|"
                          rf"челюсть|зубы){_E}"),
    _phrase("не жить", rf"{_B}(?:вам|тебе|им|ему|ей)\s+(?:всем\s+)?не\s+жить{_E}|"
                       rf"{_B}не\s+жить\s+(?:вам|тебе){_E}|{_B}не\s+жил(?:ец|ьцы){_E}"),
    _phrase("конец вам", rf"{_B}(?:вам|тебе)\s+(?:всем\s+)?(?:конец|крышка|хана|кранты){_E}"),
    _phrase("кровью умоетесь", rf"{_B}кровью\s+(?:умоетесь|умоешься|захлебнетесь|ответите|"
                               rf"заплатите|харкать){_E}"),
    _phrase("не поздоровится", rf"{_B}не\s+поздоровится{_E}"),
    _phrase("пуля", rf"{_B}(?:пущу|пустим|всажу)\s+(?:\S+\s+)?пулю{_E}|{_B}пул(?:ю|я)\s+в\s+"
                    rf"(?:лоб|голову|башку){_E}"),
    _phrase("бомба", rf"{_B}(?:заложу|заложим|подложу|подложим|принесу|пронесу)\s+(?:\S+\s+)?"
                     rf"(?:бомбу|взрывчатку|взрывное|гранату){_E}"),
    _phrase("теракт", rf"{_B}(?:устрою|устроим|совершу|совершим)\s+(?:\S+\s+)?"
                      rf"(?:теракт|взрыв|поджог|резню|бойню|расправу|стрельбу){_E}"),
    _phrase("приду с оружием", rf"{_B}(?:приду|придем|приеду|явлюсь|зайду)\s+(?:\S+\s+){{0,3}}?"
                               rf"с\s+(?:ножом|топором|ружьем|ружьём|пистолетом|автоматом|битой|"
                               rf"обрезом|оружием|стволом|гранатой|канистрой){_E}"),
    _phrase("в гроб", rf"{_B}(?:в\s+гроб|на\s+кладбище)\s+(?:загоню|отправлю|уложу|положу|"
                      rf"загоним|отправим|ляжете|пойдете|окажетесь){_E}"),
)
