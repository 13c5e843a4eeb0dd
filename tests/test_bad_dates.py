"""Every page taking a date or a year answers a bad one with a French message, never a 500.

The pages walked here are all the URL patterns of `pfspilot/*/urls.py` that read a date or a
period from the query string or a form (grep of `jour`, `annee`, `year`, `month`): planning day,
optimise, week, what-if, forecast (read and correction), capacity; indicators dashboard and
export. The imports pages take no date (kind, mapping and file only).
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Out of the supported years (2000–2100), impossible, or not a date at all.
BAD_DAYS = [
    "31/12/9999",
    "9999-12-31",
    "01/01/0001",
    "0001-01-01",
    "2026-02-30",
    "30/02/2026",
    "2026-13-45",
    "1999-12-31",
    "01/01/2101",
    "garbage",
    "2026-03-02T10:00",
    "99999-01-01",
]
BAD_YEARS = ["9999", "0001", "0", "-5", "1999", "2101", "deux-mille", "1e3", "9" * 30]
BAD_MONTHS = ["13", "0", "-1", "janvier", "2026-02-30"]

DAY_PAGES = ["planning:day", "planning:week", "planning:what_if", "planning:forecast"]


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _french_date_error(html: str, value: str) -> bool:
    return "Date invalide" in html and "entre le 01/01/2000 et le 31/12/2100" in html


@pytest.mark.parametrize("value", BAD_DAYS)
@pytest.mark.parametrize("name", DAY_PAGES)
def test_day_pages_refuse_a_bad_date_in_french(client_for, name, value):
    response = client_for("maud").get(reverse(name), {"jour": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert _french_date_error(html, value)


@pytest.mark.parametrize("value", BAD_DAYS)
def test_a_correction_with_a_bad_date_is_refused_in_french(client_for, value):
    url = f"{reverse('planning:forecast')}?jour={value}"
    response = client_for("maud").post(url, {"factor": "1,2"})
    assert response.status_code == 400
    assert _french_date_error(response.content.decode(), value)


@pytest.mark.parametrize("value", BAD_DAYS)
def test_optimising_a_bad_date_is_refused_in_french(client_for, value):
    response = client_for("maud").post(reverse("planning:optimise"), {"jour": value}, follow=True)
    assert response.status_code == 200  # back on the default day, with the message
    assert _french_date_error(response.content.decode(), value)


@pytest.mark.parametrize("value", BAD_DAYS)
def test_deleting_a_correction_with_a_bad_date_does_not_crash(client_for, value):
    response = client_for("maud").post(
        reverse("planning:forecast_override_delete"), {"override": "1", "jour": value}, follow=True
    )
    assert response.status_code == 200
    assert "Cette correction n&#x27;existe pas (ou plus)." in response.content.decode()


@pytest.mark.parametrize("value", BAD_YEARS + BAD_DAYS)
def test_capacity_refuses_a_bad_year_in_french(client_for, value):
    response = client_for("maud").get(reverse("planning:capacity"), {"annee": value})
    assert response.status_code == 400
    assert "Année invalide" in response.content.decode()
    assert "entre 2000 et 2100" in response.content.decode()


@pytest.mark.parametrize("value", BAD_YEARS + BAD_DAYS)
def test_dashboard_refuses_a_bad_year_in_french(client_for, value):
    response = client_for("diane").get(reverse("indicators:dashboard"), {"year": value})
    assert response.status_code == 400
    assert "Année : " in response.content.decode()


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_dashboard_refuses_a_bad_month_in_french(client_for, value):
    response = client_for("diane").get(
        reverse("indicators:dashboard"), {"year": "2026", "month": value}
    )
    assert response.status_code == 400
    assert "Mois : " in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [{"year": v} for v in BAD_YEARS] + [{"year": "2026", "month": v} for v in BAD_MONTHS],
)
def test_export_refuses_a_bad_period_in_french(client_for, params):
    response = client_for("diane").get(reverse("indicators:export"), params | {"table": "cibles"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Année : " in text or "Mois : " in text


@pytest.mark.parametrize("value", ["2000-01-03", "03/01/2000", "2100-12-31", "31/12/2100"])
def test_the_limits_and_the_french_format_are_accepted(client_for, value):
    response = client_for("maud").get(reverse("planning:day"), {"jour": value})
    assert response.status_code == 200
    assert "Date invalide" not in response.content.decode()
    expected = dt.date(2000, 1, 3) if value.endswith("2000") or value.startswith("2000") else None
    assert response.context["day"] == (expected or dt.date(2100, 12, 31))


@pytest.mark.parametrize("command", ["kpi", "aggregates"])
@pytest.mark.parametrize("option", ["--from", "--to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_commands_refuse_a_date_out_of_range_in_french(capsys, monkeypatch, command, option, value):
    from django.db import connections

    from pfspilot.indicators.management.commands import aggregates, kpi

    # run_from_argv closes the connections when it ends: the test's transaction needs its own.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    other = "--to" if option == "--from" else "--from"
    args = [option, value, other, "2026-01-01"]
    module = {"kpi": kpi, "aggregates": aggregates}[command]
    with pytest.raises(SystemExit) as exit_info:
        module.Command().run_from_argv(["pfspilot", command, *args, "--json"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == (
        f"Erreur : {option} doit être une date entre le 2000-01-01 et le 2100-12-31 "
        f"(reçu « {value} »).\n"
    )
