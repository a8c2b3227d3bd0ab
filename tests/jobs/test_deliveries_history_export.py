"""R-1.5: the history export reaches the client through deliveries, with working links.

The job passes deliveries' notice to the build (history never imports deliveries), so these
tests run the job function itself."""

from __future__ import annotations

from domain.actor import Actor, Role
from domain.deliveries.models import Delivery, DeliveryStatus
from domain.history import exports, links
from jobs.history import build_history_export
from tests.support.deliveries import MailRecorder, SmtpServer, make_client, run_worker

ADMIN = Actor(Role.ADMIN, "admin-1")


async def test_ready_export_is_mailed_with_download_links(settings, http):
    """R-1.5, R-1.4: "on request the client gets their whole history" — by their channel."""
    person = await make_client(email="history@example.ru")
    export = await exports.request_export(ADMIN, person.id)
    ctx = {"settings": settings, "job_try": 1}
    await build_history_export(ctx, str(export.id))
    await build_history_export(ctx, str(export.id))  # a re-run sends nothing more
    [row] = await Delivery.filter(purpose="history_export_ready")
    assert (row.source_type, row.source_id) == ("history_export", str(export.id))
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    [mail] = server.handler.messages
    assert mail["Subject"] == "История ваших обращений готова"
    text = mail.get_body(("plain",)).get_content()
    url = next(line.split(": ", 1)[1] for line in text.splitlines()
               if line.startswith("- Открыть в браузере"))
    token = url.rsplit("/", 1)[1].removesuffix(".html")
    assert links.verify(settings, token) == str(export.id)
    response = await http.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200 and "<html" in response.text.lower()
    assert (await Delivery.get(id=row.id)).status == DeliveryStatus.SENT


async def test_client_without_contacts_gets_a_visible_failed_notice(settings):
    person = await make_client(email=None, preferred=None)
    export = await exports.request_export(ADMIN, person.id)
    ctx = {"settings": settings, "job_try": 1}
    assert await build_history_export(ctx, str(export.id)) == "ready"  # the export stands
    [row] = await Delivery.filter(purpose="history_export_ready")
    assert row.status == DeliveryStatus.FAILED and row.last_error
