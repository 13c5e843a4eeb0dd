from django import forms
from django.utils.translation import gettext_lazy as _

from .mapping import builtin_mappings
from .models import ImportBatch


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'enregistrements"), choices=ImportBatch.Kind.choices)
    mapping = forms.ChoiceField(label=_("Profil de correspondance"))
    file = forms.FileField(
        label=_("Fichier (CSV ou XLSX, éventuellement compressé en .gz)"),
        allow_empty_file=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [(name, name) for name in builtin_mappings()]
