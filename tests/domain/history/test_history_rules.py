"""Pure rules of the history area: no database."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError, ErrorCode
from domain.history import links, rules
from domain.settings import Settings


def test_cutoffs_default_and_per_kind():
    """R-1.5: each kind keeps its configured years; others the default (5, the archive list),
    on the archive's clock: from 1 January of the year after the event."""
    now = datetime(2030, 6, 15, 12, 0, tzinfo=UTC)
    cut = rules.retention_cutoffs(now, {"call": 1, "survey": 0}, 5, ["message_received", "call",
                                                                     "survey"])
    assert cut["message_received"] == datetime(2025, 1, 1, tzinfo=UTC)
    assert cut["call"] == datetime(2029, 1, 1, tzinfo=UTC)
    assert "survey" not in cut  # 0 years: kept for ever


def test_archive_clock_in_the_governments_zone():
    """R-1.5: 1 January is the Government's local midnight (Ulyanovsk, UTC+4)."""
    now = datetime(2026, 1, 1, 0, 30, tzinfo=UTC)  # already 1 January there
    assert rules.archive_cutoff(now, 5, "Europe/Ulyanovsk") == datetime(2020, 12, 31, 20,
                                                                         tzinfo=UTC)


def test_unknown_record_type_in_the_archive_list_is_refused():
    """A typo must not leave a record type on the default while its period is ignored."""
    assert rules.retention_periods({"appeal": 10}, 5) == {
        "appeal": 10, "internal_request": 5, "correspondence": 5}
    with pytest.raises(ValueError):
        rules.retention_periods({"apeal": 10}, 5)


def test_cutoff_configured_kind_not_in_enum_still_applies():
    now = datetime(2030, 1, 1, tzinfo=UTC)
    assert "legacy_kind" in rules.retention_cutoffs(now, {"legacy_kind": 3}, 5, [])


def test_leap_day_falls_back_to_28th():
    assert rules.years_before(datetime(2028, 2, 29, tzinfo=UTC), 5) == datetime(2023, 2, 28,
                                                                                  tzinfo=UTC)


def test_unknown_retention_action_is_refused():
    """A typo in settings must never turn into silent deletion."""
    assert rules.retention_action("delete") == "delete"
    with pytest.raises(ValueError):
        rules.retention_action("purge")


@pytest.mark.parametrize("n, text", [(1, "1 событие"), (2, "2 события"), (5, "5 событий"),
                                     (11, "11 событий"), (21, "21 событие"), (104, "104 события"),
                                     (112, "112 событий"), (0, "0 событий")])
def test_russian_plural(n, text):
    assert rules.events_count(n) == text


def test_labels_fall_back_for_unknown_values():
    assert rules.kind_label("message_received") == "Получено обращение"
    assert rules.kind_label("something_new") == "Событие"
    assert rules.channel_label(None) == "—"
    assert rules.local_time(datetime(2025, 1, 1, 0, 30, tzinfo=UTC), "Europe/Ulyanovsk") == \
        "01.01.2025 04:30"


SETTINGS = Settings(_env_file=None, link_secret="s" * 40, public_base_url="https://okno.example/")


def test_link_round_trip():
    expires = datetime.now(UTC) + timedelta(hours=1)
    url = links.download_url(SETTINGS, "abc", expires, "html")
    assert url.startswith("https://okno.example/exports/") and url.endswith(".html")
    token = url.removeprefix("https://okno.example/exports/").removesuffix(".html")
    assert links.verify(SETTINGS, token) == "abc"


def test_link_expired_forged_and_other_secret():
    past = datetime.now(UTC) - timedelta(seconds=5)
    with pytest.raises(DomainError) as err:
        links.verify(SETTINGS, links.sign(SETTINGS, "abc", past))
    assert err.value.code == ErrorCode.EXPIRED_TOKEN
    future = datetime.now(UTC) + timedelta(hours=1)
    other = Settings(_env_file=None, link_secret="x" * 40)
    for bad in (links.sign(other, "abc", future), "not.a.token", "",
                links.sign(SETTINGS, "abc", future)[:-2] + "xx"):
        with pytest.raises(DomainError) as err:
            links.verify(SETTINGS, bad)
        assert err.value.code == ErrorCode.INVALID_TOKEN


def test_link_of_another_purpose_is_refused():
    import jwt

    future = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
    for claims in ({"purpose": "unsubscribe", "sub": "abc", "exp": future},
                   {"sub": "abc", "exp": future},
                   {"purpose": links.PURPOSE, "sub": 5, "exp": future}):
        token = jwt.encode(claims, SETTINGS.link_secret, algorithm="HS256")
        with pytest.raises(DomainError) as err:
            links.verify(SETTINGS, token)
        assert err.value.code == ErrorCode.INVALID_TOKEN
