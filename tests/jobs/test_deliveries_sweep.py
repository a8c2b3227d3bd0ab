"""The sweep re-enqueues what the after-commit hand-off missed, and only that."""

from __future__ import annotations

from datetime import timedelta

from domain import redis
from domain.deliveries import dispatch
from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, PostalState, Purpose
from domain.deliveries.outbox import now
from domain.enums import Channel
from jobs import deliveries as delivery_jobs
from tests.support.deliveries import make_client

ANSWER = {"answer_text": "Ответ.", "survey_url": "https://okno.example/survey/t1"}


async def queued_job_ids() -> set[str]:
    return {j.job_id for j in await redis.get_redis().queued_jobs()}


async def new_row(**client) -> Delivery:
    person = await make_client(**client)
    [row] = await deliveries.send(person.id, Purpose.ANSWER, "answer", ANSWER,
                                  source=("message", "m"))
    return row


async def test_lost_hand_off_is_enqueued_once(settings):
    row = await new_row()
    await redis.get_redis().flushdb()  # as if Redis had been down at commit
    await Delivery.filter(id=row.id).update(next_attempt_at=now() - timedelta(minutes=2))
    assert await dispatch.sweep(settings) == {"stuck": 0, "enqueued": 1}
    assert await queued_job_ids() == {str(row.id)}
    # The job is queued now: a second sweep adds nothing.
    assert await dispatch.sweep(settings) == {"stuck": 0, "enqueued": 0}


async def test_fresh_and_deferred_rows_are_left_alone(settings):
    fresh = await new_row()
    deferred = await new_row()
    await redis.get_redis().flushdb()
    await Delivery.filter(id=deferred.id).update(next_attempt_at=now() + timedelta(minutes=5))
    assert await dispatch.sweep(settings) == {"stuck": 0, "enqueued": 0}
    assert fresh.status == DeliveryStatus.PENDING


async def test_stuck_sending_goes_back_to_pending_under_a_new_job_id(settings):
    """A worker died mid-send: after the stuck timeout the row is sent again (same
    Message-ID); a job still held by the dead worker cannot block it."""
    stuck = await new_row()
    busy = await new_row()
    letter = await new_row(email=None, postal="432017, Ульяновск", preferred=Channel.POSTAL)
    long_ago = now() - timedelta(seconds=settings.delivery_stuck_after_seconds + 60)
    await Delivery.filter(id__in=[stuck.id, letter.id]).update(
        status=DeliveryStatus.SENDING, sending_started_at=long_ago, attempts=1)
    await Delivery.filter(id=letter.id).update(postal_state=PostalState.QUEUED)
    await Delivery.filter(id=busy.id).update(status=DeliveryStatus.SENDING,
                                             sending_started_at=now(), attempts=1)
    assert await dispatch.sweep(settings) == {"stuck": 1, "enqueued": 1}
    row = await Delivery.get(id=stuck.id)
    assert row.status == DeliveryStatus.PENDING and "повторно" in row.last_error
    assert f"{stuck.id}:1" in await queued_job_ids()
    assert (await Delivery.get(id=busy.id)).status == DeliveryStatus.SENDING
    assert (await Delivery.get(id=letter.id)).status == DeliveryStatus.SENDING  # print queue


async def test_pending_row_whose_job_a_dead_worker_holds(settings):
    row = await new_row()  # its job "arq:job:<id>" exists, as if taken by a worker that died
    await Delivery.filter(id=row.id).update(
        next_attempt_at=now() - timedelta(seconds=settings.delivery_stuck_after_seconds + 60))
    assert await dispatch.sweep(settings) == {"stuck": 0, "enqueued": 1}
    assert f"{row.id}:0:late" in await queued_job_ids()


async def test_the_cron_job_runs_the_sweep(settings):
    assert await delivery_jobs.sweep_deliveries({"settings": settings}) == {
        "stuck": 0, "enqueued": 0}
