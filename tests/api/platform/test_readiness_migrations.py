"""`/readyz` and migrations: not ready while a migration file is unapplied."""

from __future__ import annotations

from tortoise import Tortoise

from domain import db


async def test_readyz_fails_while_migrations_are_pending(settings, http):
    """A new release's instance stays out of the load balancer until `okno migrate` ran;
    once all are applied the answer is remembered (no query per probe)."""
    conn = Tortoise.get_connection("default")
    _, [last] = await conn.execute_query(
        "SELECT app, name, applied_at FROM tortoise_migrations ORDER BY name DESC LIMIT 1")
    forget = f"DELETE FROM tortoise_migrations WHERE name = '{last['name']}'"
    restore = ("INSERT INTO tortoise_migrations (app, name, applied_at) VALUES "
               + ("($1, $2, $3)" if db.is_postgres() else "(?, ?, ?)"))
    await conn.execute_query(forget)
    try:
        response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["migrations"].startswith("error")
    finally:
        await conn.execute_query(restore, [last["app"], last["name"], last["applied_at"]])
    assert (await http.get("/readyz")).status_code == 200
    await conn.execute_query(forget)
    try:
        assert (await http.get("/readyz")).status_code == 200  # remembered
    finally:
        await conn.execute_query(restore, [last["app"], last["name"], last["applied_at"]])

