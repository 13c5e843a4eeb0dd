"""The email deadlines are named as configured in the referential, never « 48 h » in the code."""

import pytest
from django.urls import reverse

from pfspilot.engine.parameters import IndicatorParams
from pfspilot.indicators.formatting import deadline_labels
from pfspilot.reference.models import IndicatorParameterSet

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("hours", "days", "clock", "email", "complaint"),
    [
        (48, 10, "calendar", "48 h", "10 jours"),
        (48, 10, "business", "48 h ouvrées", "10 jours ouvrés"),
        (24, 1, "calendar", "24 h", "1 jour"),
        (36.5, 1.5, "calendar", "36,5 h", "1,5 jour"),
        (72, 2, "business", "72 h ouvrées", "2 jours ouvrés"),
    ],
)
def test_it_names_the_deadlines_from_the_parameters(hours, days, clock, email, complaint):
    params = IndicatorParams(
        email_deadline_hours=hours, complaint_deadline_days=days, deadline_clock=clock
    )
    labels = deadline_labels(params)
    assert labels == {
        "email": email.replace(" ", NBSP, 1),
        "complaint": complaint.replace(" ", NBSP, 1),
    }


def test_the_dashboard_and_its_exports_follow_an_edited_deadline(client_for, year_loaded):
    IndicatorParameterSet.objects.update(
        email_deadline_hours=24, complaint_deadline_days=15, deadline_clock="business"
    )
    client = client_for("diane")
    page = client.get(reverse("indicators:dashboard"), {"year": 2026}).content.decode()
    assert f"Courriels de niveau 1 traités en 24{NBSP}h ouvrées" in page
    assert f"Réclamations traitées en 15{NBSP}jours ouvrés" in page
    assert f"Courriels N1 en 24{NBSP}h ouvrées" in page
    assert "48 h" not in page and f"48{NBSP}h" not in page
    assert "10 jours" not in page and f"10{NBSP}jours" not in page
    for table in ("cibles", "tendance", "equipes", "motifs"):
        export = client.get(
            reverse("indicators:export"), {"year": 2026, "table": table, "format": "csv"}
        ).content.decode("utf-8-sig")
        assert f"48{NBSP}h" not in export and f"10{NBSP}jours" not in export, table
    trend = client.get(
        reverse("indicators:export"), {"year": 2026, "table": "tendance", "format": "csv"}
    ).content.decode("utf-8-sig")
    assert f"Courriels N1 en 24{NBSP}h ouvrées (%)" in trend
    assert f"Réclamations en 15{NBSP}jours ouvrés (%)" in trend


def test_the_note_s_deadlines_by_default(client_for, year_loaded):
    page = client_for("diane").get(reverse("indicators:dashboard"), {"year": 2026})
    text = page.content.decode()
    assert f"Courriels de niveau 1 traités en 48{NBSP}h" in text
    assert f"Réclamations traitées en 10{NBSP}jours" in text
