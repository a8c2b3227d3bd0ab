"""Every monitored rule as data: one entry per rule, so a new rule is one entry here.

An entry names its rule key, the requirement it proves, a Russian title for people, and the
SQL that lists its *items*: one row per thing the rule watches (a registration, an answer,
a notice), with when it started (the period filter), its deadline, when it was done
(NULL while open) and the dimensions it is grouped by. ``queries.py`` wraps every entry in
the same statements (figures, overdue and at-risk lists), so no rule has its own code.

A deadline is either a *date* in the government's zone (the 59-FZ and working-day terms,
stored as dates on ``message``: done on that date or before is on time) or a *moment*
(a timestamp: a reception-change notice must be sent before the old reception time).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RuleKey(StrEnum):
    REGISTRATION = "registration"
    ANSWER = "answer"
    URGENT = "urgent"
    ABUSE_NOTICE = "abuse_notice"
    REDIRECT = "redirect"
    RECEPTION_CHANGE_NOTICE = "reception_change_notice"
    SOCIAL_MENTION = "social_mention"
    SOCIAL_APPEAL = "social_appeal"
    CALLBACK = "callback"


class DueKind(StrEnum):
    DATE = "date"  # a local date: on time when done that day or before
    MOMENT = "moment"  # a UTC timestamp: on time when done at or before it


@dataclass(frozen=True)
class Rule:
    key: RuleKey
    requirement: str  # the rule ID in REQUIREMENTS.md (or the law it rests on)
    title: str  # plain Russian, shown in tables and the CSV
    due_kind: DueKind
    # FROM ...: the tables of the rule's items. Rules with the same source are counted in one
    # scan of it (``queries.figures``), so they must share the columns below but ``due``,
    # ``done`` and ``applies``.
    source: str
    applies: str  # the condition that makes a row one of the rule's items
    item_id: str
    reference: str  # what people call the item (a registration number)
    started: str  # the period filter and the period grouping
    due: str
    done: str
    channel: str = "NULL"
    sphere_id: str = "NULL"
    department_id: str = "NULL"
    executor: str = "NULL"
    message_id: str = "NULL"  # the message the item belongs to, if any
    booking_id: str = "NULL"  # the booking the item belongs to, if any
    # True of every open item (implied by ``done`` being NULL): added to the lists so a
    # partial index over open rows serves them (migration 0022).
    open_hint: str = "TRUE"

    def items_sql(self) -> str:
        """The rule's items, one row each, with the columns every statement reads."""
        return (
            f"SELECT '{self.key.value}' AS rule, {self.item_id} AS item_id, "
            f"{self.reference} AS reference, {self.started} AS started, {self.due} AS due, "
            f"{self.done} AS done, {self.channel} AS channel, {self.sphere_id} AS sphere_id, "
            f"{self.department_id} AS department_id, {self.executor} AS executor, "
            f"{self.message_id} AS message_id, {self.booking_id} AS booking_id "
            f"{self.source} WHERE {self.applies}"
        )


# Every message rule reads one scan of the message table.
_MESSAGE_SOURCE = "FROM message m"
# The answer on the merits is done when it was sent: sending it (or recording an oral one)
# sets the status to answered and ``closed_at`` to that same moment (messages/handling.py),
# so no join with message_answer is needed (a join made PostgreSQL hash the whole answer
# table for a month's figures).
_ANSWERED = "CASE WHEN m.status = 'answered' THEN m.closed_at END"
_MESSAGE = {"item_id": "m.id", "reference": "m.registration_number",
            "started": "m.received_at", "channel": "m.channel", "sphere_id": "m.sphere_id",
            "department_id": "m.department_id", "executor": "m.executor", "message_id": "m.id"}
_SOCIAL = {"item_id": "si.id", "reference": "si.url", "started": "si.received_at",
           "due": "si.due_at", "done": "si.answered_at", "channel": "'social'",
           "sphere_id": "si.sphere_id", "message_id": "si.message_id"}
# An item deleted at the source before anyone answered needs no answer.
_SOCIAL_LIVE = "(si.deleted_at IS NULL OR si.answered_at IS NOT NULL)"

RULES: dict[RuleKey, Rule] = {r.key: r for r in (
    Rule(RuleKey.REGISTRATION, "59-FZ art. 8 (R-2.1)", "Регистрация обращения за 3 дня",
         DueKind.DATE, _MESSAGE_SOURCE,
         "m.audience = 'external' AND m.registration_due_date IS NOT NULL",
         due="m.registration_due_date", done="m.registered_at", **_MESSAGE),
    # An appeal closed as abusive or redirected gets no answer on the merits: not counted.
    Rule(RuleKey.ANSWER, "59-FZ art. 12 (R-2.9)", "Ответ на обращение за 30 дней",
         DueKind.DATE, _MESSAGE_SOURCE,
         "m.audience = 'external' AND m.answer_due_date IS NOT NULL "
         "AND m.status NOT IN ('redirected', 'closed_abusive')",
         due="m.answer_due_date", done=_ANSWERED, open_hint="m.closed_at IS NULL",
         **_MESSAGE),
    Rule(RuleKey.URGENT, "R-2.4", "Ответ на срочное обращение (не более 5 рабочих дней)",
         DueKind.DATE, _MESSAGE_SOURCE,
         "m.urgent = TRUE AND m.urgent_due_date IS NOT NULL "
         "AND m.status NOT IN ('redirected', 'closed_abusive')",
         due="m.urgent_due_date", done=_ANSWERED, open_hint="m.closed_at IS NULL",
         **_MESSAGE),
    # Suspected abuse runs the notice term until staff decide: rejected, it is no rule's.
    Rule(RuleKey.ABUSE_NOTICE, "R-2.5",
         "Уведомление о недопустимости злоупотребления правом за 7 рабочих дней",
         DueKind.DATE, _MESSAGE_SOURCE,
         "m.abuse_status IN ('suspected', 'confirmed') AND m.abuse_notice_due_date IS NOT NULL",
         due="m.abuse_notice_due_date", done="m.abuse_notice_sent_at", **_MESSAGE),
    # The redirect term watches a message nobody has taken into work; once in work the
    # competence question is closed and the message is no longer this rule's item.
    Rule(RuleKey.REDIRECT, "59-FZ art. 8 (R-2.6)", "Переадресация по компетенции за 7 дней",
         DueKind.DATE, _MESSAGE_SOURCE,
         "m.redirect_due_date IS NOT NULL "
         "AND m.status IN ('registered', 'assigned', 'redirected')",
         due="m.redirect_due_date",
         done="CASE WHEN m.status = 'redirected' THEN m.closed_at END",
         open_hint="m.closed_at IS NULL", **_MESSAGE),
    # One notice per (change, booking), keyed in the outbox: done when its first copy went
    # out; due before the reception the client was booked for would have started.
    Rule(RuleKey.RECEPTION_CHANGE_NOTICE, "R-4.4",
         "Уведомление об изменении приёма до его начала", DueKind.MOMENT,
         "FROM reception_booking_change bc JOIN booking b ON b.id = bc.booking_id",
         "bc.old_starts_at IS NOT NULL",
         item_id="bc.id", reference="NULL", started="bc.created_at", due="bc.old_starts_at",
         done="(SELECT MIN(d.sent_at) FROM delivery d WHERE d.idempotency_key = "
              "'reception-change:' || bc.change_id || ':' || bc.booking_id)",
         sphere_id="b.sphere_id", booking_id="bc.booking_id"),
    # the limit is stored on the item (working hours on the calendar); a public answer
    # posted or a move to an individual channel both stamp ``answered_at``.
    Rule(RuleKey.SOCIAL_MENTION, "R-7.2", "Ответ на упоминание в соцсетях за 6 рабочих часов",
         DueKind.MOMENT, "FROM social_item si", f"si.kind = 'mention' AND {_SOCIAL_LIVE}",
         **_SOCIAL),
    Rule(RuleKey.SOCIAL_APPEAL, "R-7.2",
         "Ответ на обращение или комментарий в соцсетях за 5 рабочих часов", DueKind.MOMENT,
         "FROM social_item si",
         f"si.kind IN ('official_appeal', 'comment') AND {_SOCIAL_LIVE}", **_SOCIAL),
    # the caller agreed a window; the callback is due by the window's end. A cancelled
    # callback is no one's; a failed one stays overdue.
    Rule(RuleKey.CALLBACK, "R-3.8", "Обратный звонок в согласованное время", DueKind.MOMENT,
         "FROM callback cb", "cb.status <> 'cancelled' AND cb.due_until IS NOT NULL",
         item_id="cb.id", reference="cb.number", started="cb.created_at", due="cb.due_until",
         done="CASE WHEN cb.status = 'done' THEN cb.done_at END", channel="'phone'",
         executor="(SELECT sm.subject FROM staff_member sm WHERE sm.id = cb.assignee_id)"),
)}
