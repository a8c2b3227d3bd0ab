from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.calendar.rules import DayKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('okno', '0004_deliveries')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarOverride',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('date', fields.DateField(unique=True)),
                ('kind', fields.CharEnumField(description='WORKDAY: workday\nWEEKEND: weekend\nHOLIDAY: holiday\nTRANSFERRED_DAY_OFF: transferred_day_off\nWORKING_WEEKEND: working_weekend', enum_type=DayKind, max_length=30)),
                ('working_minutes', fields.IntField(null=True)),
                ('reason', fields.CharField(max_length=500)),
                ('changed_by', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'calendar_override', 'app': 'okno', 'pk_attr': 'id', 'table_description': "Replaces the production calendar's verdict on one date for the whole office."},
            bases=['Model'],
        ),
    ]
