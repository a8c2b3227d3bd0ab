"""The plain-language checker (R-2.2) and the refusal rule (R-2.8), as plain functions."""

from __future__ import annotations

from domain.texts import FindingCode, Severity, check_plain_language, check_refusal
from domain.texts.sentences import split_sentences

PLAIN = (
    "Мы проверили ваш дом. Управляющая компания починит крышу до 15 мая. "
    "Если этого не случится, позвоните нам: 8 (8422) 58-93-58."
)


def codes(findings):
    return [f.code for f in findings]


def test_plain_text_passes():
    """R-2.2: a short, active, plain answer has no findings."""
    assert check_plain_language(PLAIN) == []
    assert check_plain_language(PLAIN, refusal=False) == []


def test_long_sentence_with_position_and_advice():
    """R-2.2: a sentence over the word limit is reported with its span and Russian advice."""
    long = ("Мы сообщаем вам о том что ваше письмо которое пришло к нам в прошлом месяце "
            "мы прочитали очень внимательно и передали его всем специалистам которые "
            "занимаются вопросами дорог в нашем городе и в области")
    text = "Добрый день. " + long + "."
    [finding] = [f for f in check_plain_language(text) if f.code == FindingCode.LONG_SENTENCE]
    assert text[finding.start:finding.end] == long + "."
    assert "слов" in finding.message and finding.severity == Severity.ADVICE
    assert not [f for f in check_plain_language(text, max_sentence_words=60)
                if f.code == FindingCode.LONG_SENTENCE]


def test_cliches_are_found_with_suggestions():
    """R-2.2: office clichés from the appendix («в целях», «в соответствии с вышеизложенным»,
    «осуществляется») are reported with a plainer alternative."""
    text = ("В соответствии с вышеизложенным, в целях обеспечения безопасности проверка "
            "осуществляется в настоящее время.")
    found = [f for f in check_plain_language(text) if f.code == FindingCode.CLICHE]
    fragments = [f.fragment for f in found]
    assert fragments == ["В соответствии с вышеизложенным", "в целях", "осуществляется",
                         "в настоящее время"]
    assert "поэтому" in found[0].message and "сейчас" in found[3].message
    for f in found:
        assert text[f.start:f.end] == f.fragment


def test_passive_constructions():
    """R-2.2: passive voice hides who acts; the checker says so."""
    text = "Ваше обращение было рассмотрено. Выплата начисляется ежемесячно. Вам отказано."
    found = [f.fragment for f in check_plain_language(text) if f.code == FindingCode.PASSIVE]
    assert found == ["было рассмотрено", "начисляется", "отказано"]


def test_unexplained_legal_reference():
    """R-2.2: a reference to a law with no explanation nearby is reported."""
    text = "Ответ дан в соответствии с ч. 1 ст. 12 Федерального закона от 02.05.2006 № 59-ФЗ."
    [ref] = [f for f in check_plain_language(text) if f.code == FindingCode.LEGAL_REFERENCE]
    assert ref.fragment == "ч. 1 ст. 12 Федерального закона от 02.05.2006 № 59-ФЗ"
    assert "простыми словами" in ref.message


def test_explained_legal_reference_passes():
    """R-2.2: the same reference followed by what it means, or in brackets after a plain
    statement, is fine."""
    explained = ("По ст. 12 Закона № 59-ФЗ мы должны ответить за 30 дней. Это значит, что "
                 "ответ придёт до 15 марта.")
    bracketed = ("Мы ответим вам не позже чем через 30 дней после регистрации письма "
                 "(ст. 12 Закона № 59-ФЗ).")
    for text in (explained, bracketed):
        assert FindingCode.LEGAL_REFERENCE not in codes(check_plain_language(text)), text


def test_refusal_grounded_only_in_law_is_blocked():
    """R-2.8: a refusal whose grounds are only a reference to a legal act is blocked with
    an explanation of what to write instead."""
    for text in (
        "Вам отказано на основании п. 3 ст. 11 Федерального закона № 59-ФЗ.",
        "Вам отказано, так как это предусмотрено ст. 5 Закона № 59-ФЗ.",
        ("В выплате отказано в соответствии с постановлением Правительства Ульяновской "
        "области от 01.02.2020 № 45-П."),
    ):
        findings = check_refusal(text)
        assert codes(findings) == [FindingCode.REFUSAL_LEGAL_ONLY], text
        assert findings[0].blocking and "своими словами" in findings[0].message


def test_refusal_without_any_grounds_is_blocked():
    """R-2.8: a refusal with no grounds at all is blocked too."""
    [finding] = check_refusal("Вам отказано.")
    assert finding.code == FindingCode.REFUSAL_NO_GROUNDS and finding.blocking


def test_refusal_explained_plainly_passes():
    """R-2.8: grounds in plain words (a reference may follow in brackets) pass."""
    for text in (
        ("Мы не можем назначить выплату, потому что ваш доход выше прожиточного минимума: "
        "18 000 рублей в месяц на человека (ст. 5 Закона Ульяновской области № 154-ЗО). "
        "Если доход изменится, подайте заявление снова."),
        "У вас пока нет пяти лет стажа, поэтому мы не можем назначить доплату.",
    ):
        assert check_refusal(text) == [], text
        assert not [f for f in check_plain_language(text, refusal=True) if f.blocking]


def test_abbreviations_explained_at_first_use():
    found = check_plain_language("Выписка из ЕГРН готова.")
    assert [f.fragment for f in found if f.code == FindingCode.ABBREVIATION] == ["ЕГРН"]
    ok = "Выписка из Единого государственного реестра недвижимости (ЕГРН) готова."
    assert FindingCode.ABBREVIATION not in codes(check_plain_language(ok))


def test_sentences_keep_abbreviations_together():
    text = "Согласно ст. 12 и п. 3, т.е. по закону, ответ готов. И.И. Иванов подписал его."
    assert [s.text for s in split_sentences(text)] == [
        "Согласно ст. 12 и п. 3, т.е. по закону, ответ готов.", "И.И. Иванов подписал его.",
    ]
