"""GraphQL types of the clients area, built from plain rows (dicts) for cheap reads."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.clients.dataloaders import (
    ClientByIdLoader,
    ContactPointByIdLoader,
    ContactsByClientLoader,
    PreferenceByClientLoader,
    RepresentativeByIdLoader,
    RepresentativesByClientLoader,
    TagsByClientLoader,
)
from api.dataloaders import RowNode
from api.directory.dataloaders import DepartmentByIdLoader
from api.directory.types import Department
from api.enums import ChannelEnum, EventKindEnum, describe_values
from api.history.types import (
    HistoryExportConnection,
    InteractionEventConnection,
    load_history,
    load_history_exports,
)
from api.relay import AFTER_DESCRIPTION, FIRST_DESCRIPTION
from domain.actor import Actor
from domain.clients import rules
from domain.clients.access import can_see_client
from domain.clients.models import (
    AuthorityBasis,
    ClientKind,
    ContactKind,
    LifeSituation,
    Segment,
    TagKind,
)
from domain.clients.queries import (
    CLIENT_COLUMNS,
    CONTACT_COLUMNS,
    PREFERENCE_COLUMNS,
    REPRESENTATIVE_COLUMNS,
    row_of,
)

if TYPE_CHECKING:
    from api.deliveries.types import DeliveryConnection
    from api.messages.types import MessageConnection
    from api.reception.types import BookingConnection

ClientKindEnum = strawberry.enum(ClientKind, description="Person, organisation or employee "
                                                         "(internal client).")
ContactKindEnum = strawberry.enum(ContactKind, description="What kind of address a contact point "
                                                           "is.")
AuthorityBasisEnum = strawberry.enum(AuthorityBasis, description="Why a representative may act "
                                                                 "for a client.")
SegmentEnum = strawberry.enum(
    Segment, name="ClientSegment",
    description="A profile segment (R-1.2), kept by staff; urgency and wording rules read it.")
LifeSituationEnum = strawberry.enum(
    LifeSituation, description="A profile life situation (R-1.2), kept by staff.")


describe_values(ClientKindEnum, {
    ClientKind.PERSON: "A citizen (external client acting alone or through a representative).",
    ClientKind.ORGANISATION: "A legal entity; has organisationName, a 10-digit INN, a 13-digit "
                             "OGRN.",
    ClientKind.EMPLOYEE: "An employee of the Government (internal client); has a department.",
})
describe_values(ContactKindEnum, {
    ContactKind.EMAIL: "Email address (stored lower-cased).",
    ContactKind.PHONE: "Phone number (stored in E.164, e.g. +79123456789); serves SMS and calls.",
    ContactKind.POSTAL: "Postal address, free text.",
    ContactKind.MESSENGER: "Messenger handle as network:handle, e.g. telegram:@ivanov.",
})
describe_values(SegmentEnum, {
    Segment.PENSIONER: "Пенсионер.",
    Segment.LARGE_FAMILY: "Многодетная семья.",
    Segment.DISABLED: "Инвалидность.",
    Segment.ENTREPRENEUR: "Предприниматель.",
    Segment.VETERAN: "Ветеран.",
    Segment.STUDENT: "Студент.",
    Segment.LOW_INCOME: "Малоимущие.",
    Segment.SVO_PARTICIPANT: "Участник СВО или член его семьи.",
})
describe_values(LifeSituationEnum, {
    LifeSituation.BIRTH_OF_CHILD: "Рождение ребёнка.",
    LifeSituation.JOB_LOSS: "Потеря работы.",
    LifeSituation.MOVING: "Переезд.",
    LifeSituation.RETIREMENT: "Выход на пенсию.",
    LifeSituation.ILLNESS: "Болезнь.",
    LifeSituation.LOSS_OF_BREADWINNER: "Потеря кормильца.",
    LifeSituation.EMERGENCY: "Чрезвычайная ситуация.",
    LifeSituation.HOUSING_PROBLEM: "Жилищная проблема.",
})
describe_values(AuthorityBasisEnum, {
    AuthorityBasis.POWER_OF_ATTORNEY: "A power of attorney (доверенность).",
    AuthorityBasis.LEGAL_REPRESENTATIVE: "By law: a parent, guardian or trustee.",
    AuthorityBasis.CHARTER: "The head of an organisation acting under its charter (устав).",
    AuthorityBasis.OTHER: "Another basis, named in `document`.",
})


AFTER = AFTER_DESCRIPTION


def sees_client(actor: Actor | None, client_id: Any) -> bool:
    """The one visibility rule of the area: the client themselves (or their token's
    record), or staff; nobody without a token."""
    return actor is not None and can_see_client(actor, client_id)


@strawberry.type(description="An address at which the client can be reached.")
class ContactPoint(RowNode, relay.Node):
    node_loader = ContactPointByIdLoader

    id: relay.NodeID[str]
    kind: ContactKindEnum = strawberry.field(description="Email, phone, postal address or "
                                                         "messenger.")
    value: str = strawberry.field(
        description="Normalised: email lower-cased, phone in E.164 (+7…), messenger as "
                    "network:handle."
    )
    label: str | None = strawberry.field(description="The client's own name for it, e.g. "
                                                     "«рабочий».")
    verified: bool = strawberry.field(description="The client proved they own it.")
    primary: bool = strawberry.field(description="The one used first among contacts of this kind.")
    created_at: dt.datetime = strawberry.field(description="When it was added.")
    client_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict) -> ContactPoint:
        return cls(
            id=str(row["id"]), kind=row["kind"], value=row["value"], label=row["label"],
            verified=row["verified"], primary=row["primary"], created_at=row["created_at"],
            client_id=str(row["client_id"]),
        )

    @classmethod
    def from_model(cls, obj: Any) -> ContactPoint:
        return cls.from_row(row_of(obj, CONTACT_COLUMNS))

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Whoever may see its client."""
        return sees_client(actor, row["client_id"])


@strawberry.type(
    description="R-1.4: how the client wants to be contacted. The additional channel is used "
    "together with a channel the law makes mandatory for a process."
)
class ChannelPreference:
    preferred_channel: ChannelEnum = strawberry.field(
        description="The channel the client chose for further communication."
    )
    additional_channel: ChannelEnum | None = strawberry.field(
        description="The optional extra channel, used alongside a channel the law makes "
        "mandatory for a process."
    )
    chosen_via: ChannelEnum | None = strawberry.field(
        description="The channel through which the client made this choice."
    )
    updated_at: dt.datetime = strawberry.field(description="When the choice was last changed.")
    preferred_contact_id: strawberry.Private[str | None]
    additional_contact_id: strawberry.Private[str | None]
    client_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict) -> ChannelPreference:
        def opt(v: Any) -> str | None:
            return str(v) if v else None

        return cls(
            preferred_channel=row["preferred_channel"],
            additional_channel=row["additional_channel"],
            chosen_via=row["chosen_via"], updated_at=row["updated_at"],
            preferred_contact_id=opt(row["preferred_contact_id"]),
            additional_contact_id=opt(row["additional_contact_id"]),
            client_id=str(row["client_id"]),
        )

    @classmethod
    def from_model(cls, obj: Any) -> ChannelPreference:
        return cls.from_row(row_of(obj, PREFERENCE_COLUMNS))

    async def _contact(self, info: Info, contact_id: str | None) -> ContactPoint | None:
        if not contact_id:
            return None
        for row in await info.context.loader(ContactsByClientLoader).load(self.client_id):
            if str(row["id"]) == contact_id:
                return ContactPoint.from_row(row)
        return None

    @strawberry.field(description="Where the preferred channel reaches the client (null for "
                                  "web/app/visit).")
    async def preferred_contact(self, info: Info) -> ContactPoint | None:
        return await self._contact(info, self.preferred_contact_id)

    @strawberry.field(description="Where the additional channel reaches the client.")
    async def additional_contact(self, info: Info) -> ContactPoint | None:
        return await self._contact(info, self.additional_contact_id)


@strawberry.type(description="Someone acting for the client (R-1.2), and on what authority.")
class Representative(RowNode, relay.Node):
    node_loader = RepresentativeByIdLoader

    id: relay.NodeID[str]
    basis: AuthorityBasisEnum = strawberry.field(description="On what authority they act.")
    document: str | None = strawberry.field(description="The authorising document, e.g. power of "
                                                        "attorney number and date.")
    valid_until: dt.date | None = strawberry.field(
        description="Last day the authority is valid; null when not limited."
    )
    created_at: dt.datetime = strawberry.field(description="When it was recorded.")
    client_id: strawberry.Private[str]
    representative_id: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict) -> Representative:
        return cls(
            id=str(row["id"]), basis=row["basis"], document=row["document"],
            valid_until=row["valid_until"], created_at=row["created_at"],
            client_id=str(row["client_id"]), representative_id=str(row["representative_id"]),
        )

    @classmethod
    def from_model(cls, obj: Any) -> Representative:
        return cls.from_row(row_of(obj, REPRESENTATIVE_COLUMNS))

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """Whoever may see the represented client."""
        return sees_client(actor, row["client_id"])

    @strawberry.field(description="The representative's name (always visible to whoever sees the "
                                  "client).")
    async def representative_name(self, info: Info) -> str:
        row = await info.context.loader(ClientByIdLoader).load(self.representative_id)
        if not row:
            return ""
        return rules.display_name(row["kind"], row["last_name"], row["first_name"],
                                  row["middle_name"], row["organisation_name"])

    @strawberry.field(
        description="The representative's own client card; null unless the viewer may see it."
    )
    async def representative(self, info: Info) -> Client | None:
        if not sees_client(info.context.actor, self.representative_id):
            return None
        row = await info.context.loader(ClientByIdLoader).load(self.representative_id)
        return Client.from_row(row) if row else None


@strawberry.type(description="A client of the Government: a person, an organisation or an "
                             "employee.")
class Client(RowNode, relay.Node):
    node_loader = ClientByIdLoader

    id: relay.NodeID[str]
    kind: ClientKindEnum = strawberry.field(description="Person, organisation or employee.")
    last_name: str | None = strawberry.field(description="Persons and employees: surname.")
    first_name: str | None = strawberry.field(description="Persons and employees: given name.")
    middle_name: str | None = strawberry.field(description="Persons and employees: patronymic.")
    organisation_name: str | None = strawberry.field(description="Organisations: their name.")
    inn: str | None = strawberry.field(description="Taxpayer number: 10 digits (organisation) or "
                                                   "12 (person).")
    ogrn: str | None = strawberry.field(description="State registration number of an organisation "
                                                    "(13) or entrepreneur (15).")
    position: str | None = strawberry.field(description="Employees: their job title.")
    created_at: dt.datetime = strawberry.field(description="When the card was opened.")
    updated_at: dt.datetime = strawberry.field(description="When the card's own fields last "
                                                           "changed.")
    department_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: dict) -> Client:
        return cls(
            id=str(row["id"]), kind=row["kind"], last_name=row["last_name"],
            first_name=row["first_name"], middle_name=row["middle_name"],
            organisation_name=row["organisation_name"], inn=row["inn"], ogrn=row["ogrn"],
            position=row["position"], created_at=row["created_at"], updated_at=row["updated_at"],
            department_id=str(row["department_id"]) if row["department_id"] else None,
        )

    @classmethod
    def from_model(cls, obj: Any) -> Client:
        return cls.from_row(row_of(obj, CLIENT_COLUMNS))

    @classmethod
    def visible(cls, actor: Actor | None, row: dict[str, Any]) -> bool:
        """The client themselves, or staff."""
        return sees_client(actor, row["id"])

    @strawberry.field(description="Full name of a person, or the organisation's name.")
    def display_name(self) -> str:
        return rules.display_name(self.kind, self.last_name, self.first_name, self.middle_name,
                                  self.organisation_name)

    @strawberry.field(description="Employees: their department.")
    async def department(self, info: Info) -> Department | None:
        if not self.department_id:
            return None
        row = await info.context.loader(DepartmentByIdLoader).load(self.department_id)
        return Department.from_row(row) if row else None

    @strawberry.field(description="Contact points, grouped by kind, primary first.")
    async def contacts(self, info: Info) -> list[ContactPoint]:
        rows = await info.context.loader(ContactsByClientLoader).load(self.id)
        return [ContactPoint.from_row(r) for r in rows]

    @strawberry.field(description="R-1.4 channel choice; null until the client has chosen.")
    async def preference(self, info: Info) -> ChannelPreference | None:
        row = await info.context.loader(PreferenceByClientLoader).load(self.id)
        return ChannelPreference.from_row(row) if row else None

    async def _tags(self, info: Info, kind: TagKind, enum: type) -> list[Any]:
        rows = await info.context.loader(TagsByClientLoader).load(self.id)
        # A tag no longer in the enum (dropped from the rules) is not shown.
        return [enum(r["tag"]) for r in rows
                if r["kind"] == kind and r["tag"] in enum._value2member_map_]

    @strawberry.field(description="Profile segments, in the order they were set.")
    async def segments(self, info: Info) -> list[SegmentEnum]:
        return await self._tags(info, TagKind.SEGMENT, Segment)

    @strawberry.field(description="Profile life situations, in the order they were set.")
    async def life_situations(self, info: Info) -> list[LifeSituationEnum]:
        return await self._tags(info, TagKind.LIFE_SITUATION, LifeSituation)

    @strawberry.field(description="People authorised to act for this client.")
    async def representatives(self, info: Info) -> list[Representative]:
        rows = await info.context.loader(RepresentativesByClientLoader).load(self.id)
        return [Representative.from_row(r) for r in rows]

    @strawberry.field(
        description="Interaction history (R-1.5), newest first. Filters combine with AND; "
        "`from` is inclusive, `to` exclusive. Null (with an error on this field) for a bad "
        "`first` or `after`."
    )
    async def history(
        self,
        info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
        kinds: Annotated[list[EventKindEnum] | None, strawberry.argument(
            description="Only events of these kinds.")] = None,
        channels: Annotated[list[ChannelEnum] | None, strawberry.argument(
            description="Only events through these channels.")] = None,
        from_: Annotated[dt.datetime | None, strawberry.argument(
            name="from", description="Events at or after this moment.")] = None,
        to: Annotated[dt.datetime | None, strawberry.argument(
            description="Events before this moment.")] = None,
    ) -> InteractionEventConnection | None:
        return await load_history(info, self.id, first, after, kinds, channels, from_, to)

    @strawberry.field(description="This client's written messages and requests, newest received "
                      "first (a client sees their own; executors their department's).")
    async def messages(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> Annotated[MessageConnection, strawberry.lazy("api.messages.types")] | None:
        from api.messages.queries import client_messages

        return await client_messages(self.id, info, first, after)

    @strawberry.field(description="Communications sent to this client (the outbox), newest "
                      "first; a client sees their own.")
    async def deliveries(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> Annotated[DeliveryConnection, strawberry.lazy("api.deliveries.types")] | None:
        from api.deliveries.types import load_client_deliveries

        return await load_client_deliveries(info, self.id, first, after)

    @strawberry.field(description="This client's reception bookings (R-4.x), newest made "
                      "first, cancelled ones too; a client sees their own.")
    async def bookings(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> Annotated[BookingConnection, strawberry.lazy("api.reception.types")] | None:
        from api.reception.types import load_client_bookings

        return await load_client_bookings(info, self.id, first, after)

    @strawberry.field(description="Exports of this client's history (R-1.5), newest first.")
    async def history_exports(
        self, info: Info,
        first: Annotated[int | None, strawberry.argument(description=FIRST_DESCRIPTION)] = 20,
        after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    ) -> HistoryExportConnection | None:
        return await load_history_exports(info, self.id, first, after)
