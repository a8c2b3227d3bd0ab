"""R-8 and R-6.2: the outgoing EDMS link of an answer and of a delivery, and the FIXED route
(mailings by email only)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from domain.deliveries.models import RouteReason


class Migration(migrations.Migration):
    dependencies = [('okno', '0011_history_retention_cases')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Answer',
            name='edms_link',
            field=fields.CharField(null=True, max_length=1000),
        ),
        ops.AlterField(
            model_name='Delivery',
            name='route',
            field=fields.CharEnumField(
                description='PREFERRED: preferred\nLEGAL: legal\nADDITIONAL: additional\n'
                            'FALLBACK: fallback\nFIXED: fixed\nSTAFF: staff',
                enum_type=RouteReason, max_length=20),
        ),
        ops.AddField(
            model_name='Delivery',
            name='external_link',
            field=fields.CharField(null=True, max_length=1000),
        ),
    ]
