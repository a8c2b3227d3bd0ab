"""Personal reception (R-4.x): points, receiving officials, schedules, slots, bookings.

``booking`` holds a seat (1 to capacity) while it holds its slot, NULL once cancelled: the unique
(slot_id, seat) key is what makes double booking impossible on both databases.
"""

# ruff: noqa: E501 (generated field and table descriptions are single long strings)

from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.reception.models import BookedBy, BookingStatus, CancelledBy, ExceptionKind, SlotStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0014_messages_open_terms')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ReceivingOfficial',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('staff', fields.ForeignKeyField('okno.StaffMember', source_field='staff_id', db_constraint=True, to_field='id', related_name='receptions', on_delete=OnDelete.RESTRICT)),
                ('position', fields.CharField(max_length=300)),
                ('spheres', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'receiving_official', 'app': 'okno', 'unique_together': (('staff',),), 'pk_attr': 'id', 'table_description': 'A staff member who receives citizens, and the spheres they receive on.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceptionPoint',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=300)),
                ('address', fields.CharField(max_length=500)),
                ('directions', fields.TextField(default='', unique=False)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
                ('opening_notes', fields.TextField(default='', unique=False)),
                ('accessibility', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reception_point', 'app': 'okno', 'indexes': [Index(fields=['active', 'name'])], 'pk_attr': 'id', 'table_description': 'Where citizens are received (R-4.5, R-4.7): address, directions, accessibility.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceptionSchedule',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('official', fields.ForeignKeyField('okno.ReceivingOfficial', source_field='official_id', db_constraint=True, to_field='id', related_name='schedules', on_delete=OnDelete.CASCADE)),
                ('point', fields.ForeignKeyField('okno.ReceptionPoint', source_field='point_id', db_constraint=True, to_field='id', related_name='schedules', on_delete=OnDelete.RESTRICT)),
                ('rrule', fields.CharField(max_length=500)),
                ('valid_from', fields.DateField()),
                ('valid_until', fields.DateField(null=True)),
                ('start_time', fields.CharField(max_length=5)),
                ('end_time', fields.CharField(max_length=5)),
                ('slot_minutes', fields.IntField()),
                ('capacity', fields.IntField(default=1)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reception_schedule', 'app': 'okno', 'indexes': [Index(fields=['official_id', 'active']), Index(fields=['point_id', 'active'])], 'pk_attr': 'id', 'table_description': 'A recurring reception (RFC 5545 RRULE) of one official at one point, in local time.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReceptionSlot',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('schedule', fields.ForeignKeyField('okno.ReceptionSchedule', source_field='schedule_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('official', fields.ForeignKeyField('okno.ReceivingOfficial', source_field='official_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('point', fields.ForeignKeyField('okno.ReceptionPoint', source_field='point_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.RESTRICT)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField(default=1)),
                ('status', fields.CharEnumField(default=SlotStatus.OPEN, description='OPEN: open\nCANCELLED: cancelled', enum_type=SlotStatus, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reception_slot', 'app': 'okno', 'unique_together': (('official', 'starts_at'),), 'indexes': [Index(fields=['point_id', 'starts_at']), Index(fields=['schedule_id', 'starts_at']), Index(fields=['status', 'starts_at'])], 'pk_attr': 'id', 'table_description': 'One period of reception, materialised from a schedule for the booking horizon.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.CASCADE)),
                ('slot', fields.ForeignKeyField('okno.ReceptionSlot', source_field='slot_id', db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.RESTRICT)),
                ('seat', fields.IntField(null=True)),
                ('topic', fields.TextField(unique=False)),
                ('sphere', fields.ForeignKeyField('okno.Sphere', source_field='sphere_id', null=True, db_constraint=True, to_field='id', related_name='bookings', on_delete=OnDelete.SET_NULL)),
                ('status', fields.CharEnumField(default=BookingStatus.BOOKED, description='BOOKED: booked\nCANCELLED: cancelled\nHELD: held\nNO_SHOW: no_show', enum_type=BookingStatus, max_length=20)),
                ('booked_by', fields.CharEnumField(description='CLIENT: client\nOPERATOR: operator', enum_type=BookedBy, max_length=20)),
                ('booked_by_staff', fields.ForeignKeyField('okno.StaffMember', source_field='booked_by_staff_id', null=True, db_constraint=True, to_field='id', related_name='bookings_made', on_delete=OnDelete.SET_NULL)),
                ('booked_by_subject', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_by', fields.CharEnumField(null=True, description='CLIENT: client\nOPERATOR: operator\nLINK: link\nSYSTEM: system', enum_type=CancelledBy, max_length=20)),
                ('cancel_reason', fields.CharField(null=True, max_length=1000)),
                ('outcome_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'booking', 'app': 'okno', 'unique_together': (('slot', 'seat'),), 'indexes': [Index(fields=['client_id', 'created_at', 'id']), Index(fields=['client_id', 'status']), Index(fields=['slot_id', 'status'])], 'pk_attr': 'id', 'table_description': "A client's place in a slot. ``seat`` is 1 to capacity while the booking holds the slot"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScheduleException',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('schedule', fields.ForeignKeyField('okno.ReceptionSchedule', source_field='schedule_id', db_constraint=True, to_field='id', related_name='exceptions', on_delete=OnDelete.CASCADE)),
                ('date', fields.DateField()),
                ('kind', fields.CharEnumField(description='CANCELLED: cancelled\nCHANGED_HOURS: changed_hours', enum_type=ExceptionKind, max_length=20)),
                ('start_time', fields.CharField(null=True, max_length=5)),
                ('end_time', fields.CharField(null=True, max_length=5)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'reception_schedule_exception', 'app': 'okno', 'unique_together': (('schedule', 'date'),), 'pk_attr': 'id', 'table_description': 'One date of a schedule kept otherwise: no reception, or other hours.'},
            bases=['Model'],
        ),
    ]
