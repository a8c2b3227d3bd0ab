"""What an incoming message may look like, checked before anything is written.

Channels: paper letters scanned by an operator (``postal``), email, the web form,
the mobile app, messengers, EDMS imports (R-8, with the EDMS registration number),
and for internal oral requests (R-5.3) phone or in person. Self-service clients
submit only for themselves, through the web form or the app, and cannot backdate.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from domain.actor import Actor
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.ids import parse_uuid
from domain.messages import uploads
from domain.messages.models import InternalCategory, RequestForm
from domain.validation import TEXT_MAX, clean_text

WRITTEN_CHANNELS = frozenset({Channel.POSTAL, Channel.EMAIL, Channel.WEB, Channel.MOBILE_APP,
                              Channel.MESSENGER, Channel.EDMS})
ORAL_CHANNELS = frozenset({Channel.PHONE, Channel.IN_PERSON})
SELF_SERVICE_CHANNELS = frozenset({Channel.WEB, Channel.MOBILE_APP})
MAX_ATTACHMENTS = 20
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")
_EDMS_LINK = re.compile(r"^(https?://|edms://)\S+$", re.IGNORECASE)


@dataclass
class AttachmentData:
    file_name: str
    content_type: str
    size_bytes: int
    storage_key: str


@dataclass
class ReplyChoice:
    """R-1.4: the channel the client chose for further communication."""

    preferred_channel: Channel
    preferred_contact_id: Any = None
    additional_channel: Channel | None = None
    additional_contact_id: Any = None


@dataclass
class IntakeData:
    client_id: Any
    channel: Channel
    body: str
    subject: str | None = None
    received_at: dt.datetime | None = None
    contact_id: Any = None
    form: RequestForm = RequestForm.WRITTEN
    category: InternalCategory | None = None
    edms_number: str | None = None
    edms_link: str | None = None
    edms_registered_at: dt.datetime | None = None
    attachments: list[AttachmentData] = field(default_factory=list)
    reply: ReplyChoice | None = None
    # Channel SOCIAL only for a social item moved to an individual channel (domain/social,
    # ), which keeps the link to the item; nobody registers one by hand.
    from_social_item: bool = False


@dataclass
class CleanIntake:
    client_id: uuid.UUID
    channel: Channel
    body: str
    subject: str | None
    received_at: dt.datetime
    contact_id: uuid.UUID | None
    form: RequestForm
    category: InternalCategory | None
    edms_number: str | None
    edms_link: str | None
    edms_registered_at: dt.datetime | None
    attachments: list[AttachmentData]
    reply: ReplyChoice | None


def _moment(value: dt.datetime | None, now: dt.datetime, field_name: str) -> dt.datetime:
    if value is None:
        return now
    if value.tzinfo is None:  # naive input is UTC, as everywhere in okno
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):  # year 1 with a positive offset, and the like
        raise DomainError(ErrorCode.INVALID, "Неверная дата.", field_name) from None
    if value > now + dt.timedelta(minutes=5):
        raise DomainError(ErrorCode.INVALID, "Дата поступления не может быть в будущем.",
                          field_name)
    if value < now - dt.timedelta(days=366):
        raise DomainError(ErrorCode.INVALID, "Дата поступления — не раньше чем год назад.",
                          field_name)
    return value


def _attachments(items: list[AttachmentData], errors: list[DomainError], actor: Actor,
                 secret: str) -> list[AttachmentData]:
    if len(items) > MAX_ATTACHMENTS:
        errors.append(DomainError(ErrorCode.INVALID, f"Не больше {MAX_ATTACHMENTS} вложений.",
                                  "attachments"))
        return []
    out = []
    for i, a in enumerate(items):
        prefix = f"attachments.{i}."
        try:
            name = uploads.clean_file_name(a.file_name, prefix + "fileName")
            ctype = clean_text(a.content_type, prefix + "contentType", max_length=255,
                               required=True).lower()
            if not _CONTENT_TYPE.match(ctype):
                raise DomainError(ErrorCode.INVALID, "Неверный тип файла (например, "
                                  "application/pdf).", prefix + "contentType")
            if not 0 <= a.size_bytes <= MAX_ATTACHMENT_BYTES:
                raise DomainError(ErrorCode.INVALID, "Файл больше 100 МБ или неверного размера.",
                                  prefix + "sizeBytes")
            key = uploads.check_key(actor, a.storage_key, secret, prefix + "storageKey")
            out.append(AttachmentData(name, ctype, a.size_bytes, key))
        except DomainError as exc:
            errors.append(exc)
    return out


def clean_intake(actor: Actor, data: IntakeData, now: dt.datetime, secret: str) -> CleanIntake:
    """All field errors at once (``ValidationFailed``), so a form shows them together.
    ``secret`` checks the attachments' storage keys (``uploads``)."""
    errors: list[DomainError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except DomainError as exc:
            errors.append(exc)
            return None

    client_id = attempt(parse_uuid, data.client_id, "clientId", "Клиент")
    body = attempt(lambda: clean_text(data.body, "body", max_length=TEXT_MAX, multiline=True,
                                      required=True))
    subject = attempt(lambda: clean_text(data.subject, "subject", max_length=500))
    contact_id = (attempt(parse_uuid, data.contact_id, "contactId", "Контакт")
                  if data.contact_id is not None else None)
    edms_number = attempt(lambda: clean_text(data.edms_number, "edmsNumber", max_length=100))
    edms_link = attempt(lambda: clean_text(data.edms_link, "edmsLink", max_length=1000))
    if edms_link and not _EDMS_LINK.match(edms_link):
        errors.append(DomainError(ErrorCode.INVALID, "Ссылка на документ СЭД должна начинаться "
                                  "с http://, https:// или edms://.", "edmsLink"))
    received_at = attempt(_moment, data.received_at, now, "receivedAt")
    edms_registered_at = (attempt(_moment, data.edms_registered_at, now, "edmsRegisteredAt")
                          if data.edms_registered_at is not None else None)
    channel = data.channel
    if data.form == RequestForm.ORAL:
        if channel not in ORAL_CHANNELS:
            errors.append(DomainError(ErrorCode.INVALID, "Устный запрос принимается по телефону "
                                      "или лично.", "channel"))
    elif channel not in WRITTEN_CHANNELS and not (channel == Channel.SOCIAL
                                                  and data.from_social_item):
        errors.append(DomainError(ErrorCode.INVALID, "Этот канал не принимает письменные "
                                  "обращения.", "channel"))
    if channel == Channel.EDMS and not edms_number:
        errors.append(DomainError(ErrorCode.REQUIRED, "Для документа из СЭД укажите его "
                                  "регистрационный номер.", "edmsNumber"))
    if channel != Channel.EDMS and (edms_number or edms_link):
        errors.append(DomainError(ErrorCode.INVALID, "Номер и ссылка СЭД указываются только "
                                  "для документов из СЭД.", "edmsNumber"))
    if not actor.is_staff:
        if channel not in SELF_SERVICE_CHANNELS:
            errors.append(DomainError(ErrorCode.INVALID, "Через личный кабинет обращение "
                                      "подаётся с сайта или из приложения.", "channel"))
        if data.received_at is not None:
            errors.append(DomainError(ErrorCode.INVALID, "Дату поступления ставит система.",
                                      "receivedAt"))
        if data.form == RequestForm.ORAL:
            errors.append(DomainError(ErrorCode.INVALID, "Устные запросы записывает сотрудник, "
                                      "который их принял.", "form"))
    attachments = _attachments(data.attachments, errors, actor, secret)
    if errors:
        raise ValidationFailed(errors)
    return CleanIntake(
        client_id=client_id, channel=channel, body=body, subject=subject,
        received_at=received_at, contact_id=contact_id, form=data.form,
        category=data.category, edms_number=edms_number, edms_link=edms_link,
        edms_registered_at=edms_registered_at, attachments=attachments, reply=data.reply,
    )
