from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.reception.models import ChangeKind, NoticeOutcome
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0015_reception')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BookingReminder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('booking', fields.ForeignKeyField('okno.Booking', source_field='booking_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reception_booking_reminder', 'app': 'okno', 'unique_together': (('booking', 'starts_at'),), 'pk_attr': 'id', 'table_description': 'The one reminder of a booking at one start time: the unique key is the claim, so two'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceptionChange',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='SLOT_CHANGED: slot_changed\nSLOT_CANCELLED: slot_cancelled\nSCHEDULE_CHANGED: schedule_changed\nABSENCE: absence', enum_type=ChangeKind, max_length=20)),
                ('summary', fields.CharField(max_length=1000)),
                ('reason', fields.CharField(null=True, max_length=1000)),
                ('made_by', fields.CharField(max_length=200)),
                ('details', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reception_change', 'app': 'okno', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'One change of official, date or time made by staff (R-4.4), and what it said.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BookingChange',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('change', fields.ForeignKeyField('okno.ReceptionChange', source_field='change_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.CASCADE)),
                ('booking', fields.ForeignKeyField('okno.Booking', source_field='booking_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('outcome', fields.CharEnumField(description='KEPT: kept\nCANCELLED: cancelled', enum_type=NoticeOutcome, max_length=20)),
                ('old_starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('old_official', fields.ForeignKeyField('okno.ReceivingOfficial', source_field='old_official_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reception_booking_change', 'app': 'okno', 'unique_together': (('change', 'booking'),), 'indexes': [Index(fields=['booking_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One booking hit by one change: the unique (change, booking) key makes its notice go'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Delivery',
            name='attachments',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
