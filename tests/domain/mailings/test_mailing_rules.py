"""Pure rules of mailings: sign-up addresses, sending hours, campaign steps, bounce reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError, ErrorCode
from domain.mailings import rules
from domain.mailings.models import CampaignStatus
from tests.domain.mailings.bounce_samples import ARF_COMPLAINT, DSN_DELAYED, DSN_HARD

ZONE = "Europe/Ulyanovsk"  # UTC+4


@pytest.mark.parametrize("address", [
    "postmaster@example.ru", "abuse@example.ru", "noreply@example.ru", "no-reply@example.ru",
    "MAILER-DAEMON@example.ru", "Postmaster+lists@example.ru", "root@example.ru"])
def test_role_addresses_are_refused(address):
    """R-6.3: consent is a person's; role mailboxes cannot give it."""
    with pytest.raises(DomainError) as exc:
        rules.signup_email(address)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID_EMAIL, "email")
    assert "служебный адрес" in exc.value.message


@pytest.mark.parametrize("address", ["", "no at sign", "a@b", "x@example..ru", "a\x00b@x.ru",
                                     "a" * 300 + "@example.ru"])
def test_malformed_addresses_are_refused(address):
    with pytest.raises(DomainError) as exc:
        rules.signup_email(address)
    assert exc.value.code in (ErrorCode.INVALID_EMAIL, ErrorCode.REQUIRED, ErrorCode.TOO_LONG,
                              ErrorCode.FORBIDDEN_CHARACTERS)


def test_personal_addresses_are_normalised():
    assert rules.signup_email(" Ivan.Petrov@Example.RU ") == "ivan.petrov@example.ru"
    assert rules.signup_email("postmaster.ivan@example.ru") == "postmaster.ivan@example.ru"


def test_sending_hours_are_local():
    # 05:30 UTC is 09:30 in Ulyanovsk (inside 9-21); 17:30 UTC is 21:30 (outside).
    assert rules.inside_sending_hours(datetime(2026, 12, 7, 5, 30, tzinfo=UTC), ZONE, 9, 21)
    assert not rules.inside_sending_hours(datetime(2026, 12, 7, 17, 30, tzinfo=UTC), ZONE, 9, 21)
    assert rules.inside_sending_hours(datetime(2026, 12, 7, 19, 59, tzinfo=UTC), ZONE, 0, 24)


def test_schedule_outside_hours_past_or_naive_is_refused():
    now = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)
    with pytest.raises(DomainError) as exc:
        rules.check_schedule(datetime(2026, 12, 7, 18, 0, tzinfo=UTC), now, ZONE, 9, 21)
    assert exc.value.code == ErrorCode.OUTSIDE_WORKING_HOURS
    with pytest.raises(DomainError) as exc:
        rules.check_schedule(now - timedelta(minutes=1), now, ZONE, 9, 21)
    assert exc.value.code == ErrorCode.INVALID
    with pytest.raises(DomainError):
        rules.check_schedule(datetime(2026, 12, 7, 10, 0), now, ZONE, 9, 21)
    rules.check_schedule(datetime(2026, 12, 7, 8, 0, tzinfo=UTC), now, ZONE, 9, 21)


@pytest.mark.parametrize("status", [CampaignStatus.SENDING, CampaignStatus.PAUSED,
                                    CampaignStatus.SENT, CampaignStatus.CANCELLED])
def test_only_drafts_and_scheduled_campaigns_are_editable(status):
    with pytest.raises(DomainError) as exc:
        rules.check_step(status, rules.EDITABLE, "изменить текст")
    assert exc.value.code == ErrorCode.INVALID_STATE
    assert rules.STATUS_RU[status] in exc.value.message


def test_a_hard_bounce_is_read_from_a_dsn():
    report = rules.read_bounce(DSN_HARD)
    assert report.hard == {"gone@example.ru"} and not report.complaints


def test_a_delayed_dsn_marks_nothing():
    """A temporary failure is the mail server's to retry: the address stays mailable."""
    report = rules.read_bounce(DSN_DELAYED)
    assert not report.hard and not report.complaints


def test_a_spam_complaint_is_read_from_an_arf_report():
    report = rules.read_bounce(ARF_COMPLAINT)
    assert report.complaints == {"angry@example.ru"} and not report.hard


def test_garbage_is_no_bounce():
    report = rules.read_bounce(b"\x00\xff not a message at all")
    assert not report.hard and not report.complaints


def test_progress_sums():
    p = rules.Progress(queued=3, sending=2, sent=10, failed=1, skipped=4)
    assert (p.remaining, p.total) == (5, 20)
