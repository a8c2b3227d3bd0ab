"""Call quality (R-3.5, R-3.6, R-5.1): the supervisor's checklist and the monthly report per
operator and per line, computed in SQL on both databases."""

from __future__ import annotations

import pytest

from domain.actor import Actor, Role
from domain.consultation import reviews
from domain.consultation.models import CallReview, CallStatus, ConsultationLine
from domain.directory.models import StaffMember
from domain.errors import DomainError, ErrorCode
from tests.domain.consultation.callbacks_world import (
    OPERATOR,
    SUPERVISOR,
    build_world,
    local,
    make_call,
)

FULL = [(item, 2) for item in reviews.ITEMS]


def scores(**low: int) -> list[tuple[str, int]]:
    return [(str(item), low.get(str(item), 2)) for item in reviews.ITEMS]


@pytest.mark.parametrize(("given", "code", "field"), [
    (FULL[:-1], ErrorCode.REQUIRED, "scores"),
    ([*FULL, (reviews.ITEMS[0], 1)], ErrorCode.DUPLICATE, f"scores.{len(FULL)}.item"),
    ([("smile", 2), *FULL], ErrorCode.INVALID, "scores.0.item"),
    ([(FULL[0][0], 3), *FULL[1:]], ErrorCode.INVALID, "scores.0.score"),
    ([(FULL[0][0], True), *FULL[1:]], ErrorCode.INVALID, "scores.0.score"),
])
def test_checklist_needs_every_item_once_in_range(given, code, field):
    """R-5.1: every checklist item scored once, 0 to 2."""
    with pytest.raises(DomainError) as err:
        reviews.check_scores(given)
    assert (err.value.code, err.value.field) == (code, field)


async def test_review_rules(settings):
    """R-3.5, R-3.6: only supervisors review; only ended calls; a second review by the same
    supervisor replaces the first."""
    world = await build_world()
    with pytest.raises(DomainError) as err:
        await reviews.review_call(OPERATOR, world.call.id, FULL)
    assert err.value.code == ErrorCode.FORBIDDEN
    with pytest.raises(DomainError) as err:
        await reviews.review_call(SUPERVISOR, world.call.id, FULL)
    assert (err.value.code, err.value.field) == (ErrorCode.INVALID_STATE, "callId")
    world.call.status = CallStatus.ENDED
    await world.call.save()
    first = await reviews.review_call(SUPERVISOR, world.call.id, scores(listening=0), "Перебивал")
    assert (first.total, first.max_total) == (14, 16) and first.reviewer_id == world.head.id
    again = await reviews.review_call(SUPERVISOR, world.call.id, FULL)
    assert again.id == first.id and again.total == 16 and again.comment == ""
    assert await CallReview.all().count() == 1


async def test_monthly_report_per_operator_and_line(settings):
    """R-5.1: the month's calls, reviewed calls, average share and per-item averages, per
    operator and per line; calls of another month do not count."""
    world = await build_world()
    other_line = await ConsultationLine.create(name="Горячая линия", number="+78007755005",
                                               display_number="8-800-775-50-05")
    second = await StaffMember.create(subject="operator-2", full_name="Орлов Иван")
    boss = Actor(Role.ADMIN, "admin-1")

    async def ended(line, operator, day):
        return await make_call(line, operator, world.caller.id, status=CallStatus.ENDED,
                               started_at=local(2026, 11, day, 11))

    a1 = await ended(world.line, world.operator, 2)
    a2 = await ended(world.line, world.operator, 30)
    await ended(other_line, world.operator, 10)  # not reviewed
    b1 = await ended(other_line, second, 11)
    december = await make_call(world.line, world.operator, world.caller.id,
                               status=CallStatus.ENDED, started_at=local(2026, 12, 1, 0, 30))
    await reviews.review_call(SUPERVISOR, a1.id, scores(greeting=0, farewell=1))  # 13/16
    await reviews.review_call(boss, a1.id, FULL)  # 16/16
    await reviews.review_call(SUPERVISOR, a2.id, scores(greeting=1))  # 15/16
    await reviews.review_call(SUPERVISOR, b1.id, scores(correctness=0))  # 14/16
    await reviews.review_call(SUPERVISOR, december.id, scores(greeting=0))

    by_operator = {r.key: r for r in await reviews.monthly_report(SUPERVISOR, 2026, 11,
                                                                   "operator")}
    mine = by_operator[str(world.operator.id)]
    assert (mine.calls, mine.reviewed_calls, mine.reviews) == (3, 2, 3)
    assert mine.percent == round(100 * (13 + 16 + 15) / 48, 2)
    assert mine.items["greeting"] == 1.0 and mine.items["farewell"] == round(5 / 3, 2)
    theirs = by_operator[str(second.id)]
    assert (theirs.calls, theirs.reviews, theirs.percent) == (1, 1, 87.5)
    assert theirs.items["correctness"] == 0.0

    by_line = {r.key: r for r in await reviews.monthly_report(SUPERVISOR, 2026, 11, "line")}
    assert (by_line[str(world.line.id)].calls, by_line[str(world.line.id)].reviews) == (2, 3)
    assert (by_line[str(other_line.id)].calls, by_line[str(other_line.id)].reviewed_calls) == (
        2, 1)
    with pytest.raises(DomainError):
        await reviews.monthly_report(OPERATOR, 2026, 11, "line")
    with pytest.raises(DomainError) as err:
        await reviews.monthly_report(SUPERVISOR, 2026, 13, "line")
    assert err.value.field == "month"
