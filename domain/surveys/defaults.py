"""Version 1 of the default survey of each purpose (why not a migration: README.md)."""

from __future__ import annotations

from domain.surveys.models import QuestionKind as K
from domain.surveys.models import SurveyPurpose as P
from domain.surveys.rules import OptionDraft as O
from domain.surveys.rules import QuestionDraft as Q

_SATISFACTION = "Насколько вы довольны {}? 1 — совсем не доволен, 5 — полностью доволен."
_EFFORT = ("Насколько легко было решить ваш вопрос? 1 — очень трудно, 7 — очень легко.")
_NPS = ("Насколько вероятно, что вы посоветуете знакомым обращаться к нам? "
        "0 — точно не посоветую, 10 — обязательно посоветую.")
_COMMENT = "Что нам сделать лучше? Напишите, если хотите."
_YES_PARTLY_NO = [O("Да", "yes"), O("Частично", "partly"), O("Нет", "no")]

DEFAULTS: dict[P, tuple[str, str, list[Q]]] = {
    P.WRITTEN_ANSWER: (
        "Оценка ответа на обращение",
        ("Вы получили ответ на своё обращение. Ответьте на несколько вопросов — это займёт "
        "меньше минуты и поможет нам работать лучше."),
        [
            Q(K.RATING_1_5, _SATISFACTION.format("ответом"), True, "satisfaction"),
            Q(K.SINGLE_CHOICE, "Был ли ответ понятен без чтения законов и других документов?",
              False, "clarity", _YES_PARTLY_NO),
            Q(K.EFFORT, _EFFORT, False, "effort"),
            Q(K.NPS_0_10, _NPS, False, "nps"),
            Q(K.FREE_TEXT, _COMMENT, False, "comment", max_length=2000),
        ],
    ),
    P.RECEPTION: (
        "Оценка личного приёма",
        "Спасибо, что пришли на приём. Оцените, пожалуйста, как он прошёл.",
        [
            Q(K.RATING_1_5, _SATISFACTION.format("приёмом"), True, "satisfaction"),
            Q(K.MULTIPLE_CHOICE, "Что было хорошо?", False, "liked", [
                O("Приняли вовремя", "on_time"),
                O("Вежливо общались", "polite"),
                O("Понятно объяснили", "clear"),
                O("Удобно добраться и войти в здание", "accessible"),
            ]),
            Q(K.EFFORT, _EFFORT, False, "effort"),
            Q(K.NPS_0_10, _NPS, False, "nps"),
            Q(K.FREE_TEXT, _COMMENT, False, "comment", max_length=2000),
        ],
    ),
    P.CALL: (
        "Оценка консультации по телефону",
        "Вы звонили на линию консультирования. Оцените, пожалуйста, разговор.",
        [
            Q(K.RATING_1_5, _SATISFACTION.format("консультацией"), True, "satisfaction"),
            Q(K.SINGLE_CHOICE, "Получили ли вы ответ на свой вопрос?", False, "answered",
              _YES_PARTLY_NO),
            Q(K.EFFORT, _EFFORT, False, "effort"),
            Q(K.FREE_TEXT, _COMMENT, False, "comment", max_length=2000),
        ],
    ),
    P.INTERNAL_REQUEST: (
        "Оценка выполнения внутреннего запроса",
        "Ваш запрос выполнен. Оцените, пожалуйста, работу коллег.",
        [
            Q(K.RATING_1_5, _SATISFACTION.format("результатом"), True, "satisfaction"),
            Q(K.EFFORT, _EFFORT, False, "effort"),
            Q(K.FREE_TEXT, _COMMENT, False, "comment", max_length=2000),
        ],
    ),
}
