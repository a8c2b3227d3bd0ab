"""History: every interaction event gets a random public ID (its GraphQL Node ID).

The bigint primary key stays: it is the keyset page key, index (client_id, occurred_at, id).
Front ends now see ``public_id`` (uuid4) instead, so one event's ID says nothing about
the number or IDs of others'.

Existing rows get their UUIDs in the database before the column becomes NOT NULL UNIQUE,
so the migration works on a filled table: PostgreSQL fills with ``gen_random_uuid()``
(built in since 13), SQLite with a v4-shaped value from ``randomblob`` and then rebuilds
the table the way it would create it (SQLite cannot add a UNIQUE NOT NULL column),
keeping its indexes.
"""

from uuid import uuid4

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

TABLE = "interaction_event"

# A version-4 UUID spelled like Python's str(uuid4()), from SQLite's own random source.
_SQLITE_UUID4 = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
    "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1)"
    " || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"
)


class AddPublicId(ops.AddField):
    """``AddField`` whose database step also fills the rows already there."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        client = state_editor.client
        if client.capabilities.dialect == "postgres":
            await client.execute_script(
                f'ALTER TABLE "{TABLE}" ADD COLUMN "public_id" UUID;'
                f'UPDATE "{TABLE}" SET "public_id" = gen_random_uuid();'
                f'ALTER TABLE "{TABLE}" ALTER COLUMN "public_id" SET NOT NULL;'
                f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{TABLE}_public_id_key" '
                'UNIQUE ("public_id");')
            return
        await client.execute_script(
            f'ALTER TABLE "{TABLE}" ADD COLUMN "public_id" CHAR(36);'
            f'UPDATE "{TABLE}" SET "public_id" = {_SQLITE_UUID4};')
        # Tortoise's table rebuild drops the indexes: keep their statements and run them again.
        indexes = await client.execute_query_dict(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL", [TABLE])
        model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        await state_editor._remake_table(model)
        for row in indexes:
            await client.execute_script(row["sql"])


class Migration(migrations.Migration):
    dependencies = [("okno", "0009_clients_search")]  # noqa: RUF012 (Tortoise's format)

    initial = False

    operations = [  # noqa: RUF012
        AddPublicId(
            model_name="InteractionEvent",
            name="public_id",
            field=fields.UUIDField(default=uuid4, unique=True),
        ),
    ]
