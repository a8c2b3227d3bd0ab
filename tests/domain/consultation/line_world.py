"""A small consultation-line world for tests: two lines with scripts, an operator, an
employee competent for one sphere and one who is not, an agency, a caller with a phone."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import pytest

from domain.actor import Actor, Role
from domain.calendar.work_calendar import WorkCalendar
from domain.clients.models import Client, ClientKind, ContactKind, ContactPoint
from domain.consultation import lines, rules
from domain.consultation import service as consultation_service
from domain.consultation.models import ConsultationLine, ScriptKind, StaffSphere
from domain.directory.models import ExternalAgency, Sphere, StaffMember

OPERATOR = Actor(role=Role.OPERATOR, subject="operator-1")
SUPERVISOR = Actor(role=Role.SUPERVISOR, subject="supervisor-1")
PBX_ID = "main"
PBX_SECRET = "pbx-secret-for-tests-0123456789abcdef"
CALLER_PHONE = "+79272704518"


@dataclass
class World:
    line: ConsultationLine
    free_line: ConsultationLine
    operator: StaffMember
    expert: StaffMember  # competent for ``sphere``
    outsider: StaffMember  # competent for nothing
    sphere: Sphere
    agency: ExternalAgency
    caller: Client


async def build_world() -> World:
    operator = await StaffMember.create(subject=OPERATOR.subject, full_name="Орлова Анна")
    await StaffMember.create(subject=SUPERVISOR.subject, full_name="Миронова Елена")
    expert = await StaffMember.create(subject="expert-1", full_name="Кузьмин Павел")
    outsider = await StaffMember.create(subject="outsider-1", full_name="Белов Игорь")
    sphere = await Sphere.create(code="utilities", name="ЖКХ и жильё")
    await StaffSphere.create(staff=expert, sphere=sphere)
    line = await ConsultationLine.create(name="Линия (Ульяновск)", number="+78422589358",
                                         display_number="8 (8422) 58-93-58", pbx_id=PBX_ID)
    free_line = await ConsultationLine.create(
        name="Линия (8-800)", number="+78007755005", display_number="8-800-775-50-05",
        pbx_id=PBX_ID, position=1)
    for each in (line, free_line):
        await lines.save_script(SUPERVISOR, each.id, ScriptKind.GREETING,
                                "Здравствуйте! Линия консультаций Правительства.")
        await lines.save_script(SUPERVISOR, each.id, ScriptKind.FAREWELL,
                                "Спасибо за звонок. Всего доброго!")
    agency = await ExternalAgency.create(name="Роспотребнадзор", competence="Права потребителей",
                                         phone="+7 8422 44-29-51", website="https://73.example")
    caller = await Client.create(id=uuid.uuid4(), kind=ClientKind.PERSON, last_name="Петров",
                                 first_name="Алексей", search_name="петров алексей")
    await ContactPoint.create(client=caller, kind=ContactKind.PHONE, value=CALLER_PHONE,
                              primary=True, verified=True)
    return World(line, free_line, operator, expert, outsider, sphere, agency, caller)


def working_moment() -> dt.datetime:
    """A moment inside working hours: now when the line is open, else 30 minutes into its
    next opening."""
    calendar = WorkCalendar.default()
    now = dt.datetime.now(dt.UTC)
    if rules.is_open(calendar, now):
        return now
    return rules.next_opens_at(calendar, now) + dt.timedelta(minutes=30)


def closed_moment() -> dt.datetime:
    """03:00 in the government's zone: the line is closed every day then."""
    calendar = WorkCalendar.default()
    local = dt.datetime.now(calendar.zone).replace(hour=3, minute=0, second=0, microsecond=0)
    return local.astimezone(dt.UTC)


@pytest.fixture
def line_open(monkeypatch):
    """The service's clock sits inside working hours (the line's opening hours are the
    calendar's; tests run at any hour)."""
    moment = working_moment()
    monkeypatch.setattr(consultation_service, "now", lambda: moment)
    return moment


@pytest.fixture
def line_closed(monkeypatch):
    moment = closed_moment()
    monkeypatch.setattr(consultation_service, "now", lambda: moment)
    return moment
