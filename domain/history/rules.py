"""Pure rules of the history area (R-1.5): retention periods and the export's wording."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from domain.history.kinds import EventKind, RecordType, RetentionAction

# What an anonymised event says instead of its summary.
ANONYMISED_SUMMARY = "Сведения удалены по истечении срока хранения"

RETENTION_ACTIONS = tuple(str(a) for a in RetentionAction)


def years_before(moment: datetime, years: int) -> datetime:
    """The same calendar moment ``years`` earlier; 29 February falls back to the 28th."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def archive_cutoff(now: datetime, years: int, zone: str) -> datetime:
    """The archive's clock (R-1.5): a period runs from 1 January of the year after the case
    was closed, so a case has expired at ``now`` when it was closed before 1 January of
    (this local year − ``years``). Closed 15 Mar 2020, 5 years: kept through 31 Dec 2025,
    expired from 1 Jan 2026 (the period counted from 1 Jan 2021). In UTC, for comparisons.
    """
    tz = ZoneInfo(zone)
    year = now.astimezone(tz).year - years
    return datetime(max(year, 1), 1, 1, tzinfo=tz).astimezone(UTC)


def retention_cutoffs(
    now: datetime, per_kind: Mapping[str, int], default_years: int, kinds: Iterable[str],
    zone: str = "UTC",
) -> dict[str, datetime]:
    """For every kind of event outside a case, the moment before which its events have
    expired, on the archive's clock (each such event is a record closed when it occurred).

    A kind without its own period uses the default (the archive list: 5 years for
    appeals and their materials). A period of 0 or less means "keep for ever"; such
    kinds are left out, so the sweep never touches them.
    """
    result: dict[str, datetime] = {}
    for kind in dict.fromkeys([*kinds, *per_kind]):
        years = per_kind.get(kind, default_years)
        if years > 0:
            result[kind] = archive_cutoff(now, years, zone)
    return result


def retention_periods(configured: Mapping[str, int], default_years: int) -> dict[str, int]:
    """Years per record type of the archive list; a type not configured uses the default.
    An unknown type is refused: a typo must not leave a record type swept by the default
    while its intended period is ignored."""
    known = {str(t) for t in RecordType}
    unknown = sorted(set(configured) - known)
    if unknown:
        raise ValueError(f"retention_periods: unknown record types {unknown}, "
                         f"known {sorted(known)}")
    return {t: configured.get(t, default_years) for t in known}


def retention_action(value: str) -> str:
    """Settings typos must not silently delete: anything unknown is refused."""
    if value not in RETENTION_ACTIONS:
        raise ValueError(f"retention_action must be one of {RETENTION_ACTIONS}, not {value!r}")
    return value


KIND_LABELS = {
    EventKind.CLIENT_CREATED: "Создана карточка клиента",
    EventKind.CLIENT_UPDATED: "Изменены сведения о клиенте",
    EventKind.CONTACT_ADDED: "Добавлен способ связи",
    EventKind.CONTACT_VERIFIED: "Подтверждён способ связи",
    EventKind.CONTACT_REMOVED: "Удалён способ связи",
    EventKind.PREFERENCE_SET: "Выбран способ связи",
    EventKind.PROFILE_CHANGED: "Изменён профиль",
    EventKind.REPRESENTATIVE_ADDED: "Добавлен представитель",
    EventKind.REPRESENTATIVE_REMOVED: "Удалён представитель",
    EventKind.HISTORY_EXPORT_REQUESTED: "Запрошена выгрузка истории",
    EventKind.HISTORY_EXPORT_READY: "Выгрузка истории готова",
    EventKind.MESSAGE_RECEIVED: "Получено обращение",
    EventKind.MESSAGE_ANSWERED: "Дан ответ на обращение",
    EventKind.NOTICE_SENT: "Отправлено уведомление",
    EventKind.CALL: "Телефонный звонок",
    EventKind.RECEPTION: "Личный приём",
    EventKind.DELIVERY: "Отправка сообщения",
    EventKind.SURVEY: "Опрос",
    EventKind.SOCIAL_ITEM: "Запись в социальной сети",
    EventKind.SOCIAL_ANSWER: "Ответ в социальной сети",
}

CHANNEL_LABELS = {
    "email": "электронная почта",
    "sms": "SMS",
    "phone": "телефон",
    "postal": "почта",
    "messenger": "мессенджер",
    "web": "сайт",
    "mobile_app": "мобильное приложение",
    "in_person": "лично",
    "social": "социальные сети",
    "edms": "электронный документооборот",
}

DIRECTION_LABELS = {
    "inbound": "от вас",
    "outbound": "вам",
    "internal": "внутри Правительства",
}

ACTOR_LABELS = {
    "client": "вы",
    "employee": "вы",
    "operator": "сотрудник",
    "executor": "сотрудник",
    "supervisor": "сотрудник",
    "admin": "сотрудник",
    "system": "автоматически",
}


# The export's words for a case (a message and everything handled under it).
CASE_LABELS = {
    "appeal": "Обращение",
    "internal_request": "Служебный запрос",
}
CASE_STATUS_LABELS = {
    "received": "получено, ещё не зарегистрировано",
    "registered": "зарегистрировано",
    "assigned": "передано исполнителю",
    "in_work": "рассматривается",
    "answered": "дан ответ",
    "redirected": "направлено в орган, который решает такие вопросы",
    "closed_abusive": "закрыто без ответа по существу",
}
RECORD_LABELS = {
    "message": "Ваше обращение",
    "clarification": "Уточнение вопроса",
    "notice": "Письмо вам",
    "answer": "Ответ",
}
NOTICE_STATUS_LABELS = {
    "pending": "готовится к отправке",
    "sending": "отправляется",
    "sent": "отправлено",
    "failed": "не доставлено",
}


def case_label(record_type: str) -> str:
    return CASE_LABELS.get(record_type, "Обращение")


def case_status_label(status: str) -> str:
    return CASE_STATUS_LABELS.get(status, "—")


def record_label(kind: str) -> str:
    return RECORD_LABELS.get(kind, "Документ")


def notice_status_label(status: str | None) -> str:
    return NOTICE_STATUS_LABELS.get(status or "", "")


def kind_label(kind: str) -> str:
    """Plain-Russian heading of an event; kinds added later read as a generic event."""
    return KIND_LABELS.get(kind, "Событие")  # type: ignore[call-overload]


def channel_label(channel: str | None) -> str:
    return CHANNEL_LABELS.get(channel or "", "—")


def direction_label(direction: str | None) -> str:
    return DIRECTION_LABELS.get(direction or "", "—")


def actor_label(role: str | None) -> str:
    return ACTOR_LABELS.get(role or "", "—")


def local_time(moment: datetime, zone: str) -> str:
    """How a citizen reads a moment: the Government's local time, day first."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")


def local_year(moment: datetime, zone: str) -> int:
    return moment.astimezone(ZoneInfo(zone)).year


def events_count(n: int) -> str:
    """«1 событие», «3 события», «11 событий»: Russian plural forms."""
    if n % 10 == 1 and n % 100 != 11:
        word = "событие"
    elif n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        word = "события"
    else:
        word = "событий"
    return f"{n} {word}"


def export_file_name(client_day: date, suffix: str) -> str:
    return f"istoriya-{client_day.isoformat()}.{suffix}"
