"""Enums shared by several areas (``api/enums.py`` is their GraphQL side).

An enum used by one area lives in that area's ``models.py``; once a second area needs it,
it moves here, so no area imports another one's models just for a set of values."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """Every way the Government and a client talk (R-1.2 "channel")."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    POSTAL = "postal"
    MESSENGER = "messenger"
    WEB = "web"
    MOBILE_APP = "mobile_app"
    IN_PERSON = "in_person"
    SOCIAL = "social"
    EDMS = "edms"
