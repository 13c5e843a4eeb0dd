"""Daily sums keyed by team: a renamed team keeps its history (issue 8, item 4)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_team_keys(apps, schema_editor):
    """Existing rows take the key of the team whose current name they carry.

    A row whose name matches no team (a source code, or a team renamed before this migration)
    keeps a null key and is still read by its name.
    """
    DailyStats = apps.get_model("indicators", "DailyStats")
    Team = apps.get_model("people", "Team")
    for pk, name in Team.objects.values_list("id", "name"):
        DailyStats.objects.filter(team=name, team_key__isnull=True).update(team_key_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0004_time_halfhour_fold"),
        ("people", "0002_access_expert_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailystats",
            name="team_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="people.team",
                verbose_name="équipe (clé)",
            ),
        ),
        migrations.RunPython(fill_team_keys, migrations.RunPython.noop),
    ]
