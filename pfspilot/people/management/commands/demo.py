"""`pfspilot demo`: demo accounts, teams and demo data, idempotent; prints the logins."""

from importlib import import_module

from django.conf import settings
from django.utils.translation import gettext as _

from pfspilot.cli import CliError, ProjectCommand

# Each step is `module.load(stdout)`; later apps add theirs (contacts, planning…).
STEPS = [
    "pfspilot.people.demo",
    "pfspilot.indicators.demo",
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
        if settings.PRODUCTION:
            # Demo accounts share one published password: never on a production platform.
            raise CliError(
                _(
                    "pfspilot demo est refusé en production (PFSPILOT_DEBUG=0) : ses comptes "
                    "ont un mot de passe public. Créez les comptes avec createsuperuser et "
                    "l'administration."
                )
            )
        steps = STEPS[:1] if accounts_only else STEPS
        for step in steps:
            import_module(step).load(stdout=self.stdout)
        from pfspilot.people.demo import print_accounts

        print_accounts(self.stdout.write)
