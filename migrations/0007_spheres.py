"""Data: the Government's spheres of activity (R-2.3) and their starting keyword
dictionaries, created where missing (by code); spheres admins already edited stay as they
are. Plain SQL with explicit columns, so later model changes cannot break it."""

import uuid
from datetime import UTC, datetime

from tortoise import migrations
from tortoise.migrations import operations as ops


async def seed_spheres(apps, editor) -> None:
    from domain.directory.defaults import SPHERES

    client = editor.client
    pg = client.capabilities.dialect == "postgres"

    def marks(n: int) -> str:
        return ", ".join(f"${i + 1}" if pg else "?" for i in range(n))

    def value(v):
        if pg:
            return v
        if isinstance(v, uuid.UUID):
            return str(v)
        if isinstance(v, datetime):
            return v.isoformat(" ")
        if isinstance(v, bool):
            return int(v)
        return v

    now = datetime.now(UTC)
    existing = {r["code"] for r in await client.execute_query_dict("SELECT code FROM sphere")}
    for position, seed in enumerate(SPHERES):
        if seed.code in existing:
            continue
        sphere_id = uuid.uuid4()
        await client.execute_query(
            "INSERT INTO sphere (id, code, name, description, position, active, created_at, "
            f"updated_at) VALUES ({marks(8)})",
            [value(v) for v in (sphere_id, seed.code, seed.name, seed.description, position,
                                True, now, now)])
        for term in seed.keywords:
            await client.execute_query(
                f"INSERT INTO sphere_keyword (sphere_id, term, weight, created_at) VALUES ({marks(4)})",
                [value(v) for v in (sphere_id, term, 1.0, now)])


class Migration(migrations.Migration):
    dependencies = [("okno", "0006_messages")]

    initial = False

    operations = [ops.RunPython(seed_spheres, ops.RunPython.noop)]
