"""Reads of the surveys area: the column lists and the row fetches the API's loaders batch.

No access checks here: loaders fetch rows, the Node types' ``visible`` decides who sees them.
Keys arrive already parsed (``domain.ids``), so nothing malformed reaches the database.
"""

from __future__ import annotations

import uuid
from typing import Any

from domain.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)

SURVEY_COLUMNS = ("id", "purpose", "title", "default_for", "latest_version", "archived",
                  "created_by", "created_at", "updated_at")
VERSION_COLUMNS = ("id", "survey_id", "number", "title", "intro", "questions", "published_by",
                   "published_at")
INVITATION_COLUMNS = (
    "id", "survey_id", "version_id", "client_id", "subject_type", "subject_id", "status",
    "purpose", "channel", "sphere", "department_id", "executor", "about", "nonce",
    "invited_at", "expires_at", "remind_on", "notified_at", "reminder_sent_at", "responded_at",
)
RESPONSE_COLUMNS = ("id", "submitted_at", "invitation_id", "version_id", "client_id")
ANSWER_COLUMNS = ("id", "response_id", "question_id", "kind", "value", "choice_ids", "text")
COMMENT_COLUMNS = (
    "id", "text", "question_id", "submitted_at", "response_id", "invitation_id",
    "response__version_id", "invitation__client_id", "invitation__purpose",
    "invitation__channel", "invitation__sphere", "invitation__department_id",
    "invitation__executor", "invitation__subject_type", "invitation__subject_id",
)
# One row of the CSV export: an answer with its invitation's dimensions.
EXPORT_COLUMNS = (
    "id", "response_id", "submitted_at", "question_id", "kind", "value", "choice_ids", "text",
    "response__version_id", "invitation__purpose", "invitation__channel", "invitation__sphere",
    "invitation__department_id", "invitation__executor", "invitation__subject_type",
    "invitation__subject_id", "invitation__client_id",
)
# The report's filter columns (SQL alias) and the same filter through the ORM on answers.
ANSWER_FILTER_FIELDS = {
    "i.purpose": "invitation__purpose__in", "i.channel": "invitation__channel__in",
    "i.department_id": "invitation__department_id__in", "i.sphere": "invitation__sphere__in",
    "i.executor": "invitation__executor__in",
}


async def surveys_by_ids(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return await Survey.filter(id__in=ids).values(*SURVEY_COLUMNS)


async def versions_by_ids(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return await SurveyVersion.filter(id__in=ids).values(*VERSION_COLUMNS)


async def versions_by_survey_number(keys: list[tuple[uuid.UUID, int]]) -> list[dict[str, Any]]:
    """Versions by (survey ID, number); may return a few extra rows the caller drops."""
    return await SurveyVersion.filter(
        survey_id__in=list({k[0] for k in keys}), number__in=list({k[1] for k in keys})
    ).values(*VERSION_COLUMNS)


async def invitations_by_ids(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return await SurveyInvitation.filter(id__in=ids).values(*INVITATION_COLUMNS)


async def responses_by_ids(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return await SurveyResponse.filter(id__in=ids).values(*RESPONSE_COLUMNS)


async def answers_by_responses(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    return await SurveyAnswer.filter(response_id__in=ids).order_by("id").values(*ANSWER_COLUMNS)


async def comments_by_responses(ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The free-text answers (comments) of these responses, with their context."""
    return await SurveyAnswer.filter(
        response_id__in=ids, kind=QuestionKind.FREE_TEXT, text__isnull=False
    ).values(*COMMENT_COLUMNS)


def row_of(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """A model instance as the row a read would have returned (for mutation payloads)."""
    return {c: getattr(obj, c) for c in columns}
