"""Enums shared by several areas' GraphQL types (their Python side: ``domain/enums.py`` and
the history area's kinds), with a description for every value."""

from typing import Any

import strawberry

from domain.enums import Channel
from domain.history.kinds import EventKind
from domain.history.models import Direction


def describe_values(enum_type: Any, descriptions: dict[Any, str]) -> None:
    """Value descriptions for enums defined in domain/ (which must not import strawberry).
    Every value needs one: a missing value fails at import, not in front of a front end."""
    for value in enum_type.__strawberry_definition__.values:
        value.description = descriptions[enum_type(value.value)]


ChannelEnum = strawberry.enum(Channel, name="Channel", description="A way the Government and a "
                                                                   "client communicate (R-1.2).")
EventKindEnum = strawberry.enum(EventKind, name="EventKind", description="What happened in an "
                                                                         "interaction event. New "
                                                                         "kinds may be added: "
                                                                         "show unknown ones as a "
                                                                         "generic event.")
DirectionEnum = strawberry.enum(Direction, name="Direction", description="From the client, to the "
                                                                         "client, or inside the "
                                                                         "Government.")

describe_values(ChannelEnum, {
    Channel.EMAIL: "Email.",
    Channel.SMS: "SMS to a phone.",
    Channel.PHONE: "A phone call.",
    Channel.POSTAL: "Paper mail.",
    Channel.MESSENGER: "A messenger (Telegram, WhatsApp, Viber, VK, MAX).",
    Channel.WEB: "The personal account on the website.",
    Channel.MOBILE_APP: "The mobile app.",
    Channel.IN_PERSON: "A visit in person (reception).",
    Channel.SOCIAL: "A social network thread.",
    Channel.EDMS: "The electronic document management system (internal requests).",
})
describe_values(DirectionEnum, {
    Direction.INBOUND: "From the client to the Government.",
    Direction.OUTBOUND: "From the Government to the client.",
    Direction.INTERNAL: "A step inside the Government (registration, assignment, …).",
})
describe_values(EventKindEnum, {
    EventKind.CLIENT_CREATED: "The client card was opened.",
    EventKind.CLIENT_UPDATED: "The card's details changed.",
    EventKind.CONTACT_ADDED: "A contact point was added.",
    EventKind.CONTACT_VERIFIED: "A contact point was confirmed.",
    EventKind.CONTACT_REMOVED: "A contact point was removed.",
    EventKind.PREFERENCE_SET: "The client chose how to be contacted (R-1.4).",
    EventKind.PROFILE_CHANGED: "Segments or life situations changed.",
    EventKind.REPRESENTATIVE_ADDED: "A representative was recorded.",
    EventKind.REPRESENTATIVE_REMOVED: "A representative was removed.",
    EventKind.HISTORY_EXPORT_REQUESTED: "An export of the whole history was requested.",
    EventKind.HISTORY_EXPORT_READY: "The history export is ready to download.",
    EventKind.MESSAGE_RECEIVED: "A written message or request was received.",
    EventKind.MESSAGE_ANSWERED: "A message was answered.",
    EventKind.MESSAGE_REGISTERED: "A message was registered.",
    EventKind.MESSAGE_ASSIGNED: "A message was assigned to an executor.",
    EventKind.MESSAGE_STATUS: "A message's status changed.",
    EventKind.MESSAGE_CLASSIFIED: "A message was classified.",
    EventKind.MESSAGE_URGENCY: "A message's urgency was set.",
    EventKind.MESSAGE_ABUSE: "A message was assessed for abusive content.",
    EventKind.MESSAGE_CLARIFIED: "A clarification was requested or logged.",
    EventKind.MESSAGE_EXTENDED: "A message's deadline was extended.",
    EventKind.MESSAGE_REDIRECTED: "A message was redirected to another body.",
    EventKind.MESSAGE_DEADLINE: "A message's deadline was reached or is near.",
    EventKind.NOTICE_SENT: "A notice was sent to the client.",
    EventKind.CALL: "A phone call.",
    EventKind.RECEPTION: "A personal reception.",
    EventKind.DELIVERY: "A communication was sent.",
    EventKind.DELIVERY_FAILED: "A communication could not be delivered.",
    EventKind.SURVEY: "A survey.",
    EventKind.SURVEY_INVITED: "The client was invited to a survey.",
    EventKind.SURVEY_REMINDED: "The client was reminded of a survey.",
    EventKind.SURVEY_RESPONDED: "The client answered a survey.",
    EventKind.MAILING_CONSENT: "Consent to a mailing was asked, given or revoked (R-6.x): "
    "`details` carries the action, the source and the consent text's version.",
    EventKind.SOCIAL_ITEM: "The client wrote on an official page or public chat (R-7.1), or "
    "that item was edited, deleted or moved to a message; `source` is the SocialItem.",
    EventKind.SOCIAL_ANSWER: "A public answer to the client's social item was posted (R-7.3).",
})
