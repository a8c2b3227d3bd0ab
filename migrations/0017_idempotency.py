from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('okno', '0016_reception_changes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdempotentRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.CharField(description='Token subject, or anonymous', max_length=200)),
                ('key', fields.CharField(description='The Idempotency-Key header', max_length=200)),
                ('request_hash', fields.CharField(description='SHA-256 of query and variables', max_length=64)),
                ('response', fields.JSONField(description='The GraphQL response body that was sent', encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotent_request', 'app': 'okno', 'unique_together': (('subject', 'key'),), 'pk_attr': 'id', 'table_description': 'One request sent with an Idempotency-Key, by one caller, and the response it got'},
            bases=['Model'],
        ),
    ]
