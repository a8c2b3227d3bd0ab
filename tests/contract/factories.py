"""One real object per Node type, made through okno's own services, and who may see it.

``FACTORIES`` maps a GraphQL type name to an async factory taking a ``Scene``; the factory
creates one real record (owned by client A where ownership applies) and returns a ``Made``:
its global ID and the viewers who must get it from ``node(id:)``. Every other viewer must
get ``null``. ``tests/contract/test_node_walk.py`` fails for a Node type without a factory.

A factory fetches the global ID through the API (as a viewer who may see the record) when
okno's ID for the type is not a plain row ID, so it keeps working when an area changes
how it spells an ID. Types that are not Nodes yet (Answer, Attachment, …) have factories
already: they start being walked the moment they implement Node.

The viewers (``VIEWERS``): ``own`` is client A, ``foreign`` client B, ``employee`` an
employee of department D1 (a self-service token of another client record), ``executor``
exec-1 of D1 (the executor of A's message), ``other_executor`` exec-2 of D2, ``supervisor``
head-1 (head of D1), plus ``operator``, ``admin`` and ``anonymous``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from api.auth import mint_token
from api.relay import encode_id
from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import AuthorityBasis, ClientKind, ContactKind, ContactPoint
from domain.consultation import pbx
from domain.consultation.models import ConsultationLine
from domain.deliveries.models import Delivery
from domain.directory import service as directory
from domain.directory.models import Sphere
from domain.enums import Channel
from domain.history import exports, retention
from domain.mailings import campaigns as mailing_campaigns
from domain.mailings import service as mailings
from domain.mailings.models import ConsentSource
from domain.messages import deadlines, handling, uploads
from domain.messages import rules as message_rules
from domain.messages import service as messages
from domain.messages.intake import AttachmentData, IntakeData
from domain.messages.models import AnswerOutcome, Message
from domain.settings import Settings
from domain.social import intake as social_intake
from domain.social import rules as social_rules
from domain.social import sources as social_sources
from domain.social.models import Network, SocialItem
from domain.surveys import definitions
from domain.surveys import service as surveys
from domain.surveys.models import SurveyInvitation, SurveyPurpose
from domain.surveys.rules import AnswerDraft

ADMIN = Actor(Role.ADMIN, "admin-1")
OPERATOR = Actor(Role.OPERATOR, "op-1")
EXECUTOR = Actor(Role.EXECUTOR, "exec-1")

VIEWERS: tuple[str, ...] = ("anonymous", "own", "foreign", "employee", "operator", "executor",
                            "other_executor", "supervisor", "admin")
ALL_STAFF = frozenset({"operator", "executor", "other_executor", "supervisor", "admin"})
SIGNED_IN = frozenset(VIEWERS) - {"anonymous"}
OWNER_AND_STAFF = ALL_STAFF | {"own"}
# A message and what hangs on it: the client, operators, heads, and the executors of its
# department (exec-2 of another department does not see it).
MESSAGE_STAFF = frozenset({"operator", "executor", "supervisor", "admin"})
MESSAGE_READERS = MESSAGE_STAFF | {"own"}
MANAGERS = frozenset({"supervisor", "admin"})

HEATING = "Здравствуйте! В нашем доме третий день нет отопления. Управляющая компания не отвечает."
PLAIN_ANSWER = ("Мы проверили ваш дом. Управляющая компания включит отопление завтра до 12:00. "
                "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")


@dataclass(frozen=True)
class Made:
    gid: str
    seen_by: frozenset[str]


class Scene:
    """A small Government built on demand: each step runs once per test and is reused."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        self.settings = settings
        self.http = http
        self._done: dict[str, Any] = {}

    async def _once(self, key: str, make: Callable[[], Awaitable[Any]]) -> Any:
        if key not in self._done:
            self._done[key] = await make()
        return self._done[key]

    # -- callers -------------------------------------------------------------------------

    def bearer(self, viewer: str) -> str | None:
        """The Authorization header of a viewer (None for anonymous); needs ``base()``."""
        base = self._done["base"]
        role, subject, client_id = {
            "anonymous": (None, None, None),
            "own": (Role.CLIENT, base["a"], base["a"]),
            "foreign": (Role.CLIENT, base["b"], base["b"]),
            "employee": (Role.EMPLOYEE, base["employee"], base["employee"]),
            "operator": (Role.OPERATOR, "op-1", None),
            "executor": (Role.EXECUTOR, "exec-1", None),
            "other_executor": (Role.EXECUTOR, "exec-2", None),
            "supervisor": (Role.SUPERVISOR, "head-1", None),
            "admin": (Role.ADMIN, "admin-1", None),
        }[viewer]
        if role is None:
            return None
        return "Bearer " + mint_token(self.settings, role, subject, client_id)

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *,
                  viewer: str = "admin") -> dict[str, Any]:
        headers = {"X-Client-App": "contract-tests"}
        bearer = self.bearer(viewer)
        if bearer:
            headers["Authorization"] = bearer
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def fetch(self, query: str, variables: dict[str, Any] | None = None, *,
                    viewer: str = "admin") -> dict[str, Any]:
        body = await self.gql(query, variables, viewer=viewer)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    # -- the steps -----------------------------------------------------------------------

    async def base(self) -> dict[str, Any]:
        """Departments D1 (exec-1, head-1) and D2 (exec-2), the spheres, client A with
        email and phone, client B, an employee of D1."""
        async def make() -> dict[str, Any]:
            await directory.ensure_spheres()
            d1 = await directory.save_department(ADMIN, "Управление по работе с обращениями")
            d2 = await directory.save_department(ADMIN, "Департамент информационных технологий")
            await directory.upsert_staff_member(ADMIN, "exec-1", "Петров Пётр Петрович",
                                                department_id=d1.id)
            await directory.upsert_staff_member(ADMIN, "exec-2", "Кузнецова Ольга",
                                                department_id=d2.id)
            await directory.upsert_staff_member(ADMIN, "head-1", "Сидорова Анна Викторовна",
                                                department_id=d1.id, supervisor=True)
            a = await clients.create_client(ADMIN, clients.ClientData(
                kind=ClientKind.PERSON, last_name="Иванов", first_name="Иван"))
            email = await clients.add_contact(ADMIN, a.id, ContactKind.EMAIL, "ivanov@example.ru")
            phone = await clients.add_contact(ADMIN, a.id, ContactKind.PHONE, "+7 917 123-45-67")
            b = await clients.create_client(ADMIN, clients.ClientData(
                kind=ClientKind.PERSON, last_name="Кузнецов", first_name="Борис"))
            employee = await clients.create_client(ADMIN, clients.ClientData(
                kind=ClientKind.EMPLOYEE, last_name="Смирнова", first_name="Елена",
                department_id=d1.id, position="консультант"))
            return {"a": str(a.id), "b": str(b.id), "employee": str(employee.id),
                    "email": str(email.id), "phone": str(phone.id), "d1": str(d1.id),
                    "d2": str(d2.id)}
        return await self._once("base", make)

    async def message(self) -> Message:
        """A's email appeal with an attachment: received, registered (a receipt notice goes
        out), assigned to exec-1 of D1, in work, classified."""
        async def make() -> Message:
            base = await self.base()
            m = await messages.receive(OPERATOR, IntakeData(
                client_id=base["a"], channel=Channel.EMAIL, body=HEATING,
                subject="Нет отопления", contact_id=base["email"],
                attachments=[AttachmentData(
                    "акт.pdf", "application/pdf", 1024,
                    uploads.issue_key(OPERATOR, self.settings.link_secret))]),
                self.settings)
            await messages.register(OPERATOR, m.id, self.settings)
            await messages.assign(OPERATOR, m.id, base["d1"], "exec-1", self.settings)
            await messages.start_work(EXECUTOR, m.id, self.settings)
            sphere = await Sphere.get(code="housing")
            return await messages.classify_message(EXECUTOR, m.id, sphere.id, self.settings)
        return await self._once("message", make)

    async def answered(self) -> Any:
        """The message answered by email; the answer invites A to the survey."""
        async def make() -> Any:
            m = await self.message()
            await handling.draft_answer(EXECUTOR, m.id, PLAIN_ANSWER, AnswerOutcome.RESOLVED,
                                        self.settings)
            return await handling.send_answer(EXECUTOR, m.id, self.settings)
        return await self._once("answered", make)

    async def invitation(self) -> SurveyInvitation:
        answer = await self.answered()
        return await SurveyInvitation.get(id=answer.survey_invitation_id)

    async def response(self) -> Any:
        """A answers the survey, with a comment."""
        async def make() -> Any:
            record = await self.invitation()
            return await surveys.submit_response(
                surveys.token_for(record, self.settings),
                [AnswerDraft("satisfaction", 4), AnswerDraft("comment", text="Спасибо, всё ясно")],
                settings=self.settings)
        return await self._once("response", make)

    async def message_part(self, selection: str) -> Any:
        """A field of A's message as the admin reads it."""
        m = await self.message()
        data = await self.fetch("query($id: ID!) { message(id: $id) { " + selection + " } }",
                                {"id": encode_id("Message", m.id)})
        return data["message"]


# -- the factories ------------------------------------------------------------------------


async def client(scene: Scene) -> Made:
    base = await scene.base()
    return Made(encode_id("Client", base["a"]), OWNER_AND_STAFF)


async def contact_point(scene: Scene) -> Made:
    base = await scene.base()
    return Made(encode_id("ContactPoint", base["email"]), OWNER_AND_STAFF)


async def representative(scene: Scene) -> Made:
    base = await scene.base()
    son = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Иванов", first_name="Сергей"))
    link = await clients.add_representative(
        ADMIN, base["a"], son.id, AuthorityBasis.POWER_OF_ATTORNEY, "Доверенность 73 АА 1")
    return Made(encode_id("Representative", link.id), OWNER_AND_STAFF)


async def department(scene: Scene) -> Made:
    base = await scene.base()
    return Made(encode_id("Department", base["d1"]), SIGNED_IN)


async def sphere(scene: Scene) -> Made:
    await scene.base()
    found = await Sphere.get(code="housing")
    return Made(encode_id("Sphere", found.id), SIGNED_IN)


async def sphere_keyword(scene: Scene) -> Made:
    """Staff read the keyword dictionary (``Sphere.keywords``)."""
    await scene.base()
    found = await Sphere.get(code="housing")
    await directory.add_keyword(ADMIN, found.id, "контрольтеплосети")
    data = await scene.fetch("{ spheres(activeOnly: false) { code keywords { id term } } }")
    [gid] = [k["id"] for s in data["spheres"] if s["code"] == "housing"
             for k in s["keywords"] if k["term"] == "контрольтеплосети"]
    return Made(gid, ALL_STAFF)


async def external_agency(scene: Scene) -> Made:
    await scene.base()
    agency = await directory.create_agency(ADMIN, directory.AgencyData(
        name="Отделение Социального фонда по Ульяновской области",
        competence="Пенсии, пособия, материнский капитал", phone="+78002008000"))
    return Made(encode_id("ExternalAgency", agency.id), SIGNED_IN)


async def staff_member(scene: Scene) -> Made:
    """The staff directory is read by all staff (operators pick executors from it)."""
    await scene.base()
    data = await scene.fetch("{ staffMembers(first: 100) { edges { node { id subject } } } }")
    [gid] = [e["node"]["id"] for e in data["staffMembers"]["edges"]
             if e["node"]["subject"] == "exec-1"]
    return Made(gid, ALL_STAFF)


async def history_export(scene: Scene) -> Made:
    base = await scene.base()
    own = Actor(Role.CLIENT, base["a"], client_id=base["a"])
    export = await exports.request_export(own, base["a"])
    return Made(encode_id("HistoryExport", export.id), OWNER_AND_STAFF)


async def retention_run(scene: Scene) -> Made:
    await scene.base()
    run = await retention.sweep(scene.settings)
    return Made(encode_id("RetentionRun", run.id), MANAGERS)


async def interaction_event(scene: Scene) -> Made:
    """A's «card created» event, as A's timeline shows it."""
    base = await scene.base()
    data = await scene.fetch(
        "query($id: ID!) { client(id: $id) { history(first: 100) { edges { node { id } } } } }",
        {"id": encode_id("Client", base["a"])})
    edges = data["client"]["history"]["edges"]
    assert edges, "client A has no history"
    return Made(edges[-1]["node"]["id"], OWNER_AND_STAFF)


async def delivery(scene: Scene) -> Made:
    """The receipt notice of A's message."""
    m = await scene.message()
    notice = await Delivery.get(source_id=str(m.id), purpose="receipt_notice")
    return Made(encode_id("Delivery", notice.id), MESSAGE_READERS)


async def message(scene: Scene) -> Made:
    m = await scene.message()
    return Made(encode_id("Message", m.id), MESSAGE_READERS)


async def attachment(scene: Scene) -> Made:
    part = await scene.message_part("attachments { id }")
    return Made(part["attachments"][0]["id"], MESSAGE_READERS)


async def answer(scene: Scene) -> Made:
    await scene.answered()
    part = await scene.message_part("answer { id }")
    return Made(part["answer"]["id"], MESSAGE_READERS)


async def clarification(scene: Scene) -> Made:
    """exec-1 phoned A at the latest working hour of the last days (R-2.7 allows no other)."""
    m = await scene.message()
    base = await scene.base()
    ctx = await messages.context(scene.settings)
    moment = ctx.now.replace(minute=0, second=0, microsecond=0)
    while not message_rules.within_working_hours(moment, ctx.calendar):
        moment -= dt.timedelta(hours=1)
    await handling.clarify(EXECUTOR, m.id, base["phone"], "Уточнил номер квартиры",
                           occurred_at=moment, settings=scene.settings)
    part = await scene.message_part("clarifications { id }")
    return Made(part["clarifications"][0]["id"], MESSAGE_STAFF)  # the log is staff-only


async def deadline_alert(scene: Scene) -> Made:
    """The sweep, run as if weeks had passed, raises an alert on A's message (staff only)."""
    await scene.message()
    await deadlines.sweep(dt.datetime.now(dt.UTC) + dt.timedelta(days=45))
    part = await scene.message_part("alerts { id }")
    return Made(part["alerts"][0]["id"], MESSAGE_STAFF)


async def survey(scene: Scene) -> Made:
    found = await definitions.ensure_default_survey(SurveyPurpose.WRITTEN_ANSWER)
    return Made(encode_id("Survey", found.id), MANAGERS)


async def survey_version(scene: Scene) -> Made:
    found = await definitions.ensure_default_survey(SurveyPurpose.WRITTEN_ANSWER)
    version = await definitions.latest_version(found.id)
    return Made(encode_id("SurveyVersion", version.id), MANAGERS)


async def survey_question(scene: Scene) -> Made:
    await scene.base()
    found = await definitions.ensure_default_survey(SurveyPurpose.WRITTEN_ANSWER)
    version = await definitions.latest_version(found.id)
    data = await scene.fetch(
        "query($id: ID!) { node(id: $id) { ... on SurveyVersion { questions { id } } } }",
        {"id": encode_id("SurveyVersion", version.id)})
    return Made(data["node"]["questions"][0]["id"], MANAGERS)


async def survey_invitation(scene: Scene) -> Made:
    record = await scene.invitation()
    return Made(encode_id("SurveyInvitation", record.id), OWNER_AND_STAFF)


async def survey_response(scene: Scene) -> Made:
    """Responses reach every staff member (``surveyResponded`` is for staff)."""
    response = await scene.response()
    return Made(encode_id("SurveyResponse", response.id), ALL_STAFF)


async def survey_comment(scene: Scene) -> Made:
    """Comments are read by heads (``surveyComments``)."""
    await scene.response()
    data = await scene.fetch("{ surveyComments(first: 10) { edges { node { id } } } }")
    return Made(data["surveyComments"]["edges"][0]["node"]["id"], MANAGERS)


async def _reception(scene: Scene) -> dict[str, Any]:
    """A point with an official receiving on weekdays 10:00-12:00, and A's booking of the
    first slot (made by an operator for A on the line)."""
    from domain.reception import schedules as reception
    from domain.reception import service as bookings
    from domain.reception.models import ReceptionSlot

    async def make() -> dict[str, Any]:
        base = await scene.base()
        staff = await directory.upsert_staff_member(ADMIN, "official-1", "Орлов Олег Олегович")
        point = await reception.save_point(ADMIN, name="Приёмная", address="пл. Ленина, 1",
                                           accessibility=["ramp"])
        official = await reception.save_official(ADMIN, staff_member_id=staff.id,
                                                 position="Министр")
        saved = await reception.save_schedule(
            ADMIN, official_id=official.id, point_id=point.id,
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", valid_from=dt.date.today(),
            start_time="10:00", end_time="12:00", slot_minutes=30)
        slot = await ReceptionSlot.filter(schedule_id=saved.schedule.id).order_by(
            "starts_at").first()
        booking = await bookings.book(OPERATOR, slot_id=slot.id, client_id=base["a"],
                                      topic="Вопрос о капремонте")
        return {"point": str(point.id), "official": str(official.id),
                "schedule": str(saved.schedule.id), "slot": str(slot.id),
                "booking": str(booking.id)}
    return await scene._once("reception", make)


def _reception_factory(type_name: str, key: str, seen_by: frozenset[str]) -> Factory:
    async def make(scene: Scene) -> Made:
        return Made(encode_id(type_name, (await _reception(scene))[key]), seen_by)
    return make
async def _mailing_list(scene: Scene) -> Any:
    async def make() -> Any:
        return await mailings.create_list(ADMIN, "Новости", "Раз в месяц о главном")
    return await scene._once("mailing_list", make)


async def mailing_list(scene: Scene) -> Made:
    """Lists are public: the sign-up form shows them to anyone."""
    await scene.base()
    found = await _mailing_list(scene)
    return Made(encode_id("MailingList", found.id), frozenset(VIEWERS))


async def mailing_subscription(scene: Scene) -> Made:
    """A's verified email subscribed from the profile: A and staff see it."""
    base = await scene.base()
    found = await _mailing_list(scene)
    await ContactPoint.filter(id=base["email"]).update(verified=True)
    [sub] = await mailings.subscribe_client(
        Actor(Role.CLIENT, base["a"], base["a"]), [found.id],
        mailings.Request(ConsentSource.PROFILE), scene.settings)
    return Made(encode_id("MailingSubscription", sub.id), OWNER_AND_STAFF)


async def mailing_campaign(scene: Scene) -> Made:
    await scene.base()
    found = await _mailing_list(scene)
    made = await mailing_campaigns.create(ADMIN, found.id, "Новости месяца", "Текст")
    return Made(encode_id("MailingCampaign", made.id), MANAGERS)


async def _social_source(scene: Scene) -> Any:
    return await social_sources.save_source(Actor(Role.ADMIN, "admin-1"), None,
                                            social_sources.SourceData(network=Network.VK,
                                                                      name="Страница"))


async def social_source(scene: Scene) -> Made:
    """Its webhook secret is shown: admins only."""
    await scene.base()
    return Made(encode_id("SocialSource", (await _social_source(scene)).id),
                frozenset({"admin"}))


async def social_item(scene: Scene) -> Made:
    """A comment on an official post, not yet linked to a client: staff see it."""
    await scene.base()
    source = await _social_source(scene)
    await social_intake.ingest(source, [social_rules.parse_generic(
        {"id": "-1_1", "kind": "comment", "text": HEATING})], scene.settings)
    item = await SocialItem.get(source_id=source.id)
    return Made(encode_id("SocialItem", item.id), ALL_STAFF)


Factory = Callable[[Scene], Awaitable[Made]]

async def _line(scene: Scene) -> Any:
    async def make() -> Any:
        return await ConsultationLine.create(name="Линия", number="+78422589358",
                                             display_number="8 (8422) 58-93-58", pbx_id="main")
    return await scene._once("line", make)


async def consultation_line(scene: Scene) -> Made:
    """Lines are public: a citizens' site shows the numbers and the hours."""
    await scene.base()
    return Made(encode_id("ConsultationLine", (await _line(scene)).id), frozenset(VIEWERS))


async def call(scene: Scene) -> Made:
    """A call the PBX reported (no open line needed), from A's number: staff records."""
    await scene.base()
    await _line(scene)
    received = await pbx.receive("main", pbx.Event(
        event_id="e-1", call_id="c-1", kind=pbx.PbxEventKind.STARTED,
        occurred_at=dt.datetime.now(dt.UTC), caller_number=None, line_number=None,
        payload={}))
    return Made(encode_id("Call", received.call_id), ALL_STAFF)


FACTORIES: dict[str, Factory] = {
    # clients
    "Client": client,
    "ContactPoint": contact_point,
    "Representative": representative,
    # directory
    "Department": department,
    "Sphere": sphere,
    "SphereKeyword": sphere_keyword,  # not a Node yet
    "ExternalAgency": external_agency,
    "StaffMember": staff_member,  # not a Node yet
    # history
    "HistoryExport": history_export,
    "RetentionRun": retention_run,
    "InteractionEvent": interaction_event,
    # deliveries
    "Delivery": delivery,
    # messages
    "Message": message,
    "Attachment": attachment,  # not a Node yet
    "Answer": answer,  # not a Node yet
    "Clarification": clarification,  # not a Node yet
    "DeadlineAlert": deadline_alert,  # not a Node yet
    # surveys
    "Survey": survey,
    "SurveyVersion": survey_version,
    "SurveyQuestion": survey_question,  # not a Node yet
    "SurveyInvitation": survey_invitation,
    "SurveyResponse": survey_response,
    "SurveyComment": survey_comment,  # not a Node yet
    # reception: points, officials, schedules and slots are public; a booking is its
    # client's and staff's
    "ReceptionPoint": _reception_factory("ReceptionPoint", "point", frozenset(VIEWERS)),
    "ReceivingOfficial": _reception_factory("ReceivingOfficial", "official",
                                            frozenset(VIEWERS)),
    "ReceptionSchedule": _reception_factory("ReceptionSchedule", "schedule",
                                            frozenset(VIEWERS)),
    "ReceptionSlot": _reception_factory("ReceptionSlot", "slot", frozenset(VIEWERS)),
    "Booking": _reception_factory("Booking", "booking", OWNER_AND_STAFF),
    # consultation line
    "ConsultationLine": consultation_line,
    "Call": call,
    # mailings
    "MailingList": mailing_list,
    "MailingSubscription": mailing_subscription,
    "MailingCampaign": mailing_campaign,
    # social items: staff handle items, admins keep the sources
    "SocialSource": social_source,
    "SocialItem": social_item,
}
