"""The dashboard's query parameters: period (year, month), drill-down and trend granularity."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pfspilot.engine.calendar import FIRST_YEAR, LAST_YEAR

from .dashboard import MONTHS, Scope

TABLES = ("cibles", "tendance", "equipes", "agents", "motifs", "demi_heures")


class ScopeForm(forms.Form):
    year = forms.IntegerField(
        label=_("Année"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False
    )
    month = forms.TypedChoiceField(
        label=_("Mois"),
        choices=[("", _("Toute l'année"))] + [(i, m) for i, m in enumerate(MONTHS, start=1)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    team = forms.CharField(label=_("Équipe"), max_length=100, required=False)
    agent = forms.CharField(label=_("Téléconseiller"), max_length=150, required=False)
    motif = forms.CharField(label=_("Motif"), max_length=200, required=False)
    by = forms.ChoiceField(
        label=_("Tendance"),
        choices=[("month", _("par mois")), ("week", _("par semaine"))],
        required=False,
    )

    def period_errors(self) -> list[str]:
        """French messages of an invalid period (year, month), « Champ : message » each."""
        if not self.is_valid():
            return [
                f"{self.fields[name].label} : {message}"
                for name in ("year", "month")
                for message in self.errors.get(name, [])
            ]
        return []

    def scope(self, default_year: int) -> Scope:
        """The valid parameters as a Scope; invalid ones fall back to their default."""
        data = self.cleaned_data if self.is_valid() else {}
        motif = data.get("motif") or ""
        agent = "" if motif else data.get("agent") or ""
        # Motif sums are kept per day for the whole platform, not per team or agent; an agent
        # implies their team (the filter shows it) and keeps calls made in an earlier team.
        return Scope(
            year=data.get("year") or default_year,
            month=data.get("month"),
            team="" if motif or agent else data.get("team") or "",
            agent=agent,
            motif=motif,
            by=data.get("by") or "month",
        )


class ExportForm(ScopeForm):
    table = forms.ChoiceField(label=_("Tableau"), choices=[(t, t) for t in TABLES], required=False)
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False
    )
