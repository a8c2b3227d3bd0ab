from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.mailings.models import AddressState, CampaignStatus, ConsentAction, ConsentSource, SendStatus, SubscriptionStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0017_idempotency')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MailingAddress',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('client', fields.ForeignKeyField('okno.Client', source_field='client_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=AddressState.OK, description='OK: ok\nBOUNCED: bounced\nCOMPLAINED: complained', enum_type=AddressState, max_length=12)),
                ('state_reason', fields.CharField(null=True, max_length=500)),
                ('state_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mailing_address', 'app': 'okno', 'pk_attr': 'id', 'table_description': 'One email address (lower case), whoever it belongs to, and what the mail system'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MailingList',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(unique=False)),
                ('created_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mailing_list', 'app': 'okno', 'indexes': [Index(fields=['deleted_at', 'name'])], 'pk_attr': 'id', 'table_description': 'A topic people subscribe to. Deleting only marks it, so tokens keep working.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('mailing_list', fields.ForeignKeyField('okno.MailingList', source_field='mailing_list_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('subject', fields.CharField(max_length=300)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=CampaignStatus.DRAFT, description='DRAFT: draft\nSCHEDULED: scheduled\nSENDING: sending\nPAUSED: paused\nSENT: sent\nCANCELLED: cancelled', enum_type=CampaignStatus, max_length=10)),
                ('scheduled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mailing_campaign', 'app': 'okno', 'indexes': [Index(fields=['created_at', 'id']), Index(fields=['status', 'scheduled_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MailingSubscription',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('address', fields.ForeignKeyField('okno.MailingAddress', source_field='address_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('mailing_list', fields.ForeignKeyField('okno.MailingList', source_field='mailing_list_id', db_constraint=True, to_field='id', related_name='subscriptions', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(description='PENDING: pending\nCONFIRMED: confirmed\nREVOKED: revoked\nEXPIRED: expired', enum_type=SubscriptionStatus, max_length=12)),
                ('source', fields.CharEnumField(description='FORM: form\nPROFILE: profile\nOPERATOR: operator\nIMPORT: import\nLINK: link\nBOUNCE: bounce', enum_type=ConsentSource, max_length=12)),
                ('nonce', fields.CharField(max_length=64)),
                ('confirm_nonce', fields.CharField(null=True, max_length=64)),
                ('confirm_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mailing_subscription', 'app': 'okno', 'unique_together': (('address_id', 'mailing_list_id'),), 'indexes': [Index(fields=['mailing_list_id', 'status']), Index(fields=['address_id', 'confirm_nonce']), Index(fields=['status', 'confirm_expires_at'])], 'pk_attr': 'id', 'table_description': 'One address on one list. The nonce binds tokens to this row.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignSend',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('okno.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='sends', on_delete=OnDelete.CASCADE)),
                ('subscription', fields.ForeignKeyField('okno.MailingSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=SendStatus.QUEUED, description='QUEUED: queued\nSENDING: sending\nSENT: sent\nFAILED: failed\nSKIPPED: skipped', enum_type=SendStatus, max_length=10)),
                ('attempts', fields.IntField(default=0)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'mailing_send', 'app': 'okno', 'unique_together': (('campaign_id', 'subscription_id'),), 'indexes': [Index(fields=['campaign_id', 'status', 'id'])], 'pk_attr': 'id', 'table_description': "One email of a campaign to one subscription: the campaign's outbox. The unique pair"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscription', fields.ForeignKeyField('okno.MailingSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharEnumField(description='REQUESTED: requested\nGIVEN: given\nREVOKED: revoked', enum_type=ConsentAction, max_length=12)),
                ('source', fields.CharEnumField(description='FORM: form\nPROFILE: profile\nOPERATOR: operator\nIMPORT: import\nLINK: link\nBOUNCE: bounce', enum_type=ConsentSource, max_length=12)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ip', fields.CharField(null=True, max_length=64)),
                ('user_agent', fields.CharField(null=True, max_length=500)),
                ('text_version', fields.CharField(max_length=40)),
                ('proof', fields.TextField(null=True, unique=False)),
                ('actor', fields.CharField(null=True, max_length=200)),
            ],
            options={'table': 'mailing_consent', 'app': 'okno', 'indexes': [Index(fields=['subscription_id', 'at'])], 'pk_attr': 'id', 'table_description': 'The consent ledger: appended, never changed. Kept after the list is deleted.'},
            bases=['Model'],
        ),
    ]
