"""Forecast and capacity pages."""

import datetime as dt

import time_machine
from django.urls import reverse

from pfspilot.planning.models import ForecastOverride
from tests.planning.test_forecasting import MARCH_2, make_history

URL = reverse("planning:forecast")
DELETE_URL = reverse("planning:forecast_override_delete")
CAPACITY_URL = reverse("planning:capacity")


def _page(client, day=MARCH_2):
    return client.get(URL, {"jour": day.isoformat()})


def test_it_shows_the_forecast_its_backtest_and_estimates(client_for):
    make_history()
    response = _page(client_for("maud"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prévision des appels — lundi 2 mars 2026" in html
    assert 'id="forecast-chart"' in html and "vendor/chart.umd.min.js" in html
    assert '"forecast": [3.0, 3.0' in html
    # Backtest of a perfectly regular history: no error.
    assert "Erreur moyenne (<abbr" in html and "<strong>0,0\u00a0%</strong>" in html
    # Censored patience: 15 × 20 × 30 s of waits / 300 abandons; naive mean 10 s.
    assert "9\u202f000\u00a0s / 300 abandons = 30\u00a0s" in html
    assert "(10\u00a0s) sous-estimerait" in html
    assert "33,3\u00a0%" in html  # IVR share
    assert "300\u00a0s" in html  # AHT


def test_it_says_there_is_no_history(client_for):
    response = _page(client_for("maud"))
    assert response.status_code == 200
    assert "aucun historique d&#x27;appels importé" in response.content.decode()


def test_it_reports_an_invalid_date_in_french(client_for):
    response = client_for("maud").get(URL, {"jour": "2026-13-45"})
    assert response.status_code == 400
    assert "Date invalide « 2026-13-45 »" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 2, 28, 10, 0, tzinfo=dt.UTC), tick=False)
def test_it_opens_on_the_next_working_day(client_for):
    response = client_for("maud").get(URL)
    assert response.context["day"] == MARCH_2


def test_it_records_a_correction_and_applies_it(client_for):
    make_history()
    client = client_for("maud")
    response = client.post(
        f"{URL}?jour={MARCH_2.isoformat()}",
        {"slot_start": "", "factor": "1,2", "calls": "", "reason": "Envoi de courriers"},
    )
    assert response.status_code == 302
    assert response.url == f"{URL}?jour=2026-03-02"
    override = ForecastOverride.objects.get()
    assert (override.day, override.slot_start, str(override.factor)) == (MARCH_2, None, "1.20")
    assert override.created_by.username == "maud"
    html = client.get(response.url).content.decode()
    assert "Correction enregistrée." in html
    assert "Envoi de courriers" in html
    assert '<td class="num">1,20</td>' in html
    assert '"forecast": [3.6, 3.6' in html


def test_it_refuses_a_correction_with_both_values(client_for):
    response = client_for("maud").post(
        f"{URL}?jour={MARCH_2.isoformat()}", {"slot_start": "09:30", "factor": "2", "calls": "5"}
    )
    assert response.status_code == 400
    assert "Indiquez soit un coefficient, soit un nombre d&#x27;appels." in (
        response.content.decode()
    )
    assert ForecastOverride.objects.count() == 0


def test_it_refuses_a_correction_on_a_closed_day(client_for):
    response = client_for("maud").post(URL + "?jour=2026-03-07", {"factor": "2"})
    assert response.status_code == 400
    assert "Le 07/03/2026 est fermé (week-end ou jour férié)." in response.content.decode()
    assert ForecastOverride.objects.count() == 0


def test_it_refuses_a_negative_number_of_calls(client_for):
    response = client_for("maud").post(f"{URL}?jour={MARCH_2.isoformat()}", {"calls": "-4"})
    assert response.status_code == 400
    assert ForecastOverride.objects.count() == 0


def test_it_deletes_a_correction(client_for):
    override = ForecastOverride.objects.create(day=MARCH_2, calls=10)
    client = client_for("maud")
    assert client.get(DELETE_URL).status_code == 405
    response = client.post(DELETE_URL, {"override": override.pk, "jour": "2026-03-02"})
    assert response.status_code == 302 and response.url == f"{URL}?jour=2026-03-02"
    assert ForecastOverride.objects.count() == 0
    response = client.post(DELETE_URL, {"override": override.pk, "jour": "2026-03-02"}, follow=True)
    assert "Cette correction n&#x27;existe pas (ou plus)." in response.content.decode()


def test_it_forbids_agents_to_correct(client_for):
    response = client_for("alice").post(f"{URL}?jour={MARCH_2.isoformat()}", {"factor": "2"})
    assert response.status_code == 403
    assert ForecastOverride.objects.count() == 0


@time_machine.travel(dt.datetime(2027, 1, 10, 10, 0, tzinfo=dt.UTC), tick=False)
def test_it_shows_the_capacity_at_both_targets(client_for, computed_capacity):
    make_history()
    response = computed_capacity(client_for("diane"), {"annee": "2026"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Capacité 2026 : ETP financés nécessaires" in html
    assert "Cible 2026 (année affichée)" in html and "Cible 2027" in html
    assert "7\u202f600 appels + 1\u202f700 courriels" in html
    assert "8\u202f000 appels + 2\u202f000 courriels" in html
    assert '<td class="num">483</td>' in html  # 87 % × 900 − 300 IVR
    assert (
        "ETP financés sur l'année, au prorata des jours ouvrés sous contrat "
        "(2 téléconseillers en poste au 31/12/2026)"
    ) in html
    assert "les courriels comptent pour 0" in html
    # The hourly view: 20 February days known, each half-hour at the target against the A/B
    # day of the 2 agents (no phone time imported: unavailability not estimated).
    assert "Besoin à la cible et effectif en poste, par mois" in html
    assert "Taux d'indisponibilité non estimé" in html


def test_it_reports_an_invalid_year_in_french(client_for):
    response = client_for("maud").get(CAPACITY_URL, {"annee": "deux-mille"})
    assert response.status_code == 400
    assert "Année invalide « deux-mille »" in response.content.decode()


def test_it_says_capacity_needs_a_history(client_for, computed_capacity):
    response = computed_capacity(client_for("maud"), {"annee": "2026"})
    assert "aucun historique d&#x27;appels importé" in response.content.decode()


def test_it_speaks_french_and_keeps_the_technical_terms_in_tooltips(client_for):
    import re

    make_history()
    html = _page(client_for("maud")).content.decode()
    visible = re.sub(r"<[^>]+>", "", html)
    assert "backtest" not in visible.lower()
    assert "contrôle sur le passé" in visible
    # « WAPE » only right after « erreur moyenne », spelt out in its tooltip.
    assert visible.count("WAPE") == visible.count("Erreur moyenne (WAPE)") > 0
    assert 'title="Terme technique : backtest"' in html
    assert 'title="WAPE (weighted absolute percentage error) : erreur absolue' in html
