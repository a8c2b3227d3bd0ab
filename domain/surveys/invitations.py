"""Invitations by hand (staff, R-4.9) and a client's own list."""

from __future__ import annotations

import uuid
from typing import Any

from domain.actor import Actor
from domain.directory.models import Sphere
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.pagination import newest_first
from domain.settings import Settings
from domain.surveys import service
from domain.surveys.models import InvitationStatus, SurveyInvitation
from domain.surveys.queries import INVITATION_COLUMNS
from domain.validation import clean_text

# Subject kinds that name an okno record with a Node type: staff name those by global ID
# (the API decodes it), never as free text, so a typed subject always resolves.
NODE_SUBJECT_TYPES = frozenset({"message"})


async def invite_by_staff(
    actor: Actor, subject: tuple[str, Any], client_id: Any, purpose: Any, *, notify: bool,
    settings: Settings | None = None, external: bool = False, sphere_id: Any = None,
    **dimensions: Any,
) -> service.Invitation:
    """``external``: the subject is a record of an area okno does not hold yet (a reception
    ``R-77``), named by kind and reference; otherwise a Node's (kind, id)."""
    if not actor.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "Приглашать к опросу могут только сотрудники.")
    if external:
        kind, reference = subject
        if not isinstance(kind, str) or not service.SUBJECT_TYPE.match(kind):
            raise DomainError(ErrorCode.INVALID, "Неверный вид записи для опроса.",
                              "externalSubject.kind")
        if kind in NODE_SUBJECT_TYPES:
            raise DomainError(ErrorCode.INVALID, "Такую запись укажите в subjectId.",
                              "externalSubject.kind")
        subject = (kind, clean_text(reference, "externalSubject.reference", max_length=64,
                                    required=True))
    if sphere_id is not None:
        sphere = await Sphere.get_or_none(id=parse_uuid(sphere_id, "sphereId", "Сфера"))
        if sphere is None:
            raise not_found("Сфера", "sphereId")
        dimensions["sphere"] = sphere.code
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
    cid = parse_uuid(client_id, "clientId", "Клиент")
    if not actor.can_see_client(str(cid)):
        raise not_found("Клиент", "clientId")
    query = SurveyInvitation.filter(client_id=cid)
    if statuses:
        query = query.filter(status__in=[InvitationStatus(s) for s in statuses])
    return await newest_first(query, "invited_at", first, after, INVITATION_COLUMNS, uuid.UUID)
