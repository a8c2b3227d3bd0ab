"""History exports (R-1.5 "on request the client gets their whole history"), domain level."""

from datetime import UTC, datetime, timedelta

import orjson
import pytest

from domain.actor import Actor, Role
from domain.clients import service as clients
from domain.clients.models import ClientKind
from domain.clients.queries import display_name_of
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode
from domain.history import exports, queries
from domain.history import service as history
from domain.history.kinds import EventKind
from domain.history.models import Direction, ExportStatus, HistoryExport, InteractionEvent
from domain.transaction import transaction
from tests.conftest import count_queries

ADMIN = Actor(Role.ADMIN, "admin-1")


async def make_client(last_name: str = "Петрова") -> str:
    client = await clients.create_client(ADMIN, clients.ClientData(
        kind=ClientKind.PERSON, last_name=last_name, first_name="Анна"))
    return str(client.id)


async def add_events(client_id: str, n: int, start: datetime, **kw) -> None:
    async with transaction():
        for i in range(n):
            await history.record(client_id, kw.get("kind", EventKind.MESSAGE_RECEIVED),
                                 kw.get("summary", f"Обращение №{i}"), channel=Channel.EMAIL,
                                 direction=Direction.INBOUND, occurred_at=start + timedelta(
                                     minutes=i))


async def test_request_by_self_staff_and_others(settings):
    """R-1.5: the client themselves or staff may request; anyone else sees NOT_FOUND."""
    cid = await make_client()
    other = await make_client("Сидоров")
    mine = await exports.request_export(Actor(Role.CLIENT, cid, cid), cid)
    assert mine.status == ExportStatus.PENDING
    with pytest.raises(DomainError) as err:
        await exports.request_export(Actor(Role.CLIENT, other, other), cid)
    assert err.value.code == ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as err:
        await exports.request_export(ADMIN, "not-a-uuid")
    assert err.value.code == ErrorCode.NOT_FOUND
    # While the first is unfinished, staff asking again gets the same export.
    again = await exports.request_export(Actor(Role.OPERATOR, "op-1"), cid)
    assert again.id == mine.id
    assert await HistoryExport.filter(client_id=cid).count() == 1
    kinds = await InteractionEvent.filter(client_id=cid).values_list("kind", flat=True)
    assert kinds.count("history_export_requested") == 1


async def test_build_streams_batches_and_writes_both_documents(settings):
    """R-1.5: the whole history, in keyset batches (never all rows at once), as JSON and HTML."""
    cid = await make_client()
    start = datetime(2024, 12, 31, 19, 57, tzinfo=UTC)  # crosses a year boundary locally
    await add_events(cid, 7, start)
    async with transaction():  # two events at the same instant: the batch edge must not lose one
        for summary in ("Первое в ту же минуту", "Второе в ту же минуту"):
            await history.record(cid, EventKind.CALL, summary, occurred_at=start)
        await history.record(cid, EventKind.NOTICE_SENT, '<script>alert("x")</script> & «ответ»',
                             occurred_at=start + timedelta(days=3))
    export = await exports.request_export(ADMIN, cid)
    with count_queries() as q:
        assert await exports.build(settings, export.id, batch_size=3,
                                   client_name=display_name_of) == "ready"
    event_reads = [s for s, _ in q.statements if "interaction_event" in s and
                   s.lstrip().upper().startswith("SELECT")]
    total = 7 + 3 + 2  # client_created + request event
    assert len(event_reads) == total // 3 + 1  # 12 rows, batches of 3, and one empty read

    export = await HistoryExport.get(id=export.id)
    assert export.status == ExportStatus.READY and export.event_count == total
    assert export.expires_at - export.finished_at == timedelta(hours=settings.export_link_ttl_hours)
    doc = orjson.loads(exports.file_path(settings, export.id, "json").read_bytes())
    assert doc["eventCount"] == total == len(doc["events"])
    assert doc["client"]["displayName"] == "Петрова Анна"
    ids = [e["id"] for e in doc["events"]]
    assert len(set(ids)) == total  # nothing lost or doubled at batch edges
    times = [e["occurredAt"] for e in doc["events"]]
    assert times == sorted(times)  # oldest first: a document reads like a story
    summaries = {e["summary"] for e in doc["events"]}
    assert {"Первое в ту же минуту", "Второе в ту же минуту"} <= summaries
    assert export.json_bytes == exports.file_path(settings, export.id, "json").stat().st_size

    html = exports.file_path(settings, export.id, "html").read_text(encoding="utf-8")
    assert "История взаимодействия" in html and "Петрова Анна" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # autoescaped
    assert "2024 год" in html and "2025 год" in html  # local time (UTC+4) moves into 2025
    assert f"Всего событий: {total}" in html
    assert html.count('class="event') == total
    assert "Получено обращение" in html and "электронная почта" in html

    ready = await InteractionEvent.filter(client_id=cid, kind="history_export_ready").values()
    assert len(ready) == 1 and ready[0]["summary"] == "Выгрузка истории готова: 12 событий"
    assert ready[0]["source_id"] == str(export.id)


async def test_build_is_idempotent(settings):
    """A second run of a READY export changes nothing (arq is at-least-once)."""
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    assert await exports.build(settings, export.id) == "ready"
    path = exports.file_path(settings, export.id, "json")
    before = (path.read_bytes(), (await HistoryExport.get(id=export.id)).finished_at)
    assert await exports.build(settings, export.id) == "already"
    assert (path.read_bytes(), (await HistoryExport.get(id=export.id)).finished_at) == before
    assert await InteractionEvent.filter(client_id=cid, kind="history_export_ready").count() == 1
    assert sorted(p.name for p in settings.exports_dir.iterdir() if str(export.id) in p.name) == [
        f"{export.id}.html", f"{export.id}.json"]  # no temp files left behind


async def test_build_of_missing_export(settings):
    assert await exports.build(settings, "7b0b0ef6-5a0c-4e55-9d67-9a4c5b1d2e3f") == "missing"


async def test_empty_history_still_gives_valid_documents(settings):
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    await InteractionEvent.filter(client_id=cid).delete()
    await exports.build(settings, export.id)
    doc = orjson.loads(exports.file_path(settings, export.id, "json").read_bytes())
    assert doc["events"] == [] and doc["eventCount"] == 0
    page = exports.file_path(settings, export.id, "html").read_text("utf-8")
    assert "Обращений пока нет" in page and "Других событий пока нет" in page


async def test_failure_marks_failed_and_a_rerun_recovers(settings, tmp_path):
    """An unwritable directory fails the build (FAILED, error kept); a later run succeeds."""
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    blocked = settings.model_copy(update={"var_dir": tmp_path / "file"})
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(OSError):
        await exports.build(blocked, export.id)
    failed = await HistoryExport.get(id=export.id)
    assert failed.status == ExportStatus.FAILED and "Error" in failed.error
    assert await exports.build(settings, export.id) == "ready"


async def test_expire_removes_files(settings):
    cid = await make_client()
    export = await exports.request_export(ADMIN, cid)
    await exports.build(settings, export.id)
    later = datetime.now(UTC) + timedelta(hours=settings.export_link_ttl_hours + 1)
    assert await exports.expire(settings, datetime.now(UTC)) == 0
    assert await exports.expire(settings, later) == 1
    assert not exports.file_path(settings, export.id, "json").exists()
    assert (await HistoryExport.get(id=export.id)).status == ExportStatus.EXPIRED
    assert await exports.build(settings, export.id) == "already"


async def test_times_are_stored_in_utc(settings):
    """Store UTC (SQLite compares the stored text): an offset or naive time is normalised."""
    from zoneinfo import ZoneInfo

    cid = await make_client()
    local = datetime(2025, 5, 1, 12, 0, tzinfo=ZoneInfo("Europe/Ulyanovsk"))
    async with transaction():
        a = await history.record(cid, EventKind.CALL, "местное", occurred_at=local)
        b = await history.record(cid, EventKind.CALL, "без зоны", occurred_at=datetime(2025, 5, 1,
                                                                                       9, 30))
    rows, _ = await queries.page(cid, 10, None, queries.HistoryFilter(
        kinds=["call"], since=datetime(2025, 5, 1, 8, 0), until=local + timedelta(hours=2)))
    assert [r["id"] for r in rows] == [b.id, a.id]  # 09:30 UTC after 08:00 UTC
    assert rows[1]["occurred_at"] == datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
