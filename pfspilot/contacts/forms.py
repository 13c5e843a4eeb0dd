from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .mapping import FIELD_TYPES, REQUIRED, builtin_mappings, load_mapping
from .models import ImportBatch
from .reader import french_size

DEFAULT_MAPPING = "canonical"


def canonical_format() -> list[dict]:
    """Per record type, the columns of the canonical CSV and whether each one is required."""
    return [
        {
            "kind": kind,
            "label": label,
            "columns": [(name, name in REQUIRED[kind]) for name in FIELD_TYPES[kind]],
        }
        for kind, label in ImportBatch.Kind.choices
    ]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'enregistrements"), choices=ImportBatch.Kind.choices)
    mapping = forms.ChoiceField(
        label=_("Profil de correspondance"),
        help_text=_("Comment lire les colonnes de l'export : voir les profils ci-dessous."),
    )
    file = forms.FileField(label=_("Fichier"), allow_empty_file=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The canonical profile first and chosen: the one every other export is meant to match.
        names = sorted(builtin_mappings(), key=lambda name: (name != DEFAULT_MAPPING, name))
        self.fields["mapping"].choices = [(name, name) for name in names]
        if DEFAULT_MAPPING in names:
            self.fields["mapping"].initial = DEFAULT_MAPPING
        # The limit may change with the environment, so the text is built per form.
        self.fields["file"].help_text = _(
            "CSV (séparateur virgule, point-virgule ou tabulation) ou XLSX (premier onglet), "
            "UTF-8 ou Latin-1, éventuellement compressé en .gz. Taille maximale : %(max)s."
        ) % {"max": french_size(settings.IMPORT_MAX_BYTES)}

    def profiles(self) -> list[dict]:
        """The built-in profiles with their description, in the order of the choices."""
        return [
            {"name": name, "description": load_mapping(name).description}
            for name, _label in self.fields["mapping"].choices
        ]

    def canonical_format(self) -> list[dict]:
        return canonical_format()


class UndoForm(forms.Form):
    """The confirmation of an import's undoing."""

    confirm = forms.BooleanField(
        label=_("Je confirme l'annulation de cet import."),
        error_messages={"required": _("Cochez la case de confirmation pour annuler cet import.")},
    )
