"""A small reception world for tests: a point, an official, a schedule and slots made
directly (so booking tests do not depend on the generator), and clients."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from domain.actor import Actor, Role
from domain.clients.models import Client, ClientKind
from domain.directory.models import Sphere, StaffMember
from domain.reception.models import (
    AccessibilityFeature,
    ReceivingOfficial,
    ReceptionPoint,
    ReceptionSchedule,
    ReceptionSlot,
)

OPERATOR = Actor(role=Role.OPERATOR, subject="operator-1")
ADMIN = Actor(role=Role.ADMIN, subject="admin-1")


def client_actor(client_id: object) -> Actor:
    return Actor(role=Role.CLIENT, subject=f"client-{client_id}", client_id=str(client_id))


@dataclass
class World:
    point: ReceptionPoint
    official: ReceivingOfficial
    schedule: ReceptionSchedule
    sphere: Sphere
    clients: list[Client] = field(default_factory=list)


async def build_world(clients: int = 3) -> World:
    staff = await StaffMember.create(subject="official-1", full_name="Петров Пётр Петрович")
    sphere = await Sphere.create(code="housing", name="Жилищные вопросы")
    point = await ReceptionPoint.create(
        name="Приёмная Правительства", address="г. Ульяновск, пл. Ленина, 1",
        directions="Вход с площади, второй этаж, кабинет 201.", latitude=54.3142,
        longitude=48.4031, opening_notes="Паспорт обязателен.",
        accessibility=[AccessibilityFeature.RAMP.value, AccessibilityFeature.LIFT.value],
    )
    official = await ReceivingOfficial.create(staff=staff, position="Министр",
                                              spheres=[str(sphere.id)])
    schedule = await ReceptionSchedule.create(
        official=official, point=point, rrule="FREQ=WEEKLY;BYDAY=TU",
        valid_from=dt.date(2026, 1, 1), start_time="14:00", end_time="17:00",
        slot_minutes=20,
    )
    people = [await Client.create(id=uuid.uuid4(), kind=ClientKind.PERSON,
                                  last_name=f"Иванов{n}", first_name="Иван")
              for n in range(clients)]
    return World(point, official, schedule, sphere, people)


async def make_slot(world: World, starts_in: dt.timedelta = dt.timedelta(days=3),
                    capacity: int = 1, minutes: int = 20) -> ReceptionSlot:
    start = (dt.datetime.now(dt.UTC) + starts_in).replace(microsecond=0)
    return await ReceptionSlot.create(
        schedule=world.schedule, official=world.official, point=world.point,
        starts_at=start, ends_at=start + dt.timedelta(minutes=minutes), capacity=capacity,
    )
