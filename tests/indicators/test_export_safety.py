"""Exports are safe: names a spreadsheet would run as formulas leave as text; bad requests 400."""

import csv
import datetime as dt
import io
from decimal import Decimal

import polars as pl
import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from pfspilot.engine.indicators import CALL_DTYPES
from pfspilot.engine.parameters import IndicatorParams, PlatformRules
from pfspilot.indicators.services import replace_aggregates
from pfspilot.lists.exports import Column, Table, neutralised, to_csv, to_xlsx
from pfspilot.people.models import Role, Team, User

from .factories import call

T = dt.datetime
# One name per trigger character of OWASP's CSV-injection advice.
MOTIF = '=HYPERLINK("http://exemple.invalid","clic")'
TEAM = "+Équipe 1"
AGENT_LAST = "-Dupont"
AGENT = "@tc900"
OTHERS = ("\tTabulation", "\rRetour")


@pytest.fixture
def hostile_names(db):
    team = Team.objects.create(name=TEAM)
    User.objects.create(
        username=AGENT,
        first_name="=1+1",
        last_name=AGENT_LAST,
        role=Role.AGENT,
        team=team,
        fte=Decimal("1.00"),
        start_date=dt.date(2020, 1, 1),
    )
    calls = [
        call("h1", "A", T(2026, 1, 5, 9), "answered", agent=AGENT, team=TEAM, wait=5, talk=60,
             wrap=0, motif=MOTIF),
        call("h2", "B", T(2026, 1, 5, 10), "answered", agent=AGENT, team=TEAM, wait=5, talk=60,
             wrap=0, motif=OTHERS[0]),
        call("h3", "C", T(2026, 1, 5, 11), "answered", agent=AGENT, team=TEAM, wait=5, talk=60,
             wrap=0, motif=OTHERS[1]),
    ]  # fmt: skip
    replace_aggregates(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        at=T(2026, 11, 28, 9),
        params=IndicatorParams(),
        rules=PlatformRules(),
        calls=pl.DataFrame(calls, schema=CALL_DTYPES),
        emails=None,
        surveys=None,
        activity=None,
    )
    with time_machine.travel(T(2026, 11, 28, 10), tick=False):
        yield


def _export(client, **params):
    # The agents' table is exported by its list page: follow the redirect.
    return client.get(reverse("indicators:export"), params, follow=True)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    "text,expected",
    [
        ("=SOMME(A1:A9)", "'=SOMME(A1:A9)"),
        ("+33 1 02", "'+33 1 02"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Paiement", "Paiement"),
        ("Le RSA = aide", "Le RSA = aide"),  # only a leading trigger runs a formula
        ("", ""),
    ],
)
def test_it_neutralises_formula_like_text(text, expected):
    assert neutralised(text) == expected


def test_it_writes_motif_team_and_agent_names_as_text_in_csv(client_for, hostile_names):
    client = client_for("maud")
    motifs = _csv_rows(_export(client, table="motifs", format="csv"))
    labels = [row[0] for row in motifs[1:]]
    assert "'" + MOTIF in labels
    assert "'\tTabulation" in labels and "'\rRetour" in labels
    teams = _csv_rows(_export(client, table="equipes", format="csv"))
    assert teams[1][0] == "'+Équipe 1"
    agents = _csv_rows(_export(client, table="agents", format="csv"))
    header = agents[0]
    row = dict(zip(header, agents[1], strict=True))
    assert row["Téléconseiller"] == "'=1+1 -Dupont"
    assert row["Identifiant"] == "'@tc900"
    assert row["Équipe"] == "'+Équipe 1"
    assert row["Appels décrochés"] == "3"  # numbers stay numbers


def test_it_writes_them_as_string_cells_in_xlsx(client_for, hostile_names):
    client = client_for("maud")
    sheet = load_workbook(io.BytesIO(_export(client, table="agents", format="xlsx").content)).active
    cells = {cell.value: cell for cell in sheet[2]}
    for text in ("=1+1 -Dupont", AGENT, TEAM):
        assert cells[text].data_type == "s", text  # a string, not a formula ("f")
        assert cells[text].quotePrefix
    assert cells[3].data_type == "n"
    motifs = load_workbook(io.BytesIO(_export(client, table="motifs", format="xlsx").content))
    first = [row[0] for row in motifs.active.iter_rows(min_row=2)]
    by_value = {cell.value: cell for cell in first}
    assert by_value[MOTIF].data_type == "s"
    assert by_value["\tTabulation"].data_type == "s"


def test_it_neutralises_every_text_column_of_any_table():
    table = Table("t", "T", [Column("Nom", "name"), Column("N", "n", "int")])
    table.rows = [{"name": "-5", "n": -5}]
    assert to_csv(table).decode("utf-8-sig").splitlines()[1] == "'-5;-5"
    sheet = load_workbook(io.BytesIO(to_xlsx(table))).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("-5", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (-5, "n")


@pytest.mark.parametrize(
    "params,field",
    [
        ({"table": "inconnu"}, "Tableau"),
        ({"table": "agents", "format": "pdf"}, "Format"),
        ({"table": "../../etc/passwd"}, "Tableau"),
        ({"year": "deux mille"}, "Année"),
    ],
)
def test_it_answers_400_in_french_to_a_bad_export_request(client_for, year_loaded, params, field):
    response = _export(client_for("maud"), **params)
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert text.startswith("Export impossible : ") and field in text
