"""History exports through the API (R-1.5): request, poll, download by signed link."""

import uuid
from datetime import UTC, datetime, timedelta

import jwt

from api.relay import encode_id
from domain import redis
from domain.history import exports, links
from domain.history.models import HistoryExport
from jobs import history as history_jobs

CREATE = """mutation { createClient(input: {kind: PERSON, lastName: "Кузнецова",
  firstName: "Мария"}) { client { id } errors { code } } }"""
REQUEST = """mutation($id: ID!) { requestHistoryExport(input: {clientId: $id}) {
  historyExport { id status eventCount createdAt expiresAt downloadUrlJson downloadUrlHtml }
  errors { code field message } } }"""


class _AnyText(str):
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)

    __hash__ = str.__hash__


ANY_TEXT = _AnyText()
POLL = """query($id: ID!) { historyExport(id: $id) { id status eventCount jsonBytes htmlBytes
  downloadUrlJson downloadUrlHtml client { displayName } } }"""


async def new_client(gql) -> tuple[str, str]:
    gid = (await gql(CREATE))["data"]["createClient"]["client"]["id"]
    from api.relay import decode_id

    return gid, decode_id(gid, "Client", "id")


async def test_client_requests_own_export_and_downloads(gql, http, settings):
    """R-1.5: the client asks, a job builds, the signed links serve JSON and HTML."""
    gid, cid = await new_client(gql)
    body = await gql(REQUEST, {"id": gid}, as_="client", subject=cid)
    payload = body["data"]["requestHistoryExport"]
    assert payload["errors"] == []
    export = payload["historyExport"]
    assert export["status"] == "PENDING" and export["downloadUrlJson"] is None
    queued = await redis.get_redis().queued_jobs()
    export_id = queued[0].args[0]
    assert queued[0].job_id == f"history-export:{export_id}"

    await history_jobs.build_history_export({"settings": settings, "job_try": 1}, export_id)
    ready = (await gql(POLL, {"id": export["id"]}, as_="client", subject=cid))["data"][
        "historyExport"]
    assert ready["status"] == "READY" and ready["eventCount"] == 2
    assert ready["client"]["displayName"] == "Кузнецова Мария"
    assert ready["downloadUrlJson"].startswith("http://testserver/exports/")

    response = await http.get(ready["downloadUrlJson"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    # The document carries the stored kinds, and each event's Node ID.
    events = response.json()["events"]
    assert [e["kind"] for e in events] == ["client_created", "history_export_requested"]
    history = (await gql("""query($id: ID!) { client(id: $id) { history(first: 5) {
        edges { node { id } } } } }""", {"id": gid}, as_="client", subject=cid))["data"]
    from api.relay import decode_id

    shown = {decode_id(e["node"]["id"], "InteractionEvent", "id")
             for e in history["client"]["history"]["edges"]}
    assert {e["id"] for e in events} <= shown
    assert len(response.content) == ready["jsonBytes"]

    page = await http.get(ready["downloadUrlHtml"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "Кузнецова Мария" in page.text and "Запрошена выгрузка истории" in page.text

    # The client's card lists it; the event timeline shows both steps.
    card = await gql("""query($id: ID!) { client(id: $id) { historyExports(first: 5) {
        edges { node { id status } } } history(first: 2) { edges { node { kind } } } } }""",
                     {"id": gid}, as_="client", subject=cid)
    assert card["data"]["client"]["historyExports"]["edges"][0]["node"]["status"] == "READY"
    # ...and the notice of it, written by deliveries (this client has no contact: failed).
    assert [e["node"]["kind"] for e in card["data"]["client"]["history"]["edges"]] == [
        "DELIVERY_FAILED", "HISTORY_EXPORT_READY"]


async def test_who_may_request(gql, settings):
    """R-1.5: the client themselves or staff; another client gets NOT_FOUND, not a hint."""
    gid, cid = await new_client(gql)
    _, other = await new_client(gql)
    body = await gql(REQUEST, {"id": gid}, as_="client", subject=other)
    assert body["data"]["requestHistoryExport"] == {"historyExport": None, "errors": [
        {"code": "NOT_FOUND", "field": "clientId", "message": "Клиент не найден(а)."}]}
    body = await gql(REQUEST, {"id": gid}, as_="operator")
    assert body["data"]["requestHistoryExport"]["errors"] == []
    export_gid = body["data"]["requestHistoryExport"]["historyExport"]["id"]
    # The other client cannot poll it either, nor find it as a node.
    assert (await gql(POLL, {"id": export_gid}, as_="client", subject=other))["data"][
        "historyExport"] is None
    node = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": export_gid},
                     as_="client", subject=other)
    assert node["data"]["node"] is None
    assert (await gql("query($id: ID!) { node(id: $id) { ... on HistoryExport { status } } }",
                      {"id": export_gid}, as_="client", subject=cid))["data"]["node"] == {
        "status": "PENDING"}
    body = await gql(REQUEST, {"id": gid}, as_=None, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] == {"requestHistoryExport": None}
    assert await HistoryExport.all().count() == 1


async def test_bad_ids_are_user_errors(gql):
    """Not a Client's global ID (garbage, another type's ID, a raw UUID): INVALID_ID; a
    Client ID naming no client: NOT_FOUND. Both in the payload, nothing started."""
    _, cid = await new_client(gql)
    for bad in ("nonsense", "\x00", "x" * 50_000, "SGlzdG9yeUV4cG9ydDox", cid,
                encode_id("HistoryExport", cid)):
        body = await gql(REQUEST, {"id": bad})
        assert body["data"]["requestHistoryExport"]["errors"] == [{
            "code": "INVALID_ID", "field": "clientId", "message": ANY_TEXT}], bad[:40]
    for bad in (encode_id("Client", uuid.uuid4()), encode_id("Client", "1")):
        body = await gql(REQUEST, {"id": bad})
        assert body["data"]["requestHistoryExport"]["errors"][0]["code"] == "NOT_FOUND"
    for bad in ("nonsense", "Q2xpZW50OjE=", cid, encode_id("HistoryExport", "1"),
                encode_id("HistoryExport", uuid.uuid4())):
        assert (await gql(POLL, {"id": bad}))["data"]["historyExport"] is None
    assert await HistoryExport.all().count() == 0


async def test_bad_links_are_404_or_410_never_500(gql, http, settings):
    """Forged, other-purpose, expired links: a short Russian text, never a 500."""
    gid, cid = await new_client(gql)
    export_gid = (await gql(REQUEST, {"id": gid}))["data"]["requestHistoryExport"][
        "historyExport"]["id"]
    export = await HistoryExport.get(client_id=cid)
    future = datetime.now(UTC) + timedelta(hours=1)
    # Not built yet: a correctly signed link still finds nothing to give.
    assert (await http.get(links.download_url(settings, export.id, future, "json"))).status_code \
        == 410
    await exports.build(settings, export.id)
    export = await HistoryExport.get(id=export.id)
    good = links.sign(settings, export.id, export.expires_at)

    def signed(secret: str, purpose: str = links.PURPOSE, sub: str = str(export.id)) -> str:
        claims = {"purpose": purpose, "sub": sub, "exp": int(future.timestamp())}
        return jwt.encode(claims, secret, "HS256")

    unknown = "7b0b0ef6-5a0c-4e55-9d67-9a4c5b1d2e3f"

    cases = {
        f"/exports/{good}.json": 200,
        f"/exports/{good}.html": 200,
        f"/exports/{good}.pdf": 404,
        f"/exports/{good}": 404,
        "/exports/.json": 404,
        f"/exports/{good[:-3]}abc.json": 404,
        f"/exports/{signed(settings.link_secret, purpose='unsubscribe')}.json": 404,
        f"/exports/{signed(settings.jwt_secret)}.json": 404,  # a session secret is not the key
        f"/exports/{signed(settings.link_secret, sub='not-a-uuid')}.json": 404,
        f"/exports/{signed(settings.link_secret, sub=unknown)}.json": 404,
        f"/exports/{links.sign(settings, export.id, datetime.now(UTC) - timedelta(1))}.json": 410,
        "/exports/%00.json": 404,
    }
    for path, status in cases.items():
        response = await http.get(path)
        assert response.status_code == status, (path, response.text)
        if status != 200:
            assert response.text.startswith(("Ссылка", "Срок")), response.text
    # The export ran out in the database before the token did (e.g. shortened TTL).
    await HistoryExport.filter(id=export.id).update(expires_at=datetime.now(UTC) - timedelta(1))
    assert (await http.get(f"/exports/{good}.json")).status_code == 410
    poll = (await gql(POLL, {"id": export_gid}))["data"]["historyExport"]
    assert poll["downloadUrlJson"] is None and poll["status"] == "READY"


async def test_history_exports_paging(gql, settings):
    gid, cid = await new_client(gql)
    for _ in range(3):
        await gql(REQUEST, {"id": gid})
        await exports.build(settings, (await HistoryExport.filter(client_id=cid).order_by(
            "-created_at").first()).id)
    query = """query($id: ID!, $after: String) { client(id: $id) { historyExports(first: 2,
        after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }"""
    first = (await gql(query, {"id": gid}))["data"]["client"]["historyExports"]
    assert len(first["edges"]) == 2 and first["pageInfo"]["hasNextPage"]
    rest = (await gql(query, {"id": gid, "after": first["pageInfo"]["endCursor"]}))["data"][
        "client"]["historyExports"]
    assert len(rest["edges"]) == 1 and not rest["pageInfo"]["hasNextPage"]
    ids = {e["node"]["id"] for e in first["edges"] + rest["edges"]}
    assert len(ids) == 3
    bad = await gql(query, {"id": gid, "after": "garbage"}, expect_errors=True)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert bad["data"] == {"client": {"historyExports": None}}  # that field only


async def test_retention_runs_for_supervisors_only(gql, settings):
    """R-1.5: the sweep's report is readable by supervisors and admins."""
    ctx = {"settings": settings}
    for _ in range(3):
        await history_jobs.sweep_retention(ctx)
    query = """query($after: String) { retentionRuns(first: 2, after: $after) { edges { node {
        id action total exportsExpired affected { kind count } startedAt finishedAt } }
        pageInfo { hasNextPage endCursor } } }"""
    page = (await gql(query, as_="supervisor"))["data"]["retentionRuns"]
    assert len(page["edges"]) == 2 and page["pageInfo"]["hasNextPage"]
    assert page["edges"][0]["node"]["action"] == "ANONYMISE"
    rest = (await gql(query, {"after": page["pageInfo"]["endCursor"]}, as_="admin"))["data"][
        "retentionRuns"]
    assert len(rest["edges"]) == 1
    node_id = page["edges"][0]["node"]["id"]
    for role in ("operator", "client"):
        body = await gql(query, as_=role, expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert body["data"] == {"retentionRuns": None}
        hidden = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": node_id}, as_=role)
        assert hidden["data"]["node"] is None


async def test_first_outside_1_to_100_fails_only_its_connection(gql, settings):
    """`retentionRuns` and `Client.historyExports`: BAD_USER_INPUT on that field only."""
    gid, _ = await new_client(gql)
    query = """query($id: ID!, $first: Int) { retentionRuns(first: $first) { edges { node {
        id } } } client(id: $id) { id historyExports(first: $first) { edges { node { id } } } } }"""
    for first in (0, 101):
        body = await gql(query, {"id": gid, "first": first}, as_="supervisor",
                         expect_errors=True)
        assert body["data"] == {"retentionRuns": None, "client": {"id": gid,
                                                                  "historyExports": None}}
        assert sorted(tuple(e["path"]) for e in body["errors"]) == [
            ("client", "historyExports"), ("retentionRuns",)]
        assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
