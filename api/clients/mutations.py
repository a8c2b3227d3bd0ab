"""Write side of the clients area: thin resolvers over domain.clients.service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.clients.types import (
    AuthorityBasisEnum,
    ChannelPreference,
    Client,
    ClientKindEnum,
    ContactKindEnum,
    ContactPoint,
    Representative,
)
from api.enums import ChannelEnum
from api.errors import UserError, attempt
from api.permissions import IsAuthenticated, actor_of
from api.relay import decode_id
from domain.clients import service


def _value(v: Any) -> Any:
    return service.UNSET if v is strawberry.UNSET else v


def _id(value: Any, type_name: str, field: str) -> Any:
    """Decode a global ID; a malformed one is passed on as-is for the service to refuse."""
    if value is None or value is strawberry.UNSET:
        return _value(value)
    try:
        return decode_id(value, type_name, field)
    except Exception:
        return "invalid"


@strawberry.input(description="A new client. Persons and employees need a last or first name, "
                  "organisations a name; employees a department.")
class CreateClientInput:
    kind: ClientKindEnum
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    organisation_name: str | None = None
    inn: str | None = None
    ogrn: str | None = None
    department_id: strawberry.ID | None = None
    position: str | None = None


@strawberry.input(description="Changes to a client; omitted fields stay, null clears. Clients may "
                  "change their own name; INN, OGRN, department and position are staff-only.")
class UpdateClientInput:
    id: strawberry.ID
    last_name: str | None = strawberry.UNSET
    first_name: str | None = strawberry.UNSET
    middle_name: str | None = strawberry.UNSET
    organisation_name: str | None = strawberry.UNSET
    inn: str | None = strawberry.UNSET
    ogrn: str | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    position: str | None = strawberry.UNSET


@strawberry.type(description="Result of a client mutation: the client, or errors.")
class ClientPayload:
    client: Client | None
    errors: list[UserError]


@strawberry.input(description="A new contact point; the first of its kind becomes primary.")
class AddContactPointInput:
    client_id: strawberry.ID
    kind: ContactKindEnum
    value: str = strawberry.field(description="Email, phone in any common spelling, postal address, or messenger as network:handle (telegram:@ivanov).")
    label: str | None = None
    primary: bool = False


@strawberry.type(description="Result of a contact-point mutation.")
class ContactPointPayload:
    contact: ContactPoint | None
    errors: list[UserError]


@strawberry.input(description="Mark a contact point as confirmed by the client (staff).")
class VerifyContactPointInput:
    contact_id: strawberry.ID
    primary: bool = False


@strawberry.input
class RemoveContactPointInput:
    contact_id: strawberry.ID


@strawberry.type(description="Result of removing a contact point.")
class RemoveContactPointPayload:
    removed_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.input(
    description="R-1.4: the channel the client chose for further communication, and optionally "
    "an additional one used whenever the law makes another channel mandatory. Channels that "
    "reach the client at an address (email, sms, phone, postal, messenger) need a contact "
    "point of that kind."
)
class SetChannelPreferenceInput:
    client_id: strawberry.ID
    preferred_channel: ChannelEnum
    preferred_contact_id: strawberry.ID | None = None
    additional_channel: ChannelEnum | None = None
    additional_contact_id: strawberry.ID | None = None
    chosen_via: ChannelEnum | None = strawberry.field(
        default=None, description="The channel the client arrived through when choosing."
    )


@strawberry.type(description="Result of setting a channel preference.")
class ChannelPreferencePayload:
    preference: ChannelPreference | None
    errors: list[UserError]


@strawberry.input(description="Replace a client's profile tags (staff); an omitted list stays.")
class SetProfileTagsInput:
    client_id: strawberry.ID
    segments: list[str] | None = None
    life_situations: list[str] | None = None


@strawberry.input(description="Record that a person acts for a client (staff).")
class AddRepresentativeInput:
    client_id: strawberry.ID
    representative_id: strawberry.ID
    basis: AuthorityBasisEnum
    document: str | None = None
    valid_until: dt.date | None = None


@strawberry.type(description="Result of adding a representative.")
class RepresentativePayload:
    representative: Representative | None
    errors: list[UserError]


@strawberry.input
class RemoveRepresentativeInput:
    id: strawberry.ID


@strawberry.type(description="Result of removing a representative.")
class RemoveRepresentativePayload:
    removed_id: strawberry.ID | None
    errors: list[UserError]


def _client_data(data: CreateClientInput | UpdateClientInput) -> service.ClientData:
    return service.ClientData(
        kind=getattr(data, "kind", None),
        last_name=_value(data.last_name), first_name=_value(data.first_name),
        middle_name=_value(data.middle_name), organisation_name=_value(data.organisation_name),
        inn=_value(data.inn), ogrn=_value(data.ogrn),
        department_id=_id(data.department_id, "Department", "departmentId"),
        position=_value(data.position),
    )


def _client(obj: Any) -> Client | None:
    return Client.from_model(obj) if obj is not None else None


def _global(type_name: str, node_id: Any) -> strawberry.ID | None:
    from api.relay import encode_id

    return strawberry.ID(encode_id(type_name, node_id)) if node_id is not None else None


@strawberry.type
class ClientMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Create a client (staff).")
    async def create_client(self, info: Info, input: CreateClientInput) -> ClientPayload:
        obj, errors = await attempt(service.create_client(actor_of(info), _client_data(input)))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Change a client's details.")
    async def update_client(self, info: Info, input: UpdateClientInput) -> ClientPayload:
        obj, errors = await attempt(service.update_client(
            actor_of(info), _id(input.id, "Client", "id"), _client_data(input)))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Add an email, phone, postal address or messenger.")
    async def add_contact_point(self, info: Info, input: AddContactPointInput) -> ContactPointPayload:
        obj, errors = await attempt(service.add_contact(
            actor_of(info), _id(input.client_id, "Client", "clientId"), input.kind, input.value,
            input.label, input.primary))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Mark a contact point verified (staff).")
    async def verify_contact_point(self, info: Info, input: VerifyContactPointInput) -> ContactPointPayload:
        obj, errors = await attempt(service.verify_contact(
            actor_of(info), _id(input.contact_id, "ContactPoint", "contactId"), input.primary))
        return ContactPointPayload(contact=ContactPoint.from_model(obj) if obj else None, errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Remove a contact point that no channel preference uses.")
    async def remove_contact_point(self, info: Info, input: RemoveContactPointInput) -> RemoveContactPointPayload:
        removed, errors = await attempt(service.remove_contact(
            actor_of(info), _id(input.contact_id, "ContactPoint", "contactId")))
        return RemoveContactPointPayload(removed_id=_global("ContactPoint", removed), errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Record the client's channel choice (R-1.4).")
    async def set_channel_preference(self, info: Info, input: SetChannelPreferenceInput) -> ChannelPreferencePayload:
        obj, errors = await attempt(service.set_channel_preference(
            actor_of(info), _id(input.client_id, "Client", "clientId"), input.preferred_channel,
            _id(input.preferred_contact_id, "ContactPoint", "preferredContactId"),
            input.additional_channel,
            _id(input.additional_contact_id, "ContactPoint", "additionalContactId"),
            input.chosen_via))
        pref = ChannelPreference.from_model(obj) if obj is not None else None
        return ChannelPreferencePayload(preference=pref, errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Replace profile segment and life-situation tags (staff).")
    async def set_profile_tags(self, info: Info, input: SetProfileTagsInput) -> ClientPayload:
        obj, errors = await attempt(service.set_profile_tags(
            actor_of(info), _id(input.client_id, "Client", "clientId"), input.segments,
            input.life_situations))
        return ClientPayload(client=_client(obj), errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Record an authorised representative (staff).")
    async def add_representative(self, info: Info, input: AddRepresentativeInput) -> RepresentativePayload:
        obj, errors = await attempt(service.add_representative(
            actor_of(info), _id(input.client_id, "Client", "clientId"),
            _id(input.representative_id, "Client", "representativeId"), input.basis,
            input.document, input.valid_until))
        rep = Representative.from_model(obj) if obj is not None else None
        return RepresentativePayload(representative=rep, errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Remove a representative (staff).")
    async def remove_representative(self, info: Info, input: RemoveRepresentativeInput) -> RemoveRepresentativePayload:
        removed, errors = await attempt(service.remove_representative(
            actor_of(info), _id(input.id, "Representative", "id")))
        return RemoveRepresentativePayload(removed_id=_global("Representative", removed), errors=errors)
