"""Demo accounts (one per role) and a platform of agents in teams, deterministic."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from .models import LunchGroup, Profile, Role, Team, User

DEMO_PASSWORD = "demo-pfs-2026"

# (username, first name, last name, role, profile)
DEMO_ACCOUNTS = [
    ("agent.fi", "Inès", "Formation", Role.AGENT, Profile.TRAINEE),
    ("agent.confirme", "Karim", "Confirmé", Role.AGENT, Profile.CONFIRMED),
    ("superviseur", "Sophie", "Supervision", Role.SUPERVISOR, ""),
    ("manager", "Marc", "Manager", Role.MANAGER, ""),
    ("direction", "Delphine", "Direction", Role.DIRECTION, ""),
    ("admin", "Alain", "Administrateur", Role.ADMIN, ""),
    ("renfort", "Rachid", "Renfort", Role.REINFORCEMENT, Profile.CONFIRMED),
    ("expert", "Élise", "Expertise", Role.EXPERT, ""),
]
DEMO_TEAMS = ["Arras", "Béthune", "Calais", "Lens", "Lille", "Roubaix", "Boulogne", "Dunkerque"]
DEMO_AGENTS = 124  # about 120 funded ETP once part-time quotités are counted

FIRST = [
    "Camille",
    "Nadia",
    "Julien",
    "Sarah",
    "Thomas",
    "Léa",
    "Mehdi",
    "Chloé",
    "Hugo",
    "Manon",
    "Yanis",
    "Emma",
    "Lucas",
    "Inès",
    "Nathan",
    "Zoé",
    "Antoine",
    "Amel",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Lefebvre",
    "Leroy",
    "Moreau",
    "Lambert",
    "Dupont",
    "Fontaine",
    "Caron",
    "Lemaire",
    "Delattre",
    "Vasseur",
    "Duhamel",
    "Boulanger",
]


@transaction.atomic
def load(stdout=None):
    """Creates teams and accounts once; running it again changes nothing."""
    teams = [
        Team.objects.get_or_create(name=name, defaults={"site": name})[0] for name in DEMO_TEAMS
    ]
    for username, first, last, role, profile in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "profile": profile,
                # Level-2 experts work in the back office, outside the platform's teams.
                "team": None if role == Role.EXPERT else teams[0],
                "start_date": dt.date(2020, 1, 6),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    rng = random.Random(2026)
    existing = set(
        User.objects.filter(username__startswith="tc").values_list("username", flat=True)
    )
    new_agents = []
    for i in range(1, DEMO_AGENTS + 1):
        username = f"tc{i:03d}"
        if username in existing:
            continue
        trainee = rng.random() < 0.2
        agent = User(
            username=username,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            role=Role.AGENT,
            profile=Profile.TRAINEE if trainee else Profile.CONFIRMED,
            team=teams[i % len(teams)],
            fte=rng.choice([Decimal("1.00")] * 7 + [Decimal("0.80"), Decimal("0.50")]),
            lunch_group=LunchGroup.A if i % 2 else LunchGroup.B,
            start_date=dt.date(2026, 9, 1) if trainee else dt.date(2015 + i % 10, 1, 5),
        )
        agent.set_unusable_password()
        new_agents.append(agent)
    User.objects.bulk_create(new_agents)
    return teams


def print_accounts(write):
    write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
    for username, _first, _last, role, profile in DEMO_ACCOUNTS:
        label = Role(role).label + (f" — {Profile(profile).label}" if profile else "")
        write(f"  {username:<16} {label}")
