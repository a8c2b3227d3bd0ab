"""Lines and their scripts (R-3.2, R-3.3, R-3.4), and who is competent for which sphere
(R-3.7): what supervisors keep."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor
from domain.calendar.service import load_calendar
from domain.calendar.work_calendar import WorkCalendar
from domain.consultation import rules
from domain.consultation.access import check_keeper
from domain.consultation.models import ConsultationLine, LineScript, ScriptKind, StaffSphere
from domain.directory.models import Sphere, StaffMember
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.texts import Finding, check_plain_language
from domain.transaction import transaction
from domain.validation import clean_text

SCRIPT_MAX = 4000


@dataclass(frozen=True)
class LineHours:
    is_open: bool
    next_opens_at: dt.datetime | None


def hours(calendar: WorkCalendar, now: dt.datetime) -> LineHours:
    return LineHours(rules.is_open(calendar, now), rules.next_opens_at(calendar, now))


async def line_is_open(now: dt.datetime) -> bool:
    return rules.is_open(await load_calendar(), now)


@dataclass(frozen=True)
class SavedScript:
    script: LineScript
    findings: list[Finding]


async def save_script(actor: Actor, line_id: Any, kind: ScriptKind, text: str | None
                      ) -> SavedScript:
    """R-3.4: a new version of a line's greeting or farewell. The plain-language check runs
    on it: blocking findings refuse it, advice comes back with the saved version."""
    check_keeper(actor)
    text = clean_text(text, "text", max_length=SCRIPT_MAX, required=True, multiline=True)
    findings = check_plain_language(text)
    blocking = [f for f in findings if f.blocking]
    if blocking:
        raise DomainError(ErrorCode.INVALID, blocking[0].message, "text")
    lid = parse_uuid(line_id, "lineId", "Линия")
    for _ in range(3):
        try:
            async with transaction():
                if not await ConsultationLine.exists(id=lid):
                    raise not_found("Линия", "lineId")
                last = await LineScript.filter(line_id=lid, kind=kind).order_by(
                    "-version").first().values_list("version", flat=True)
                script = await LineScript.create(
                    id=uuid.uuid4(), line_id=lid, kind=kind, version=(last or 0) + 1,
                    text=text, created_by=actor.subject[:200])
            return SavedScript(script, findings)
        except IntegrityError:
            continue  # a parallel save took the version number: take the next one
    raise DomainError(ErrorCode.DUPLICATE, "Сценарий меняют одновременно. Повторите.", "text")


async def set_competence(actor: Actor, staff_id: Any, sphere_ids: list[Any]) -> list[Any]:
    """Replace the spheres an employee may be transferred calls on (R-3.7)."""
    check_keeper(actor)
    sid = parse_uuid(staff_id, "staffMemberId", "Сотрудник")
    spheres = {parse_uuid(s, "sphereIds", "Сфера") for s in sphere_ids}
    async with transaction():
        if not await StaffMember.exists(id=sid):
            raise not_found("Сотрудник", "staffMemberId")
        if spheres and await Sphere.filter(id__in=spheres).count() != len(spheres):
            raise not_found("Сфера", "sphereIds")
        await StaffSphere.filter(staff_id=sid).delete()
        if spheres:
            await StaffSphere.bulk_create([StaffSphere(id=uuid.uuid4(), staff_id=sid,
                                                       sphere_id=s) for s in spheres])
    return sorted(spheres, key=str)
