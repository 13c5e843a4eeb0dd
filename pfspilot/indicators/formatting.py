"""French number formatting for pages and CSV: comma decimals, narrow spaces, `87,0 %`."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

THOUSANDS = "\u202f"  # narrow no-break space, the French thousands separator
BEFORE_UNIT = "\u00a0"  # no-break space before % and units


def fr_number(value, decimals: int = 0) -> str:
    """1234.56 → « 1 234,6 » (decimals=1); None or NaN → « — »."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", THOUSANDS).replace(".", ",")


def fr_percent(fraction, decimals: int = 1) -> str:
    """0.87 → « 87,0 % »; None → « — »."""
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "—"
    return f"{fr_number(fraction * 100, decimals)}{BEFORE_UNIT}%"


def fr_points(delta, decimals: int = 1) -> str:
    """Signed gap in percentage points: 0.012 → « +1,2 pt »."""
    if delta is None:
        return "—"
    sign = "+" if delta > 0 else ("−" if delta < 0 else "")
    return f"{sign}{fr_number(abs(delta) * 100, decimals)}{BEFORE_UNIT}pt"


def fr_signed(value, decimals: int = 0) -> str:
    """Signed number: 123 → « +123 », -770 → « −770 »."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{fr_number(abs(value), decimals)}"


def deadline_labels(params) -> dict[str, str]:
    """The email deadlines of `params` (IndicatorParams) as read: {"email", "complaint"}.

    48 h and 10 days on the calendar clock → « 48 h », « 10 jours »; on the business clock
    → « 48 h ouvrées », « 10 jours ouvrés » (`engine.calendar` counts working days only).
    """
    business = params.deadline_clock == "business"
    hours, days = params.email_deadline_hours, params.complaint_deadline_days
    hours_text = _fr_quantity(hours)
    days_text = _fr_quantity(days)
    if business:
        email = _("%(n)s h ouvrées") % {"n": hours_text}
        complaint = ngettext("%(n)s jour ouvré", "%(n)s jours ouvrés", _plural(days)) % {
            "n": days_text
        }
    else:
        email = _("%(n)s h") % {"n": hours_text}
        complaint = ngettext("%(n)s jour", "%(n)s jours", _plural(days)) % {"n": days_text}
    return {
        "email": email.replace(" ", BEFORE_UNIT, 1),
        "complaint": complaint.replace(" ", BEFORE_UNIT, 1),
    }


def _fr_quantity(value) -> str:
    """A parameter as typed: whole numbers without decimals, others with what they need."""
    value = float(value)
    if value.is_integer():
        return fr_number(value, 0)
    return fr_number(value, 2).rstrip("0").rstrip(",")


def _plural(value) -> int:
    # French: 1 and below are singular (« 1 jour », « 1,5 jour »), 2 and above plural.
    return 1 if float(value) < 2 else 2
