# The hours, lunch window, target years and « à risque » thresholds the code held as constants
# (issue 8, item 8): every existing version takes the current values through the defaults.

import django.core.validators
import pfspilot.reference.models
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reference', '0004_guide_catalogue_seed'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalindicatorparameterset',
            name='risk_points',
            field=models.DecimalField(decimal_places=2, default=Decimal('2'), help_text="Un taux qui manque sa cible d'au plus cet écart est « à risque ».", max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0'), "L'écart ne peut pas être négatif."), django.core.validators.MaxValueValidator(Decimal('100'), "L'écart ne peut pas dépasser 100 points.")], verbose_name="écart « à risque » d'un taux (points)"),
        ),
        migrations.AddField(
            model_name='historicalindicatorparameterset',
            name='risk_share',
            field=models.DecimalField(decimal_places=2, default=Decimal('95'), help_text="Une production d'au moins cette part de sa cible au prorata est « à risque ».", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0'), 'Un pourcentage ne peut pas être négatif.'), django.core.validators.MaxValueValidator(Decimal('100'), 'Un pourcentage ne peut pas dépasser 100 %%.')], verbose_name="seuil « à risque » d'une production (%)"),
        ),
        migrations.AddField(
            model_name='historicalplatformruleset',
            name='lunch_earliest',
            field=models.TimeField(default=pfspilot.reference.models.default_lunch_earliest, help_text='Fenêtre où le plan de la journée peut déplacer un déjeuner (note §F).', verbose_name='début au plus tôt des déjeuners'),
        ),
        migrations.AddField(
            model_name='historicalplatformruleset',
            name='lunch_latest_end',
            field=models.TimeField(default=pfspilot.reference.models.default_lunch_latest_end, verbose_name='fin au plus tard des déjeuners'),
        ),
        migrations.AddField(
            model_name='historicalplatformruleset',
            name='note_target_years',
            field=models.CharField(default='2026,2027', help_text='Années des « Précisions » de la note, séparées par des virgules.', max_length=40, verbose_name='années cibles comparées (capacité)'),
        ),
        migrations.AddField(
            model_name='historicalplatformruleset',
            name='training_end',
            field=models.TimeField(default=pfspilot.reference.models.default_training_end, verbose_name='fin de la formation continue'),
        ),
        migrations.AddField(
            model_name='historicalplatformruleset',
            name='training_start',
            field=models.TimeField(default=pfspilot.reference.models.default_training_start, help_text='Heure supposée : la note ne donne que les jours de formation.', verbose_name='début de la formation continue'),
        ),
        migrations.AddField(
            model_name='indicatorparameterset',
            name='risk_points',
            field=models.DecimalField(decimal_places=2, default=Decimal('2'), help_text="Un taux qui manque sa cible d'au plus cet écart est « à risque ».", max_digits=4, validators=[django.core.validators.MinValueValidator(Decimal('0'), "L'écart ne peut pas être négatif."), django.core.validators.MaxValueValidator(Decimal('100'), "L'écart ne peut pas dépasser 100 points.")], verbose_name="écart « à risque » d'un taux (points)"),
        ),
        migrations.AddField(
            model_name='indicatorparameterset',
            name='risk_share',
            field=models.DecimalField(decimal_places=2, default=Decimal('95'), help_text="Une production d'au moins cette part de sa cible au prorata est « à risque ».", max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0'), 'Un pourcentage ne peut pas être négatif.'), django.core.validators.MaxValueValidator(Decimal('100'), 'Un pourcentage ne peut pas dépasser 100 %%.')], verbose_name="seuil « à risque » d'une production (%)"),
        ),
        migrations.AddField(
            model_name='platformruleset',
            name='lunch_earliest',
            field=models.TimeField(default=pfspilot.reference.models.default_lunch_earliest, help_text='Fenêtre où le plan de la journée peut déplacer un déjeuner (note §F).', verbose_name='début au plus tôt des déjeuners'),
        ),
        migrations.AddField(
            model_name='platformruleset',
            name='lunch_latest_end',
            field=models.TimeField(default=pfspilot.reference.models.default_lunch_latest_end, verbose_name='fin au plus tard des déjeuners'),
        ),
        migrations.AddField(
            model_name='platformruleset',
            name='note_target_years',
            field=models.CharField(default='2026,2027', help_text='Années des « Précisions » de la note, séparées par des virgules.', max_length=40, verbose_name='années cibles comparées (capacité)'),
        ),
        migrations.AddField(
            model_name='platformruleset',
            name='training_end',
            field=models.TimeField(default=pfspilot.reference.models.default_training_end, verbose_name='fin de la formation continue'),
        ),
        migrations.AddField(
            model_name='platformruleset',
            name='training_start',
            field=models.TimeField(default=pfspilot.reference.models.default_training_start, help_text='Heure supposée : la note ne donne que les jours de formation.', verbose_name='début de la formation continue'),
        ),
    ]
