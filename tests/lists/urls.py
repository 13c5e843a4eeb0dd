"""Two list pages declared for the mechanism's tests, mounted beside the project's URLs."""

from django import forms
from django.urls import include, path

from pfspilot.lists.exports import Column
from pfspilot.lists.pages import Detail, Filter, ListPage, Param
from pfspilot.people.models import Role, User
from pfspilot.urls import urlpatterns as project_urls

# Names with accents and mixed case: the sort ignores both. Calls 10 twice: the tie-break
# (id) decides; None is unknown and comes last in both directions.
ROWS = [
    {"id": 1, "name": "Émile", "team": "Arras", "calls": 10, "rate": 0.5},
    {"id": 2, "name": "bruno", "team": "Lens", "calls": 10, "rate": None},
    {"id": 3, "name": "Alice", "team": "Arras", "calls": 3, "rate": 0.9},
    {"id": 4, "name": "Chloé", "team": "Lens", "calls": 7, "rate": 0.9},
    {"id": 5, "name": "david", "team": "Arras", "calls": None, "rate": 0.1},
]


def people(user, *, year):
    return [row | {"year": year} for row in ROWS]


def at_least(rows, value):
    return [row for row in rows if row["calls"] is not None and row["calls"] >= value]


PEOPLE = ListPage(
    name="people",
    title="Personnes d'essai",
    capability="dashboard",
    source=people,
    columns=[
        Column("Nom", "name"),
        Column("Équipe", "team"),
        Column("Appels", "calls", "int"),
        Column("Taux", "rate", "percent"),
        Column("Numéro", "id", "int", screen=False),
        Column("Année", "year", "int", screen=False),
    ],
    default_sort="name",
    tie_break=("id",),
    params=[
        Param(
            "year",
            forms.IntegerField(label="Année", min_value=2000, max_value=2100, required=False),
            default=2026,
        )
    ],
    filters=[
        Filter(
            "team",
            forms.ChoiceField(
                label="Équipe",
                choices=[("", "Toutes"), ("Arras", "Arras"), ("Lens", "Lens")],
                required=False,
            ),
        ),
        Filter(
            "min_calls",
            forms.IntegerField(label="Appels au moins", min_value=0, required=False),
            lookup=at_least,
        ),
    ],
    per_page=2,
    detail=Detail(fields=[Column("Nom", "name"), Column("Appels", "calls", "int")], lookup="id"),
    file_stem=lambda params: f"essai-{params['year']}",
)


def team_accounts(user):
    """The accounts of the user's own team: the scoping a `visible_to(user)` gives."""
    return User.objects.filter(team=user.team)


ACCOUNTS = ListPage(
    name="accounts",
    title="Comptes de l'équipe",
    capability="dashboard",
    source=team_accounts,
    columns=[
        Column("Identifiant", "username"),
        Column("Nom", "get_full_name"),
        Column("Rôle", "role"),
        Column("Entrée", "start_date"),
        Column("Compte créé", "date_joined"),
    ],
    default_sort="username",
    unsortable=("get_full_name",),
    filters=[
        Filter(
            "role",
            forms.ChoiceField(label="Rôle", choices=[("", "Tous"), *Role.choices], required=False),
        )
    ],
    detail=Detail(
        fields=[Column("Identifiant", "username"), Column("Équipe", "team__name")],
        lookup="username",
    ),
)

pages = [*PEOPLE.urls("personnes/"), *ACCOUNTS.urls("comptes/")]
urlpatterns = [*project_urls, path("essai/", include((pages, "essai")))]
