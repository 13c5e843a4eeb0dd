"""French number formatting for pages and CSV: comma decimals, narrow spaces, `87,0 %`."""

import math

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
