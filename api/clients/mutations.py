"""Write side of the clients area: thin resolvers over domain.clients.service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.clients.types import (
    AuthorityBasisEnum,
    ChannelPreference,
    Client,
    ClientKindEnum,
    ContactKindEnum,
    ContactPoint,
    LifeSituationEnum,
    Representative,
    SegmentEnum,
)
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import actor_of
from api.relay import decode_id, decode_optional_id, encode_id
from domain.clients import service
from domain.deliveries import verification


def _value(v: Any) -> Any:
    return service.UNSET if v is strawberry.UNSET else v


def _optional_id(value: Any, type_name: str, field: str) -> Any:
    """An ID input of an update: unset stays unset, null clears, anything else is decoded
    (INVALID_ID unless it is a global ID of ``type_name``)."""
    if value is strawberry.UNSET:
        return service.UNSET
    return decode_optional_id(value, type_name, field)


_INPUT = "What to do; see the input type."
_ERRORS = "Why the mutation was refused; empty on success (then nothing else is null)."
_NAME = "Persons and employees: {}. Up to 200 characters, no control characters."


def _f(description: str, default: Any = strawberry.UNSET) -> Any:
    return strawberry.field(default=default, description=description)


@strawberry.input(description="A new client. Persons and employees need a last or first name, "
                  "organisations a name; employees a department. Staff only.")
class CreateClientInput:
    kind: ClientKindEnum = strawberry.field(description="Person, organisation or employee.")
    last_name: str | None = _f(_NAME.format("surname"), None)
    first_name: str | None = _f(_NAME.format("given name"), None)
    middle_name: str | None = _f(_NAME.format("patronymic"), None)
    organisation_name: str | None = _f("Organisations: their name (up to 500 characters).", None)
    inn: str | None = _f("INN with valid check digits: 10 digits for an organisation, 12 for a "
                         "person.", None)
    ogrn: str | None = _f("OGRN (organisation, 13 digits) or OGRNIP (entrepreneur, 15 digits), "
                          "with a valid check digit.", None)
    department_id: strawberry.ID | None = _f("Employees: their Department's global ID.", None)
    position: str | None = _f("Employees: job title.", None)


@strawberry.input(description="Changes to a client; omitted fields stay, null clears. Clients may "
                  "change their own name; INN, OGRN, department and position are staff-only.")
class UpdateClientInput:
    id: strawberry.ID = strawberry.field(description="The Client's global ID.")
    last_name: str | None = _f(_NAME.format("surname"))
    first_name: str | None = _f(_NAME.format("given name"))
    middle_name: str | None = _f(_NAME.format("patronymic"))
    organisation_name: str | None = _f("Organisations: their name (up to 500 characters).")
    inn: str | None = _f("INN with valid check digits (staff only).")
    ogrn: str | None = _f("OGRN or OGRNIP with a valid check digit (staff only).")
    department_id: strawberry.ID | None = _f("Employees: their Department's global ID (staff "
                                             "only).")
    position: str | None = _f("Employees: job title (staff only).")


@strawberry.type(description="Result of a client mutation: the client, or errors.")
class ClientPayload:
    client: Client | None = strawberry.field(description="The client as saved; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="A new contact point; the first of its kind becomes primary.")
class AddContactPointInput:
    client_id: strawberry.ID = strawberry.field(description="The Client's global ID.")
    kind: ContactKindEnum = strawberry.field(description="What kind of address `value` is.")
    value: str = strawberry.field(description="Email, phone in any common spelling, postal "
                                              "address, or messenger as network:handle "
                                              "(telegram:@ivanov).")
    label: str | None = _f("The client's own name for it, e.g. «рабочий» (up to 200 characters).",
                           None)
    primary: bool = _f("Make it the primary contact of its kind (the others lose the mark).",
                       False)


@strawberry.type(description="Result of a contact-point mutation.")
class ContactPointPayload:
    contact: ContactPoint | None = strawberry.field(description="The contact as saved; null on "
                                                                "errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Mark a contact point as confirmed by the client (staff).")
class VerifyContactPointInput:
    contact_id: strawberry.ID = strawberry.field(description="The ContactPoint's global ID.")
    primary: bool = _f("Also make it the primary contact of its kind.", False)


@strawberry.input(description="Send a 6-digit code to one of the client's own unverified "
                  "contact points (email, phone, messenger); valid 10 minutes, rate-limited "
                  "(RATE_LIMITED). R-1.4, issue 15.")
class RequestContactVerificationInput:
    contact_id: strawberry.ID = strawberry.field(description="The ContactPoint's global ID.")


@strawberry.input(description="Confirm a contact point with the code sent to it. Five wrong "
                  "codes void the code (EXPIRED_TOKEN); then request a new one.")
class ConfirmContactVerificationInput:
    contact_id: strawberry.ID = strawberry.field(description="The ContactPoint's global ID.")
    code: str = strawberry.field(description="The 6-digit code from the message.")


@strawberry.input(description="Remove a contact point. Refused with CONTACT_IN_USE while the "
                  "channel preference points at it; the primary mark passes to another contact "
                  "of the same kind (a verified one first).")
class RemoveContactPointInput:
    contact_id: strawberry.ID = strawberry.field(description="The ContactPoint's global ID.")


@strawberry.type(description="Result of removing a contact point.")
class RemoveContactPointPayload:
    removed_id: strawberry.ID | None = strawberry.field(
        description="The removed ContactPoint's global ID; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(
    description="R-1.4: the channel the client chose for further communication, and optionally "
    "an additional one used whenever the law makes another channel mandatory. Channels that "
    "reach the client at an address (email, sms, phone, postal, messenger) need a contact "
    "point of that kind; web, mobile app, in person, social and EDMS need none. Replaces the "
    "previous choice as a whole."
)
class SetChannelPreferenceInput:
    client_id: strawberry.ID = strawberry.field(description="The Client's global ID.")
    preferred_channel: ChannelEnum = strawberry.field(description="The chosen channel.")
    preferred_contact_id: strawberry.ID | None = _f(
        "The client's own ContactPoint the chosen channel uses (required for email, sms, phone, "
        "postal, messenger; must be omitted otherwise).", None)
    additional_channel: ChannelEnum | None = _f(
        "An extra channel, different from the chosen one.", None)
    additional_contact_id: strawberry.ID | None = _f(
        "The ContactPoint the additional channel uses, by the same rule.", None)
    chosen_via: ChannelEnum | None = strawberry.field(
        default=None, description="The channel the client arrived through when choosing."
    )


@strawberry.type(description="Result of setting a channel preference.")
class ChannelPreferencePayload:
    preference: ChannelPreference | None = strawberry.field(
        description="The preference as saved; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Replace a client's profile tags (staff); an omitted list stays, "
                  "an empty list clears.")
class SetProfileTagsInput:
    client_id: strawberry.ID = strawberry.field(description="The Client's global ID.")
    segments: list[SegmentEnum] | None = _f("The client's segments (duplicates count once).",
                                            None)
    life_situations: list[LifeSituationEnum] | None = _f(
        "The client's life situations (duplicates count once).", None)


@strawberry.input(description="Record that a person acts for a client (staff).")
class AddRepresentativeInput:
    client_id: strawberry.ID = strawberry.field(description="The represented Client's global ID.")
    representative_id: strawberry.ID = strawberry.field(
        description="The acting person's Client global ID (a person or employee, not the "
        "client themselves).")
    basis: AuthorityBasisEnum = strawberry.field(description="On what authority they act.")
    document: str | None = _f("The authorising document, e.g. «Доверенность 73 АА 123456 от "
                              "01.02.2026» (up to 500 characters).", None)
    valid_until: dt.date | None = _f("Last day of the authority; not in the past.", None)


@strawberry.type(description="Result of adding a representative.")
class RepresentativePayload:
    representative: Representative | None = strawberry.field(
        description="The recorded representative; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.input(description="Remove a representative link (staff).")
class RemoveRepresentativeInput:
    id: strawberry.ID = strawberry.field(description="The Representative's global ID.")


@strawberry.type(description="Result of removing a representative.")
class RemoveRepresentativePayload:
    removed_id: strawberry.ID | None = strawberry.field(
        description="The removed Representative's global ID; null on errors.")
    errors: list[UserError] = strawberry.field(description=_ERRORS)


def _client_data(data: CreateClientInput | UpdateClientInput) -> service.ClientData:
    return service.ClientData(
        kind=getattr(data, "kind", None),
        last_name=_value(data.last_name), first_name=_value(data.first_name),
        middle_name=_value(data.middle_name), organisation_name=_value(data.organisation_name),
        inn=_value(data.inn), ogrn=_value(data.ogrn),
        department_id=_optional_id(data.department_id, "Department", "departmentId"),
        position=_value(data.position),
    )


def _client(obj: Any) -> Client | None:
    return Client.from_model(obj) if obj is not None else None


def _global(type_name: str, node_id: Any) -> strawberry.ID | None:
    return encode_id(type_name, node_id) if node_id is not None else None


@strawberry.type
class ClientMutations:
    @strawberry.mutation(description="Create a client.")
    async def create_client(
        self, info: Info,
        input: Annotated[CreateClientInput, strawberry.argument(description=_INPUT)],
    ) -> ClientPayload | None:
        obj, errors = await attempt(lambda: service.create_client(
            actor_of(info), _client_data(input)))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(description="Change a client's details.")
    async def update_client(
        self, info: Info,
        input: Annotated[UpdateClientInput, strawberry.argument(description=_INPUT)],
    ) -> ClientPayload | None:
        obj, errors = await attempt(lambda: service.update_client(
            actor_of(info), decode_id(input.id, "Client", "id"), _client_data(input)))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(description="Add an email, phone, postal address or messenger.")
    async def add_contact_point(
        self, info: Info,
        input: Annotated[AddContactPointInput, strawberry.argument(description=_INPUT)],
    ) -> ContactPointPayload | None:
        obj, errors = await attempt(lambda: service.add_contact(
            actor_of(info), decode_id(input.client_id, "Client", "clientId"), input.kind,
            input.value, input.label, input.primary))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None,
                                   errors=errors)

    @strawberry.mutation(description="Mark a contact point verified.")
    async def verify_contact_point(
        self, info: Info,
        input: Annotated[VerifyContactPointInput, strawberry.argument(description=_INPUT)],
    ) -> ContactPointPayload | None:
        obj, errors = await attempt(lambda: service.verify_contact(
            actor_of(info), decode_id(input.contact_id, "ContactPoint", "contactId"),
            input.primary))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None,
                                   errors=errors)

    @strawberry.mutation(description="Send a confirmation code to the client's own contact point.")
    async def request_contact_verification(
        self, info: Info,
        input: Annotated[RequestContactVerificationInput, strawberry.argument(description=_INPUT)],
    ) -> ContactPointPayload | None:
        obj, errors = await attempt(lambda: verification.request_code(
            actor_of(info), decode_id(input.contact_id, "ContactPoint", "contactId")))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None,
                                   errors=errors)

    @strawberry.mutation(description="Mark a contact point verified by the code sent to it.")
    async def confirm_contact_verification(
        self, info: Info,
        input: Annotated[ConfirmContactVerificationInput, strawberry.argument(description=_INPUT)],
    ) -> ContactPointPayload | None:
        obj, errors = await attempt(lambda: verification.confirm_code(
            actor_of(info), decode_id(input.contact_id, "ContactPoint", "contactId"), input.code))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None,
                                   errors=errors)

    @strawberry.mutation(description="Remove a contact point that no channel preference uses.")
    async def remove_contact_point(
        self, info: Info,
        input: Annotated[RemoveContactPointInput, strawberry.argument(description=_INPUT)],
    ) -> RemoveContactPointPayload | None:
        removed, errors = await attempt(lambda: service.remove_contact(
            actor_of(info), decode_id(input.contact_id, "ContactPoint", "contactId")))
        return RemoveContactPointPayload(removed_id=_global("ContactPoint", removed),
                                         errors=errors)

    @strawberry.mutation(description="Record the client's channel choice (R-1.4).")
    async def set_channel_preference(
        self, info: Info,
        input: Annotated[SetChannelPreferenceInput, strawberry.argument(description=_INPUT)],
    ) -> ChannelPreferencePayload | None:
        obj, errors = await attempt(lambda: service.set_channel_preference(
            actor_of(info), decode_id(input.client_id, "Client", "clientId"),
            input.preferred_channel,
            decode_optional_id(input.preferred_contact_id, "ContactPoint", "preferredContactId"),
            input.additional_channel,
            decode_optional_id(input.additional_contact_id, "ContactPoint",
                               "additionalContactId"),
            input.chosen_via))
        pref = ChannelPreference.from_model(obj) if obj is not None else None
        return ChannelPreferencePayload(preference=pref, errors=errors)

    @strawberry.mutation(description="Replace profile segment and life-situation tags.")
    async def set_profile_tags(
        self, info: Info,
        input: Annotated[SetProfileTagsInput, strawberry.argument(description=_INPUT)],
    ) -> ClientPayload | None:
        obj, errors = await attempt(lambda: service.set_profile_tags(
            actor_of(info), decode_id(input.client_id, "Client", "clientId"), input.segments,
            input.life_situations))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(description="Record an authorised representative.")
    async def add_representative(
        self, info: Info,
        input: Annotated[AddRepresentativeInput, strawberry.argument(description=_INPUT)],
    ) -> RepresentativePayload | None:
        obj, errors = await attempt(lambda: service.add_representative(
            actor_of(info), decode_id(input.client_id, "Client", "clientId"),
            decode_id(input.representative_id, "Client", "representativeId"), input.basis,
            input.document, input.valid_until))
        rep = Representative.from_model(obj) if obj is not None else None
        return RepresentativePayload(representative=rep, errors=errors)

    @strawberry.mutation(description="Remove a representative.")
    async def remove_representative(
        self, info: Info,
        input: Annotated[RemoveRepresentativeInput, strawberry.argument(description=_INPUT)],
    ) -> RemoveRepresentativePayload | None:
        removed, errors = await attempt(lambda: service.remove_representative(
            actor_of(info), decode_id(input.id, "Representative", "id")))
        return RemoveRepresentativePayload(removed_id=_global("Representative", removed),
                                           errors=errors)
