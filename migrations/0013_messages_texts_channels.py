from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import Channel
from domain.messages.models import AnswerOutcome
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('okno', '0012_deliveries_edms_registration')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Answer',
            name='outcome',
            field=fields.CharEnumField(description='RESOLVED: resolved\nEXPLAINED: explained\nPARTIAL: partial\nREFUSAL: refusal\nINFORMATION: information\nNOT_SERVED_ORALLY: not_served_orally', enum_type=AnswerOutcome, max_length=20),
        ),
        ops.AddField(
            model_name='Clarification',
            name='findings',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Message',
            name='chosen_channel',
            field=fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20),
        ),
        ops.AddField(
            model_name='Message',
            name='notice_findings',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Message',
            name='offered_channels',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
