"""Messages: every open term is watched (R-2.4, R-2.5, 59-FZ), alerts keyed by the term.

- ``message.terms`` holds every open term; open messages written before it get theirs from
  the next sweep (``deadlines._upgrade``): their ``next_alert_at`` is set to a past moment here.
- The alert's unique key names the term kind, so two terms due at the same moment both alert.
- ``delivery.client`` is nullable: deadline alerts mail employees (route ``employee``).
"""

# ruff: noqa: E501 (generated field and table descriptions are single long strings)

from orjson import loads
from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise.indexes import Index
from tortoise.migrations import operations as ops
from tortoise.migrations.constraints import UniqueConstraint

from domain.deliveries.models import RouteReason
from domain.messages.models import DeadlineKind


class RemoveUniqueTogether(ops.RemoveConstraint):
    """SQLite keeps a unique_together made at table creation as an automatic index that
    cannot be dropped by name: the table is rebuilt without it (PostgreSQL drops it)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if state_editor is not None and state_editor.client.capabilities.dialect == "sqlite":
            await state_editor._remake_table(
                new_state.apps.get_model(f"{app_label}.{self.model_name}")
            )
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)


async def forward(apps, editor) -> None:
    await editor.client.execute_script(
        "UPDATE message SET next_alert_at = received_at WHERE terms IS NULL "
        "AND status IN ('received', 'registered', 'assigned', 'in_work')"
    )


async def backward(apps, editor) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [("okno", "0013_messages_texts_channels")]

    initial = False

    operations = [
        RemoveUniqueTogether(
            model_name="DeadlineAlert",
            name=None,
            fields=["message", "kind", "due_at"],
        ),
        ops.AlterModelOptions(
            name="DeadlineAlert",
            options={
                "table": "message_deadline_alert",
                "app": "okno",
                "unique_together": (("message", "kind", "due_kind", "due_at"),),
                "indexes": [
                    Index(fields=["created_at", "id"]),
                    Index(fields=["department_id", "created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One alert about one term of one message: the unique key (message, alert kind, term",
            },
        ),
        ops.AlterField(
            model_name="DeadlineAlert",
            name="due_kind",
            field=fields.CharEnumField(
                description="REGISTRATION: registration\nANSWER: answer\nURGENT: urgent\nABUSE_NOTICE: abuse_notice\nINTERNAL_ORAL: internal_oral\nINTERNAL_WRITTEN: internal_written\nREDIRECT: redirect",
                enum_type=DeadlineKind,
                max_length=20,
            ),
        ),
        ops.AddConstraint(
            model_name="DeadlineAlert",
            constraint=UniqueConstraint(
                fields=("message", "kind", "due_kind", "due_at"), name=None
            ),
        ),
        ops.AlterField(
            model_name="Delivery",
            name="client",
            field=fields.ForeignKeyField(
                "okno.Client",
                source_field="client_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="deliveries",
                on_delete=OnDelete.CASCADE,
            ),
        ),
        ops.AlterField(
            model_name="Delivery",
            name="route",
            field=fields.CharEnumField(
                description="PREFERRED: preferred\nLEGAL: legal\nADDITIONAL: additional\nFALLBACK: fallback\nFIXED: fixed\nSTAFF: staff\nEMPLOYEE: employee",
                enum_type=RouteReason,
                max_length=20,
            ),
        ),
        ops.AlterField(
            model_name="Message",
            name="due_kind",
            field=fields.CharEnumField(
                null=True,
                description="REGISTRATION: registration\nANSWER: answer\nURGENT: urgent\nABUSE_NOTICE: abuse_notice\nINTERNAL_ORAL: internal_oral\nINTERNAL_WRITTEN: internal_written\nREDIRECT: redirect",
                enum_type=DeadlineKind,
                max_length=20,
            ),
        ),
        ops.AddField(
            model_name="Message",
            name="terms",
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.RunPython(forward, backward),
    ]
