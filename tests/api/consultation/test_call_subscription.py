"""`callUpdated` over a real websocket (live uvicorn, graphql-transport-ws): a supervisor's
wallboard hears calls the PBX webhook reports, through Redis pub/sub."""

from __future__ import annotations

import json

import httpx

from api.relay import encode_id
from domain import redis
from domain.consultation.events import ALL, TOPIC_ALL, TOPIC_LINE
from tests.api.consultation.pbx_client import event, send
from tests.conftest import token
from tests.support.live import connect, live_servers, receive, wait_for_listeners

SUBSCRIBE = """subscription($line: ID) { callUpdated(lineId: $line) {
  id status callerNumber line { displayNumber } } }"""


async def _subscribe(ws, op_id: str, line: str | None) -> None:
    await ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": {
        "query": SUBSCRIBE, "variables": {"line": line}}}))


async def test_wallboard_hears_pbx_calls(world, pbx_settings):
    async with live_servers(pbx_settings) as [port]:
        board = await connect(port, token(pbx_settings, "supervisor", "board-1"))
        try:
            await _subscribe(board, "all", None)
            await _subscribe(board, "line", encode_id("ConsultationLine", world.free_line.id))
            await wait_for_listeners(redis.channel(TOPIC_ALL, ALL))
            await wait_for_listeners(redis.channel(TOPIC_LINE, str(world.free_line.id)))
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                assert (await send(http, event("started", "w-1"))).status_code == 200
                heard = await receive(board)
                assert heard["id"] == "all", heard
                call = heard["payload"]["data"]["callUpdated"]
                assert call["status"] == "STARTED" and call["callerNumber"] == "+79272704518"
                assert call["line"]["displayNumber"] == "8 (8422) 58-93-58"
                assert (await send(http, event("started", "w-2",
                                               line="8-800-775-50-05"))).status_code == 200
                got = {(await receive(board))["id"], (await receive(board))["id"]}
                assert got == {"all", "line"}
        finally:
            await board.close()


async def test_unknown_line_and_operators_refused(world, settings):
    """An unknown or malformed line is BAD_USER_INPUT; the wallboard is supervisors'."""
    async with live_servers(settings) as [port]:
        board = await connect(port, token(settings, "supervisor", "board-1"))
        operator = await connect(port, token(settings, "operator", "op-1"))
        try:
            for ws, line, code in [
                    (board, encode_id("ConsultationLine", world.agency.id), "BAD_USER_INPUT"),
                    (board, "garbage", "BAD_USER_INPUT"), (operator, None, "FORBIDDEN")]:
                await _subscribe(ws, "x", line)
                message = await receive(ws)
                errors = message["payload"] if message["type"] == "error" else \
                    message["payload"]["errors"]
                assert errors[0]["extensions"]["code"] == code, (line, errors)
                if message["type"] == "next":
                    assert (await receive(ws))["type"] == "complete"
        finally:
            await board.close()
            await operator.close()
