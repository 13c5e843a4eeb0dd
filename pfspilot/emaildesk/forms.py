from django import forms
from django.utils.translation import gettext_lazy as _

from pfspilot.contacts.models import EmailKind
from pfspilot.workitems.services import WorkItemError

from . import placeholders
from .models import MAX_BODY, ResponseTemplate


class EmptyForm(forms.Form):
    """Actions without fields (release, renew the lease)."""


class ReplyForm(forms.Form):
    template = forms.CharField(
        label=_("Modèle utilisé"), required=False, max_length=60, widget=forms.HiddenInput
    )
    body = forms.CharField(
        label=_("Réponse (modifiable avant l'envoi)"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
    )


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Attribuer à"), queryset=None)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = queryset


class RequalifyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=EmailKind.choices)


def _check(form, field):
    value = form.cleaned_data.get(field, "")
    try:
        placeholders.check(value, field)
    except WorkItemError as error:
        form.add_error(field, error.message)
    return value


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ResponseTemplate
        fields = [
            "code",
            "label",
            "motif",
            "kind",
            "subject",
            "body",
            "include_promotion",
            "active",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def clean(self):
        data = super().clean()
        for field in ("subject", "body"):
            _check(self, field)
        return data


class PromotionForm(forms.Form):
    valid_from = forms.DateField(label=_("En vigueur à partir du"))
    text = forms.CharField(
        label=_("Texte"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        data = super().clean()
        _check(self, "text")
        return data
