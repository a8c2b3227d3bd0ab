"""History jobs run as the arq worker runs them: the function with a ctx dict, real DB."""

from datetime import UTC, datetime, timedelta

import orjson

from domain import redis
from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.history import exports
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import ExportStatus, HistoryExport, InteractionEvent, RetentionRun
from domain.transaction import transaction
from jobs import history as history_jobs
from jobs.worker import CRON_JOBS, FUNCTIONS

ADMIN = Actor(Role.ADMIN, "admin-1")


async def make_client() -> str:
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.ORGANISATION, organisation_name="ООО «Ромашка»"))
    return str(client.id)


def test_registered_with_the_worker():
    names = {getattr(f, "name", None) or f.__name__ for f in FUNCTIONS}  # arq func() or plain
    assert {"build_history_export", "sweep_retention", "resume_history_exports"} <= names
    assert {c.name for c in CRON_JOBS} >= {"cron:sweep_retention", "cron:resume_history_exports"}


async def test_request_enqueues_after_commit_and_job_builds(settings):
    """R-1.5: the request hands the export to arq under a job ID derived from the export."""
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    job = await redis.get_redis().queued_jobs()
    assert [(j.function, j.args, j.job_id) for j in job] == [
        ("build_history_export", (str(export.id),), f"history-export:{export.id}")]
    ctx = {"settings": settings, "job_try": 1}
    assert await history_jobs.build_history_export(ctx, str(export.id)) == "ready"
    assert await history_jobs.build_history_export(ctx, str(export.id)) == "already"
    doc = orjson.loads(exports.file_path(settings, export.id, "json").read_bytes())
    assert doc["client"]["displayName"] == "ООО «Ромашка»"


async def test_resume_reenqueues_only_stale_pending(settings):
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    await redis.get_redis().flushdb()  # the hand-off was lost
    assert await history_jobs.resume_history_exports({"settings": settings}) == 0  # too fresh
    await HistoryExport.filter(id=export.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=30))
    assert await history_jobs.resume_history_exports({"settings": settings}) == 1
    jobs = await redis.get_redis().queued_jobs()
    assert [j.job_id for j in jobs] == [exports.job_id(export.id)]
    # Re-running while still queued does not queue it twice.
    await history_jobs.resume_history_exports({"settings": settings})
    assert len(await redis.get_redis().queued_jobs()) == 1


async def test_sweep_retention_job_reports_and_expires_exports(settings):
    """R-1.5: the daily sweep anonymises what expired and reports it in a RetentionRun."""
    cid = await make_client()
    async with transaction():
        await history.record(cid, EventKind.MESSAGE_RECEIVED, "Старое обращение",
                             occurred_at=datetime.now(UTC) - timedelta(days=6 * 366))
    export = await exports.request_export(ADMIN, cid)
    await exports.build(settings, export.id)
    await HistoryExport.filter(id=export.id).update(expires_at=datetime.now(UTC) - timedelta(1))
    result = await history_jobs.sweep_retention({"settings": settings})
    assert result == {"action": "anonymise", "affected": {"message_received": 1}, "total": 1,
                      "records": {}, "cases": {}, "exportsExpired": 1}
    assert (await HistoryExport.get(id=export.id)).status == ExportStatus.EXPIRED
    assert not exports.file_path(settings, export.id, "html").exists()
    run = await RetentionRun.get()
    assert run.affected == {"message_received": 1} and run.exports_expired == 1
    assert await history_jobs.sweep_retention({"settings": settings}) == {
        "action": "anonymise", "affected": {}, "total": 0, "records": {}, "cases": {},
        "exportsExpired": 0}
    assert await InteractionEvent.filter(anonymised=True).count() == 1


async def test_transient_failure_retries_then_gives_up(settings, tmp_path):
    """A disk error is transient: arq is asked to retry, until the last try."""
    import pytest
    from arq import Retry

    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    (tmp_path / "file").write_text("not a directory")
    broken = settings.model_copy(update={"var_dir": tmp_path / "file"})
    with pytest.raises(Retry):
        await history_jobs.build_history_export({"settings": broken, "job_try": 1}, str(export.id))
    with pytest.raises(OSError):
        await history_jobs.build_history_export({"settings": broken, "job_try": 5}, str(export.id))
    assert (await HistoryExport.get(id=export.id)).status == ExportStatus.FAILED


async def test_real_arq_worker_builds_the_requested_export(settings):
    """The hand-off end to end: request -> Redis queue -> an arq worker (burst) -> READY."""
    from arq.connections import RedisSettings
    from arq.worker import Worker

    async def startup(ctx):
        ctx["settings"] = settings

    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    worker = Worker(functions=FUNCTIONS, redis_settings=RedisSettings.from_dsn(settings.redis_url),
                    burst=True, poll_delay=0.05, handle_signals=False, on_startup=startup,
                    ctx={"external_resources": True})
    try:
        await worker.main()
    finally:
        await worker.close()
    assert (worker.jobs_complete, worker.jobs_failed) == (1, 0)
    assert (await HistoryExport.get(id=export.id)).status == ExportStatus.READY
