"""Status rules of a COG target: met, at risk or missed, and the sentence saying what it takes."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.formatting import fr_percent

MET, AT_RISK, MISSED = "met", "at_risk", "missed"
STATUS_LABELS = {
    MET: gettext_lazy("Atteint"),
    AT_RISK: gettext_lazy("À risque"),
    MISSED: gettext_lazy("Manqué"),
}
# The « à risque » thresholds are reference data (`IndicatorParams.risk_points`, `risk_share`).


def status_rate(value, target, maximum: bool, risk_points: float):
    """Met: the target is respected; at risk: missed by at most `risk_points`; else missed."""
    if value is None:
        return None
    met = value < target if maximum else value >= target
    if met:
        return MET
    return AT_RISK if abs(value - target) <= risk_points + 1e-12 else MISSED


def out_of_reach(needed, maximum: bool, best=None) -> bool:
    """The rate needed on the remaining working days is impossible or never seen this year.

    Impossible: above 100 % (below 0 % for a maximum). Implausible: better than the best
    month of the year so far (`best`), the plausibility bound of the "at risk" status.
    """
    if needed is None:
        return False
    if needed < 0 if maximum else needed > 1:
        return True
    if best is None:
        return False
    return needed < best if maximum else needed > best


def status_volume(value, target_to_date, risk_share: float):
    """A production against its pro-rated target or an hourly norm (a floor either way)."""
    if value is None or not target_to_date:
        return None
    if value >= target_to_date:
        return MET
    return AT_RISK if value >= risk_share * target_to_date else MISSED


def needed_sentence(label, needed, target, remaining, maximum: bool, best=None) -> str:
    """What the remaining working days must achieve, in words.

    A rate needed above 100 % (below 0 % for a maximum) cannot be reached: the sentence says
    so instead of quoting an impossible percentage; one below 0 % (above 100 % for a maximum)
    means the target is already secured.
    """
    if needed is None:
        return ""
    days = _("sur les %(n)s jours ouvrés restants") % {"n": remaining}
    bound = (_("sous %(t)s") if maximum else _("à %(t)s")) % {"t": fr_percent(target)}
    if out_of_reach(needed, maximum):
        return _(
            "%(label)s : cible hors d'atteinte cette année (même à %(limit)s %(days)s, "
            "l'année finirait %(side)s %(t)s)"
        ) % {
            "label": label,
            "limit": fr_percent(0.0 if maximum else 1.0, 0),
            "days": days,
            "side": _("au-dessus de") if maximum else _("sous"),
            "t": fr_percent(target),
        }
    if out_of_reach(needed, maximum, best):
        return _(
            "%(label)s : cible hors de portée (il faudrait %(v)s %(days)s, "
            "meilleur mois de l'année : %(best)s)"
        ) % {"label": label, "v": fr_percent(needed), "days": days, "best": fr_percent(best)}
    if (not maximum and needed <= 0) or (maximum and needed >= 1):
        return _("%(label)s : cible déjà assurée, quel que soit le résultat %(days)s") % {
            "label": label,
            "days": days,
        }
    word = _("à ne pas dépasser") if maximum else _("nécessaire")
    return _("%(label)s %(word)s %(days)s pour finir l'année %(bound)s : %(v)s") % {
        "label": label,
        "word": word,
        "days": days,
        "bound": bound,
        "v": fr_percent(needed),
    }


def needed_label(needed, maximum: bool) -> str:
    """The needed rate for tables: a percentage only when it is between 0 and 100 %."""
    if needed is None:
        return "—"
    if out_of_reach(needed, maximum):
        return _("hors d'atteinte")
    if (not maximum and needed <= 0) or (maximum and needed >= 1):
        return _("déjà assurée")
    return fr_percent(needed)


NEEDED_LABELS = {
    "pickup_rate": gettext_lazy("Décroché"),
    "repeat_rate": gettext_lazy("Réitération"),
    "phone_satisfaction": gettext_lazy("Satisfaction téléphone"),
    "level1_rate": gettext_lazy("Courriels N1 en %(email)s"),
    "complaints_rate": gettext_lazy("Réclamations en %(complaint)s"),
    "email_satisfaction": gettext_lazy("Satisfaction courriels"),
}
