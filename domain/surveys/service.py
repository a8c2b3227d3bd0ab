"""Survey invitations and responses (R-9, R-2.10, R-4.9).

Other areas call ``invite`` (the link goes into their own final-communication template as
``survey_url``) or ``invite_and_notify`` (a separate invitation delivery). The citizen
answers through the public link; nothing but the signed token identifies them.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import redis
from domain.actor import Actor, Role
from domain.calendar.service import load_calendar
from domain.clients.models import Client
from domain.directory.models import Department
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, not_found
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction
from domain.ids import as_uuid, parse_uuid
from domain.settings import Settings, get_settings
from domain.surveys import rules, tokens
from domain.surveys.definitions import ensure_default_survey
from domain.surveys.models import (
    InvitationStatus,
    SurveyAnswer,
    SurveyInvitation,
    SurveyPurpose,
    SurveyResponse,
    SurveyVersion,
)
from domain.transaction import after_commit, transaction
from domain.validation import clean_text

TOKEN_PURPOSE = "survey"
TOPIC = "surveys"
RESPONDED_KEY = "responded"
SUBJECT_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

BAD_LINK = "Ссылка на опрос недействительна. Проверьте, что она скопирована полностью."
EXPIRED_LINK = "Срок действия ссылки на опрос истёк. Спасибо, что хотели ответить!"
ANSWERED = "Вы уже ответили на этот опрос. Спасибо!"
TOO_MANY = "Слишком много попыток. Подождите минуту и попробуйте снова."


@dataclass(frozen=True)
class Invitation:
    """An invitation and its public link. ``created`` is false when the subject already
    had an open invitation, which is returned instead of a second one."""

    record: SurveyInvitation
    token: str
    link: str
    created: bool

    @property
    def id(self) -> uuid.UUID:
        return self.record.id


def sign_token(invitation_id: Any, nonce: str, expires_at: datetime,
               settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return tokens.sign(settings.link_secret, TOKEN_PURPOSE, str(invitation_id), nonce, expires_at)


def token_for(record: SurveyInvitation, settings: Settings | None = None) -> str:
    return sign_token(record.id, record.nonce, record.expires_at, settings)


def link_for(token: str, settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    return settings.public_survey_url.replace("{token}", token)


def wrap_invitation(record: SurveyInvitation, created: bool, settings: Settings) -> Invitation:
    token = token_for(record, settings)
    return Invitation(record, token, link_for(token, settings), created)


def local_date(moment: datetime, settings: Settings) -> date:
    return moment.astimezone(ZoneInfo(settings.timezone)).date()


async def reminder_date(start: date, settings: Settings) -> date:
    """``survey_reminder_working_days`` working days after the invitation, by the production
    calendar with the local overrides (a governor's decree may move a day)."""
    calendar = await load_calendar(settings)
    return calendar.add_working_days(start, settings.survey_reminder_working_days)


@dataclass(frozen=True)
class _Dimensions:
    channel: Channel | None
    sphere: str | None
    department_id: uuid.UUID | None
    executor: str | None
    about: str | None


async def _clean_dimensions(channel: Any, department_id: Any, executor: Any, sphere: Any,
                            about: Any) -> _Dimensions:
    try:
        chan = Channel(channel) if channel is not None else None
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неизвестный канал.", "channel") from None
    dep = None
    if department_id is not None:
        dep = parse_uuid(department_id, "departmentId", "Подразделение")
        if not await Department.exists(id=dep):
            raise not_found("Подразделение", "departmentId")
    return _Dimensions(
        chan, clean_text(sphere, "sphere", max_length=100), dep,
        clean_text(executor, "executor", max_length=200),
        clean_text(about, "about", max_length=300),
    )


async def invite(
    subject: tuple[str, Any], client_id: Any, purpose: SurveyPurpose | str, *,
    channel: Channel | str | None = None, department_id: Any = None, executor: str | None = None,
    sphere: str | None = None, about: str | None = None, actor: Actor | None = None,
    settings: Settings | None = None, now: datetime | None = None,
) -> Invitation:
    """Invite the client to rate ``subject`` (any record: ``("message_answer", id)``).

    Call inside the caller's ``transaction()`` (or alone: it opens its own). The dimension
    arguments are stored for the satisfaction report. An open invitation for the same
    subject is returned as it is (``created=False``), never duplicated.
    """
    settings = settings or get_settings()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    subject_type, subject_id = subject
    if not isinstance(subject_type, str) or not SUBJECT_TYPE.match(subject_type):
        raise DomainError(ErrorCode.INVALID, "Неверный вид записи для опроса.", "subjectType")
    subject_key = clean_text(str(subject_id), "subjectId", max_length=64, required=True)
    try:
        purpose = SurveyPurpose(purpose)
    except ValueError:
        raise DomainError(ErrorCode.INVALID, "Неизвестная цель опроса.", "purpose") from None
    dims = await _clean_dimensions(channel, department_id, executor, sphere, about)
    cid = parse_uuid(client_id, "clientId", "Клиент")
    open_key = f"{subject_type}:{subject_key}"
    remind_on = await reminder_date(local_date(now, settings), settings)
    async with transaction():
        if not await Client.exists(id=cid):
            raise not_found("Клиент", "clientId")
        existing = await SurveyInvitation.get_or_none(open_key=open_key)
        if existing is not None:
            if existing.expires_at > now:
                return wrap_invitation(existing, False, settings)
            await _expire(existing.id)
        survey = await ensure_default_survey(purpose)
        version = await SurveyVersion.filter(survey_id=survey.id).order_by("-number").first()
        try:
            async with in_transaction():  # a savepoint: a lost race must not spoil the caller
                record = await SurveyInvitation.create(
                    survey_id=survey.id, version_id=version.id, client_id=cid,
                    subject_type=subject_type, subject_id=subject_key, open_key=open_key,
                    purpose=purpose, channel=dims.channel, sphere=dims.sphere,
                    department_id=dims.department_id, executor=dims.executor, about=dims.about,
                    nonce=secrets.token_hex(16), invited_by=actor.subject if actor else None,
                    invited_at=now, expires_at=now + timedelta(days=settings.survey_token_ttl_days),
                    remind_on=remind_on,
                )
        except IntegrityError:
            winner = await SurveyInvitation.get_or_none(open_key=open_key)
            if winner is None:
                raise
            return wrap_invitation(winner, False, settings)
        await history.record(
            cid, EventKind.SURVEY_INVITED, f"Приглашение оценить {rules.PURPOSE_RU[purpose]}",
            direction=Direction.OUTBOUND, channel=dims.channel, actor=actor,
            source=("survey_invitation", record.id),
            details={"purpose": str(purpose), "subjectType": subject_type,
                     "subjectId": subject_key, "surveyVersion": version.number},
        )
    return wrap_invitation(record, True, settings)


async def _expire(invitation_id: uuid.UUID) -> int:
    return await SurveyInvitation.filter(id=invitation_id, status=InvitationStatus.OPEN).update(
        status=InvitationStatus.EXPIRED, open_key=None)


async def delivery_context(invitation: Invitation, settings: Settings | None = None) -> dict:
    """What the invitation and reminder templates render (and what a final communication
    needs for R-2.10: ``survey_url``)."""
    settings = settings or get_settings()
    record = invitation.record
    department = await _department_name(record.department_id)
    version = await SurveyVersion.get(id=record.version_id)
    return {
        "survey_url": invitation.link,
        "survey_title": version.title,
        "survey_context": rules.context_text(record.purpose, record.about,
                                             local_date(record.invited_at, settings), department),
        "survey_expires_on": local_date(record.expires_at, settings).strftime("%d.%m.%Y"),
    }


async def _department_name(department_id: Any) -> str | None:
    if not department_id:
        return None
    found = await Department.get_or_none(id=department_id)
    return found.name if found else None


async def invite_and_notify(
    subject: tuple[str, Any], client_id: Any, purpose: SurveyPurpose | str, *,
    legal_channel: Channel | None = None, actor: Actor | None = None,
    settings: Settings | None = None, **dimensions: Any,
) -> Invitation:
    """``invite`` plus an invitation delivery by the client's chosen channel (R-4.9 after a
    reception; R-2.10 when the final communication itself cannot carry the link)."""
    from domain.deliveries import service as deliveries
    from domain.deliveries.models import Purpose

    settings = settings or get_settings()
    async with transaction():
        invitation = await invite(subject, client_id, purpose, actor=actor, settings=settings,
                                  **dimensions)
        claimed = await SurveyInvitation.filter(id=invitation.id, notified_at=None).update(
            notified_at=datetime.now(UTC))
        if claimed:
            await deliveries.send(
                invitation.record.client_id, Purpose.SURVEY_INVITATION, "survey_invitation",
                await delivery_context(invitation, settings),
                source=("survey_invitation", invitation.id), legal_channel=legal_channel,
                idempotency_key=f"survey-invitation:{invitation.id}", actor=actor,
            )
    return invitation


# -- the public side: the token is the only key ------------------------------------------


async def _rate_limit(key: str, limit: int) -> None:
    """Fixed one-minute window in Redis, shared by every API process."""
    if await redis.over_limit(key, limit, 60):
        raise DomainError(ErrorCode.RATE_LIMITED, TOO_MANY, "token")


async def invitation_by_token(token: Any, settings: Settings | None = None,
                              now: datetime | None = None) -> SurveyInvitation:
    """The open invitation a token names; every misuse is a plain-Russian DomainError."""
    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    try:
        claims = tokens.verify(settings.link_secret, token, TOKEN_PURPOSE, now)
    except tokens.TokenExpired:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token") from None
    except tokens.TokenError:
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token") from None
    record_id = as_uuid(claims.record_id)
    if record_id is None:
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token")
    record = await SurveyInvitation.get_or_none(id=record_id)
    if record is None or not secrets.compare_digest(record.nonce, claims.nonce):
        raise DomainError(ErrorCode.INVALID_TOKEN, BAD_LINK, "token")
    if record.status == InvitationStatus.RESPONDED:
        raise DomainError(ErrorCode.ALREADY_ANSWERED, ANSWERED, "token")
    if record.status == InvitationStatus.EXPIRED or record.expires_at <= now:
        raise DomainError(ErrorCode.EXPIRED_TOKEN, EXPIRED_LINK, "token")
    return record


@dataclass(frozen=True)
class PublicSurvey:
    """What the survey page shows: no names, no other records, only the questions and
    what is being rated."""

    title: str
    intro: str | None
    context: str
    purpose: SurveyPurpose
    questions: list[dict[str, Any]]
    expires_at: datetime
    version_id: uuid.UUID  # names the questions (their global IDs carry it)


async def survey_by_token(token: Any, settings: Settings | None = None, *,
                          ip: str | None = None) -> PublicSurvey:
    settings = settings or get_settings()
    limit = settings.survey_read_limit_per_minute
    await _rate_limit(f"survey-read:token:{tokens.limit_key(token)}", limit)
    if ip:
        await _rate_limit(f"survey-read:ip:{ip}", limit)
    record = await invitation_by_token(token, settings)
    version = await SurveyVersion.get(id=record.version_id)
    department = await _department_name(record.department_id)
    return PublicSurvey(
        title=version.title, intro=version.intro,
        context=rules.context_text(record.purpose, record.about,
                                   local_date(record.invited_at, settings), department),
        purpose=record.purpose, questions=version.questions, expires_at=record.expires_at,
        version_id=version.id,
    )


async def submit_response(
    token: Any, answers: list[rules.AnswerDraft], *, ip: str | None = None,
    settings: Settings | None = None, now: datetime | None = None,
) -> SurveyResponse:
    """Once only: the invitation's state flips from open to responded in the same statement
    that checks it, and the response is one-to-one with the invitation."""
    settings = settings or get_settings()
    limit = settings.survey_submit_limit_per_minute
    await _rate_limit(f"survey-submit:token:{tokens.limit_key(token)}", limit)
    if ip:
        await _rate_limit(f"survey-submit:ip:{ip}", limit)
    now = now or datetime.now(UTC)
    record = await invitation_by_token(token, settings, now)
    version = await SurveyVersion.get(id=record.version_id)
    cleaned = rules.clean_answers(version.questions, answers, version.id)
    async with transaction():
        claimed = await SurveyInvitation.filter(
            id=record.id, status=InvitationStatus.OPEN, expires_at__gt=now
        ).update(status=InvitationStatus.RESPONDED, open_key=None, responded_at=now,
                 **rules.score_totals(cleaned))
        if not claimed:
            raise DomainError(ErrorCode.ALREADY_ANSWERED, ANSWERED, "token")
        response = await SurveyResponse.create(invitation_id=record.id, version_id=version.id,
                                               client_id=record.client_id, submitted_at=now)
        await SurveyAnswer.bulk_create([
            SurveyAnswer(response_id=response.id, invitation_id=record.id,
                         question_id=a.question_id, kind=a.kind, value=a.value,
                         choice_ids=a.choice_ids, text=a.text, submitted_at=now)
            for a in cleaned
        ])
        rating = next((a.value for a in cleaned if a.kind == "rating_1_5"), None)
        summary = "Клиент ответил на опрос"
        if rating is not None:
            summary += f": оценка {rating} из 5"
        client_actor = Actor(Role.CLIENT, str(record.client_id), str(record.client_id))
        await history.record(
            record.client_id, EventKind.SURVEY_RESPONDED, summary, direction=Direction.INBOUND,
            channel=Channel.WEB, actor=client_actor, source=("survey_response", response.id),
            details={"invitationId": str(record.id), "purpose": str(record.purpose),
                     "answered": len(cleaned)},
        )
        payload = {"responseId": str(response.id), "purpose": str(record.purpose),
                   "departmentId": str(record.department_id) if record.department_id else None}
        after_commit(lambda: redis.publish(TOPIC, RESPONDED_KEY, payload))
    return response
