from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TEXT, Answer, ItemKind, Objective


class PlanForm(forms.Form):
    semester = forms.RegexField(
        label=_("Semestre"),
        regex=r"^\d{4}-S[12]$",
        error_messages={"invalid": _("Semestre attendu sous la forme AAAA-S1 ou AAAA-S2.")},
    )


class SampleForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Graine du tirage"),
        min_value=0,
        required=False,
        help_text=_("Vide : une graine tirée au hasard, enregistrée avec l'échantillon."),
    )


class DebriefForm(forms.Form):
    debrief_on = forms.DateField(label=_("Date du débriefing oral"), required=False)
    transcription = forms.CharField(
        label=_("Retranscription écrite"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_TEXT,
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Votre commentaire (facultatif)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=MAX_TEXT,
    )


class ReminderForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    body = forms.CharField(
        label=_("Consigne"), widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT
    )


class AccompanimentForm(forms.Form):
    objective = forms.ChoiceField(label=_("Objectif"), choices=Objective.choices)
    actions = forms.CharField(
        label=_("Actions"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_TEXT
    )
    follow_up_on = forms.DateField(label=_("Date de suivi"))


def evaluation_form(criteria):
    """One radio group per criterion of the grid: acquis / non acquis / sans objet."""
    fields = {
        f"c{c.pk}": forms.ChoiceField(
            label=c.label + (" (critique)" if c.critical else ""),
            choices=Answer.Value.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("Répondez à ce critère.")},
        )
        for c in criteria
    }
    fields["comment"] = forms.CharField(
        label=_("Commentaire"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_TEXT,
    )
    return type("EvaluationForm", (forms.Form,), fields)


class TrainingGroupsForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    first_start = forms.TimeField(label=_("Groupe 1 : début"))
    first_end = forms.TimeField(label=_("Groupe 1 : fin"))
    second_start = forms.TimeField(label=_("Groupe 2 : début"), required=False)
    second_end = forms.TimeField(label=_("Groupe 2 : fin"), required=False)

    def windows(self):
        data = self.cleaned_data
        windows = [(data["first_start"], data["first_end"])]
        if data.get("second_start") and data.get("second_end"):
            windows.append((data["second_start"], data["second_end"]))
        return windows


class WorkshopForm(forms.Form):
    title = forms.CharField(label=_("Thème de l'atelier"), max_length=200)
    day = forms.DateField(label=_("Jour"))
    start = forms.TimeField(label=_("Début"))
    end = forms.TimeField(label=_("Fin"))

    def __init__(self, *args, agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"] = forms.ModelMultipleChoiceField(
            label=_("Participants"), queryset=agents, required=False
        )


GRID_HELP = _(
    "Une section par ligne « Titre ; poids », puis ses critères « - Libellé ; poids ; "
    "critique ou normal ; objectif » (objectif : qualite, procedures, temps, caf_fr ou vide). "
    "Les poids des sections font 100, ceux des critères de chaque section aussi."
)


class GridForm(forms.Form):
    name = forms.CharField(label=_("Nom de la grille"), max_length=120)
    kind = forms.ChoiceField(label=_("Éléments évalués"), choices=ItemKind.choices)
    pass_mark = forms.FloatField(label=_("Note minimale (sur 100)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("Sections et critères"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=GRID_HELP,
        max_length=MAX_TEXT,
    )

    def clean_text(self):
        sections = []
        for number, raw in enumerate(self.cleaned_data["text"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            criterion = line.startswith("-")
            parts = [p.strip() for p in line.lstrip("-").split(";")]
            try:
                weight = float(parts[1].replace(",", "."))
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Ligne %(n)s : poids manquant ou invalide (« libellé ; poids »).")
                    % {"n": number}
                ) from None
            if not criterion:
                sections.append({"title": parts[0], "weight": weight, "criteria": []})
                continue
            if not sections:
                raise forms.ValidationError(
                    _("Ligne %(n)s : un critère avant toute section.") % {"n": number}
                )
            critical = len(parts) > 2 and parts[2].lower() == "critique"
            objective = parts[3] if len(parts) > 3 else ""
            if objective and objective not in Objective.values:
                raise forms.ValidationError(
                    _("Ligne %(n)s : objectif « %(o)s » inconnu.") % {"n": number, "o": objective}
                )
            sections[-1]["criteria"].append(
                {"label": parts[0], "weight": weight, "critical": critical, "objective": objective}
            )
        return sections
