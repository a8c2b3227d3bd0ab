"""A small consultation world for callback, survey and review tests: a line, an operator in
a department with a head, a caller with a phone, and a call on the line. Rows are made
directly, so these tests do not depend on how calls are recorded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.actor import Actor, Role
from domain.consultation.models import Call, CallSource, CallStatus, ConsultationLine
from domain.directory.models import Department, StaffMember
from tests.support.deliveries import Person, make_client

ZONE = ZoneInfo("Europe/Ulyanovsk")
OPERATOR = Actor(Role.OPERATOR, "operator-1")
SUPERVISOR = Actor(Role.SUPERVISOR, "head-1")
CALLER_PHONE = "+79021234567"


@dataclass
class World:
    line: ConsultationLine
    operator: StaffMember
    head: StaffMember
    caller: Person
    call: Call


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


async def make_call(line: ConsultationLine, operator: StaffMember | None, client_id: str | None,
                    *, started_at: dt.datetime | None = None,
                    status: CallStatus = CallStatus.ANSWERED, **extra) -> Call:
    start = (started_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return await Call.create(
        line=line, client_id=client_id, caller_number=CALLER_PHONE, operator=operator,
        operator_subject=operator.subject if operator else None, source=CallSource.OPERATOR,
        status=status, started_at=start, answered_at=start,
        ended_at=start + dt.timedelta(minutes=5) if status == CallStatus.ENDED else None,
        **extra)


async def build_world() -> World:
    department = await Department.create(name="Отдел консультаций")
    operator = await StaffMember.create(subject="operator-1", full_name="Смирнова Ольга",
                                        email="operator@gov.example.ru", department=department)
    head = await StaffMember.create(subject="head-1", full_name="Кузнецов Павел",
                                    email="head@gov.example.ru", department=department,
                                    supervisor=True)
    line = await ConsultationLine.create(name="Линия консультирования", number="+78422589358",
                                         display_number="8 (8422) 58-93-58")
    caller = await make_client(email=None, phone=CALLER_PHONE, preferred=None)
    call = await make_call(line, operator, caller.id)
    return World(line, operator, head, caller, call)
