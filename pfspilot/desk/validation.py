"""Parsing of what an agent types or the telephony sends: claimant number, phone, email, text.

Each function returns the normalised value or raises `WorkItemError` (400) with a French
message naming the field; nothing is written by these functions.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from pfspilot.workitems.services import WorkItemError

from .models import MAX_TEXT

# French numbers: metropolitan France and the overseas departments and collectivities.
FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"})
_SEPARATORS = re.compile(r"[\s.\-/]")


def claimant_number(text: str, *, field: str = "claimant_number") -> str:
    """The numéro d'allocataire as its 7 digits.

    Accepted: 7 digits, or 8 digits whose first is a leading 0 (as some letters print it);
    spaces, dots and dashes between digits are ignored. "" stays "" (not identified yet).
    """
    raw = _SEPARATORS.sub("", text or "")
    if not raw:
        return ""
    if raw.isdigit() and len(raw) == 8 and raw[0] == "0":
        raw = raw[1:]
    if not (raw.isdigit() and len(raw) == 7):
        raise WorkItemError(
            _(
                "Numéro d'allocataire invalide : 7 chiffres attendus (un zéro en tête est "
                "accepté, ex. 1234567 ou 01234567)."
            ),
            field=field,
        )
    return raw


def phone(text: str, *, field: str = "phone") -> str:
    """A French phone number in E.164 (« +33612345678 »); "" stays "".

    Read with `phonenumbers` in the French numbering plan (« 06 12 34 56 78 », « +33 6… »,
    overseas numbers); a number that is not valid, or not French, is refused.
    """
    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.region_code_for_number(number) not in FRENCH_REGIONS
    ):
        raise WorkItemError(
            _("Numéro de téléphone invalide : « %(text)s » n'est pas un numéro français valide.")
            % {"text": text[:30]},
            field=field,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """« 06 12 34 56 78 » for a stored E.164 number ("" stays "")."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def email(text: str, *, field: str = "email") -> str:
    """An email address checked by Django's validator, lower-cased domain; "" stays ""."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise WorkItemError(
            _("Adresse électronique invalide : « %(text)s ».") % {"text": text[:60]}, field=field
        ) from None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def text(value: str, *, label: str, field: str, limit: int = MAX_TEXT, required=False) -> str:
    """A free text, stripped; refused when longer than `limit` characters or missing."""
    value = (value or "").strip()
    if required and not value:
        raise WorkItemError(
            _("%(label)s : ce champ est obligatoire.") % {"label": label}, field=field
        )
    if len(value) > limit:
        raise WorkItemError(
            _("%(label)s : %(n)s caractères au plus (ici %(count)s).")
            % {"label": label, "n": limit, "count": len(value)},
            field=field,
        )
    return value
