"""Pure message rules: lifecycle, deadlines on the real 2026 calendar, urgency."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.calendar.work_calendar import WorkCalendar
from domain.errors import DomainError, ErrorCode
from domain.messages import rules
from domain.messages.models import (
    AbuseStatus,
    Audience,
    DeadlineKind,
    InternalCategory,
    MessageStatus,
    RequestForm,
)
from domain.settings import Settings
from tests.domain.messages.messages_world import local

S = MessageStatus
CAL = WorkCalendar.default(Settings(_env_file=None))
SETTINGS = Settings(_env_file=None)


def test_lifecycle_happy_path():
    """The lifecycle: received → registered → assigned → in work → answered."""
    status = S.RECEIVED
    for action, expected in (("register", S.REGISTERED), ("assign", S.ASSIGNED),
                             ("start_work", S.IN_WORK), ("clarify", S.IN_WORK),
                             ("send_answer", S.ANSWERED)):
        status = rules.next_status(status, action)
        assert status == expected


@pytest.mark.parametrize(("status", "action"), [
    (S.RECEIVED, "assign"), (S.RECEIVED, "send_answer"), (S.REGISTERED, "start_work"),
    (S.ASSIGNED, "clarify"), (S.ANSWERED, "redirect"), (S.REDIRECTED, "send_answer"),
    (S.CLOSED_ABUSIVE, "register"), (S.ANSWERED, "extend"), (S.RECEIVED, "redirect"),
])
def test_illegal_transitions_are_user_errors(status, action):
    """Illegal transitions are refused with a Russian explanation, not a crash."""
    with pytest.raises(DomainError) as caught:
        rules.next_status(status, action)
    assert caught.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert "Нельзя" in caught.value.message


def test_legal_terms_on_the_production_calendar():
    """59-FZ terms from configuration: registration 3 days, answer 30 days from
    registration, redirect 7 days; a due date on a day off moves to the next working day."""
    assert rules.registration_due(dt.date(2026, 11, 1), CAL, SETTINGS) == dt.date(2026, 11, 5)
    # 30 days after 2026-12-02 is 2027-01-01: the New Year break, so 2027-01-11.
    assert rules.answer_due(dt.date(2026, 12, 2), CAL, SETTINGS) == dt.date(2027, 1, 11)
    assert rules.redirect_due(dt.date(2026, 10, 28), CAL, SETTINGS) == dt.date(2026, 11, 5)
    custom = Settings(_env_file=None, message_answer_days=15)
    assert rules.answer_due(dt.date(2026, 12, 2), CAL, custom) == dt.date(2026, 12, 17)


def test_urgent_limit_is_five_working_days():
    """R-2.4: an urgent deadline is at most 5 working days from receipt (4 November is a
    holiday in 2026, so a Monday's limit is the next Tuesday)."""
    assert rules.urgent_limit(dt.date(2026, 11, 2), CAL, SETTINGS) == dt.date(2026, 11, 10)
    rules.check_urgent_due(dt.date(2026, 11, 10), dt.date(2026, 11, 2), dt.date(2026, 11, 2),
                           CAL, SETTINGS)
    with pytest.raises(DomainError) as caught:
        rules.check_urgent_due(dt.date(2026, 11, 11), dt.date(2026, 11, 2),
                               dt.date(2026, 11, 2), CAL, SETTINGS)
    assert caught.value.code == ErrorCode.DEADLINE_TOO_LATE
    assert caught.value.field == "urgentDueDate"
    with pytest.raises(DomainError) as caught:  # a day off is no deadline
        rules.check_urgent_due(dt.date(2026, 11, 4), dt.date(2026, 11, 2), dt.date(2026, 11, 2),
                               CAL, SETTINGS)
    assert (caught.value.code, caught.value.field) == (ErrorCode.INVALID, "urgentDueDate")


def test_abuse_notice_due_in_seven_working_days():
    """R-2.5: the abuse notice is due 7 working days after receipt."""
    assert rules.abuse_notice_due(dt.date(2026, 11, 2), CAL, SETTINGS) == dt.date(2026, 11, 12)


def test_internal_terms_per_category():
    """R-5.5: internal written requests get their category's term (configuration)."""
    received = dt.date(2026, 11, 2)
    assert rules.internal_written_due(received, InternalCategory.IT, CAL, SETTINGS) == \
        dt.date(2026, 11, 5)
    assert rules.internal_written_due(received, InternalCategory.ACCOUNTING, CAL, SETTINGS) == \
        dt.date(2026, 11, 10)
    other = Settings(_env_file=None, message_internal_terms={"it": 1})
    assert rules.internal_written_due(received, InternalCategory.IT, CAL, other) == \
        dt.date(2026, 11, 3)


def _inputs(**changes):
    base = {"status": S.REGISTERED, "audience": Audience.EXTERNAL, "form": RequestForm.WRITTEN,
                "abuse_status": AbuseStatus.NONE, "urgent": None,
                "received_at": local(2026, 11, 2, 10),
                "registration_due_date": dt.date(2026, 11, 5),
                "answer_due_date": dt.date(2026, 12, 2),
                "urgent_due_date": None, "abuse_notice_due_date": None, "internal_due_date": None}
    base.update(changes)
    return rules.DeadlineInputs(**base)


def test_active_deadline_follows_the_state():
    """``Message.deadline`` is the nearest open term, by the message's state."""
    d = rules.active_deadline(_inputs(status=S.RECEIVED), CAL)
    assert (d.kind, d.date) == (DeadlineKind.REGISTRATION, dt.date(2026, 11, 5))
    d = rules.active_deadline(_inputs(), CAL)
    assert (d.kind, d.date) == (DeadlineKind.ANSWER, dt.date(2026, 12, 2))
    assert d.at == local(2026, 12, 2, 18)  # the end of that working day
    d = rules.active_deadline(_inputs(urgent=True, urgent_due_date=dt.date(2026, 11, 6)), CAL)
    assert (d.kind, d.at) == (DeadlineKind.URGENT, local(2026, 11, 6, 16, 45))  # Friday
    d = rules.active_deadline(_inputs(abuse_status=AbuseStatus.SUSPECTED,
                                      abuse_notice_due_date=dt.date(2026, 11, 12)), CAL)
    assert d.kind == DeadlineKind.ABUSE_NOTICE
    assert rules.active_deadline(_inputs(status=S.ANSWERED), CAL) is None


def test_suspected_abuse_hides_no_legal_term():
    """R-2.4, R-2.5, 59-FZ (3 days to register): a message received on Monday 2 November 2026
    and flagged SUSPECTED runs its registration term (5 November) beside the abuse notice
    (7 working days: 12 November), and an urgent term beside both; all are open at once."""
    suspected = _inputs(status=S.RECEIVED, abuse_status=AbuseStatus.SUSPECTED,
                        answer_due_date=None, abuse_notice_due_date=dt.date(2026, 11, 12))
    terms = rules.open_deadlines(suspected, CAL)
    assert [(d.kind, d.date) for d in terms] == [
        (DeadlineKind.REGISTRATION, dt.date(2026, 11, 5)),
        (DeadlineKind.ABUSE_NOTICE, dt.date(2026, 11, 12))]
    assert rules.active_deadline(suspected, CAL).kind == DeadlineKind.REGISTRATION
    urgent = _inputs(status=S.RECEIVED, abuse_status=AbuseStatus.SUSPECTED, urgent=True,
                     urgent_due_date=dt.date(2026, 11, 9), answer_due_date=None,
                     abuse_notice_due_date=dt.date(2026, 11, 12))
    assert [d.kind for d in rules.open_deadlines(urgent, CAL)] == [
        DeadlineKind.REGISTRATION, DeadlineKind.URGENT, DeadlineKind.ABUSE_NOTICE]
    # Registered and in work, the flag still standing: urgent, abuse notice and answer run.
    working = _inputs(status=S.IN_WORK, abuse_status=AbuseStatus.SUSPECTED, urgent=True,
                      urgent_due_date=dt.date(2026, 11, 9),
                      abuse_notice_due_date=dt.date(2026, 11, 12))
    assert [d.kind for d in rules.open_deadlines(working, CAL)] == [
        DeadlineKind.URGENT, DeadlineKind.ABUSE_NOTICE, DeadlineKind.ANSWER]
    assert rules.open_deadlines(_inputs(status=S.CLOSED_ABUSIVE), CAL) == []


def test_redirect_term_runs_until_taken_into_work():
    """59-FZ art. 8: 7 days from registration to redirect to the competent body. Registered
    or assigned, the term runs beside the answer term; once in work (the Government
    answers it) or redirected, it is no longer watched."""
    registered = _inputs(redirect_due_date=dt.date(2026, 11, 9))
    assert [(d.kind, d.date) for d in rules.open_deadlines(registered, CAL)] == [
        (DeadlineKind.REDIRECT, dt.date(2026, 11, 9)), (DeadlineKind.ANSWER, dt.date(2026, 12, 2))]
    assigned = _inputs(status=S.ASSIGNED, redirect_due_date=dt.date(2026, 11, 9))
    assert rules.active_deadline(assigned, CAL).kind == DeadlineKind.REDIRECT
    for status in (S.IN_WORK, S.REDIRECTED, S.ANSWERED):
        kinds = [d.kind for d in rules.open_deadlines(
            _inputs(status=status, redirect_due_date=dt.date(2026, 11, 9)), CAL)]
        assert DeadlineKind.REDIRECT not in kinds


def test_two_terms_due_at_one_moment_both_open():
    """R-2.4, 59-FZ: an urgent term set on the registration day is a second term, not lost."""
    same = _inputs(status=S.RECEIVED, urgent=True, urgent_due_date=dt.date(2026, 11, 5),
                   answer_due_date=None)
    terms = rules.open_deadlines(same, CAL)
    assert [d.kind for d in terms] == [DeadlineKind.REGISTRATION, DeadlineKind.URGENT]
    assert terms[0].at == terms[1].at


def test_alert_due_per_term():
    """Warning from the warning moment, overdue from the deadline; a late warning is skipped."""
    d = rules.Deadline(DeadlineKind.REGISTRATION, dt.date(2026, 11, 5), local(2026, 11, 5, 18))
    warn = rules.warning_time(d, CAL, SETTINGS)
    assert warn == local(2026, 11, 3, 9)  # 4 November is a holiday
    assert rules.alert_due(d, warn, local(2026, 11, 3, 8)) == (None, warn)
    assert rules.alert_due(d, warn, local(2026, 11, 3, 9)) == ("warning", d.at)
    assert rules.alert_due(d, warn, local(2026, 11, 5, 18)) == ("overdue", None)


def test_internal_oral_request_due_by_end_of_working_day():
    """R-5.3: an oral request taken at 10:00 is due at the day's closing time; one taken
    after closing, by the end of the next working day."""
    oral = _inputs(audience=Audience.INTERNAL, form=RequestForm.ORAL,
                   received_at=local(2026, 11, 3, 10))
    d = rules.active_deadline(oral, CAL)
    assert d.kind == DeadlineKind.INTERNAL_ORAL
    assert d.at == local(2026, 11, 3, 17)  # 3 November: the day before a holiday, 1 h shorter
    late = _inputs(audience=Audience.INTERNAL, form=RequestForm.ORAL,
                   received_at=local(2026, 11, 3, 19))
    assert rules.active_deadline(late, CAL).at == local(2026, 11, 5, 18)


def test_warning_one_working_day_before():
    """The executor is warned at the start of the working day before the deadline."""
    deadline = rules.Deadline(DeadlineKind.ANSWER, dt.date(2026, 11, 5),
                              local(2026, 11, 5, 18))
    assert rules.warning_time(deadline, CAL, SETTINGS) == local(2026, 11, 3, 9)


def test_working_hours_for_clarification():
    """R-2.7: clarification only inside working intervals (not at lunch, nights, holidays)."""
    assert rules.within_working_hours(local(2026, 11, 2, 10, 30), CAL)
    assert not rules.within_working_hours(local(2026, 11, 2, 13, 20), CAL)  # lunch
    assert not rules.within_working_hours(local(2026, 11, 2, 20), CAL)
    assert not rules.within_working_hours(local(2026, 11, 4, 11), CAL)  # holiday


def test_urgency_suggestion_with_reasons():
    """R-2.4: the suggestion names its reasons: text, profile, life situation, history."""
    plain = rules.suggest_urgency("Прошу сообщить график работы библиотеки.")
    assert not plain.urgent and plain.reasons == ()
    heat = rules.suggest_urgency("Третий день нет отопления, в квартире маленький ребёнок.")
    assert heat.urgent and [r.code for r in heat.reasons] == ["utilities_outage"]
    profile = rules.suggest_urgency("Прошу помочь с оформлением субсидии.",
                                    segments=["disabled"], life_situations=["illness"])
    assert profile.urgent
    assert {r.code for r in profile.reasons} == {"profile_segment", "life_situation"}
    assert "инвалидность" in profile.reasons[0].text
    once = rules.suggest_urgency("Прошу помочь с оформлением субсидии.", repeated=1)
    assert not once.urgent
    twice = rules.suggest_urgency("Прошу помочь с оформлением субсидии.", repeated=2)
    assert twice.urgent and twice.reasons[0].code == "repeated"
    entrepreneur = rules.suggest_urgency("Вопрос по аренде.", segments=["entrepreneur"])
    assert not entrepreneur.urgent and entrepreneur.reasons == ()


@pytest.mark.parametrize(("arrival", "contact_kind", "expected"), [
    ("email", "email", "email"),
    ("email", None, "email"),
    ("postal", "postal", "postal"),
    ("postal", None, "postal"),
    # Electronic appeals are answered electronically: to the email given in the appeal ...
    ("web", "email", "email"),
    ("mobile_app", "email", "email"),
    # ... or, when it gave none, into the personal account it came through.
    ("web", None, "web"),
    ("web", "phone", "web"),
    ("mobile_app", None, "mobile_app"),
    ("messenger", "messenger", None),
    ("edms", None, None),
])
def test_legal_answer_channel(arrival, contact_kind, expected):
    """59-FZ art. 10 p. 4, R-2.9: an electronic appeal (email, web form, mobile app) is
    answered electronically to the address given in it, a letter by post; other arrivals and
    internal requests by the client's choice."""
    from domain.clients.models import ContactKind
    from domain.enums import Channel

    kind = ContactKind(contact_kind) if contact_kind else None
    got = rules.legal_answer_channel(Channel(arrival), Audience.EXTERNAL, kind)
    assert got == (Channel(expected) if expected else None)
    assert rules.legal_answer_channel(Channel(arrival), Audience.INTERNAL, kind) is None
