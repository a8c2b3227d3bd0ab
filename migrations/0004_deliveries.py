from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import Channel
from domain.deliveries.models import DeliveryStatus, PostalState, RouteReason
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0003_surveys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('route', fields.CharEnumField(description='PREFERRED: preferred\nLEGAL: legal\nADDITIONAL: additional\nFALLBACK: fallback\nSTAFF: staff', enum_type=RouteReason, max_length=20)),
                ('contact', fields.ForeignKeyField('okno.ContactPoint', source_field='contact_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('address', fields.CharField(null=True, max_length=500)),
                ('recipient_name', fields.CharField(default='', max_length=800)),
                ('purpose', fields.CharField(max_length=40)),
                ('template', fields.CharField(max_length=100)),
                ('context', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('subject', fields.CharField(max_length=500)),
                ('body_text', fields.TextField(unique=False)),
                ('body_html', fields.TextField(null=True, unique=False)),
                ('headers', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('source_type', fields.CharField(null=True, max_length=60)),
                ('source_id', fields.CharField(null=True, max_length=64)),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENDING: sending\nSENT: sent\nFAILED: failed\nCANCELLED: cancelled', enum_type=DeliveryStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(null=True, max_length=1000)),
                ('idempotency_key', fields.CharField(null=True, max_length=200)),
                ('message_id', fields.CharField(null=True, max_length=300)),
                ('postal_state', fields.CharEnumField(null=True, description='QUEUED: queued\nPRINTED: printed\nPOSTED: posted', enum_type=PostalState, max_length=10)),
                ('rerouted_from', fields.ForeignKeyField('okno.Delivery', source_field='rerouted_from_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sending_started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('printed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery', 'app': 'okno', 'unique_together': (('idempotency_key', 'channel'),), 'indexes': [Index(fields=['created_at', 'id']), Index(fields=['client_id', 'created_at', 'id']), Index(fields=['status', 'created_at', 'id']), Index(fields=['channel', 'status', 'created_at']), Index(fields=['purpose', 'created_at']), Index(fields=['source_type', 'source_id']), Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
