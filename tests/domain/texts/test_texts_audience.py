"""The plain-language checker fitted to the reader (R-2.8): a person, an organisation, a
person who needs simpler words; and stated reasons of notices (R-2.2)."""

from __future__ import annotations

from domain.texts import FindingCode, Severity, TextAudience, check_plain_language

PERSON, ORGANISATION, SIMPLE = (TextAudience.PERSON, TextAudience.ORGANISATION,
                                TextAudience.SIMPLE_WORDS)

REFUSAL = (
    "Мы не можем выдать разрешение на стройку, потому что участок лежит в охранной зоне "
    "газопровода. Это требование ст. 56 Земельного кодекса РФ. Выбрать другой участок "
    "можно в МФЦ."
)


def found(text, audience, **kw):
    return sorted((f.code, f.severity) for f in check_plain_language(text, audience=audience,
                                                                        **kw))


def test_same_refusal_three_readers_three_verdicts():
    """R-2.8: one refusal, checked for three segments. A person is advised to explain the
    bare article; an organisation may be given the article as it is; a reader who needs
    simpler words may not be refused with a legal reference at all, and reads no
    abbreviation."""
    assert found(REFUSAL, PERSON, refusal=True) == [
        (FindingCode.LEGAL_REFERENCE, Severity.ADVICE)]
    assert found(REFUSAL, ORGANISATION, refusal=True) == []
    assert found(REFUSAL, SIMPLE, refusal=True) == [
        (FindingCode.ABBREVIATION, Severity.ADVICE),
        (FindingCode.GROUNDS_LEGAL_REFERENCE, Severity.BLOCKING)]
    [block] = [f for f in check_plain_language(REFUSAL, refusal=True, audience=SIMPLE)
               if f.blocking]
    assert block.fragment == "ст. 56 Земельного кодекса РФ" and "своими словами" in block.message


def test_explained_reference_still_too_much_for_simpler_words():
    """R-2.8: a reference followed by its explanation passes for a person, but a reader who
    needs simpler words is advised to drop it."""
    text = ("По ст. 12 Закона № 59-ФЗ мы отвечаем за 30 дней. Это значит, что ответ придёт "
            "до 15 марта.")
    assert found(text, PERSON) == []
    assert found(text, SIMPLE) == [(FindingCode.LEGAL_REFERENCE, Severity.ADVICE)]


def test_organisation_gets_articles_but_not_a_bare_law():
    """R-2.8: an organisation may be referred to an article without explanation; a whole law
    without the article still gets advice to name it."""
    assert found("Срок ответа — 30 дней по ч. 1 ст. 12 Закона № 59-ФЗ.", ORGANISATION) == []
    [advice] = check_plain_language("Этот порядок описан в Законе № 59-ФЗ.",
                                    audience=ORGANISATION)
    assert advice.code == FindingCode.LEGAL_REFERENCE and "статью" in advice.message


def test_shorter_sentences_for_simpler_words():
    """R-2.8: a 20-word sentence is fine for a person (limit 25) but long for a reader who
    needs simpler words (limit 15)."""
    text = ("Мы получили ваше письмо о ремонте крыши и передали его в управляющую компанию, "
            "которая начнёт работу в начале мая.")
    assert found(text, PERSON) == [] and found(text, ORGANISATION) == []
    [long] = check_plain_language(text, audience=SIMPLE)
    assert long.code == FindingCode.LONG_SENTENCE and "15" in long.message


def test_refusal_grounded_only_in_law_blocks_every_reader():
    """R-2.8: a refusal whose only grounds are a legal act is blocked for every segment, with
    advice fitted to the reader (an organisation may keep the article)."""
    text = "Вам отказано на основании п. 3 ст. 11 Федерального закона № 59-ФЗ."
    for audience in TextAudience:
        blocks = [f for f in check_plain_language(text, refusal=True, audience=audience)
                  if f.blocking]
        assert [f.code for f in blocks] == [FindingCode.REFUSAL_LEGAL_ONLY], audience
    [org] = [f for f in check_plain_language(text, refusal=True, audience=ORGANISATION)
             if f.blocking]
    assert "Статью можно оставить" in org.message


def test_stated_reason_given_only_as_a_law_is_blocking():
    """R-2.2: the reason of a redirect or an extension, read by the citizen, is blocked when
    it is only a legal reference; a reason in plain words passes."""
    bare = "На основании ч. 3 ст. 8 Федерального закона № 59-ФЗ."
    [block] = [f for f in check_plain_language(bare, reason=True) if f.blocking]
    assert block.code == FindingCode.REASON_LEGAL_ONLY
    plain = "Ремонтом федеральной трассы занимается Росавтодор, а не Правительство области."
    assert not [f for f in check_plain_language(plain, reason=True) if f.blocking]
    assert not [f for f in check_plain_language(bare) if f.blocking]  # only as a reason
