from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0007_spheres')]

    initial = False

    operations = [
        ops.AddField(
            model_name='SurveyInvitation',
            name='effort_count',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='effort_sum',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='nps_count',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='nps_detractors',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='nps_promoters',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='rating_count',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='rating_satisfied',
            field=fields.SmallIntField(default=0),
        ),
        ops.AddField(
            model_name='SurveyInvitation',
            name='rating_sum',
            field=fields.SmallIntField(default=0),
        ),
    ]
