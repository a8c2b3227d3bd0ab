"""Live deadline alerts: the sweep publishes through Redis pub/sub, so any API process serves
any subscriber."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.history.subscriptions import listen
from api.messages.types import DeadlineAlert
from api.permissions import actor_of
from api.relay import bad_input, decode_optional_id
from domain.actor import Role
from domain.errors import DomainError
from domain.ids import as_uuid
from domain.messages import access, deadlines


def _alert(payload: dict[str, Any]) -> DeadlineAlert:
    return DeadlineAlert.from_row({
        "id": payload["id"], "kind": payload["kind"], "due_kind": payload["dueKind"],
        "due_at": dt.datetime.fromisoformat(payload["dueAt"]),
        "recipients": payload.get("recipients") or [],
        "created_at": dt.datetime.fromisoformat(payload["createdAt"]),
        "message_id": payload["messageId"], "department_id": payload.get("departmentId"),
    })


@strawberry.type
class MessageSubscriptions:
    @strawberry.subscription(
        description="Each deadline alert as the sweep raises it. Executors hear alerts "
        "addressed to them or about their department's messages; heads and operators hear "
        "all. `mine` keeps only alerts naming you (and, for heads, those sent to all "
        "supervisors); `departmentId` (a Department's global ID) keeps one department's.",
    )
    async def deadline_alert(
        self, info: Info,
        mine: Annotated[bool, strawberry.argument(
            description="Only alerts addressed to you (heads: also those to all supervisors)."
        )] = False,
        department_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only this department's (a Department's global ID).")] = None,
    ) -> AsyncGenerator[DeadlineAlert, None]:
        actor = actor_of(info)
        try:
            department = decode_optional_id(department_id, "Department", "departmentId")
        except DomainError as exc:
            raise bad_input(exc) from None
        wanted = as_uuid(department)
        own_department = await access.department_of(actor)
        names = {actor.subject}
        if actor.role in (Role.SUPERVISOR, Role.ADMIN):
            names.add(deadlines.SUPERVISORS)
        async for payload in listen(deadlines.TOPIC, deadlines.STAFF_KEY):
            recipients = payload.get("recipients") or []
            if actor.role == Role.EXECUTOR and actor.subject not in recipients and (
                    own_department is None or payload.get("departmentId") != str(own_department)):
                continue
            if mine and not names.intersection(recipients):
                continue
            if department is not None and (  # an ID of no department matches nothing
                    wanted is None or as_uuid(payload.get("departmentId")) != wanted):
                continue
            yield _alert(payload)
