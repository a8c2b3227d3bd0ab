"""Pure delivery rules: which channels a communication takes, what it must carry, retry
timing, what staff may do.

Routing (R-1.4, R-2.6, R-2.9, R-6.2), in one function, ``plan``:

- Mailings (``Purpose.MAILING``, ``MAILING_CONFIRMATION``) go by email only (R-6.2), whatever
  the client prefers: a client without an email address gets one failed route with the
  reason, never an SMS or a letter.
- No legal channel: the client's preferred channel, at the chosen contact point.
- The law fixes a channel: that channel (to the address given in the appeal when the caller
  names it: ``legal_contact_id``), AND every channel the client chose that differs from it:
  the preferred one (so a choice is never silently dropped: the preferred channel goes as
  the optional extra of R-1.4) and the additional one if set (R-2.6, R-2.9 "duplicated to
  the additional channel"). At most three routes, no channel twice; a chosen channel that
  cannot carry a text (a visit, social networks) adds nothing, the legal route carries it.
- A code confirming an address (``ONE_ADDRESS``) goes to that address only, whatever the
  client prefers (issue 15).
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

What a communication must carry (``check_required_links``, called by ``send`` for every
row): a final communication carries the satisfaction-survey link (R-2.10), a mailing its
unsubscribe link (R-6.4); without it the send is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from domain.clients.models import ContactKind
from domain.clients.rules import CONTACT_FOR_CHANNEL, CONTACT_KIND_RU
from domain.deliveries.models import (
    FINAL_PURPOSES,
    DeliveryStatus,
    PostalState,
    Purpose,
    RouteReason,
)
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text

# Chosen channel -> the channel that actually carries a written communication.
CARRIER: dict[Channel, Channel] = {Channel.PHONE: Channel.SMS}
# Channels with an adapter (domain/deliveries/channels); others cannot carry a text out.
DELIVERABLE = frozenset({
    Channel.EMAIL, Channel.SMS, Channel.MESSENGER, Channel.POSTAL, Channel.EDMS,
    Channel.WEB, Channel.MOBILE_APP,
})
# Channels an operator finishes by hand (print and post; register in the EDMS).
MANUAL = frozenset({Channel.POSTAL, Channel.EDMS})
# purposes whose channel the procedure fixes whatever the client prefers.
FIXED_CHANNEL: dict[str, Channel] = {
    Purpose.MAILING: Channel.EMAIL,
    Purpose.MAILING_CONFIRMATION: Channel.EMAIL,
}
# Purposes that go to the named address (``legal_contact_id``) only, never to the client's other
# channels: a code confirming an address proves that address (issue 15).
ONE_ADDRESS = frozenset({Purpose.CONTACT_VERIFICATION})

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
         legal_channel: Channel | None = None, *, legal_contact_id: str | None = None,
         purpose: str | None = None) -> list[Route]:
    """The routes of one communication: never empty, at most three, no channel twice."""
    fixed = FIXED_CHANNEL.get(purpose) if purpose is not None else None
    if fixed is not None:  # mailings by email, never another channel
        contact_id = (preference.preferred_contact_id
                      if preference and carrier(preference.preferred_channel) == fixed else None)
        return [route_to(fixed, RouteReason.FIXED, contacts, contact_id)]
    if legal_channel is not None:
        legal = carrier(legal_channel)
        contact_id = legal_contact_id
        if contact_id is None and preference:
            if carrier(preference.preferred_channel) == legal:
                contact_id = preference.preferred_contact_id
            elif (preference.additional_channel
                  and carrier(preference.additional_channel) == legal):
                contact_id = preference.additional_contact_id
        routes = [route_to(legal, RouteReason.LEGAL, contacts, contact_id)]
        if preference is None or purpose in ONE_ADDRESS:
            return routes
        taken = {legal}
        # the client's choices go too; one that cannot carry a text adds nothing.
        for channel, reason, chosen_contact in (
            (preference.preferred_channel, RouteReason.PREFERRED,
             preference.preferred_contact_id),
            (preference.additional_channel, RouteReason.ADDITIONAL,
             preference.additional_contact_id),
        ):
            if channel is None or carrier(channel) in taken or carrier(channel) not in DELIVERABLE:
                continue
            taken.add(carrier(channel))
            routes.append(route_to(channel, reason, contacts, chosen_contact))
        return routes
    if preference is None or carrier(preference.preferred_channel) not in DELIVERABLE:
        return [fallback(contacts)]
    return [route_to(preference.preferred_channel, RouteReason.PREFERRED, contacts,
                     preference.preferred_contact_id)]


# --- what a communication must carry ---------------------------------------------------------

_LINK = re.compile(r"\Ahttps?://[\x21-\x7e]{1,1800}\Z")  # printable ASCII: safe in a header


def check_required_links(purpose: str, context: dict[str, Any]) -> None:
    """R-2.10: a final communication (answer, requested information, a service's result) and
    the invitation that follows an oral answer carry the satisfaction-survey link; R-6.4: a
    mailing carries its unsubscribe link. Anything else is refused before a row is written."""
    if purpose in SURVEY_LINK_PURPOSES and not _is_link(context.get("survey_url")):
        raise DomainError(ErrorCode.SURVEY_LINK_REQUIRED, "Итоговое сообщение клиенту должно "
                          "содержать ссылку на опрос об удовлетворённости.", "survey_url")
    if purpose == Purpose.MAILING and not _is_link(context.get("unsubscribe_url")):
        raise DomainError(ErrorCode.UNSUBSCRIBE_LINK_REQUIRED, "В письме рассылки должна быть "
                          "ссылка для отказа от рассылки.", "unsubscribe_url")


def _is_link(value: Any) -> bool:
    return isinstance(value, str) and _LINK.match(value) is not None


# the final purposes, and the survey invitation (after an oral answer it is the
# written part of the final communication; its whole point is the link).
SURVEY_LINK_PURPOSES = FINAL_PURPOSES | {Purpose.SURVEY_INVITATION, Purpose.SURVEY_REMINDER}


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


_HTTPS = re.compile(r"\Ahttps://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)


def clean_edms_registration(number: str | None, link: str | None) -> tuple[str, str | None]:
    """R-8: the EDMS registration number (required) and the document's link (an https URL,
    or empty); bad text (NUL, control characters, too long) is a field error."""
    number = clean_text(number, "number", max_length=100, required=True)
    link = clean_text(link, "link", max_length=1000)
    if link is not None and not _HTTPS.match(link):
        raise DomainError(ErrorCode.INVALID, "Ссылка на документ в СЭД должна начинаться "
                          "с https://.", "link")
    return number, link


def can_register_edms(status: DeliveryStatus, channel: Channel | None) -> bool:
    """R-8: an EDMS delivery waiting for (or in) the operator's queue may be registered once."""
    return channel == Channel.EDMS and status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


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


# -- attachments (an email's files: a booking's .ics) ---------------------------------------

ATTACHMENT_MAX_CHARS = 64 * 1024
ATTACHMENTS_MAX = 5
_FILENAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
_CONTENT_TYPE = re.compile(r"\A(text)/[a-z0-9.+-]{1,60}\Z")


@dataclass(frozen=True, slots=True)
class Attachment:
    """One text file an email carries; other channels ignore it."""

    filename: str  # ASCII, no path: it goes into a MIME header
    content_type: str  # text/* only (text/calendar)
    content: str


def clean_attachments(attachments: list[Attachment] | None) -> list[dict[str, str]]:
    """Stored form of the attachments, refused with INVALID/TOO_LONG before a row is written."""
    out: list[dict[str, str]] = []
    for item in attachments or ():
        if not _FILENAME.match(item.filename) or not _CONTENT_TYPE.match(item.content_type):
            raise DomainError(ErrorCode.INVALID, "Недопустимое вложение.", "attachments")
        if len(item.content) > ATTACHMENT_MAX_CHARS or "\x00" in item.content:
            raise DomainError(ErrorCode.TOO_LONG, "Вложение слишком большое.", "attachments")
        out.append({"filename": item.filename, "content_type": item.content_type,
                    "content": item.content})
    if len(out) > ATTACHMENTS_MAX:
        raise DomainError(ErrorCode.TOO_LONG, "Слишком много вложений.", "attachments")
    return out
