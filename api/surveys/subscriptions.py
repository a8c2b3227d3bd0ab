"""Live survey responses for staff dashboards, through Redis pub/sub (any API process can
serve a subscriber, whichever process stored the response)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from api.errors import forbidden
from api.history.subscriptions import listen
from api.relay import decode_id
from api.surveys.types import SurveyPurposeEnum, SurveyResponse
from domain.errors import DomainError
from domain.surveys import service as surveys
from domain.surveys.models import SurveyResponse as ResponseModel


@strawberry.type
class SurveySubscriptions:
    @strawberry.subscription(
        description="Each survey response as it is committed (staff); optionally only one "
        "purpose and/or one department.",
    )
    async def survey_responded(
        self, info: Info, purpose: SurveyPurposeEnum | None = None,
        department_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[SurveyResponse, None]:
        department = None
        if department_id is not None:
            try:
                department = decode_id(department_id, "Department", "departmentId")
            except DomainError:
                raise forbidden() from None
        async for message in listen(surveys.TOPIC, surveys.RESPONDED_KEY):
            if purpose is not None and message.get("purpose") != str(purpose.value
                                                                     if hasattr(purpose, "value")
                                                                     else purpose):
                continue
            if department is not None and message.get("departmentId") != department:
                continue
            rows = await ResponseModel.filter(id=message["responseId"]).values(
                "id", "submitted_at", "invitation_id", "version_id")
            if rows:
                yield SurveyResponse.from_row(rows[0])
