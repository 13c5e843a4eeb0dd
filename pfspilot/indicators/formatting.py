"""French number formatting, the one place every page, export label and CLI line goes through.

Rules (Imprimerie nationale, as the CAF's documents write figures):
- thousands separated by a narrow no-break space (U+202F): « 12 345 »;
- decimal comma: « 87,0 »;
- a no-break space (U+00A0) before « % » and before a unit: « 87,0 % », « 312 s »;
- a missing value (None, NaN) is « — », never 0;
- the same kind of figure always has the same decimals (KINDS below).

Templates use the `fr` filter (`{{ value|fr:"rate" }}`, builtin: no `{% load %}`), Python code
`fr_figure(value, kind)`. JSON outputs stay raw numbers; CSV cells stay Excel-readable numbers
(`exports.py`, no thousands separator).
"""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

THOUSANDS = "\u202f"  # narrow no-break space, the French thousands separator
BEFORE_UNIT = "\u00a0"  # no-break space before % and units

# kind: (decimals, unit, multiplier) — one line per kind of figure.
KINDS: dict[str, tuple[int, str, float]] = {
    "count": (0, "", 1),  # calls, emails, abandons, agents, days: whole numbers
    "mean": (1, "", 1),  # an average or expectation of a count (forecast calls per half-hour)
    "agents": (1, "", 1),  # agents that may be fractional (staffed, shortfall, agents × slot)
    "fte": (1, "", 1),  # ETP
    "per_hour": (1, "", 1),  # calls or emails per hour
    "rate": (1, "%", 100),  # a fraction shown as a percentage: 0.87 → « 87,0 % »
    "percent": (1, "%", 1),  # a value already in percent: 87.0 → « 87,0 % »
    "seconds": (0, "s", 1),  # durations in seconds (ASA, AHT, patience): whole seconds
    "hours": (0, "h", 1),  # totals of hours (capacity, ready hours): whole hours
    "ratio": (3, "", 1),  # model coefficients (trend)
}


def fr_figure(value, kind: str) -> str:
    """`value` formatted as its kind of figure (KINDS), unit included; None or NaN → « — ».

    A kind "value" shows a parameter as typed (no trailing zeros, up to 2 decimals).
    """
    if value in (None, "") or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "value":
        return fr_quantity(value)
    decimals, unit, multiplier = KINDS[kind]
    text = fr_number(float(value) * multiplier, decimals)
    return f"{text}{BEFORE_UNIT}{unit}" if unit else text


def fr_number(value, decimals: int = 0) -> str:
    """1234.56 → « 1 234,6 » (decimals=1), -3 → « −3 » (minus sign); None or NaN → « — »."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        # A value that rounds to zero is zero, not « −0 ».
        text = text[1:] if not text.strip("-0.,") else "\u2212" + text[1:]
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
    hours_text = fr_quantity(hours)
    days_text = fr_quantity(days)
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


def fr_quantity(value) -> str:
    """A parameter as typed: 6 → « 6 », 7.5 → « 7,5 », 0.125 → « 0,13 » (2 decimals at most)."""
    value = float(value)
    if value.is_integer():
        return fr_number(value, 0)
    return fr_number(value, 2).rstrip("0").rstrip(",")


def _plural(value) -> int:
    # French: 1 and below are singular (« 1 jour », « 1,5 jour »), 2 and above plural.
    return 1 if float(value) < 2 else 2
