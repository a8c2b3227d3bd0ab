"""Enums shared by several areas' GraphQL types."""

import strawberry

from domain.enums import Channel
from domain.history.kinds import EventKind
from domain.history.models import Direction

ChannelEnum = strawberry.enum(Channel, name="Channel", description="A way the Government and a client communicate (R-1.2).")
EventKindEnum = strawberry.enum(EventKind, name="EventKind", description="What happened in an interaction event.")
DirectionEnum = strawberry.enum(Direction, name="Direction", description="From the client, to the client, or inside the Government.")
