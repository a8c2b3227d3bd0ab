from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0010_history_event_public_id')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Delivery',
            name='swept_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Delivery',
            index=Index(fields=['swept_at', 'created_at']),
        ),
        ops.AddIndex(
            model_name='InteractionEvent',
            index=Index(fields=['source_type', 'source_id']),
        ),
        ops.AddField(
            model_name='Message',
            name='swept_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Message',
            index=Index(fields=['audience', 'swept_at', 'closed_at']),
        ),
        ops.AddField(
            model_name='RetentionRun',
            name='cases',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='RetentionRun',
            name='records',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
