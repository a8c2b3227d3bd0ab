"""Request-scoped batch loaders of the surveys area: one query per relation per request."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from strawberry.dataloader import DataLoader

from domain.surveys.invitations import INVITATION_COLUMNS
from domain.surveys.models import SurveyAnswer, SurveyInvitation, SurveyVersion

VERSION_COLUMNS = ("id", "survey_id", "number", "title", "intro", "questions", "published_by",
                   "published_at")
ANSWER_COLUMNS = ("id", "response_id", "question_id", "kind", "value", "choice_ids", "text")


def _by_id(rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
    found = {str(row["id"]): row for row in rows}
    return [found.get(str(k)) for k in keys]


def _grouped(rows: list[dict[str, Any]], keys: list[Any], by: str) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row[by])].append(row)
    return [groups.get(str(k), []) for k in keys]


class SurveyVersionByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await SurveyVersion.filter(id__in=keys).values(*VERSION_COLUMNS)
        return _by_id(rows, keys)


class SurveyVersionBySurveyNumberLoader(DataLoader[tuple[str, int], dict | None]):
    """Key (survey ID, version number)."""

    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[tuple[str, int]]) -> list[dict | None]:
        rows = await SurveyVersion.filter(
            survey_id__in=list({k[0] for k in keys}), number__in=list({k[1] for k in keys})
        ).values(*VERSION_COLUMNS)
        found = {(str(r["survey_id"]), r["number"]): r for r in rows}
        return [found.get((str(s), n)) for s, n in keys]


class SurveyInvitationByIdLoader(DataLoader[str, dict | None]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[dict | None]:
        rows = await SurveyInvitation.filter(id__in=keys).values(*INVITATION_COLUMNS)
        return _by_id(rows, keys)


class SurveyAnswersByResponseLoader(DataLoader[str, list[dict[str, Any]]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self.load_rows)

    @staticmethod
    async def load_rows(keys: list[str]) -> list[list[dict[str, Any]]]:
        rows = await SurveyAnswer.filter(response_id__in=keys).order_by("id").values(
            *ANSWER_COLUMNS)
        return _grouped(rows, keys, "response_id")
