"""Pure client rules (no database): channel preference matrix (R-1.4), kind fields (R-1.2)."""

from __future__ import annotations

from datetime import date

import pytest

from domain.clients import rules
from domain.clients.models import ClientKind, ContactKind
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode

# Written out by hand, not derived from rules.CONTACT_FOR_CHANNEL, so the table is checked.
NEEDS = {
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.SMS: ContactKind.PHONE,
    Channel.PHONE: ContactKind.PHONE,
    Channel.POSTAL: ContactKind.POSTAL,
    Channel.MESSENGER: ContactKind.MESSENGER,
    Channel.WEB: None,
    Channel.MOBILE_APP: None,
    Channel.IN_PERSON: None,
    Channel.SOCIAL: None,
    Channel.EDMS: None,
}
KINDS = [None, *ContactKind]


def test_every_channel_is_in_the_table():
    assert set(NEEDS) == set(Channel)


def _expected(channel: Channel, kind: ContactKind | None) -> ErrorCode | None:
    needed = NEEDS[channel]
    if needed is None:
        return None if kind is None else ErrorCode.CONTACT_KIND_MISMATCH
    if kind is None:
        return ErrorCode.CONTACT_REQUIRED
    return None if kind == needed else ErrorCode.CONTACT_KIND_MISMATCH


def _outcome(*args) -> tuple[ErrorCode | None, str | None]:
    try:
        rules.check_preference(*args)
    except DomainError as exc:
        return exc.code, exc.field
    return None, None


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("kind", KINDS)
def test_preferred_channel_by_contact_kind(channel, kind):
    """R-1.4: the preferred channel is reachable through a contact point of the kind it needs;
    web, app, visit, social and EDMS need none (and take none)."""
    code, field = _outcome(channel, kind, None, None)
    assert code == _expected(channel, kind)
    if code:
        assert field == "preferredContactId"


@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("kind", KINDS)
def test_additional_channel_by_contact_kind(channel, kind):
    """R-1.4: the optional extra channel obeys the same table, reported on its own field."""
    base = Channel.IN_PERSON if channel != Channel.IN_PERSON else Channel.WEB
    code, field = _outcome(base, None, channel, kind)
    assert code == _expected(channel, kind)
    if code:
        assert field == "additionalContactId"


@pytest.mark.parametrize("channel", list(Channel))
def test_same_channel_twice_refused(channel):
    """R-1.4: the additional channel is another channel than the preferred one."""
    kind = NEEDS[channel]
    code, field = _outcome(channel, kind, channel, kind)
    assert (code, field) == (ErrorCode.INVALID, "additionalChannel")


def test_additional_contact_without_channel_refused():
    code, field = _outcome(Channel.WEB, None, None, ContactKind.EMAIL)
    assert (code, field) == (ErrorCode.REQUIRED, "additionalChannel")


def test_preferred_checked_before_additional():
    code, field = _outcome(Channel.EMAIL, None, Channel.SMS, None)
    assert (code, field) == (ErrorCode.CONTACT_REQUIRED, "preferredContactId")


def test_valid_pair():
    rules.check_preference(Channel.EMAIL, ContactKind.EMAIL, Channel.POSTAL, ContactKind.POSTAL)


def test_preference_summary_is_russian():
    assert rules.preference_summary(Channel.EMAIL, Channel.POSTAL) == \
        "Выбран способ связи: электронная почта; дополнительный: почта"
    assert all(rules.CHANNEL_RU[c] for c in Channel)


# --- kind fields (R-1.2) ---------------------------------------------------------------------

def _codes(**kw) -> list[tuple[ErrorCode, str]]:
    base = {"kind": ClientKind.PERSON, "last_name": None, "first_name": None,
            "organisation_name": None,
                "inn": None, "ogrn": None, "department_id": None}
    base.update(kw)
    return [(e.code, e.field) for e in rules.check_client_fields(**base)]


def test_person_needs_a_name():
    assert _codes() == [(ErrorCode.REQUIRED, "lastName")]
    assert _codes(first_name="Иван") == []
    assert _codes(last_name="Иванов") == []


def test_organisation_needs_its_name_and_10_digit_inn_13_digit_ogrn():
    org = {"kind": ClientKind.ORGANISATION, "organisation_name": "ООО «Ромашка»"}
    assert _codes(kind=ClientKind.ORGANISATION, last_name="Иванов") == [
        (ErrorCode.REQUIRED, "organisationName")]
    assert _codes(**org, inn="7707083893", ogrn="1027700132195") == []
    assert _codes(**org, inn="500100732259", ogrn="304500116000157") == [
        (ErrorCode.INVALID_INN, "inn"), (ErrorCode.INVALID_OGRN, "ogrn")]


def test_person_has_12_digit_inn_and_15_digit_ogrnip():
    assert _codes(last_name="Иванов", inn="500100732259", ogrn="304500116000157") == []
    assert _codes(last_name="Иванов", inn="7707083893", ogrn="1027700132195") == [
        (ErrorCode.INVALID_INN, "inn"), (ErrorCode.INVALID_OGRN, "ogrn")]


def test_employee_needs_a_department():
    assert _codes(kind=ClientKind.EMPLOYEE, last_name="Петров") == [
        (ErrorCode.REQUIRED, "departmentId")]
    assert _codes(kind=ClientKind.EMPLOYEE, last_name="Петров", department_id="d") == []


@pytest.mark.parametrize("kind, parts, expected", [
    (ClientKind.PERSON, ("Семёнов", "Пётр", None, None), "Семёнов Пётр"),
    (ClientKind.ORGANISATION, (None, None, None, "ООО «Ромашка»"), "ООО «Ромашка»"),
    (ClientKind.EMPLOYEE, (None, "Анна", "Ивановна", None), "Анна Ивановна"),
])
def test_display_name(kind, parts, expected):
    assert rules.display_name(kind, *parts) == expected


def test_search_key_folds_case_yo_and_spaces():
    assert rules.search_key("  СЕМЁНОВ   Пётр ") == "семенов петр"


def test_authority_term():
    today = date(2026, 3, 10)
    rules.check_authority_term(None, today)
    rules.check_authority_term(today, today)
    with pytest.raises(DomainError) as exc:
        rules.check_authority_term(date(2026, 3, 9), today)
    assert (exc.value.code, exc.value.field) == (ErrorCode.INVALID, "validUntil")
