"""Demo data for ``okno seed`` and ``okno dev``: a small, believable Government.

Written through the domain services, so every client gets the same history
events a real one would. Idempotent: each item is looked up by its natural key
(department name, client name or INN, contact value, staff subject) and only what is
missing is written, so a second run adds nothing and an interrupted run is completed.

The staff are directory rows whose ``subject`` is what ``okno token --role R`` puts in
a token by default (``dev-<role>``), so every token the ``okno dev`` banner offers
works at once: the executor sees their department's messages, the supervisor heads one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from domain.actor import Actor, Role
from domain.clients import contacts as contact_service
from domain.clients import rules, service
from domain.clients.models import (
    AuthorityBasis,
    ChannelPreference,
    Client,
    ClientKind,
    ClientTag,
    ContactKind,
    ContactPoint,
    Representative,
)
from domain.directory import service as directory
from domain.directory.models import Department, StaffMember
from domain.enums import Channel
from domain.reception import schedules as reception
from domain.reception.models import ReceivingOfficial, ReceptionPoint, ReceptionSchedule
from domain.surveys.definitions import ensure_default_surveys
from domain.surveys.models import Survey

SEED_ACTOR = Actor(role=Role.SYSTEM, subject="seed")

DEPARTMENTS = (
    "Управление по работе с обращениями граждан",
    "Департамент информационных технологий",
)


@dataclass(frozen=True)
class DemoClient:
    kind: ClientKind
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    organisation_name: str | None = None
    inn: str | None = None
    ogrn: str | None = None
    department: str | None = None
    position: str | None = None
    # (kind, value, verified)
    contacts: tuple[tuple[ContactKind, str, bool], ...] = ()
    # (channel, contact kind it goes through or None)
    preferred: tuple[Channel, ContactKind | None] | None = None
    additional: tuple[Channel, ContactKind | None] | None = None
    segments: tuple[str, ...] = ()
    life_situations: tuple[str, ...] = ()

    @property
    def search_name(self) -> str:
        return rules.display_name(
            self.kind, self.last_name, self.first_name, self.middle_name, self.organisation_name
        ).lower()


EMPLOYEES = (
    DemoClient(
        ClientKind.EMPLOYEE, "Смирнова", "Ольга", "Викторовна", department=DEPARTMENTS[0],
        position="Главный специалист-эксперт",
        contacts=((ContactKind.EMAIL, "o.smirnova@ulgov.example", True),),
        preferred=(Channel.EMAIL, ContactKind.EMAIL),
    ),
    DemoClient(
        ClientKind.EMPLOYEE, "Кузнецов", "Дмитрий", "Андреевич", department=DEPARTMENTS[1],
        position="Инженер технической поддержки",
        contacts=((ContactKind.EMAIL, "d.kuznetsov@ulgov.example", True),
                  (ContactKind.PHONE, "+7 8422 41-20-00", False)),
        preferred=(Channel.EMAIL, ContactKind.EMAIL),
    ),
)

PERSONS = (
    DemoClient(
        ClientKind.PERSON, "Иванова", "Мария", "Петровна",
        contacts=((ContactKind.EMAIL, "maria.ivanova@example.ru", True),
                  (ContactKind.PHONE, "+7 917 600-12-34", False)),
        preferred=(Channel.EMAIL, ContactKind.EMAIL),
        additional=(Channel.SMS, ContactKind.PHONE),
        segments=("pensioner",), life_situations=("retirement",),
    ),
    DemoClient(
        ClientKind.PERSON, "Петров", "Алексей", "Сергеевич",
        contacts=((ContactKind.PHONE, "8 927 270-45-18", True),
                  (ContactKind.MESSENGER, "telegram:@apetrov73", False),
                  (ContactKind.EMAIL, "a.petrov@example.ru", False)),
        preferred=(Channel.MESSENGER, ContactKind.MESSENGER),
        additional=(Channel.EMAIL, ContactKind.EMAIL),
        segments=("large_family", "entrepreneur"), life_situations=("birth_of_child",),
    ),
    DemoClient(
        ClientKind.PERSON, "Сидоров", "Николай", "Иванович",
        contacts=((ContactKind.POSTAL, "432017, г. Ульяновск, ул. Гончарова, д. 1, кв. 5", True),
                  (ContactKind.PHONE, "+7 917 600-12-35", False)),
        preferred=(Channel.POSTAL, ContactKind.POSTAL),
        segments=("disabled", "veteran"), life_situations=("illness",),
    ),
)

ORGANISATIONS = (
    DemoClient(
        ClientKind.ORGANISATION, organisation_name="ООО «Волжские окна»",
        inn="7325012347", ogrn="1027300001233",
        contacts=((ContactKind.EMAIL, "office@volga-okna.example.ru", True),
                  (ContactKind.POSTAL, "432071, г. Ульяновск, ул. Федерации, д. 10", False)),
        preferred=(Channel.EMAIL, ContactKind.EMAIL),
        segments=("entrepreneur",),
    ),
)

@dataclass(frozen=True)
class DemoStaff:
    role: Role  # the token role this person signs in with
    subject: str  # the token subject (``okno token --role R`` defaults to ``dev-<role>``)
    full_name: str
    email: str
    department: str | None
    supervisor: bool = False  # heads the department (escalations go to them)


# An operator, an executor per department, a supervisor and an admin.
STAFF = (
    DemoStaff(Role.OPERATOR, "dev-operator", "Орлова Анна Сергеевна",
              "a.orlova@ulgov.example", DEPARTMENTS[0]),
    DemoStaff(Role.EXECUTOR, "dev-executor", "Кузьмин Павел Андреевич",
              "p.kuzmin@ulgov.example", DEPARTMENTS[0]),
    DemoStaff(Role.EXECUTOR, "dev-executor-it", "Белов Игорь Николаевич",
              "i.belov@ulgov.example", DEPARTMENTS[1]),
    DemoStaff(Role.SUPERVISOR, "dev-supervisor", "Миронова Елена Павловна",
              "e.mironova@ulgov.example", DEPARTMENTS[0], supervisor=True),
    DemoStaff(Role.ADMIN, "dev-admin", "Головин Сергей Петрович",
              "s.golovin@ulgov.example", None),
)

# (client's search name, representative's search name, basis, document)
REPRESENTATIVES = (
    ("ооо «волжские окна»", "петров алексей сергеевич", AuthorityBasis.CHARTER,
     "Устав ООО «Волжские окна», генеральный директор"),
)


async def _department(name: str, created: Counter) -> Department:
    department, was_created = await Department.get_or_create(name=name)
    created["departments"] += was_created
    return department


async def _client(demo: DemoClient, departments: dict[str, Department], created: Counter) -> Client:
    if demo.inn:
        existing = await Client.get_or_none(kind=demo.kind, inn=demo.inn)
    else:
        existing = await Client.filter(kind=demo.kind, search_name=demo.search_name).first()
    client = existing or await service.create_client(SEED_ACTOR, service.ClientData(
        kind=demo.kind, last_name=demo.last_name, first_name=demo.first_name,
        middle_name=demo.middle_name, organisation_name=demo.organisation_name, inn=demo.inn,
        ogrn=demo.ogrn, position=demo.position,
        department_id=str(departments[demo.department].id) if demo.department else None,
    ))
    if existing is None:
        created[{ClientKind.PERSON: "persons", ClientKind.EMPLOYEE: "employees",
                 ClientKind.ORGANISATION: "organisations"}[demo.kind]] += 1

    contacts: dict[ContactKind, ContactPoint] = {}
    for kind, value, verified in demo.contacts:
        normalised = contact_service.normalise_contact(kind, value)
        contact = await ContactPoint.get_or_none(client_id=client.id, kind=kind, value=normalised)
        if contact is None:
            contact = await contact_service.add_contact(SEED_ACTOR, client.id, kind, value)
            created["contacts"] += 1
        if verified and not contact.verified:
            contact = await contact_service.verify_contact(SEED_ACTOR, contact.id)
        contacts.setdefault(kind, contact)

    if demo.preferred and not await ChannelPreference.exists(client_id=client.id):
        def contact_for(choice: tuple[Channel, ContactKind | None] | None) -> Any:
            return contacts[choice[1]].id if choice and choice[1] else None

        await contact_service.set_channel_preference(
            SEED_ACTOR, client.id, demo.preferred[0], contact_for(demo.preferred),
            demo.additional[0] if demo.additional else None, contact_for(demo.additional),
            chosen_via=Channel.IN_PERSON,
        )
        created["preferences"] += 1

    if (demo.segments or demo.life_situations) and not await ClientTag.exists(client_id=client.id):
        await service.set_profile_tags(
            SEED_ACTOR, client.id, list(demo.segments), list(demo.life_situations)
        )
        created["profiles"] += 1
    return client


async def _staff(demo: DemoStaff, departments: dict[str, Department], created: Counter) -> None:
    if await StaffMember.exists(subject=demo.subject):
        return  # left as admins made it
    department = departments[demo.department].id if demo.department else None
    await directory.upsert_staff_member(
        SEED_ACTOR, demo.subject, demo.full_name, demo.email, department, demo.supervisor)
    created["staff"] += 1


@dataclass(frozen=True)
class DemoReception:
    """An official receiving citizens at a point, by an RFC 5545 rule (R-4.x)."""

    subject: str  # staff directory subject of the official
    full_name: str
    position: str
    spheres: tuple[str, ...]  # sphere codes
    point: str  # point name, from POINTS
    rrule: str
    hours: tuple[str, str]
    slot_minutes: int
    capacity: int = 1


# (name, address, directions, latitude, longitude, opening notes, accessibility)
POINTS = (
    ("Приёмная Правительства Ульяновской области", "432017, г. Ульяновск, пл. Ленина, д. 1",
     ("Вход с площади Ленина, центральный подъезд. Пост охраны, второй этаж, кабинет 214. "
      "Остановка «Площадь Ленина»: автобусы 1, 6, 24."), 54.3158, 48.4036,
     "Возьмите паспорт: на входе его проверяет охрана.",
     ("step_free_entrance", "lift", "accessible_toilet", "disabled_parking", "hearing_loop")),
    ("Общественная приёмная на Гончарова", "432017, г. Ульяновск, ул. Гончарова, д. 36",
     "Вход со двора, первый этаж. Остановка «Гончарова»: трамваи 4, 21.", 54.3187, 48.3978,
     "", ("ramp", "tactile_guidance", "sign_language_on_request")),
)
RECEPTIONS = (
    DemoReception("dev-official-social", "Захарова Марина Викторовна",
                  "Министр социального развития", ("social",), POINTS[0][0],
                  "FREQ=WEEKLY;BYDAY=TU", ("14:00", "17:00"), 20),
    DemoReception("dev-official-housing", "Никитин Андрей Олегович",
                  "Министр жилищно-коммунального хозяйства", ("housing",), POINTS[1][0],
                  "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", ("10:00", "12:00"), 30, capacity=2),
)


async def _receptions(created: Counter) -> None:
    """Points, officials and schedules (slots follow for the horizon): ``okno dev`` shows
    free slots at once."""
    from domain.directory.models import Sphere
    from domain.reception.schedules import today

    await directory.ensure_spheres()
    points = {}
    for name, address, directions, lat, lon, notes, features in POINTS:
        point = await ReceptionPoint.get_or_none(name=name)
        if point is None:
            point = await reception.save_point(
                SEED_ACTOR, name=name, address=address, directions=directions, latitude=lat,
                longitude=lon, opening_notes=notes, accessibility=list(features))
            created["reception points"] += 1
        points[name] = point
    for demo in RECEPTIONS:
        staff = await StaffMember.get_or_none(subject=demo.subject) or \
            await directory.upsert_staff_member(SEED_ACTOR, demo.subject, demo.full_name)
        official = await ReceivingOfficial.get_or_none(staff_id=staff.id)
        if official is None:
            spheres = await Sphere.filter(code__in=demo.spheres).values_list("id", flat=True)
            official = await reception.save_official(
                SEED_ACTOR, staff_member_id=staff.id, position=demo.position,
                sphere_ids=list(spheres))
            created["receiving officials"] += 1
        point = points[demo.point]
        if not await ReceptionSchedule.exists(official_id=official.id, point_id=point.id):
            await reception.save_schedule(
                SEED_ACTOR, official_id=official.id, point_id=point.id, rrule=demo.rrule,
                valid_from=today(), start_time=demo.hours[0], end_time=demo.hours[1],
                slot_minutes=demo.slot_minutes, capacity=demo.capacity)
            created["reception schedules"] += 1


# the consultation line's two numbers (configuration data), served by the "main" PBX.
LINES = (
    ("Линия консультаций (Ульяновск)", "+78422589358", "8 (8422) 58-93-58", 0),
    ("Линия консультаций (бесплатно по России)", "+78007755005", "8-800-775-50-05", 1),
)
GREETING = ("Здравствуйте! Линия консультаций Правительства Ульяновской области, "
            "{name}. Чем я могу помочь?")
FAREWELL = "Спасибо за звонок. Всего доброго!"
# Who calls may be transferred to: the demo executor, by sphere code.
COMPETENCES = (("dev-executor", ("housing", "social")),)
# bodies outside the Government a caller may be referred to (name, competence, phone,
# website).
AGENCIES = (
    ("Управление Роспотребнадзора по Ульяновской области",
     "Защита прав потребителей, санитарно-эпидемиологический надзор.",
     "+7 8422 44-29-51", "https://73.rospotrebnadzor.ru"),
    ("Отделение Социального фонда России по Ульяновской области",
     "Пенсии, пособия по линии Социального фонда, материнский капитал.",
     "8-800-100-00-01", "https://sfr.gov.ru"),
)


async def _lines(created: Counter) -> None:
    from domain.consultation import lines as consultation
    from domain.consultation.models import ConsultationLine, LineScript, ScriptKind
    from domain.directory.models import ExternalAgency, Sphere

    for name, number, display, position in LINES:
        line = await ConsultationLine.get_or_none(number=number)
        if line is None:
            line = await ConsultationLine.create(name=name, number=number,
                                                 display_number=display, pbx_id="main",
                                                 position=position)
            created["consultation lines"] += 1
        if not await LineScript.exists(line_id=line.id):
            await consultation.save_script(SEED_ACTOR, line.id, ScriptKind.GREETING,
                                           GREETING.format(name="оператор Анна"))
            await consultation.save_script(SEED_ACTOR, line.id, ScriptKind.FAREWELL, FAREWELL)
    for name, competence, phone, website in AGENCIES:
        if not await ExternalAgency.exists(name=name):
            await ExternalAgency.create(name=name, competence=competence, phone=phone,
                                        website=website)
            created["external agencies"] += 1
    for subject, codes in COMPETENCES:
        staff = await StaffMember.get_or_none(subject=subject)
        spheres = await Sphere.filter(code__in=codes).values_list("id", flat=True)
        if staff is not None and spheres:
            await consultation.set_competence(SEED_ACTOR, staff.id, list(spheres))


async def seed_demo() -> str:
    """Insert what is missing of the demo data; returns a one-line summary."""
    created: Counter = Counter()
    departments = {name: await _department(name, created) for name in DEPARTMENTS}
    by_name: dict[str, Client] = {}
    for demo in (*EMPLOYEES, *PERSONS, *ORGANISATIONS):
        by_name[demo.search_name] = await _client(demo, departments, created)
    for member in STAFF:
        await _staff(member, departments, created)
    for client_name, rep_name, basis, document in REPRESENTATIVES:
        client, rep = by_name[client_name], by_name[rep_name]
        if not await Representative.exists(client_id=client.id, representative_id=rep.id):
            await service.add_representative(SEED_ACTOR, client.id, rep.id, basis, document)
            created["representatives"] += 1
    # The default survey of each purpose; also created on first use, see surveys.defaults.
    surveys_before = await Survey.filter(default_for__isnull=False).count()
    created["default surveys"] += len(await ensure_default_surveys()) - surveys_before
    await _receptions(created)
    await _lines(created)
    order = ("departments", "staff", "employees", "persons", "organisations", "contacts",
             "preferences", "profiles", "representatives", "default surveys",
             "reception points", "receiving officials", "reception schedules",
             "consultation lines", "external agencies")
    parts = [f"{created[what]} {what}" for what in order if created[what]]
    if not parts:
        return "demo data already present: nothing added"
    return "demo data added: " + ", ".join(parts)


async def demo_client_id() -> str | None:
    """The first demo person's ID, for the ``okno dev`` banner's client-token example."""
    demo = PERSONS[0]
    client = await Client.filter(kind=demo.kind, search_name=demo.search_name).first()
    return str(client.id) if client else None
