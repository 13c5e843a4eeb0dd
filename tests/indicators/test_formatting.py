"""One French number formatting: narrow no-break thousands, no-break space before units."""

import math
import re
from pathlib import Path

import pytest
from django.template import Context, Template

from pfspilot.indicators.formatting import KINDS, fr_figure, fr_number

NNBSP, NBSP = "\u202f", "\u00a0"
TEMPLATES = Path(__file__).resolve().parents[2] / "pfspilot"


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (102659, "count", f"102{NNBSP}659"),
        (1234567.4, "count", f"1{NNBSP}234{NNBSP}567"),
        (0.87, "rate", f"87,0{NBSP}%"),
        (0.8749, "rate", f"87,5{NBSP}%"),  # 87,49 → one decimal
        (1.355, "rate", f"135,5{NBSP}%"),
        (87.0, "percent", f"87,0{NBSP}%"),
        (312.4, "seconds", f"312{NBSP}s"),
        (65869.2, "hours", f"65{NNBSP}869{NBSP}h"),
        (8.24, "fte", "8,2"),
        (-8.24, "fte", "\u22128,2"),  # a true minus sign
        (-0.04, "fte", "0,0"),  # never « −0,0 »
        (6937.44, "mean", f"6{NNBSP}937,4"),
        (1.0234, "ratio", "1,023"),
        (7.5, "value", "7,5"),
        (6.0, "value", "6"),
        (None, "rate", "—"),
        (math.nan, "seconds", "—"),
        ("", "count", "—"),
    ],
)
def test_it_formats_each_kind_of_figure(value, kind, text):
    assert fr_figure(value, kind) == text


def test_every_kind_states_its_decimals_and_unit():
    for kind, (decimals, unit, multiplier) in KINDS.items():
        assert decimals >= 0 and unit in ("", "%", "s", "h") and multiplier in (1, 100), kind


def test_the_fr_filter_is_available_in_every_template_without_load():
    template = Template('{{ a|fr:"rate" }} · {{ b|fr:"count" }} · {{ c|fr:"seconds" }}')
    rendered = template.render(Context({"a": 0.8695, "b": 12345, "c": None}))
    assert rendered == f"87,0{NBSP}% · 12{NNBSP}345 · —"


def test_fr_number_keeps_its_contract():
    assert fr_number(1234.56, 1) == f"1{NNBSP}234,6"
    assert fr_number(None) == "—"


def test_no_template_formats_numbers_another_way():
    """floatformat, widthratio or a plain space before % would bring back mixed formats."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"floatformat", r"widthratio", r"(\d|\}\}) %(?!\})"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(TEMPLATES)} : {pattern}")
    assert offenders == []
