"""The yardstick: the same client card as JSON from Starlette + asyncpg + orjson, no GraphQL.

Run by bench/client_card.py: ``python bench/raw_card.py DSN PORT``.
"""

from __future__ import annotations

import base64
import sys
from contextlib import asynccontextmanager

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DSN, PORT = sys.argv[1], int(sys.argv[2])
pool: asyncpg.Pool | None = None


def gid(type_name: str, value: object) -> str:
    return base64.b64encode(f"{type_name}:{value}".encode()).decode()


async def card(request: Request) -> Response:
    body = orjson.loads(await request.body())
    client_id = base64.b64decode(body["variables"]["id"]).decode().split(":", 1)[1]
    async with pool.acquire() as conn:
        client = await conn.fetchrow(
            "SELECT id, kind, last_name, first_name, middle_name, organisation_name "
            "FROM client WHERE id = $1", client_id)
        contacts = await conn.fetch(
            "SELECT id, kind, value, verified, \"primary\" FROM contact_point WHERE client_id = $1 "
            "ORDER BY kind, \"primary\" DESC, created_at", client_id)
        pref = await conn.fetchrow(
            "SELECT preferred_channel, additional_channel FROM channel_preference "
            "WHERE client_id = $1", client_id)
        events = await conn.fetch(
            "SELECT public_id, kind, channel, direction, occurred_at, summary "
            "FROM interaction_event WHERE client_id = $1 "
            "ORDER BY occurred_at DESC, id DESC LIMIT 20", client_id)
    name = " ".join(
        p for p in (client["last_name"], client["first_name"], client["middle_name"]) if p)
    data = {"data": {"client": {
        "id": gid("Client", client["id"]), "displayName": name or client["organisation_name"],
        "kind": client["kind"].upper(),
        "contacts": [{"id": gid("ContactPoint", c["id"]), "kind": c["kind"].upper(),
                      "value": c["value"], "verified": c["verified"], "primary": c["primary"]}
                     for c in contacts],
        "preference": {"preferredChannel": pref["preferred_channel"].upper(),
                       "additionalChannel": (pref["additional_channel"] or "").upper() or None}
        if pref else None,
        "history": {"edges": [{"node": {
            "id": gid("InteractionEvent", e["public_id"]), "kind": e["kind"],
            "channel": (e["channel"] or "").upper() or None, "direction": e["direction"].upper(),
            "occurredAt": e["occurred_at"].isoformat(), "summary": e["summary"]}} for e in events]},
    }}}
    return Response(orjson.dumps(data), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette):
    global pool
    pool = await asyncpg.create_pool(DSN, min_size=5, max_size=10)
    yield
    await pool.close()


app = Starlette(routes=[Route("/graphql", card, methods=["POST"])], lifespan=lifespan)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=PORT, log_level="warning", access_log=False)
