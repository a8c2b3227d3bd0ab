"""Live survey responses for staff dashboards, through Redis pub/sub (any API process can
serve a subscriber, whichever process stored the response)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.history.subscriptions import listen
from api.relay import bad_input, decode_optional_id
from api.surveys.dataloaders import SurveyResponseByIdLoader
from api.surveys.types import SurveyPurposeEnum, SurveyResponse
from domain.errors import DomainError
from domain.surveys import service as surveys


@strawberry.type
class SurveySubscriptions:
    @strawberry.subscription(
        description="Each survey response as it is committed (staff); optionally only one "
        "purpose and/or one department.",
    )
    async def survey_responded(
        self, info: Info,
        purpose: Annotated[SurveyPurposeEnum | None, strawberry.argument(
            description="Only responses of this purpose.")] = None,
        department_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only responses about this department's work (global ID).")] = None,
    ) -> AsyncGenerator[SurveyResponse, None]:
        try:
            department = decode_optional_id(department_id, "Department", "departmentId")
        except DomainError as exc:
            raise bad_input(exc) from None
        wanted = str(getattr(purpose, "value", purpose)) if purpose is not None else None
        async for message in listen(surveys.TOPIC, surveys.RESPONDED_KEY):
            if wanted is not None and message.get("purpose") != wanted:
                continue
            if department is not None and message.get("departmentId") != department:
                continue
            # A fresh loader per event: a cached row would hide nothing, but would grow.
            row = await SurveyResponseByIdLoader().load(message["responseId"])
            if row is not None:
                yield SurveyResponse.from_row(row)
