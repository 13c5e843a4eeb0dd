"""`pfspilot simulate --arrivals-per-hour L --aht-s S --patience-s P --agents N --hours H
[--seed K] --json`.

Contract (scripts depend on it): one JSON object {offered, answered, abandoned, p_abandon,
asa_answered_s, p_abandon_ci95: [low, high]} for a constant team of N agents facing Poisson
arrivals for H hours (M/M/N+M, FIFO); bad input → French message on stderr, exit status 2.
The interval is never [0, 0] when no caller hung up (`engine.simulation.rate_interval`); a rate
over no call is null.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, positive_float
from pfspilot.engine.simulation import SimulationInputError, simulate_stationary
from pfspilot.indicators.formatting import fr_figure

MAX_AGENTS = 1000
MAX_CALLS = 5_000_000  # about 10 s and 500 MB at most


def _positive_int(name: str, value, maximum: int | None = None) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise CliError(
            _("Erreur : %(name)s doit être un entier (reçu « %(value)s »).")
            % {"name": name, "value": value}
        ) from None
    if number < 1:
        raise CliError(
            _("Erreur : %(name)s doit être au moins 1 (reçu « %(value)s »).")
            % {"name": name, "value": value}
        )
    if maximum is not None and number > maximum:
        raise CliError(
            _("Erreur : %(name)s ne peut pas dépasser %(maximum)s (reçu « %(value)s »).")
            % {"name": name, "maximum": maximum, "value": value}
        )
    return number


class Command(JsonCommand):
    help = gettext_lazy(
        "Simule une file d'attente M/M/n+M (appels impatients) et donne l'abandon avec son IC 95 %."
    )

    def add_arguments(self, parser):
        parser.add_argument("--arrivals-per-hour", required=True, help=_("Appels par heure."))
        parser.add_argument("--aht-s", required=True, help=_("Durée moyenne de traitement (s)."))
        parser.add_argument("--patience-s", required=True, help=_("Patience moyenne (s)."))
        parser.add_argument("--agents", required=True, help=_("Nombre d'agents au téléphone."))
        parser.add_argument("--hours", required=True, help=_("Durée simulée (heures)."))
        parser.add_argument("--seed", default="0", help=_("Graine du générateur aléatoire."))

    def run(self, *, arrivals_per_hour, aht_s, patience_s, agents, hours, seed, **options):
        rate = positive_float("--arrivals-per-hour", arrivals_per_hour)
        aht = positive_float("--aht-s", aht_s)
        patience = positive_float("--patience-s", patience_s)
        n_agents = _positive_int("--agents", agents, MAX_AGENTS)
        duration = positive_float("--hours", hours)
        try:
            seed_value = int(str(seed))
        except ValueError:
            raise CliError(
                _("Erreur : --seed doit être un entier (reçu « %(value)s »).") % {"value": seed}
            ) from None
        if seed_value < 0:
            raise CliError(
                _("Erreur : --seed doit être positif ou nul (reçu « %(value)s »).")
                % {"value": seed}
            )
        if rate * duration > MAX_CALLS:
            raise CliError(
                _(
                    "Erreur : trop d'appels à simuler (--arrivals-per-hour × --hours dépasse "
                    "5 000 000) : réduire la durée."
                )
            )
        try:
            figures = simulate_stationary(rate, aht, patience, n_agents, duration, seed=seed_value)
        except SimulationInputError as exc:
            raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None
        return {
            "offered": figures["offered"],
            "answered": figures["answered"],
            "abandoned": figures["abandoned"],
            "p_abandon": figures["p_abandon"],
            "asa_answered_s": figures["asa_answered_s"],
            "p_abandon_ci95": figures["p_abandon_ci95"],
        }

    def render_text(self, result) -> str:
        low, high = result["p_abandon_ci95"] or (None, None)
        return _(
            "Appels présentés : %(offered)s, répondus : %(answered)s, "
            "abandonnés : %(abandoned)s\n"
            "Taux d'abandon : %(p_abandon)s (IC 95\u00a0%% : %(low)s – %(high)s)\n"
            "Attente moyenne des appels répondus : %(asa)s"
        ) % {
            "offered": fr_figure(result["offered"], "count"),
            "answered": fr_figure(result["answered"], "count"),
            "abandoned": fr_figure(result["abandoned"], "count"),
            "p_abandon": fr_figure(result["p_abandon"], "rate"),
            "low": fr_figure(low, "rate"),
            "high": fr_figure(high, "rate"),
            "asa": fr_figure(result["asa_answered_s"], "seconds"),
        }
