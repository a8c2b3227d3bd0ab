"""Survey definitions (supervisors, admins): every edit is a new immutable version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode, not_found
from domain.ids import parse_uuid
from domain.pagination import newest_first
from domain.surveys import rules
from domain.surveys.defaults import DEFAULTS
from domain.surveys.models import Survey, SurveyPurpose, SurveyVersion
from domain.surveys.queries import SURVEY_COLUMNS
from domain.transaction import transaction

MANAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.SYSTEM})


def require_manager(actor: Actor) -> None:
    if actor.role not in MANAGERS:
        raise DomainError(ErrorCode.FORBIDDEN, "Опросы настраивают руководители и администраторы.")


async def create_survey(
    actor: Actor, purpose: SurveyPurpose, title: str | None, intro: str | None,
    questions: list[rules.QuestionDraft], *, make_default: bool = False,
) -> Survey:
    require_manager(actor)
    title, intro, cleaned = rules.clean_definition(title, intro, questions)
    async with transaction():
        survey = await Survey.create(purpose=purpose, title=title, latest_version=1,
                                     created_by=actor.subject)
        await SurveyVersion.create(survey=survey, number=1, title=title, intro=intro,
                                   questions=cleaned, published_by=actor.subject)
        if make_default:
            await _make_default(survey)
    return survey


async def publish_version(
    actor: Actor, survey_id: Any, title: str | None, intro: str | None,
    questions: list[rules.QuestionDraft],
) -> SurveyVersion:
    """The edit becomes version N+1; earlier versions and their answers stay as they were.
    Invitations already sent keep the version they were sent with."""
    require_manager(actor)
    title, intro, cleaned = rules.clean_definition(title, intro, questions)
    sid = parse_uuid(survey_id, "surveyId", "Опрос")
    async with transaction():
        survey = await Survey.get_or_none(id=sid)
        if survey is None:
            raise not_found("Опрос", "surveyId")
        number = survey.latest_version + 1
        # Compare-and-set: two editors publishing at once cannot both become version N+1.
        bumped = await Survey.filter(id=sid, latest_version=survey.latest_version).update(
            latest_version=number, title=title, updated_at=datetime.now(UTC))
        if not bumped:
            raise DomainError(ErrorCode.INVALID_STATE,
                              "Опрос только что изменил кто-то другой. Обновите страницу.",
                              "surveyId")
        version = await SurveyVersion.create(survey_id=sid, number=number, title=title,
                                             intro=intro, questions=cleaned,
                                             published_by=actor.subject)
    return version


async def set_default(actor: Actor, survey_id: Any) -> Survey:
    require_manager(actor)
    sid = parse_uuid(survey_id, "surveyId", "Опрос")
    async with transaction():
        survey = await Survey.get_or_none(id=sid)
        if survey is None:
            raise not_found("Опрос", "surveyId")
        await _make_default(survey)
    return survey


async def _make_default(survey: Survey) -> None:
    await Survey.filter(default_for=str(survey.purpose)).exclude(id=survey.id).update(
        default_for=None)
    survey.default_for = str(survey.purpose)
    await survey.save(update_fields=["default_for", "updated_at"])


async def latest_version(survey_id: Any) -> SurveyVersion:
    version = await SurveyVersion.filter(survey_id=survey_id).order_by("-number").first()
    if version is None:  # every survey is created with version 1
        raise not_found("Опрос", "surveyId")
    return version


async def ensure_default_survey(purpose: SurveyPurpose) -> Survey:
    """The purpose's default survey, created from ``defaults.DEFAULTS`` if there is none.
    Idempotent and safe to race: the unique ``default_for`` lets one creator win."""
    purpose = SurveyPurpose(purpose)
    found = await Survey.get_or_none(default_for=str(purpose))
    if found is not None:
        return found
    title, intro, questions = DEFAULTS[purpose]
    _, _, cleaned = rules.clean_definition(title, intro, questions)
    try:
        async with transaction():
            survey = await Survey.create(purpose=purpose, title=title, latest_version=1,
                                         default_for=str(purpose), created_by="system")
            await SurveyVersion.create(survey=survey, number=1, title=title, intro=intro,
                                       questions=cleaned, published_by="system")
        return survey
    except IntegrityError:
        return await Survey.get(default_for=str(purpose))


async def ensure_default_surveys() -> list[Survey]:
    """For ``okno seed`` and deployments that want every default present up front."""
    return [await ensure_default_survey(p) for p in SurveyPurpose]


async def list_surveys(
    actor: Actor, purpose: SurveyPurpose | None, first: int, after: str | None
) -> tuple[list[dict[str, Any]], bool]:
    require_manager(actor)
    query = Survey.all()
    if purpose:
        query = query.filter(purpose=purpose)
    return await newest_first(query, "created_at", first, after, SURVEY_COLUMNS, uuid.UUID)
