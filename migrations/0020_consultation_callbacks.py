from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.consultation.callback_models import CallbackAlertKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0019_consultation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallbackAlert',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('callback', fields.ForeignKeyField('okno.Callback', source_field='callback_id', db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REMINDER: reminder\nOVERDUE: overdue', enum_type=CallbackAlertKind, max_length=10)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recipients', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'callback_alert', 'app': 'okno', 'unique_together': (('callback', 'kind', 'due_at'),), 'indexes': [Index(fields=['created_at', 'id'])], 'pk_attr': 'id', 'table_description': 'One alert about one window of one callback. The unique key (callback, kind, due_at)'},
            bases=['Model'],
        ),
    ]
