"""Request-scoped batch loaders of the surveys area: one query per relation per request.

Keys that are not UUIDs (a forged or malformed global ID) load as missing without reaching
the database (``RowLoader``). Questions and comments have composite keys
``<uuid>:<question key>``: the UUID part is checked the same way.
"""

from __future__ import annotations

from typing import Any

from api.dataloaders import RowLoader, key_of, rows_grouped
from domain.directory.models import Sphere
from domain.ids import as_uuid, uuids
from domain.surveys import queries


class SurveyByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.surveys_by_ids(ids)


class SurveyVersionByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.versions_by_ids(ids)


class SurveyVersionBySurveyNumberLoader(RowLoader):
    """Key (survey ID, version number)."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        wanted = [(as_uuid(s), n) for s, n in keys]
        valid = [(s, n) for s, n in wanted if s is not None and isinstance(n, int)]
        rows = await queries.versions_by_survey_number(valid) if valid else []
        found = {(key_of(r["survey_id"]), r["number"]): r for r in rows}
        return [found.get((key_of(s), n)) for s, n in keys]


class SurveyInvitationByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.invitations_by_ids(ids)


class SurveyResponseByIdLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.responses_by_ids(ids)


class SurveyAnswersByResponseLoader(RowLoader):
    async def fetch(self, ids: list[Any]) -> list[dict[str, Any]]:
        return await queries.answers_by_responses(ids)

    def arrange(self, rows: list[dict[str, Any]], keys: list[Any]) -> list[Any]:
        return rows_grouped(rows, keys, "response_id")


def split_key(key: Any) -> tuple[Any, str]:
    """``"<uuid>:<question key>"`` → (the UUID or None, the question key)."""
    head, _, question = str(key).partition(":")
    return as_uuid(head), question


class SurveyQuestionLoader(RowLoader):
    """Key ``<version id>:<question key>`` → ``{"version": row, "question": dict}``."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        parts = [split_key(k) for k in keys]
        ids = uuids(v for v, _ in parts)
        versions = await queries.versions_by_ids(ids) if ids else []
        by_id = {key_of(v["id"]): v for v in versions}
        out = []
        for version_id, question_key in parts:
            version = by_id.get(key_of(version_id)) if version_id else None
            question = next((q for q in version["questions"] if q["id"] == question_key),
                            None) if version else None
            out.append({"version": version, "question": question} if question else None)
        return out


class SurveyCommentLoader(RowLoader):
    """Key ``<response id>:<question key>`` → the free-text answer row with its context."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        parts = [split_key(k) for k in keys]
        ids = uuids(r for r, _ in parts)
        rows = await queries.comments_by_responses(ids) if ids else []
        found = {(key_of(r["response_id"]), r["question_id"]): r for r in rows}
        return [found.get((key_of(r), q)) if r else None for r, q in parts]


class SphereByCodeLoader(RowLoader):
    """Spheres by their stable code (what invitations record), with the directory's columns.
    Keys are codes, not UUIDs."""

    async def load_rows(self, keys: list[Any]) -> list[Any]:
        codes = [str(k) for k in keys if k]
        rows = await Sphere.filter(code__in=codes).values(
            "id", "code", "name", "description", "position", "active") if codes else []
        found = {r["code"]: r for r in rows}
        return [found.get(str(k)) for k in keys]
