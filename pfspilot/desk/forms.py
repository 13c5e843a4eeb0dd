"""Forms of the desk pages: French labels, the fields a person types; the services validate
the values (claimant number, phone, email, motif…) and their errors land on these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_TEXT, CallerKind, DeskList, OutcomeKind, RequestKind


def _list_choices(kind):
    def choices():
        return [("", "—")] + [
            (item.code, item.label) for item in DeskList.objects.filter(kind=kind, active=True)
        ]

    return choices


class OpenRecordForm(forms.Form):
    call_id = forms.CharField(label=_("Identifiant d'appel"), max_length=100)
    caller_number = forms.CharField(label=_("Numéro appelant"), max_length=32, required=False)


class IdentifyForm(forms.Form):
    caller_kind = forms.ChoiceField(label=_("Qui appelle ?"), choices=CallerKind.choices)
    claimant_number = forms.CharField(
        label=_("Numéro d'allocataire"),
        max_length=20,
        required=False,
        help_text=_("7 chiffres (un zéro en tête est accepté : 01234567)."),
    )
    third_party = forms.CharField(label=_("Tiers : nom et qualité"), max_length=200, required=False)


class ContactForm(forms.Form):
    phone = forms.CharField(
        label=_("Téléphone"), max_length=30, required=False, help_text=_("Ex. 06 12 34 56 78")
    )
    email = forms.CharField(label=_("Adresse électronique"), max_length=254, required=False)


class StepsForm(forms.Form):
    steps = forms.TypedMultipleChoiceField(
        label=_("Étapes faites"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = [(i, label) for i, label in enumerate(steps, start=1)]


class MotifForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif (code ou libellé du guide)"), max_length=200, help_text=_("Ex. CMG, ASF")
    )
    file_in_progress = forms.BooleanField(label=_("Dossier en cours"), required=False)


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Issue"),
        choices=[
            (k, OutcomeKind(k).label)
            for k in (OutcomeKind.LEVEL1, OutcomeKind.DOCUMENT, OutcomeKind.CAF_FR)
        ],
    )
    document = forms.ChoiceField(
        label=_("Type de courrier ou d'attestation"),
        choices=_list_choices(DeskList.Kind.DOCUMENT),
        required=False,
    )
    detail = forms.CharField(label=_("Précision"), max_length=300, required=False)


class TransferForm(forms.Form):
    detail = forms.CharField(label=_("Précision"), max_length=300, required=False)


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Demande"), choices=RequestKind.choices)
    motif = forms.CharField(
        label=_("Motif (vide : celui de la fiche)"), max_length=200, required=False
    )
    phone = forms.CharField(label=_("Téléphone à rappeler"), max_length=30, required=False)
    availability = forms.CharField(label=_("Disponibilités"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Note pour l'expert"), max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )


class UrgencyForm(forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=MAX_TEXT, widget=forms.Textarea
    )


class IncivilityForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type d'incivilité"), choices=_list_choices(DeskList.Kind.INCIVILITY)
    )
    recorded = forms.BooleanField(label=_("Communication enregistrée"), required=False)
    call_ended = forms.BooleanField(label=_("Appel terminé"), required=False)
    description = forms.CharField(
        label=_("Faits"), max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )


class EmptyForm(forms.Form):
    """Actions without fields (claim, release, close the record)."""


class AttemptForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Résultat de l'appel"),
        choices=[("1", _("Joint")), ("0", _("Non joint"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CloseRequestForm(forms.Form):
    outcome = forms.CharField(label=_("Résultat"), max_length=MAX_TEXT, widget=forms.Textarea)


class BookForm(forms.Form):
    slot = forms.IntegerField(label=_("Créneau"))


class SlotForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    end = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Attribuer à"), queryset=None)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = queryset


class TransferUrgencyForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service destinataire"), choices=_list_choices(DeskList.Kind.SERVICE)
    )


class CloseUrgencyForm(forms.Form):
    kept = forms.TypedChoiceField(
        label=_("Engagement tenu ?"),
        choices=[("1", _("Oui")), ("0", _("Non"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note de clôture"), max_length=MAX_TEXT, required=False, widget=forms.Textarea
    )


class FollowUpForm(forms.Form):
    exchange_on = forms.DateField(
        label=_("Échange avec l'agent le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    recit_reference = forms.CharField(label=_("Référence RECIT"), max_length=50, required=False)
    transmitted_on = forms.DateField(
        label=_("Transmis le"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    transmitted_to = forms.CharField(
        label=_("Transmis à (services)"), max_length=200, required=False
    )
