"""Pure rules of the messages area: lifecycle, deadlines, urgency. No database.

Deadline arithmetic takes a ``WorkCalendar`` (production calendar + office hours) and
the settings' terms, so every term is configuration (OKNO_MESSAGE_*), never a constant.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import DomainError, ErrorCode
from domain.messages.models import (
    AbuseStatus,
    AlertKind,
    Audience,
    DeadlineKind,
    InternalCategory,
    MessageStatus,
    RequestForm,
    UrgencyReasonCode,
)

if TYPE_CHECKING:
    from domain.calendar.work_calendar import WorkCalendar
    from domain.settings import Settings

S = MessageStatus
OPEN = frozenset({S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.IN_WORK})
CLOSED = frozenset({S.ANSWERED, S.REDIRECTED, S.CLOSED_ABUSIVE})

# action -> (states it is allowed from, state it leads to; None: the state stays)
TRANSITIONS: dict[str, tuple[frozenset[MessageStatus], MessageStatus | None]] = {
    "register": (frozenset({S.RECEIVED}), S.REGISTERED),
    "assign": (frozenset({S.REGISTERED, S.ASSIGNED, S.IN_WORK}), S.ASSIGNED),
    "start_work": (frozenset({S.ASSIGNED}), S.IN_WORK),
    "classify": (OPEN, None),
    "set_urgency": (OPEN, None),
    "decide_abuse": (OPEN, None),
    "clarify": (frozenset({S.IN_WORK}), None),
    "extend": (frozenset({S.REGISTERED, S.ASSIGNED, S.IN_WORK}), None),
    "draft_answer": (frozenset({S.ASSIGNED, S.IN_WORK}), None),
    "send_answer": (frozenset({S.IN_WORK}), S.ANSWERED),
    "answer_oral": (frozenset({S.REGISTERED, S.ASSIGNED, S.IN_WORK}), S.ANSWERED),
    "redirect": (frozenset({S.REGISTERED, S.ASSIGNED, S.IN_WORK}), S.REDIRECTED),
    "close_abusive": (OPEN, S.CLOSED_ABUSIVE),
}

STATUS_RU = {
    S.RECEIVED: "получено", S.REGISTERED: "зарегистрировано", S.ASSIGNED: "назначен исполнитель",
    S.IN_WORK: "в работе", S.ANSWERED: "дан ответ", S.REDIRECTED: "переадресовано",
    S.CLOSED_ABUSIVE: "закрыто: оскорбительное обращение",
}
ACTION_RU = {
    "register": "зарегистрировать", "assign": "назначить исполнителя",
    "start_work": "взять в работу", "classify": "указать сферу",
    "set_urgency": "решить о срочности",
    "decide_abuse": "решить об оскорблениях", "clarify": "уточнить у клиента",
    "extend": "продлить срок", "draft_answer": "подготовить ответ",
    "send_answer": "отправить ответ",
    "answer_oral": "записать устный ответ", "redirect": "переадресовать",
    "close_abusive": "закрыть как оскорбительное",
}


def next_status(status: MessageStatus, action: str) -> MessageStatus:
    """The state after ``action``; an illegal transition is a ``DomainError``."""
    allowed, target = TRANSITIONS[action]
    if status not in allowed:
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"Нельзя {ACTION_RU[action]}: обращение сейчас в состоянии «{STATUS_RU[status]}».",
            "messageId",
        )
    return target or status


# -- deadlines ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    date: dt.date  # in the government's zone
    at: dt.datetime  # the moment it runs out (aware, UTC)


def local_date(moment: dt.datetime, calendar: WorkCalendar) -> dt.date:
    return moment.astimezone(calendar.zone).date()


def end_of(day: dt.date, calendar: WorkCalendar) -> dt.datetime:
    """A date-based term runs out when that day's work ends (its closing time)."""
    closing = calendar.closing_time(day)
    if closing is None:  # a non-working day: the end of the calendar day
        closing = dt.datetime.combine(day, dt.time(23, 59, 59), calendar.zone)
    return closing.astimezone(dt.UTC)


def registration_due(received: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    return calendar.legal_due_date(received, settings.message_registration_days)


def answer_due(registered: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    return calendar.legal_due_date(registered, settings.message_answer_days)


def extended_due(due: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    return calendar.legal_due_date(due, settings.message_extension_days)


def redirect_due(registered: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    return calendar.legal_due_date(registered, settings.message_redirect_days)


def urgent_limit(received: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    """R-2.4: the latest an urgent message's deadline may be."""
    return calendar.add_working_days(received, settings.message_urgent_max_working_days)


def abuse_notice_due(received: dt.date, calendar: WorkCalendar, settings: Settings) -> dt.date:
    """R-2.5: the abuse notice is due within N working days of receipt."""
    return calendar.add_working_days(received, settings.message_abuse_notice_working_days)


def internal_written_due(
    received: dt.date, category: InternalCategory | None, calendar: WorkCalendar,
    settings: Settings,
) -> dt.date:
    """R-5.5: the term set for the request's category, in working days."""
    terms = settings.message_internal_terms
    days = terms.get(str(category)) if category else None
    if days is None:
        days = max(terms.values(), default=5)
    return calendar.add_working_days(received, days)


def check_urgent_due(
    due: dt.date, received: dt.date, today: dt.date, calendar: WorkCalendar, settings: Settings,
) -> None:
    """R-2.4: staff set the urgent deadline, at most N working days from receipt."""
    limit = urgent_limit(received, calendar, settings)
    if due > limit:
        raise DomainError(
            ErrorCode.DEADLINE_TOO_LATE,
            f"Срок ответа на срочное обращение — не позже {limit:%d.%m.%Y} "
            f"({settings.message_urgent_max_working_days} рабочих дней с даты поступления).",
            "urgentDueDate",
        )
    if due < today:
        raise DomainError(ErrorCode.INVALID, "Срок не может быть в прошлом.", "urgentDueDate")
    if not calendar.is_working_day(due):
        raise DomainError(ErrorCode.INVALID, "Срок должен приходиться на рабочий день.",
                          "urgentDueDate")


@dataclass(frozen=True, slots=True)
class DeadlineInputs:
    status: MessageStatus
    audience: Audience
    form: RequestForm
    abuse_status: AbuseStatus
    urgent: bool | None
    received_at: dt.datetime
    registration_due_date: dt.date | None
    answer_due_date: dt.date | None
    urgent_due_date: dt.date | None
    abuse_notice_due_date: dt.date | None
    internal_due_date: dt.date | None
    redirect_due_date: dt.date | None = None


# Until taken into work, the competence question is open: a message nobody has accepted
# must be redirected within the 59-FZ term (art. 8), so that term is watched.
REDIRECT_OPEN = frozenset({S.REGISTERED, S.ASSIGNED})
# Which term comes first when two run out at the same moment (the legal ones first).
_ORDER = {k: i for i, k in enumerate((
    DeadlineKind.REGISTRATION, DeadlineKind.ABUSE_NOTICE, DeadlineKind.REDIRECT,
    DeadlineKind.URGENT, DeadlineKind.INTERNAL_ORAL, DeadlineKind.INTERNAL_WRITTEN,
    DeadlineKind.ANSWER))}


def open_deadlines(m: DeadlineInputs, calendar: WorkCalendar) -> list[Deadline]:
    """Every term that runs now, nearest first (R-2.4, R-2.5, 59-FZ): none hides another.

    A suspected-abuse flag adds the abuse-notice term and hides nothing: the registration,
    urgent, redirect and answer terms run on while staff decide. Empty once closed."""
    if m.status in CLOSED:
        return []

    def on(kind: DeadlineKind, day: dt.date) -> Deadline:
        return Deadline(kind, day, end_of(day, calendar))

    out: list[Deadline] = []
    if m.abuse_status in (AbuseStatus.SUSPECTED, AbuseStatus.CONFIRMED) and m.abuse_notice_due_date:
        out.append(on(DeadlineKind.ABUSE_NOTICE, m.abuse_notice_due_date))
    if m.audience == Audience.INTERNAL:
        if m.form == RequestForm.ORAL:
            at = calendar.end_of_working_day(m.received_at)
            out.append(Deadline(DeadlineKind.INTERNAL_ORAL, local_date(at, calendar),
                                at.astimezone(dt.UTC)))
        elif m.internal_due_date:
            out.append(on(DeadlineKind.INTERNAL_WRITTEN, m.internal_due_date))
    else:
        if m.status == S.RECEIVED and m.registration_due_date:
            out.append(on(DeadlineKind.REGISTRATION, m.registration_due_date))
        if m.status in REDIRECT_OPEN and m.redirect_due_date:
            out.append(on(DeadlineKind.REDIRECT, m.redirect_due_date))
        if m.urgent and m.urgent_due_date:
            out.append(on(DeadlineKind.URGENT, m.urgent_due_date))
        if m.answer_due_date:
            out.append(on(DeadlineKind.ANSWER, m.answer_due_date))
    return sorted(out, key=lambda d: (d.at, _ORDER[d.kind]))


def active_deadline(m: DeadlineInputs, calendar: WorkCalendar) -> Deadline | None:
    """The nearest open term (``Message.deadline``); None once the message is closed."""
    terms = open_deadlines(m, calendar)
    return terms[0] if terms else None


def alert_due(deadline: Deadline, warn_at: dt.datetime, now: dt.datetime
              ) -> tuple[AlertKind | None, dt.datetime | None]:
    """Which alert a term is due for at ``now`` (None: nothing yet), and the next moment
    anything about it is due (None: nothing more). Past the deadline only the overdue
    alert is due; a warning that came too late is not sent."""
    if now >= deadline.at:
        return AlertKind.OVERDUE, None
    if now >= warn_at:
        return AlertKind.WARNING, deadline.at
    return None, warn_at


def warning_time(deadline: Deadline, calendar: WorkCalendar, settings: Settings) -> dt.datetime:
    """When to warn the executor: the start of the working day N working days before."""
    day = calendar.add_working_days(deadline.date, -settings.message_warn_working_days)
    intervals = calendar.working_intervals(day)
    start = intervals[0].start if intervals else dt.datetime.combine(day, dt.time(0), calendar.zone)
    return min(start.astimezone(dt.UTC), deadline.at)


def within_working_hours(moment: dt.datetime, calendar: WorkCalendar) -> bool:
    """R-2.7: clarifications happen in the Government's working time."""
    local = moment.astimezone(calendar.zone)
    return any(i.start <= local < i.end for i in calendar.working_intervals(local.date()))


def registration_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}-{year}-{sequence:06d}"


INTERNAL_PREFIX = "ВН"


# -- urgency (R-2.4) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reason:
    code: UrgencyReasonCode
    text: str  # Russian, shown to staff deciding
    weight: int

    def as_dict(self) -> dict:
        return {"code": str(self.code), "text": self.text, "weight": self.weight}


_TEXT_SIGNALS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (code, text, re.compile(pattern)) for code, text, pattern in (
        ("asks_urgent", "Клиент просит ответить срочно",
         r"срочн|неотложн|экстренн|немедленн|безотлагательн|как\s+можно\s+(?:скорее|быстрее)"),
        ("life_health", "Речь об угрозе жизни или здоровью",
         (r"угроз\w*\s+(?:жизни|здоровью)|умира|при\s+смерти|тяжело\s+бол|онколог|инсульт|"
          r"инфаркт|операци|(?:нет|без|закончил\w*)\s+лекарств|инсулин|реанимац")),
        ("utilities_outage", "Авария или отключение отопления, воды, света, газа",
         (r"(?:нет|без)\s+(?:отоплени|горячей\s+воды|холодной\s+воды|воды|света|газа|"
          r"электричеств)|отключили\s+(?:отоплени|воду|свет|газ|электричеств)|прорыв\w*\s+труб|"
          r"затопил|авари|обрушени|обрушил|замерза")),
        ("housing_loss", "Клиент может остаться без жилья",
         r"выселя|выселени|остал\w*\s+без\s+жиль|негде\s+жить|сгорел\w*\s+(?:дом|квартир)|пожар"),
        ("near_date", "В тексте назван близкий срок",
         (r"до\s+завтра|завтра\s+(?:суд|последний)|до\s+конца\s+(?:недели|дня)|"
          r"последний\s+день|срок\s+истека|истекает\s+срок|"
          r"через\s+(?:день|два\s+дня|три\s+дня|неделю)")),
        ("no_means", "Нет средств на еду или жизнь",
         r"нечем\s+(?:кормить|платить|жить)|нет\s+денег\s+на\s+(?:еду|жизнь|лекарств)|голода"),
    )
)

SEGMENT_RU = {
    "pensioner": "пенсионер", "large_family": "многодетная семья", "disabled": "инвалидность",
    "entrepreneur": "предприниматель", "veteran": "ветеран", "student": "студент",
    "low_income": "малоимущая семья", "svo_participant": "участник СВО или его семья",
}
LIFE_SITUATION_RU = {
    "birth_of_child": "рождение ребёнка", "job_loss": "потеря работы", "moving": "переезд",
    "retirement": "выход на пенсию", "illness": "болезнь", "loss_of_breadwinner":
    "потеря кормильца", "emergency": "чрезвычайная ситуация",
    "housing_problem": "жилищная проблема",
}
VULNERABLE_SEGMENTS = frozenset({"pensioner", "large_family", "disabled", "veteran",
                                 "low_income", "svo_participant"})
HARD_SITUATIONS = frozenset({"illness", "loss_of_breadwinner", "emergency", "housing_problem",
                             "job_loss", "birth_of_child"})
URGENT_THRESHOLD = 2


@dataclass(frozen=True, slots=True)
class UrgencySuggestion:
    urgent: bool
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        return sum(r.weight for r in self.reasons)


def suggest_urgency(
    text: str, segments: Iterable[str] = (), life_situations: Iterable[str] = (),
    repeated: int = 0,
) -> UrgencySuggestion:
    """R-2.4: a suggestion with its reasons, from the text, the client's profile (segments,
    life situation) and history (``repeated``: earlier appeals on the same subject).

    A strong sign in the text is enough on its own; the profile and history weigh in
    but do not make a message urgent alone unless they add up.
    """
    low = (text or "").lower().replace("ё", "е")
    reasons: list[Reason] = []
    for code, label, pattern in _TEXT_SIGNALS:
        if pattern.search(low):
            reasons.append(Reason(UrgencyReasonCode(code), label, 2))
    vulnerable = [s for s in segments if s in VULNERABLE_SEGMENTS]
    if vulnerable:
        names = ", ".join(SEGMENT_RU.get(s, s) for s in vulnerable)
        reasons.append(Reason(UrgencyReasonCode.PROFILE_SEGMENT, f"Группа клиента: {names}", 1))
    hard = [s for s in life_situations if s in HARD_SITUATIONS]
    if hard:
        names = ", ".join(LIFE_SITUATION_RU.get(s, s) for s in hard)
        reasons.append(Reason(UrgencyReasonCode.LIFE_SITUATION, f"Жизненная ситуация: {names}", 1))
    if repeated > 0:
        reasons.append(Reason(
            UrgencyReasonCode.REPEATED,
            f"Повторное обращение по тому же вопросу (раньше: {repeated})",
            1 if repeated == 1 else 2,
        ))
    score = sum(r.weight for r in reasons)
    return UrgencySuggestion(score >= URGENT_THRESHOLD, tuple(reasons))


# -- answers and channels ----------------------------------------------------------------


def legal_answer_channel(arrival, audience: Audience, reply_contact_kind=None):
    """59-FZ art. 10 p. 4: the answer goes the way the appeal came, to the address given in
    it. A paper letter: by post. An electronic appeal (email, the web form, the mobile app):
    electronically — by email when the appeal gave an email address (``reply_contact_kind``
    is the kind of the appeal's contact), else into the personal account of the site or app
    it came through. Other arrivals (messengers, the EDMS) and internal requests fix no
    channel: the client's own choice decides (R-2.9)."""
    from domain.clients.models import ContactKind
    from domain.enums import Channel

    if audience != Audience.EXTERNAL:
        return None
    if arrival in (Channel.POSTAL, Channel.EMAIL):
        return arrival
    if arrival in (Channel.WEB, Channel.MOBILE_APP):
        return Channel.EMAIL if reply_contact_kind == ContactKind.EMAIL else arrival
    return None


ABUSE_NOTICE_TEXT = (
    "Злоупотреблять правом на обращение недопустимо: обращение с оскорблениями, "
    "нецензурными словами или угрозами жизни и здоровью работников не рассматривают по существу."
)
