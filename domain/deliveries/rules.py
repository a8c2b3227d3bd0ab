"""Pure delivery rules: which channels a communication takes, retry timing, what staff may do.

Routing (R-1.4, R-2.6, R-2.9), in one function, ``plan``:

- No legal channel: the client's preferred channel, at the chosen contact point.
- The law fixes a channel: that channel, AND the client's additional channel if one is set
  (the preferred channel is not used then: R-1.4 gives the client only the extra one).
- No preference (or a preferred channel that cannot carry a written communication: a visit,
  social networks): the fallback order — a verified email, then a phone (SMS), then a postal
  address, then a messenger, then an unverified email (better than nothing: the client gave
  it, and staff see where it went).
- A channel that needs an address the client does not have becomes a route with a
  ``problem``: the service writes it as a *failed* delivery with that reason, so staff see it
  and can re-route; nothing is dropped silently, and a legal channel is never swapped for
  another behind the law's back.
- ``phone`` as a chosen channel is carried by SMS to that phone (a written text cannot be
  phoned); ``web`` / ``mobile_app`` put the text into the client's personal account.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.clients.models import ContactKind
from domain.clients.rules import CONTACT_FOR_CHANNEL, CONTACT_KIND_RU
from domain.deliveries.models import DeliveryStatus, PostalState, RouteReason
from domain.enums import Channel

# Chosen channel -> the channel that actually carries a written communication.
CARRIER: dict[Channel, Channel] = {Channel.PHONE: Channel.SMS}
# Channels with an adapter (domain/deliveries/channels); others cannot carry a text out.
DELIVERABLE = frozenset({
    Channel.EMAIL, Channel.SMS, Channel.MESSENGER, Channel.POSTAL, Channel.EDMS,
    Channel.WEB, Channel.MOBILE_APP,
})
# Channels an operator finishes by hand (print and post; register in the EDMS).
MANUAL = frozenset({Channel.POSTAL, Channel.EDMS})

CHANNEL_RU: dict[Channel, str] = {
    Channel.EMAIL: "электронная почта",
    Channel.SMS: "SMS",
    Channel.PHONE: "телефон",
    Channel.POSTAL: "почтовое письмо",
    Channel.MESSENGER: "мессенджер",
    Channel.WEB: "личный кабинет на сайте",
    Channel.MOBILE_APP: "мобильное приложение",
    Channel.IN_PERSON: "личный приём",
    Channel.SOCIAL: "социальные сети",
    Channel.EDMS: "СЭД",
}


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    kind: ContactKind
    value: str
    verified: bool = False
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Preference:
    preferred_channel: Channel
    preferred_contact_id: str | None = None
    additional_channel: Channel | None = None
    additional_contact_id: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    channel: Channel | None
    reason: RouteReason
    contact: Contact | None = None
    problem: str | None = None  # Russian, for staff: why this route cannot be used

    @property
    def reachable(self) -> bool:
        return self.problem is None


def carrier(channel: Channel) -> Channel:
    return CARRIER.get(channel, channel)


def best_contact(contacts: list[Contact], kind: ContactKind, *, verified_only: bool = False
                 ) -> Contact | None:
    """Primary first, then verified, then the first given (callers pass oldest first)."""
    found = [c for c in contacts if c.kind == kind and (c.verified or not verified_only)]
    if not found:
        return None
    return min(found, key=lambda c: (not c.primary, not c.verified))


def route_to(channel: Channel, reason: RouteReason, contacts: list[Contact],
             contact_id: str | None = None) -> Route:
    """One channel; the named contact if it fits, else the client's best one of that kind."""
    channel = carrier(channel)
    if channel not in DELIVERABLE:
        return Route(channel, reason, problem=f"Канал «{CHANNEL_RU[channel]}» не может "
                     "доставить письменное сообщение.")
    needed = CONTACT_FOR_CHANNEL.get(channel)
    if needed is None:
        return Route(channel, reason)
    contact = next((c for c in contacts if c.id == contact_id and c.kind == needed), None)
    contact = contact or best_contact(contacts, needed)
    if contact is None:
        return Route(channel, reason, problem=f"У клиента нет контакта «{CONTACT_KIND_RU[needed]}» "
                     f"для канала «{CHANNEL_RU[channel]}».")
    return Route(channel, reason, contact)


def fallback(contacts: list[Contact]) -> Route:
    for kind, channel, verified_only in (
        (ContactKind.EMAIL, Channel.EMAIL, True),
        (ContactKind.PHONE, Channel.SMS, False),
        (ContactKind.POSTAL, Channel.POSTAL, False),
        (ContactKind.MESSENGER, Channel.MESSENGER, False),
        (ContactKind.EMAIL, Channel.EMAIL, False),
    ):
        contact = best_contact(contacts, kind, verified_only=verified_only)
        if contact is not None:
            return Route(channel, RouteReason.FALLBACK, contact)
    return Route(None, RouteReason.FALLBACK, problem="Способ связи не выбран, и у клиента нет "
                 "ни электронной почты, ни телефона, ни почтового адреса, ни мессенджера.")


def plan(preference: Preference | None, contacts: list[Contact],
         legal_channel: Channel | None = None) -> list[Route]:
    """The routes of one communication: never empty, at most two, no channel twice."""
    if legal_channel is not None:
        contact_id = None
        if preference and carrier(preference.preferred_channel) == carrier(legal_channel):
            contact_id = preference.preferred_contact_id
        elif (preference and preference.additional_channel
              and carrier(preference.additional_channel) == carrier(legal_channel)):
            contact_id = preference.additional_contact_id
        routes = [route_to(legal_channel, RouteReason.LEGAL, contacts, contact_id)]
        extra = preference.additional_channel if preference else None
        if extra is not None and carrier(extra) != carrier(legal_channel):
            routes.append(route_to(extra, RouteReason.ADDITIONAL, contacts,
                                   preference.additional_contact_id))
        return routes
    if preference is None or carrier(preference.preferred_channel) not in DELIVERABLE:
        return [fallback(contacts)]
    return [route_to(preference.preferred_channel, RouteReason.PREFERRED, contacts,
                     preference.preferred_contact_id)]


CHANNEL_FOR_CONTACT: dict[ContactKind, Channel] = {
    ContactKind.EMAIL: Channel.EMAIL,
    ContactKind.PHONE: Channel.SMS,
    ContactKind.POSTAL: Channel.POSTAL,
    ContactKind.MESSENGER: Channel.MESSENGER,
}


# --- retries -------------------------------------------------------------------------------

def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Delay before attempt ``attempt + 1``: base, 2·base, 4·base, … never above ``cap``."""
    return min(cap, base * (2 ** max(0, attempt - 1)))


def smtp_code_is_transient(code: int | None) -> bool:
    """SMTP 4xx = try later; 5xx = the server refuses for good (RFC 5321 §4.2.1)."""
    if code is None or code < 0:
        return True  # no reply at all: connection trouble
    return not 500 <= code < 600


def http_status_is_transient(status: int) -> bool:
    """Gateway: 5xx, timeouts and rate limits are worth retrying; other 4xx are not."""
    return status >= 500 or status in (408, 425, 429)


# --- what staff may do ---------------------------------------------------------------------

def can_cancel(status: DeliveryStatus, channel: Channel | None) -> bool:
    """Anything not yet out; an electronic send in flight cannot be taken back."""
    if status == DeliveryStatus.SENDING:
        return channel in MANUAL
    return status in (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


def can_retry(status: DeliveryStatus) -> bool:
    return status in (DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)


def can_reroute(status: DeliveryStatus, channel: Channel | None) -> bool:
    return status != DeliveryStatus.SENDING or channel in MANUAL


def postal_transition(status: DeliveryStatus, state: PostalState | None, mark: PostalState
                      ) -> tuple[DeliveryStatus, PostalState] | None:
    """An operator's mark on a queued letter; None if it makes no sense now."""
    if status not in (DeliveryStatus.PENDING, DeliveryStatus.SENDING):
        return None
    if mark == PostalState.PRINTED:
        if state == PostalState.PRINTED:
            return None
        return DeliveryStatus.SENDING, PostalState.PRINTED
    if mark == PostalState.POSTED:
        return DeliveryStatus.SENT, PostalState.POSTED
    return None
