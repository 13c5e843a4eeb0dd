"""`pfspilot supervision plan|sample`: the semester's campaign and an agent's sample (note §E).

    pfspilot supervision plan --semester 2027-S1 [--dry-run] --json
      → [{"agent": username, "supervisor": username, "day": "AAAA-MM-JJ"}, ...]
    pfspilot supervision sample --agent alice --from 2027-01-01 --to 2027-03-31 \
        --calls 6 --emails 4 --requests 2 --seed 7 --json
      → {"calls": [...], "emails": [...], "requests": [...], "short": {"calls": 0, ...}}
"""

from django.utils.translation import gettext_lazy as _

from pfspilot.cli import CliError, JsonCommand, parse_date
from pfspilot.people.models import User
from pfspilot.supervision import services
from pfspilot.supervision.models import ItemKind


def _count(name: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise CliError(f"Erreur : {name} doit être un entier positif ou nul (reçu « {value} »).")
    return number


class Command(JsonCommand):
    help = _("Campagne de supervision d'un semestre (plan) et échantillon d'un agent (sample).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["plan", "sample"])
        parser.add_argument("--semester", help="AAAA-S1 ou AAAA-S2 (plan)")
        parser.add_argument("--dry-run", action="store_true", help="Sans rien enregistrer (plan).")
        parser.add_argument("--agent", help="Identifiant de l'agent (sample).")
        parser.add_argument("--from", dest="start", help="Début de la période AAAA-MM-JJ.")
        parser.add_argument("--to", dest="end", help="Fin de la période AAAA-MM-JJ.")
        parser.add_argument("--calls", default="0")
        parser.add_argument("--emails", default="0")
        parser.add_argument("--requests", default="0")
        parser.add_argument("--seed", default=None)

    def run(self, **options):
        try:
            if options["action"] == "plan":
                return self.plan(options)
            return self.sample(options)
        except services.SupervisionError as exc:
            raise CliError(f"Erreur : {exc}.") from None

    def plan(self, options):
        if not options.get("semester"):
            raise CliError("Erreur : --semester est obligatoire (AAAA-S1 ou AAAA-S2).")
        return services.plan_semester(options["semester"], dry_run=options["dry_run"])

    def sample(self, options):
        for name in ("agent", "start", "end", "seed"):
            if options.get(name) in (None, ""):
                flag = {"start": "--from", "end": "--to"}.get(name, f"--{name}")
                raise CliError(f"Erreur : {flag} est obligatoire.")
        start = parse_date("--from", options["start"])
        end = parse_date("--to", options["end"])
        seed = _count("--seed", options["seed"])
        sizes = {
            ItemKind.CALL: _count("--calls", options["calls"]),
            ItemKind.EMAIL: _count("--emails", options["emails"]),
            ItemKind.REQUEST: _count("--requests", options["requests"]),
        }
        agent = User.objects.filter(username=options["agent"]).first()
        if agent is None:
            raise CliError(f"Erreur : agent « {options['agent']} » inconnu (--agent).")
        return services.draw_summary(services.draw(agent, start, end, sizes, seed))
