"""Counts of known values beside the sums: an empty wait or talk time is unknown, never 0.

Rows written before this migration summed every answered call (an unknown value as 0): their
known counts are set to what those sums counted, so figures stay as they were until
`pfspilot aggregates` rebuilds them over the known values only.
"""

from django.db import migrations, models
from django.db.models import F


def count_what_old_sums_counted(apps, schema_editor):
    daily = apps.get_model("indicators", "DailyStats")
    daily.objects.update(
        calls_wait_known=F("calls_answered"), calls_handle_known=F("calls_answered")
    )
    half_hour = apps.get_model("indicators", "HalfHourStats")
    half_hour.objects.update(abandon_known=F("abandoned"))


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_half_hour_stats"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailystats",
            name="calls_wait_known",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="dailystats",
            name="calls_handle_known",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="halfhourstats",
            name="abandon_known",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_what_old_sums_counted, migrations.RunPython.noop),
    ]
