"""`pfspilot demo`: demo accounts, teams and demo data, idempotent; prints the logins."""

from importlib import import_module

from django.utils.translation import gettext as _

from pfspilot.cli import ProjectCommand

# Each step is `module.load(stdout)`; later apps add theirs (contacts, planning…).
STEPS = [
    "pfspilot.people.demo",
    "pfspilot.contacts.demo",
    "pfspilot.planning.demo",
]


class Command(ProjectCommand):
    help = "Charge les comptes et les données de démonstration (sans effet s'ils existent déjà)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts-only",
            action="store_true",
            help=_("Seulement les comptes et les équipes, sans l'année d'activité."),
        )

    def handle(self, *args, accounts_only=False, **options):
        steps = STEPS[:1] if accounts_only else STEPS
        for step in steps:
            import_module(step).load(stdout=self.stdout)
        from pfspilot.people.demo import print_accounts

        print_accounts(self.stdout.write)
