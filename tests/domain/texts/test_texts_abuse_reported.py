"""Abuse detection (R-2.5), second set: short interjections and symbols standing in for
letters that were missed, and citizens who report words said or written to them by someone
else — that is not abuse, the message itself must insult or threaten."""

from __future__ import annotations

import time

import pytest

from domain.texts import AbuseKind, detect_abuse

# Obscene forms the detector used to miss.
SHORT_INTERJECTIONS = [
    "ёпт, опять отписку прислали", "Ёпта, сколько можно ждать", "епт", "ёб твою мать",
    "ебт, ну и порядки", "бл, опять никто не ответил", "Бл! Третий месяц жду",
    "идите нах со своими справками", "пздц у вас порядки", "ну вы и долбоёб",
    "какой-то уебок трубку бросил", "сцуко, опять очередь",
]
SYMBOL_FOR_LETTER = [
    ("бл@ть", "@ for я"), ("бл@дь", "@ for я"), ("с@ка", "@ for у"), ("п!здец", "! for и"),
    ("х?йня", "? for у"), ("ху$ня", "$ for й"), ("д0лбоёб", "zero for о"),
    ("е6ать", "digit 6 for б"), ("3аеб@ли", "digit and @"),
]
# Words that must stay clean next to the new forms.
STILL_INNOCENT = [
    "корп. 2, бл. 3", "выписка из пох. книги", "ёпрст", "ёлки-палки", "блин, опять",
    "хрен с ним", "Помогите!Срочно нужна вода", "Спасибо!Ждём ответа", "e-mail: ivan@mail.ru",
    "ул. Нахимова", "Нахабино", "снег по пояс", "«Скорая» приехала через час",
    "Е.Б. Иванова", "бывш. совхоз", "Сосед-пенсионер", "что-то",
]
# A citizen reports what someone else said or wrote to them: no flag.
REPORTS = [
    "Сосед назвал меня дебилом при детях.",
    "Начальник ЖЭКа обозвал мою маму старой дурой.",
    "Меня на работе обзывают тупой тварью и уродиной.",
    "Мне написали в чате дома: «ты мразь, съезжай».",
    "Он кричал мне в окно: «Я тебя убью!»",
    "«Сука, я тебя зарежу», — сказал сосед, и я вызвала полицию.",
    "На стене подъезда написали «Ваня — пидор», прошу закрасить.",
    "Водитель автобуса послал пассажиров и орал: «Идите на хуй, бабки!»",
    "Сосед угрожает мне: убью, если будешь жаловаться.",
    "Он пишет мне сообщения вроде «ты шлюха».",
]
# Reported words next to the writer's own abuse, or "reports" aimed at the reader.
STILL_ABUSIVE = [
    ("Сосед назвал меня дебилом, а вы все идиоты.", "идиоты"),
    ("Я написал им: «вы уроды».", "уроды"),
    ("Соседи называют вас мразями.", "мразями"),
    ("Как говорят в народе, чиновники — мрази.", "мрази"),
    ("Мы сказали: «Сволочи, я вас убью!»", "Сволочи"),
    ("«Вы уроды», — сказал я.", "уроды"),
]


@pytest.mark.parametrize("text", SHORT_INTERJECTIONS)
def test_short_obscene_interjections_are_found(text):
    """R-2.5: short obscene interjections and clipped forms («ёпт», «бл», «нах», «пздц»)
    are obscene language."""
    report = detect_abuse(text)
    assert AbuseKind.OBSCENE in report.kinds, (text, report.flags)


@pytest.mark.parametrize(("text", "how"), SYMBOL_FOR_LETTER)
def test_symbol_standing_in_for_a_letter(text, how):
    """R-2.5: a symbol («@», «!», «?», «$», a digit) standing in for a letter is found and
    marked as masked."""
    report = detect_abuse(f"вы там {text} все")
    assert AbuseKind.OBSCENE in report.kinds, (text, how, report.flags)
    [flag] = report.flags
    assert flag.fragment == text and flag.masked


@pytest.mark.parametrize("text", STILL_INNOCENT)
def test_new_forms_leave_ordinary_words_alone(text):
    """R-2.5: abbreviations, euphemisms, names and punctuation typed without a space are
    not flagged."""
    report = detect_abuse(text)
    assert not report.abusive, (text, report.flags)


@pytest.mark.parametrize("text", REPORTS)
def test_reporting_someone_elses_words_is_not_abuse(text):
    """R-2.5: a citizen who reports an insult, obscenity or threat they received is not
    abusive: the words are attributed to someone else. The evidence is kept aside for staff."""
    report = detect_abuse(text)
    assert not report.abusive, (text, report.flags)
    assert report.reported, text
    for flag in report.reported:
        assert text[flag.start:flag.end] == flag.fragment


@pytest.mark.parametrize(("text", "own"), STILL_ABUSIVE)
def test_own_words_stay_flagged_next_to_a_report(text, own):
    """R-2.5: the writer's own insult, words they attribute to themselves, and "reported"
    insults aimed at the reader are still flagged."""
    report = detect_abuse(text)
    assert report.abusive and own in [f.fragment for f in report.flags], (text, report.flags)


def _seconds(text: str) -> float:
    started = time.perf_counter()
    detect_abuse(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("unit", [
    "х ", "«", "сказал: «", "назвал меня ", "б*", "п!", "а", "бл@ ", "бля ", "— сказал он, «",
])
def test_pathological_input_takes_linear_time(unit):
    """R-2.5: the detector stays linear on adversarial input (long runs of letters, quotes,
    report frames, masks): sixteen times the text takes about sixteen times as long, not
    two hundred and fifty-six."""
    small, large = unit * 1000, unit * 16000
    _seconds(small)  # warm up compiled patterns
    # The best of three runs each, and a wide margin: the machine is shared.
    t_small = min(_seconds(small) for _ in range(3))
    t_large = min(_seconds(large) for _ in range(3))
    assert t_large < 48 * t_small + 0.3, (unit, t_small, t_large)
