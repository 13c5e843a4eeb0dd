"""`pfspilot erlang`: queueing figures of one interval for a given number of agents.

pfspilot erlang --arrivals-per-hour L --aht-s S [--patience-s P] --agents N
                [--answer-within-s T] --json
Without --patience-s the model is Erlang C (nobody hangs up, p_abandon = 0); with it, Erlang A.
Without arrivals (L = 0) the figures over calls are unknown (null) and the occupancy is 0.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.cli import CliError, JsonCommand, non_negative_float, positive_float
from pfspilot.engine import erlang
from pfspilot.indicators.formatting import fr_figure

TEXT_LINES = (
    # key, label, kind of figure (pfspilot.indicators.formatting.KINDS)
    ("agents", gettext_lazy("Agents"), "count"),
    ("p_wait", gettext_lazy("Probabilité d'attendre"), "rate"),
    ("p_abandon", gettext_lazy("Probabilité d'abandon"), "rate"),
    (
        "service_level",
        gettext_lazy("Niveau de service (décrochés dans le délai / appels en file)"),
        "rate",
    ),
    ("service_level_answered", gettext_lazy("Niveau de service des appels décrochés"), "rate"),
    ("asa_answered_s", gettext_lazy("Attente moyenne des appels décrochés"), "seconds"),
    ("occupancy", gettext_lazy("Occupation des agents"), "rate"),
)


def optional_positive(name: str, value) -> float | None:
    return None if value is None else positive_float(name, value)


def parse_agents(value) -> int:
    try:
        agents = int(value)
    except (TypeError, ValueError):
        raise CliError(
            _("Erreur : --agents doit être un entier (reçu « %(value)s »).") % {"value": value}
        ) from None
    if not 1 <= agents <= erlang.MAX_AGENTS:
        raise CliError(
            _("Erreur : --agents doit être compris entre 1 et %(maximum)s (reçu « %(value)s »).")
            % {"maximum": erlang.MAX_AGENTS, "value": value}
        )
    return agents


def engine_call(function, *args, **kwargs):
    """Runs an engine function, turning its French validation errors into CLI errors."""
    try:
        return function(*args, **kwargs)
    except erlang.ErlangError as exc:
        raise CliError(_("Erreur : %(message)s") % {"message": exc}) from None


def render_figures(result: dict) -> str:
    lines = []
    for key, label, kind in TEXT_LINES:
        if key not in result:
            continue
        value = result[key]
        text = _("— (aucun appel)") if value is None else fr_figure(value, kind)
        lines.append(_("%(label)s : %(value)s") % {"label": label, "value": text})
    return "\n".join(lines)


class Command(JsonCommand):
    help = gettext_lazy(
        "Indicateurs d'attente d'un intervalle : Erlang C, ou Erlang A avec --patience-s."
    )

    def add_arguments(self, parser):
        parser.add_argument("--arrivals-per-hour", required=True, metavar="L")
        parser.add_argument("--aht-s", required=True, metavar="S")
        parser.add_argument("--patience-s", metavar="P", help=_("Patience moyenne (Erlang A)."))
        parser.add_argument("--agents", required=True, metavar="N")
        parser.add_argument("--answer-within-s", default="20", metavar="T")

    def run(self, **options):
        return engine_call(
            erlang.metrics,
            non_negative_float("--arrivals-per-hour", options["arrivals_per_hour"]),
            positive_float("--aht-s", options["aht_s"]),
            parse_agents(options["agents"]),
            patience_s=optional_positive("--patience-s", options["patience_s"]),
            answer_within_s=non_negative_float("--answer-within-s", options["answer_within_s"]),
        )

    def render_text(self, result) -> str:
        return render_figures(result)
