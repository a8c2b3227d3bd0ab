from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('okno', '0022_monitoring')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='SocialItem',
            index=Index(fields=['network', 'author_id']),
        ),
    ]
