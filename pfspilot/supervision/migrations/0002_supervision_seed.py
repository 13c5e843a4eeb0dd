"""Reference data of supervision: sample sizes per mission and the first evaluation grids.

The note (§E) names the missions and the four accompaniment objectives but gives neither sizes
nor grids: the seeded values are the platform's choices, editable in the administration.
"""

import datetime as dt

from django.db import migrations

GRIDS = [
    (
        "Écoute d'appel",
        "appel",
        [
            ("Accueil et identification", 20, [
                ("Présentation et formule d'accueil", 50, False, "qualite"),
                ("Identification de l'allocataire ou du tiers", 50, True, "procedures"),
            ]),
            ("Réponse", 50, [
                ("Réponse exacte et complète", 60, True, "qualite"),
                ("Orientation selon le tableau des motifs", 40, False, "procedures"),
            ]),
            ("Conclusion", 30, [
                ("Durée de communication maîtrisée", 50, False, "temps"),
                ("Promotion du caf.fr et des services en ligne", 50, False, "caf_fr"),
            ]),
        ],
    ),
    (
        "Analyse de courriel",
        "courriel",
        [
            ("Fond", 60, [
                ("Réponse exacte et complète", 70, True, "qualite"),
                ("Procédure respectée (nature, modèle)", 30, False, "procedures"),
            ]),
            ("Forme", 40, [
                ("Rédaction claire et courtoise", 60, False, "qualite"),
                ("Renvoi vers le caf.fr quand il y a lieu", 40, False, "caf_fr"),
            ]),
        ],
    ),
    (
        "Analyse de PIRA ou de rappel",
        "demande",
        [
            ("Demande", 100, [
                ("Demande justifiée par le tableau des motifs", 50, True, "procedures"),
                ("Informations utiles au niveau 2 renseignées", 50, False, "qualite"),
            ]),
        ],
    ),
]


def seed(apps, schema_editor):
    SamplingRule = apps.get_model("supervision", "SamplingRule")
    Grid = apps.get_model("supervision", "Grid")
    Section = apps.get_model("supervision", "Section")
    Criterion = apps.get_model("supervision", "Criterion")
    SamplingRule.objects.get_or_create(
        valid_from=dt.date(2024, 1, 1),
        defaults={"calls": 6, "emails": 4, "requests": 2, "period_days": 60},
    )
    for name, kind, sections in GRIDS:
        if Grid.objects.filter(name=name).exists():
            continue
        grid = Grid.objects.create(name=name, kind=kind, version=1, active=True, pass_mark=60.0)
        for i, (title, weight, criteria) in enumerate(sections):
            section = Section.objects.create(grid=grid, title=title, weight=weight, position=i)
            for j, (label, w, critical, objective) in enumerate(criteria):
                Criterion.objects.create(
                    section=section, label=label, weight=w, critical=critical,
                    objective=objective, position=j,
                )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_supervision_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
