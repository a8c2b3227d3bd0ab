"""Pure rules of mailings: which addresses may sign up, when a campaign may be scheduled,
which states allow which step, and reading bounce reports (no database here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from zoneinfo import ZoneInfo

from flufl.bounce import all_failures

from domain.errors import DomainError, ErrorCode
from domain.mailings.models import CampaignStatus
from domain.validation import normalise_email

# Role mailboxes (RFC 2142 and the usual machine senders): nobody consents for them, and
# mailing them is how bulk senders get blocklisted.
ROLE_LOCAL_PARTS = frozenset({
    "abuse", "postmaster", "hostmaster", "webmaster", "noc", "security", "mailer-daemon",
    "noreply", "no-reply", "donotreply", "do-not-reply", "nobody", "root", "admin",
    "administrator", "info-request", "listserv", "majordomo", "bounce", "bounces",
})
ROLE_ADDRESS = ("На служебный адрес ({local}@…) подписаться нельзя. Укажите личный адрес "
                "электронной почты.")

# Campaign steps and the states they start from.
EDITABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})
STARTABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED})
PAUSABLE = frozenset({CampaignStatus.SENDING})
RESUMABLE = frozenset({CampaignStatus.PAUSED})
CANCELLABLE = frozenset({CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SENDING,
                         CampaignStatus.PAUSED})
STATUS_RU = {
    CampaignStatus.DRAFT: "черновик", CampaignStatus.SCHEDULED: "запланирована",
    CampaignStatus.SENDING: "отправляется", CampaignStatus.PAUSED: "приостановлена",
    CampaignStatus.SENT: "отправлена", CampaignStatus.CANCELLED: "отменена",
}


def signup_email(value: str, field: str = "email") -> str:
    """A normalised, personal address; role mailboxes are refused (INVALID_EMAIL)."""
    email = normalise_email(value, field)
    local = email.partition("@")[0]
    base = local.partition("+")[0]
    if local in ROLE_LOCAL_PARTS or base in ROLE_LOCAL_PARTS:
        raise DomainError(ErrorCode.INVALID_EMAIL, ROLE_ADDRESS.format(local=base), field)
    return email


def check_step(status: CampaignStatus, allowed: frozenset[CampaignStatus], doing: str) -> None:
    if status not in allowed:
        raise DomainError(
            ErrorCode.INVALID_STATE,
            f"Нельзя {doing}: рассылка {STATUS_RU[status]}.", "id")


def inside_sending_hours(at: datetime, zone: str, from_hour: int, to_hour: int) -> bool:
    """From ``from_hour`` inclusive to ``to_hour`` exclusive, local time (24: midnight)."""
    return from_hour <= at.astimezone(ZoneInfo(zone)).hour < to_hour


def check_schedule(at: datetime, now: datetime, zone: str, from_hour: int, to_hour: int) -> None:
    """A scheduled campaign starts in the future, inside the local sending hours."""
    if at.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, "Укажите время со смещением часового пояса.",
                          "scheduledAt")
    if at <= now:
        raise DomainError(ErrorCode.INVALID, "Время отправки уже прошло.", "scheduledAt")
    if at > now + timedelta(days=366):
        raise DomainError(ErrorCode.INVALID, "Запланировать можно не дальше чем на год.",
                          "scheduledAt")
    if not inside_sending_hours(at, zone, from_hour, to_hour):
        raise DomainError(
            ErrorCode.OUTSIDE_WORKING_HOURS,
            f"Рассылки отправляются только с {from_hour}:00 до {to_hour}:00 по местному "
            "времени.", "scheduledAt")


@dataclass(frozen=True, slots=True)
class Progress:
    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int

    @property
    def remaining(self) -> int:
        return self.queued + self.sending

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.skipped


@dataclass(frozen=True, slots=True)
class BounceReport:
    hard: frozenset[str]  # permanent failures: never mailed again
    complaints: frozenset[str]  # feedback reports (marked as spam): never mailed again


def _addresses(values: set[bytes] | set[str]) -> set[str]:
    found = set()
    for value in values:
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        text = text.strip().strip("<>").lower()
        if "@" in text and len(text) <= 254:
            found.add(text)
    return found


def _complained(msg: Message) -> set[str]:
    """An ARF feedback report (RFC 5965): the complained-about recipient is in the
    Original-Rcpt-To field of the report part, else the To of the returned message."""
    if msg.get_content_type() != "multipart/report" or \
            msg.get_param("report-type", "").lower() != "feedback-report":
        return set()
    found: set[str] = set()
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            body = part.get_payload()
            fields = body[0] if isinstance(body, list) and body else None
            text = fields.as_string() if fields is not None else str(body or "")
            for line in text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "original-rcpt-to":
                    found.add(value.strip().removeprefix("rfc822;").strip())
        elif part.get_content_type() in ("message/rfc822", "text/rfc822-headers") and not found:
            inner = part.get_payload()
            original = inner[0] if isinstance(inner, list) and inner else None
            if original is not None and original.get("To"):
                found.add(str(original["To"]).rpartition("<")[2].rstrip(">"))
    return _addresses(found)


def read_bounce(raw: bytes) -> BounceReport:
    """What a returned message says: flufl.bounce's detectors for DSNs in their many shapes
    (temporary failures are ignored: the mail server retries those), ARF for complaints."""
    msg = message_from_bytes(raw, policy=policy.compat32)
    complaints = _complained(msg)
    hard: set[str] = set()
    if not complaints:
        try:
            _temporary, permanent = all_failures(msg)
        except Exception:  # noqa: BLE001 (a detector choking on a malformed message: no bounce)
            permanent = frozenset()
        hard = _addresses(permanent)
    return BounceReport(frozenset(hard), frozenset(complaints))
