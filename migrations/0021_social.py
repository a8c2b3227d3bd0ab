from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.social.models import Network, PostState, SocialAbuse, SocialAlertKind, SocialKind, SocialStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0018_mailings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SocialSource',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('network', fields.CharEnumField(description='VK: vk\nTELEGRAM: telegram\nOK: ok\nMAX: max\nOTHER: other', enum_type=Network, max_length=10)),
                ('name', fields.CharField(max_length=200)),
                ('confirmation_code', fields.CharField(null=True, max_length=100)),
                ('secret_version', fields.IntField(default=1)),
                ('api_url', fields.CharField(null=True, max_length=1000)),
                ('api_token', fields.CharField(null=True, max_length=1000)),
                ('active', fields.BooleanField(default=True)),
                ('created_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'social_source', 'app': 'okno', 'pk_attr': 'id', 'table_description': 'One page, group, channel or chat okno watches. Its webhook secret is not stored: it is'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialItem',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('source', fields.ForeignKeyField('okno.SocialSource', source_field='source_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.RESTRICT)),
                ('source_item_id', fields.CharField(max_length=200)),
                ('network', fields.CharEnumField(description='VK: vk\nTELEGRAM: telegram\nOK: ok\nMAX: max\nOTHER: other', enum_type=Network, max_length=10)),
                ('kind', fields.CharEnumField(description='MENTION: mention\nOFFICIAL_APPEAL: official_appeal\nCOMMENT: comment', enum_type=SocialKind, max_length=20)),
                ('author_id', fields.CharField(null=True, max_length=200)),
                ('author_name', fields.CharField(null=True, max_length=300)),
                ('url', fields.CharField(null=True, max_length=1000)),
                ('post_id', fields.CharField(null=True, max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('original_text', fields.TextField(null=True, unique=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('warn_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_alert_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=SocialStatus.NEW, description='NEW: new\nANSWERING: answering\nANSWERED: answered\nMOVED: moved', enum_type=SocialStatus, max_length=10)),
                ('suggested_sphere', fields.ForeignKeyField('okno.Sphere', source_field='suggested_sphere_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('sphere_confidence', fields.FloatField(null=True)),
                ('sphere', fields.ForeignKeyField('okno.Sphere', source_field='sphere_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('abuse_status', fields.CharEnumField(default=SocialAbuse.NONE, description='NONE: none\nSUSPECTED: suspected', enum_type=SocialAbuse, max_length=10)),
                ('abuse_flags', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('message', fields.OneToOneField('okno.Message', source_field='message_id', null=True, db_constraint=True, to_field='id', related_name='social_item', on_delete=OnDelete.SET_NULL)),
                ('moved_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'social_item', 'app': 'okno', 'unique_together': (('source', 'source_item_id'),), 'indexes': [Index(fields=['received_at', 'id']), Index(fields=['status', 'received_at', 'id']), Index(fields=['kind', 'received_at', 'id']), Index(fields=['network', 'received_at', 'id']), Index(fields=['client_id', 'received_at', 'id']), Index(fields=['sphere_id', 'received_at', 'id']), Index(fields=['due_at', 'id']), Index(fields=['next_alert_at', 'id'])], 'pk_attr': 'id', 'table_description': 'One public post, comment or message to the Government on a network (R-7.1).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialAlert',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('okno.SocialItem', source_field='item_id', db_constraint=True, to_field='id', related_name='alerts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='WARNING: warning\nOVERDUE: overdue', enum_type=SocialAlertKind, max_length=10)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'social_alert', 'app': 'okno', 'unique_together': (('item', 'kind', 'due_at'),), 'indexes': [Index(fields=['created_at', 'id'])], 'pk_attr': 'id', 'table_description': "One alert about one item's limit: the unique key (item, kind, due_at) makes the sweep"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SocialAnswer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('item', fields.OneToOneField('okno.SocialItem', source_field='item_id', db_constraint=True, to_field='id', related_name='answer', on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('findings', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('answered_by', fields.CharField(max_length=200)),
                ('state', fields.CharEnumField(default=PostState.QUEUED, description='QUEUED: queued\nRETRYING: retrying\nPOSTED: posted\nFAILED: failed', enum_type=PostState, max_length=10)),
                ('idempotency_key', fields.CharField(unique=True, max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=1000)),
                ('external_id', fields.CharField(null=True, max_length=200)),
                ('posted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'social_answer', 'app': 'okno', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'The short public answer on the merits (R-7.3..R-7.5) and the state of its posting.'},
            bases=['Model'],
        ),
    ]
