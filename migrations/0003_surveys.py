from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.enums import Channel
from domain.surveys.models import InvitationStatus, QuestionKind, SurveyPurpose
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0002_history')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Survey',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('purpose', fields.CharEnumField(description='WRITTEN_ANSWER: written_answer\nRECEPTION: reception\nCALL: call\nINTERNAL_REQUEST: internal_request', enum_type=SurveyPurpose, max_length=30)),
                ('title', fields.CharField(max_length=300)),
                ('default_for', fields.CharField(null=True, unique=True, max_length=30)),
                ('latest_version', fields.IntField(default=0)),
                ('archived', fields.BooleanField(default=False)),
                ('created_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'survey', 'app': 'okno', 'indexes': [Index(fields=['purpose', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyVersion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('okno.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('title', fields.CharField(max_length=300)),
                ('intro', fields.TextField(null=True, unique=False)),
                ('questions', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('published_by', fields.CharField(null=True, max_length=200)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'survey_version', 'app': 'okno', 'unique_together': (('survey', 'number'),), 'pk_attr': 'id', 'table_description': 'Never changed after it is written: answers point at the version they answered.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyInvitation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('okno.Survey', source_field='survey_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('version', fields.ForeignKeyField('okno.SurveyVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.RESTRICT)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='survey_invitations', on_delete=OnDelete.CASCADE)),
                ('subject_type', fields.CharField(max_length=60)),
                ('subject_id', fields.CharField(max_length=64)),
                ('open_key', fields.CharField(null=True, unique=True, max_length=130)),
                ('status', fields.CharEnumField(default=InvitationStatus.OPEN, description='OPEN: open\nRESPONDED: responded\nEXPIRED: expired', enum_type=InvitationStatus, max_length=12)),
                ('purpose', fields.CharEnumField(description='WRITTEN_ANSWER: written_answer\nRECEPTION: reception\nCALL: call\nINTERNAL_REQUEST: internal_request', enum_type=SurveyPurpose, max_length=30)),
                ('channel', fields.CharEnumField(null=True, description='EMAIL: email\nSMS: sms\nPHONE: phone\nPOSTAL: postal\nMESSENGER: messenger\nWEB: web\nMOBILE_APP: mobile_app\nIN_PERSON: in_person\nSOCIAL: social\nEDMS: edms', enum_type=Channel, max_length=20)),
                ('sphere', fields.CharField(null=True, max_length=100)),
                ('department', fields.ForeignKeyField('okno.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='survey_invitations', on_delete=OnDelete.SET_NULL)),
                ('executor', fields.CharField(null=True, max_length=200)),
                ('about', fields.CharField(null=True, max_length=300)),
                ('nonce', fields.CharField(max_length=32)),
                ('invited_by', fields.CharField(null=True, max_length=200)),
                ('invited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('remind_on', fields.DateField(null=True)),
                ('notified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminder_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_invitation', 'app': 'okno', 'indexes': [Index(fields=['invited_at']), Index(fields=['client_id', 'invited_at']), Index(fields=['subject_type', 'subject_id']), Index(fields=['status', 'remind_on']), Index(fields=['status', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('invitation', fields.OneToOneField('okno.SurveyInvitation', source_field='invitation_id', db_constraint=True, to_field='id', related_name='response', on_delete=OnDelete.CASCADE)),
                ('version', fields.ForeignKeyField('okno.SurveyVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='responses', on_delete=OnDelete.RESTRICT)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', db_constraint=True, to_field='id', related_name='survey_responses', on_delete=OnDelete.CASCADE)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_response', 'app': 'okno', 'indexes': [Index(fields=['submitted_at', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyAnswer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('response', fields.ForeignKeyField('okno.SurveyResponse', source_field='response_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('invitation', fields.ForeignKeyField('okno.SurveyInvitation', source_field='invitation_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('question_id', fields.CharField(max_length=40)),
                ('kind', fields.CharEnumField(description='RATING_1_5: rating_1_5\nNPS_0_10: nps_0_10\nEFFORT: effort\nSINGLE_CHOICE: single_choice\nMULTIPLE_CHOICE: multiple_choice\nFREE_TEXT: free_text', enum_type=QuestionKind, max_length=20)),
                ('value', fields.SmallIntField(null=True)),
                ('choice_ids', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('text', fields.TextField(null=True, unique=False)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_answer', 'app': 'okno', 'indexes': [Index(fields=['invitation_id', 'kind']), Index(fields=['kind', 'submitted_at', 'id'])], 'pk_attr': 'id', 'table_description': 'One answered question. Scores are in ``value``, which the report aggregates.'},
            bases=['Model'],
        ),
    ]
