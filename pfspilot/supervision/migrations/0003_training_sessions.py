# The training sessions first lived here; they moved to the planning app (the day plan reads
# them: planning/0004_training_sessions) before any deployment. Kept empty so that the chain of
# supervision migrations stays the same.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0002_supervision_seed'),
    ]

    operations = []
