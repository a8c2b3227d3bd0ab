"""Invitations as staff and clients see them: staff invite by hand (a receptionist offering a
rating after a visit, R-4.9); clients list their own open invitations."""

from __future__ import annotations

import uuid
from typing import Any

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode, not_found
from domain.pagination import newest_first
from domain.settings import Settings
from domain.surveys import service
from domain.surveys.definitions import parse_id
from domain.surveys.models import InvitationStatus, SurveyInvitation

INVITATION_COLUMNS = (
    "id", "survey_id", "version_id", "client_id", "subject_type", "subject_id", "status",
    "purpose", "channel", "sphere", "department_id", "executor", "about", "nonce",
    "invited_at", "expires_at", "remind_on", "notified_at", "reminder_sent_at", "responded_at",
)


async def invite_by_staff(
    actor: Actor, subject: tuple[str, Any], client_id: Any, purpose: Any, *, notify: bool,
    settings: Settings | None = None, **dimensions: Any,
) -> service.Invitation:
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Приглашать к опросу могут только сотрудники.")
    call = service.invite_and_notify if notify else service.invite
    return await call(subject, client_id, purpose, actor=actor, settings=settings, **dimensions)


async def list_for_client(
    actor: Actor, client_id: Any, statuses: list[Any] | None, first: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """Newest first by (invited_at, id); a client sees only their own."""
    if client_id is None:
        if actor.client_id is None:
            raise DomainError(ErrorCode.REQUIRED, "Укажите клиента.", "clientId")
        client_id = actor.client_id
    cid = parse_id(client_id, "clientId", "Клиент")
    if not actor.can_see_client(str(cid)):
        raise not_found("Клиент", "clientId")
    query = SurveyInvitation.filter(client_id=cid)
    if statuses:
        query = query.filter(status__in=[InvitationStatus(s) for s in statuses])
    return await newest_first(query, "invited_at", first, after, INVITATION_COLUMNS, uuid.UUID)
