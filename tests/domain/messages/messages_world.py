"""A small Government for message tests: spheres, a department with an executor and its head,
an agency, and a citizen with email and phone (imported by tests as ``messages_world``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import Client, ClientKind, ContactKind, ContactPoint
from domain.directory import service as directory
from domain.directory.models import Department, ExternalAgency, Sphere, StaffMember
from domain.enums import Channel

ADMIN = Actor(Role.ADMIN, "admin-1")
OPERATOR = Actor(Role.OPERATOR, "op-1")
EXECUTOR = Actor(Role.EXECUTOR, "exec-1")
OTHER_EXECUTOR = Actor(Role.EXECUTOR, "exec-2")
HEAD = Actor(Role.SUPERVISOR, "head-1")
ZONE = ZoneInfo("Europe/Ulyanovsk")


def local(*args: int) -> dt.datetime:
    """A moment in the government's zone (as UTC, the way okno stores it)."""
    return dt.datetime(*args, tzinfo=ZONE).astimezone(dt.UTC)


@dataclass
class World:
    department: Department
    other_department: Department
    agency: ExternalAgency
    client: Client
    email: ContactPoint
    phone: ContactPoint
    employee: Client

    async def sphere(self, code: str) -> Sphere:
        return await Sphere.get(code=code)

    def citizen(self) -> Actor:
        return Actor(Role.CLIENT, str(self.client.id), client_id=str(self.client.id))

    def gid(self, type_name: str, value: object) -> str:
        """The Relay global ID the API uses for a record."""
        from api.relay import encode_id

        return encode_id(type_name, value)


async def build_world() -> World:
    await directory.ensure_spheres()
    department = await Department.create(name="Управление по работе с обращениями граждан")
    other = await Department.create(name="Департамент информационных технологий")
    await StaffMember.create(subject="exec-1", full_name="Петров Пётр Петрович",
                             department=department)
    await StaffMember.create(subject="exec-2", full_name="Кузнецова Ольга", department=other)
    await StaffMember.create(subject="head-1", full_name="Сидорова Анна Викторовна",
                             department=department, supervisor=True)
    agency = await ExternalAgency.create(
        name="Отделение Социального фонда по Ульяновской области",
        competence="Пенсии, пособия по уходу за ребёнком, материнский капитал",
        phone="+78002008000", website="https://sfr.gov.ru")
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Иванов", first_name="Иван", middle_name="Иванович"))
    email = await clients.add_contact(ADMIN, client.id, ContactKind.EMAIL, "ivanov@example.ru")
    phone = await clients.add_contact(ADMIN, client.id, ContactKind.PHONE, "+7 917 123-45-67")
    employee = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.EMPLOYEE, last_name="Смирнова", first_name="Елена",
        department_id=department.id, position="консультант"))
    return World(department, other, agency, client, email, phone, employee)


__all__ = [
    "ADMIN",
    "EXECUTOR",
    "HEAD",
    "OPERATOR",
    "OTHER_EXECUTOR",
    "Channel",
    "World",
    "local",
]
