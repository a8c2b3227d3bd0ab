"""SMS and messenger through a real HTTP gateway (a uvicorn server in the test), and the
development file adapter; web/app deliveries land in the personal account at once."""

from __future__ import annotations

import orjson
import pytest
from arq import Retry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.deliveries import service as deliveries
from domain.deliveries.models import Delivery, DeliveryStatus, Purpose
from domain.enums import Channel
from jobs import deliveries as delivery_jobs
from tests.support.deliveries import make_client
from tests.support.live import free_port, serving

TEXT = {"official_name": "Петров П. П.", "place": "каб. 101",
        "starts_at": "2026-02-10T06:00:00+00:00"}


class Gateway:
    def __init__(self) -> None:
        self.requests: list[tuple[dict, dict]] = []
        self.script: list[int] = []

    async def endpoint(self, request: Request) -> JSONResponse:
        self.requests.append((dict(request.headers), orjson.loads(await request.body())))
        status = self.script.pop(0) if self.script else 200
        return JSONResponse({"id": f"gw-{len(self.requests)}"} if status < 300
                            else {"error": "nope"}, status_code=status)


@pytest.fixture
async def gateway():
    gw = Gateway()
    app = Starlette(routes=[Route("/send", gw.endpoint, methods=["POST"])])
    async with serving(app) as port:
        gw.url = f"http://127.0.0.1:{port}/send"
        yield gw


async def booking_sms(channel: Channel = Channel.SMS) -> Delivery:
    person = await make_client(email=None, phone="+79021234567", messenger="telegram:@ivanov",
                               preferred=channel)
    [row] = await deliveries.send(person.id, Purpose.BOOKING_CONFIRMATION,
                                  "booking_confirmation", TEXT, source=("booking", "b-1"))
    return row


async def test_sms_through_the_gateway(settings, gateway):
    row = await booking_sms()
    ctx = {"settings": settings.model_copy(update={"sms_gateway_url": gateway.url,
                                                   "sms_gateway_token": "s3cret"})}
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
    [(headers, body)] = gateway.requests
    assert headers["authorization"] == "Bearer s3cret"
    assert headers["idempotency-key"] == str(row.id)
    assert body["to"] == "+79021234567" and body["channel"] == "sms"
    assert body["text"] == "Вы записаны на приём: 10 февраля 2026 г. в 10:00, каб. 101."
    row = await Delivery.get(id=row.id)
    assert (row.status, row.message_id) == (DeliveryStatus.SENT, "gw-1")
    await delivery_jobs.close(ctx)


async def test_gateway_5xx_retries_4xx_fails(settings, gateway):
    """Gateway 5xx is transient (retried later); 4xx is permanent (failed with the reason)."""
    row = await booking_sms()
    ctx = {"settings": settings.model_copy(update={"sms_gateway_url": gateway.url})}
    gateway.script = [503, 400]
    with pytest.raises(Retry):
        await delivery_jobs.send_delivery(ctx, str(row.id))
    pending = await Delivery.get(id=row.id)
    assert pending.status == DeliveryStatus.PENDING and "503" in pending.last_error
    await Delivery.filter(id=row.id).update(next_attempt_at=pending.updated_at)
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "failed"
    failed = await Delivery.get(id=row.id)
    assert failed.status == DeliveryStatus.FAILED and "400" in failed.last_error
    assert failed.attempts == 2
    await delivery_jobs.close(ctx)


async def test_gateway_down_is_transient(settings):
    row = await booking_sms()
    ctx = {"settings": settings.model_copy(update={
        "sms_gateway_url": f"http://127.0.0.1:{free_port()}/send"})}
    with pytest.raises(Retry):
        await delivery_jobs.send_delivery(ctx, str(row.id))
    assert "Шлюз недоступен" in (await Delivery.get(id=row.id)).last_error
    await delivery_jobs.close(ctx)


async def test_messenger_through_the_gateway(settings, gateway):
    row = await booking_sms(Channel.MESSENGER)
    ctx = {"settings": settings.model_copy(update={"messenger_gateway_url": gateway.url})}
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
    [(_, body)] = gateway.requests
    assert (body["to"], body["network"], body["handle"]) == (
        "telegram:@ivanov", "telegram", "@ivanov")
    await delivery_jobs.close(ctx)


async def test_development_adapter_writes_a_file(settings):
    """No gateway URL: SMS go to var/outbox/sms.jsonl (and the log) in development."""
    row = await booking_sms()
    ctx = {"settings": settings}
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "sent"
    lines = (settings.outbox_dir / "sms.jsonl").read_bytes().splitlines()
    entry = orjson.loads(lines[-1])
    assert entry["id"] == str(row.id) and entry["to"] == "+79021234567"
    await delivery_jobs.close(ctx)


async def test_disabled_channel_fails_at_once_without_a_file(settings):
    """`OKNO_SMS_GATEWAY_URL=disabled` (what production may say instead of a gateway): the
    delivery fails with the reason, nothing is written to a file."""
    row = await booking_sms()
    ctx = {"settings": settings.model_copy(update={"sms_gateway_url": "disabled"})}
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "failed"
    assert "отключён" in (await Delivery.get(id=row.id)).last_error
    written = settings.outbox_dir / "sms.jsonl"
    assert not written.exists() or str(row.id) not in written.read_text()
    await delivery_jobs.close(ctx)


async def test_bad_phone_fails_permanently(settings):
    row = await booking_sms()
    await Delivery.filter(id=row.id).update(address="not a phone")
    ctx = {"settings": settings}
    assert await delivery_jobs.send_delivery(ctx, str(row.id)) == "failed"
    assert "Неверный номер" in (await Delivery.get(id=row.id)).last_error


async def test_personal_account_is_delivered_at_once(settings):
    person = await make_client(email=None, preferred=Channel.WEB)
    [row] = await deliveries.send(person.id, Purpose.NOTICE, "notice",
                                  {"title": "Заголовок", "text": "Текст"}, source=("t", "1"))
    assert row.channel == Channel.WEB and row.address is None
    assert await delivery_jobs.send_delivery({"settings": settings}, str(row.id)) == "sent"
