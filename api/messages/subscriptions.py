"""Live deadline alerts: the sweep publishes through Redis pub/sub, so any API process serves
any subscriber."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from api.history.subscriptions import listen
from api.messages.types import DeadlineAlert
from api.permissions import actor_of
from api.relay import decode_id
from domain.actor import Role
from domain.errors import DomainError
from domain.messages import access, deadlines


@strawberry.type
class MessageSubscriptions:
    @strawberry.subscription(
        description="Each deadline alert as the sweep raises it. Executors hear alerts "
        "addressed to them or about their department's messages; heads and operators hear "
        "all. `mine` keeps only alerts naming you (or «role:supervisor» for supervisors); "
        "`departmentId` keeps one department's.",
    )
    async def deadline_alert(
        self, info: Info, mine: bool = False, department_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[DeadlineAlert, None]:
        actor = actor_of(info)
        department = None
        if department_id is not None:
            try:
                department = decode_id(department_id, "Department", "departmentId")
            except DomainError:
                department = "invalid"
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
            if department is not None and payload.get("departmentId") != department:
                continue
            yield DeadlineAlert(
                kind=payload["kind"], due_kind=payload["dueKind"],
                due_at=dt.datetime.fromisoformat(payload["dueAt"]), recipients=recipients,
                created_at=dt.datetime.fromisoformat(payload["createdAt"]),
                message_id=payload["messageId"])
