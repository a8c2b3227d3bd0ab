"""Retention of the interaction history (R-1.5): expired events anonymised or deleted."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.history import retention, rules
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import InteractionEvent, RetentionRun
from domain.transaction import transaction

ADMIN = Actor(Role.ADMIN, "admin-1")
NOW = datetime.now(UTC)


async def make_client() -> str:
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name="Орлов"))
    return str(client.id)


async def old_event(cid: str, kind: EventKind, years_ago: float, summary: str = "Жалоба на шум"):
    async with transaction():
        return await history.record(
            cid, kind, summary, actor=Actor(Role.OPERATOR, "op-7"), source=("message", "m-1"),
            details={"text": "личные сведения"},
            occurred_at=NOW - timedelta(days=365.25 * years_ago))


async def test_anonymise_after_default_five_years(settings):
    """R-1.5: appeals and their materials are kept 5 years, then anonymised (default)."""
    cid = await make_client()
    expired = await old_event(cid, EventKind.MESSAGE_RECEIVED, 5.1)
    kept = await old_event(cid, EventKind.MESSAGE_RECEIVED, 4.9)
    run = await retention.sweep(settings)
    assert run.action == "anonymise" and run.affected == {"message_received": 1} and run.total == 1
    gone = await InteractionEvent.get(id=expired.id)
    assert gone.anonymised and gone.summary == rules.ANONYMISED_SUMMARY
    assert (gone.details, gone.actor_subject, gone.actor_role, gone.source_type,
            gone.source_id) == (None, None, None, None, None)
    assert (gone.kind, gone.client_id, gone.occurred_at) == (
        expired.kind, expired.client_id, expired.occurred_at)  # statistics stay
    still = await InteractionEvent.get(id=kept.id)
    assert not still.anonymised and still.summary == "Жалоба на шум"


async def test_per_kind_periods_and_keep_for_ever(settings):
    """R-1.5: each record type has its own period (settings.retention_years)."""
    cid = await make_client()
    call = await old_event(cid, EventKind.CALL, 1.5)
    survey = await old_event(cid, EventKind.SURVEY, 30)
    appeal = await old_event(cid, EventKind.MESSAGE_RECEIVED, 1.5)
    configured = settings.model_copy(update={"retention_years": {"call": 1, "survey": 0}})
    run = await retention.sweep(configured)
    assert run.affected == {"call": 1}
    assert (await InteractionEvent.get(id=call.id)).anonymised
    assert not (await InteractionEvent.get(id=survey.id)).anonymised
    assert not (await InteractionEvent.get(id=appeal.id)).anonymised


async def test_delete_action(settings):
    cid = await make_client()
    expired = await old_event(cid, EventKind.MESSAGE_ANSWERED, 6)
    deleting = settings.model_copy(update={"retention_action": "delete"})
    run = await retention.sweep(deleting)
    assert run.action == "delete" and run.affected == {"message_answered": 1}
    assert not await InteractionEvent.exists(id=expired.id)
    assert await InteractionEvent.filter(client_id=cid).count() == 1  # client_created stays


async def test_bounded_batches_and_idempotent(settings):
    """Batches of a fixed size, each its own transaction; a second run does nothing."""
    cid = await make_client()
    for _ in range(7):
        await old_event(cid, EventKind.NOTICE_SENT, 6)
    run = await retention.sweep(settings, batch_size=3)
    assert run.affected == {"notice_sent": 7}
    assert await InteractionEvent.filter(anonymised=True).count() == 7
    again = await retention.sweep(settings, batch_size=3)
    assert again.affected == {} and again.total == 0
    assert await RetentionRun.all().count() == 2


async def test_unknown_action_is_refused_before_touching_anything(settings):
    cid = await make_client()
    await old_event(cid, EventKind.CALL, 9)
    with pytest.raises(ValueError):
        await retention.sweep(settings.model_copy(update={"retention_action": "purge"}))
    assert await InteractionEvent.filter(anonymised=True).count() == 0
    assert await RetentionRun.all().count() == 0
