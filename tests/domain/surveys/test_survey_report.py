"""R-9 monitoring: the report's figures against values computed by hand, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.actor import Actor, Role
from domain.clients.models import Client, ClientKind
from domain.errors import DomainError, ErrorCode
from domain.surveys import comments, report, service
from domain.surveys.report import GroupBy, ReportFilter
from domain.surveys.rules import AnswerDraft as A
from tests.domain.surveys.conftest import at

SUPERVISOR = Actor(Role.SUPERVISOR, "boss")

# (purpose, channel, department index, executor, sphere, invited at (UTC), answers or None)
DATA = [
    ("written_answer", "email", 0, "ivanov", "health", "2025-01-10 08:00",
     [A("satisfaction", 5), A("nps", 10), A("effort", 6), A("comment", text="Спасибо!")]),
    ("written_answer", "email", 0, "ivanov", "health", "2025-01-20 08:00",
     [A("satisfaction", 4), A("nps", 9)]),
    ("written_answer", "postal", 1, "petrov", "transport", "2025-01-25 08:00",
     [A("satisfaction", 2), A("nps", 3), A("effort", 2), A("comment", text="Непонятно")]),
    ("reception", "in_person", 0, "petrov", "health", "2025-02-05 08:00",
     [A("satisfaction", 3), A("nps", 7)]),
    ("reception", "in_person", 1, "sidorov", None, "2025-02-10 08:00", None),
    ("call", "phone", None, None, None, "2025-02-15 08:00",
     [A("satisfaction", 1), A("effort", 1), A("comment", text="Долго ждал")]),
    # 21:00 UTC on Jan 31 is 01:00 on Feb 1 in Ulyanovsk (UTC+4): month 2025-02.
    ("internal_request", "web", 1, "it", "it", "2025-01-31 21:00", [A("satisfaction", 5)]),
    ("written_answer", "email", 0, "ivanov", "health", "2025-02-20 08:00", None),
    # Outside the period (March):
    ("written_answer", "email", 0, "ivanov", "health", "2025-03-05 08:00",
     [A("satisfaction", 1)]),
]


@pytest.fixture
async def seeded(settings, departments):
    person = await Client.create(kind=ClientKind.PERSON, last_name="Смирнова")
    employee = await Client.create(kind=ClientKind.EMPLOYEE, last_name="Орлова",
                                   department_id=departments[1].id)
    for n, (purpose, channel, dep, executor, sphere, when, answers) in enumerate(DATA):
        who = employee if purpose == "internal_request" else person
        inv = await service.invite(
            ("seed", n), who.id, purpose, channel=channel,
            department_id=departments[dep].id if dep is not None else None, executor=executor,
            sphere=sphere, settings=settings, now=at(when))
        if answers:
            await service.submit_response(inv.token, answers, settings=settings,
                                          now=at(when) + timedelta(days=2))
    return departments


def figures(f) -> tuple:
    return (f.invitations, f.responses, f.response_rate, f.rating_count, f.csat,
            f.average_rating, f.nps_count, f.nps, f.effort_count, f.average_effort)


JAN, FEB_END = date(2025, 1, 1), date(2025, 2, 28)


async def test_total_figures(settings, seeded):
    """R-9: response rate, CSAT (share of 4-5), average rating, NPS, effort by hand:
    8 invitations, 6 responses; ratings 5,4,2,3,1,5; NPS 10,9,3,7; effort 6,2,1."""
    result = await report.satisfaction_report(SUPERVISOR, JAN, FEB_END, [], settings=settings)
    assert figures(result.total) == (8, 6, 75.0, 6, 50.0, 3.33, 4, 25.0, 3, 3.0)
    assert (result.total.promoters, result.total.detractors) == (2, 1)
    assert result.groups == []


async def test_by_purpose(settings, seeded):
    """R-9: analysis by purpose (written answers, receptions, calls, internal requests)."""
    result = await report.satisfaction_report(SUPERVISOR, JAN, FEB_END, [GroupBy.PURPOSE],
                                              settings=settings)
    got = {row.key[GroupBy.PURPOSE]: figures(row.figures) for row in result.groups}
    assert got == {
        "written_answer": (4, 3, 75.0, 3, 66.67, 3.67, 3, 33.33, 2, 4.0),
        "reception": (2, 1, 50.0, 1, 0.0, 3.0, 1, 0.0, 0, None),
        "call": (1, 1, 100.0, 1, 0.0, 1.0, 0, None, 1, 1.0),
        "internal_request": (1, 1, 100.0, 1, 100.0, 5.0, 0, None, 0, None),
    }


async def test_by_month_in_government_zone(settings, seeded):
    """R-9: analysis by period; months are local (Europe/Ulyanovsk), not UTC."""
    result = await report.satisfaction_report(SUPERVISOR, JAN, FEB_END, [GroupBy.MONTH],
                                              settings=settings)
    got = {row.key[GroupBy.MONTH]: figures(row.figures) for row in result.groups}
    assert got == {
        "2025-01": (3, 3, 100.0, 3, 66.67, 3.67, 3, 33.33, 2, 4.0),
        "2025-02": (5, 3, 60.0, 3, 33.33, 3.0, 1, 0.0, 1, 1.0),
    }
    assert [row.key[GroupBy.MONTH] for row in result.groups] == ["2025-01", "2025-02"]


async def test_by_department_and_channel(settings, seeded):
    """R-9: analysis by department and channel, blanks (not recorded) listed last."""
    d1, d2 = (str(d.id) for d in seeded)
    result = await report.satisfaction_report(
        SUPERVISOR, JAN, FEB_END, [GroupBy.DEPARTMENT, GroupBy.CHANNEL], settings=settings)
    got = {(r.key[GroupBy.DEPARTMENT], r.key[GroupBy.CHANNEL]): (
        r.figures.invitations, r.figures.responses, r.figures.csat, r.figures.average_rating)
        for r in result.groups}
    assert got == {
        (d1, "email"): (3, 2, 100.0, 4.5),
        (d1, "in_person"): (1, 1, 0.0, 3.0),
        (d2, "postal"): (1, 1, 0.0, 2.0),
        (d2, "in_person"): (1, 0, None, None),
        (d2, "web"): (1, 1, 100.0, 5.0),
        (None, "phone"): (1, 1, 0.0, 1.0),
    }
    assert result.groups[-1].key[GroupBy.DEPARTMENT] is None


async def test_by_sphere_and_executor_with_filter(settings, seeded):
    flt = ReportFilter(purposes=["written_answer", "reception"])
    result = await report.satisfaction_report(
        SUPERVISOR, JAN, FEB_END, [GroupBy.SPHERE, GroupBy.EXECUTOR], flt, settings=settings)
    got = {(r.key[GroupBy.SPHERE], r.key[GroupBy.EXECUTOR]): (
        r.figures.invitations, r.figures.responses, r.figures.average_rating)
        for r in result.groups}
    assert got == {
        ("health", "ivanov"): (3, 2, 4.5),
        ("health", "petrov"): (1, 1, 3.0),
        ("transport", "petrov"): (1, 1, 2.0),
        (None, "sidorov"): (1, 0, None),
    }
    assert figures(result.total)[:2] == (6, 4)
    only_d2 = await report.satisfaction_report(
        SUPERVISOR, JAN, FEB_END, [], ReportFilter(department_ids=[seeded[1].id]),
        settings=settings)
    assert figures(only_d2.total)[:2] == (3, 2)


async def test_period_bounds_are_inclusive_local_days(settings, seeded):
    march = await report.satisfaction_report(SUPERVISOR, date(2025, 3, 5), date(2025, 3, 5), [],
                                             settings=settings)
    assert figures(march.total)[:6] == (1, 1, 100.0, 1, 0.0, 1.0)
    # Jan 31 local ends at 20:00 UTC: the 21:00 UTC invitation belongs to February.
    january = await report.satisfaction_report(SUPERVISOR, JAN, date(2025, 1, 31), [],
                                               settings=settings)
    assert january.total.invitations == 3


async def test_report_refuses_bad_input(settings, seeded):
    for args in [(date(2025, 2, 1), date(2025, 1, 1), []),
                 (date(2000, 1, 1), date(2025, 1, 1), [])]:
        with pytest.raises(DomainError) as caught:
            await report.satisfaction_report(SUPERVISOR, *args, settings=settings)
        assert caught.value.code == ErrorCode.INVALID
    with pytest.raises(DomainError) as caught:
        await report.satisfaction_report(SUPERVISOR, JAN, FEB_END, [],
                                         ReportFilter(department_ids=["nope"]), settings=settings)
    assert caught.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as caught:
        await report.satisfaction_report(Actor(Role.OPERATOR, "op"), JAN, FEB_END, [],
                                         settings=settings)
    assert caught.value.code == ErrorCode.FORBIDDEN


async def test_comments_newest_first_with_filters(settings, seeded):
    rows, more = await comments.list_comments(SUPERVISOR, comments.CommentFilter(), 2, None,
                                              settings)
    assert [r["text"] for r in rows] == ["Долго ждал", "Непонятно"] and more
    from domain.pagination import encode_cursor

    cursor = encode_cursor(rows[-1]["submitted_at"], rows[-1]["id"])
    rest, more = await comments.list_comments(SUPERVISOR, comments.CommentFilter(), 2, cursor,
                                              settings)
    assert [r["text"] for r in rest] == ["Спасибо!"] and not more
    flt = comments.CommentFilter(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31),
                                 report=ReportFilter(channels=["postal", "phone"]))
    rows, _ = await comments.list_comments(SUPERVISOR, flt, 10, None, settings)
    assert [(r["text"], r["invitation__channel"]) for r in rows] == [("Непонятно", "postal")]


async def test_empty_period(settings, seeded):
    result = await report.satisfaction_report(SUPERVISOR, date(2030, 1, 1), date(2030, 1, 31),
                                              [GroupBy.MONTH, GroupBy.CHANNEL], settings=settings)
    assert figures(result.total) == (0, 0, None, 0, None, None, 0, None, 0, None)
    assert result.groups == [] and not result.truncated
