"""Keyword classification by sphere (R-2.3) over the seeded dictionaries."""

from __future__ import annotations

import pytest

from domain.directory.defaults import SPHERES
from domain.texts import Term, classify, stem

DICTIONARIES = {s.code: list(s.keywords) for s in SPHERES}


@pytest.mark.parametrize(("text", "sphere"), [
    ("В нашем доме уже неделю нет отопления, управляющая компания не отвечает.", "housing"),
    ("Мою дочь не берут в детский сад, очередь не движется.", "education"),
    ("В поликлинике нет записи к врачу на месяц вперёд.", "health"),
    ("На дороге огромные ямы, автобус по маршруту 12 не ходит.", "transport"),
    ("Прошу назначить единовременную выплату многодетной семье.", "social"),
    ("Фермерское хозяйство не получило субсидию на посевную, зерно не продать.", "agriculture"),
    ("За посёлком растёт свалка, запах на всю улицу.", "ecology"),
    ("Не работает портал Госуслуг, не могу войти в личный кабинет.", "digital"),
])
def test_best_sphere(text, sphere):
    """R-2.3: the suggestion's best sphere is the one the appeal is about."""
    result = classify(text, DICTIONARIES)
    assert result and result[0].sphere == sphere, result
    assert 0 < result[0].confidence <= 1


def test_inflected_forms_match_by_stem():
    """R-2.3: «детский сад» is found in «в детском саду», «отопление» in «отопления»."""
    result = classify("В детском саду холодно", {"education": ["детский сад"]})
    assert result[0].matched == ("детский сад",)
    assert stem("отопления") == stem("отопление")


def test_abbreviations_match_whole_words_only():
    assert classify("Проблемы ЖКХ", {"housing": ["ЖКХ"]})
    assert not classify("ЖКХА", {"housing": ["ЖКХ"]})


def test_more_evidence_more_confidence_and_weights():
    one = classify("отопление", {"housing": ["отопление", "батарея"]})[0]
    two = classify("отопление и батарея", {"housing": ["отопление", "батарея"]})[0]
    assert two.confidence > one.confidence
    weighted = classify("отопление", {"housing": [Term("отопление", 3.0)]})[0]
    assert weighted.confidence > one.confidence


def test_nothing_matches():
    assert classify("Здравствуйте.", DICTIONARIES) == []
    assert classify("", DICTIONARIES) == []
