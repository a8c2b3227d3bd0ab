"""A client's case for history tests (R-1.5): an appeal with an attachment, a clarification,
notices and a sent answer (imported by tests as ``history_cases``)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from domain.calendar.work_calendar import WorkCalendar
from domain.enums import Channel
from domain.messages import handling, service, uploads
from domain.messages import rules as message_rules
from domain.messages.intake import AttachmentData, IntakeData
from domain.messages.models import AnswerOutcome, Message
from domain.settings import Settings, get_settings
from tests.domain.messages.messages_world import EXECUTOR, OPERATOR, World

TEXT = "Прошу починить крышу: с потолка в квартире 12 течёт вода, Иванов Иван."
NOTE = "Позвонил, уточнил: течёт в ванной комнате, квартира 12."
ANSWER = ("Мы проверили ваш дом. Управляющая компания починит крышу до 20 декабря. "
          "Если этого не случится, позвоните нам: 8 (8422) 58-93-58.")
FILE = "фото-потолка.jpg"


async def answered_case(world: World, settings: Settings, client_id=None, *, body: str = TEXT,
                        note: str = NOTE, answer: str = ANSWER, file: str = FILE) -> Message:
    m = await service.receive(OPERATOR, IntakeData(
        client_id=client_id or world.client.id, channel=Channel.EMAIL, body=body,
        subject="Течёт крыша", contact_id=None if client_id else world.email.id,
        attachments=[AttachmentData(file, "image/jpeg", 2048,
                                    uploads.issue_key(OPERATOR, get_settings().link_secret))]))
    await service.register(OPERATOR, m.id)
    await service.assign(OPERATOR, m.id, world.department.id, "exec-1")
    await service.start_work(EXECUTOR, m.id)
    await service.classify_message(EXECUTOR, m.id, (await world.sphere("housing")).id)
    cal = WorkCalendar.default(settings)
    moment = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    while not message_rules.within_working_hours(moment, cal):
        moment -= dt.timedelta(hours=1)
    contact = world.phone.id if client_id is None else None
    if contact is not None:
        await handling.clarify(EXECUTOR, m.id, contact, note, occurred_at=moment)
    await handling.draft_answer(EXECUTOR, m.id, answer, AnswerOutcome.RESOLVED)
    await handling.send_answer(EXECUTOR, m.id)
    return await Message.get(id=m.id)
