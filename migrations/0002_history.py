from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.history.models import ExportStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0001_initial')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='ChannelPreference',
            options={'table': 'channel_preference', 'app': 'okno', 'pk_attr': 'client_id', 'table_description': 'R-1.4: the chosen channel, and an extra one for when the law fixes the channel.'},
        ),
        ops.AlterField(
            model_name='HistoryExport',
            name='status',
            field=fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: pending\nRUNNING: running\nREADY: ready\nFAILED: failed\nEXPIRED: expired', enum_type=ExportStatus, max_length=10),
        ),
        ops.AddField(
            model_name='HistoryExport',
            name='html_bytes',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='HistoryExport',
            name='json_bytes',
            field=fields.BigIntField(null=True),
        ),
        ops.AddIndex(
            model_name='HistoryExport',
            index=Index(fields=['client_id', 'created_at', 'id']),
        ),
        ops.AddIndex(
            model_name='InteractionEvent',
            index=Index(fields=['kind', 'anonymised', 'occurred_at']),
        ),
        ops.AddField(
            model_name='RetentionRun',
            name='exports_expired',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='RetentionRun',
            name='total',
            field=fields.IntField(default=0),
        ),
        ops.AddIndex(
            model_name='RetentionRun',
            index=Index(fields=['started_at', 'id']),
        ),
    ]
