from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.clients.models import AuthorityBasis, ClientKind, ContactKind, TagKind
from domain.enums import Channel
from domain.history.models import Direction, ExportStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Department',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=300)),
                ('parent', fields.ForeignKeyField('okno.Department', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'department', 'app': 'okno', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Client',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='PERSON: person\nORGANISATION: organisation\nEMPLOYEE: employee', enum_type=ClientKind, max_length=20)),
                ('last_name', fields.CharField(null=True, max_length=200)),
                ('first_name', fields.CharField(null=True, max_length=200)),
                ('middle_name', fields.CharField(null=True, max_length=200)),
                ('organisation_name', fields.CharField(null=True, max_length=500)),
                ('inn', fields.CharField(null=True, db_index=True, max_length=12)),
                ('ogrn', fields.CharField(null=True, max_length=15)),
                ('department', fields.ForeignKeyField('okno.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='employees', on_delete=OnDelete.SET_NULL)),
                ('position', fields.CharField(null=True, max_length=300)),
                ('search_name', fields.CharField(default='', max_length=800)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'client', 'app': 'okno', 'indexes': [Index(fields=['kind', 'created_at']), Index(fields=['search_name']), Index(fields=['created_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ClientTag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='SEGMENT: segment\nLIFE_SITUATION: life_situation', enum_type=TagKind, max_length=20)),
                ('tag', fields.CharField(max_length=100)),
            ],
            options={'table': 'client_tag', 'app': 'okno', 'unique_together': (('client', 'kind', 'tag'),), 'indexes': [Index(fields=['kind', 'tag', 'client_id'])], 'pk_attr': 'id', 'table_description': 'Profile (R-1.2): segment and life-situation tags used for urgency and wording.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContactPoint',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='contacts', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EMAIL: email\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger', enum_type=ContactKind, max_length=20)),
                ('value', fields.CharField(max_length=500)),
                ('label', fields.CharField(null=True, max_length=200)),
                ('verified', fields.BooleanField(default=False)),
                ('primary', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contact_point', 'app': 'okno', 'unique_together': (('client', 'kind', 'value'),), 'indexes': [Index(fields=['value']), Index(fields=['client_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelPreference',
            fields=[
                ('client', fields.OneToOneField('okno.Client', source_field='client_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='preference', on_delete=OnDelete.CASCADE)),
                ('preferred_channel', fields.CharEnumField(description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('preferred_contact', fields.ForeignKeyField('okno.ContactPoint', source_field='preferred_contact_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('additional_channel', fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('additional_contact', fields.ForeignKeyField('okno.ContactPoint', source_field='additional_contact_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('chosen_via', fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'channel_preference', 'app': 'okno', 'pk_attr': 'client_id', 'table_description': 'R-1.4: the chosen channel, and an extra one for when the law fixes the channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HistoryExport',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='exports', on_delete=OnDelete.CASCADE)),
                ('requested_by', fields.CharField(max_length=200)),
                ('status', fields.CharEnumField(default=ExportStatus.PENDING, description='PENDING: pending\nRUNNING: running\nREADY: ready\nFAILED: failed', enum_type=ExportStatus, max_length=10)),
                ('event_count', fields.IntField(null=True)),
                ('error', fields.CharField(null=True, max_length=1000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'history_export', 'app': 'okno', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id', 'table_description': 'R-1.5 "on request the client gets their whole history".'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InteractionEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=60)),
                ('channel', fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('direction', fields.CharEnumField(description='INBOUND: inbound\nOUTBOUND: outbound\nINTERNAL: internal', enum_type=Direction, max_length=10)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('summary', fields.CharField(max_length=1000)),
                ('source_type', fields.CharField(null=True, max_length=60)),
                ('source_id', fields.CharField(null=True, max_length=64)),
                ('actor_subject', fields.CharField(null=True, max_length=200)),
                ('actor_role', fields.CharField(null=True, max_length=20)),
                ('details', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('anonymised', fields.BooleanField(default=False)),
            ],
            options={'table': 'interaction_event', 'app': 'okno', 'indexes': [Index(fields=['client_id', 'occurred_at', 'id']), Index(fields=['client_id', 'kind', 'occurred_at', 'id']), Index(fields=['kind', 'occurred_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Representative',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='representatives', on_delete=OnDelete.CASCADE)),
                ('representative', fields.ForeignKeyField('okno.Client', source_field='representative_id', db_constraint=True, to_field='id', related_name='represents', on_delete=OnDelete.CASCADE)),
                ('basis', fields.CharEnumField(description='POWER_OF_ATTORNEY: power_of_attorney\nLEGAL_REPRESENTATIVE: legal_representative\nCHARTER: charter\nOTHER: other', enum_type=AuthorityBasis, max_length=30)),
                ('document', fields.CharField(null=True, max_length=500)),
                ('valid_until', fields.DateField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'representative', 'app': 'okno', 'unique_together': (('client', 'representative'),), 'pk_attr': 'id', 'table_description': 'A person acting for a client (R-1.2 "through an authorised representative").'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RetentionRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('action', fields.CharField(max_length=10)),
                ('affected', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'retention_run', 'app': 'okno', 'pk_attr': 'id', 'table_description': "What one retention sweep did, for the archive's records."},
            bases=['Model'],
        ),
    ]
