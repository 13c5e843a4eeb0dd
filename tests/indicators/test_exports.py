"""CSV (Excel-FR) and XLSX exports of the dashboard's tables."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook


def _export(client, **params):
    # The agents' table is exported by its list page: the dashboard's export redirects there.
    return client.get(reverse("indicators:export"), params, follow=True)


def test_it_exports_the_agents_table_as_csv_for_french_excel(client_for, year_loaded):
    response = _export(client_for("maud"), table="agents", format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pfspilot-agents-2026.csv"'
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert response.redirect_chain == [("/indicateurs/agents/?year=2026&export=csv", 302)]
    assert rows[0][:7] == [
        "Téléconseiller",
        "Identifiant",
        "Équipe",
        "Profil",
        "Appels décrochés",
        "Heures au téléphone",
        "Appels / heure",
    ]
    by_agent = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_agent) == {"tc001", "tc002"}
    tc001 = by_agent["tc001"]
    assert tc001["Appels décrochés"] == "2"
    assert tc001["Heures au téléphone"] == "2"  # whole hours (formatting.KINDS)
    assert tc001["Appels / heure"] == "1,0"
    assert tc001["Courriels / heure"] == "4,0"
    assert tc001["Norme appels / heure"] == "10,0"
    assert by_agent["tc002"]["Taux de réitération (%)"] == "100,0"  # c2, the caller's second call


def test_it_exports_the_targets_as_xlsx(client_for, year_loaded):
    response = _export(client_for("diane"), table="cibles", format="xlsx", month="1")
    assert response["Content-Disposition"] == 'attachment; filename="pfspilot-cibles-2026-01.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Indicateur",
        "Cible",
        "Valeur",
        "Écart",
        "Statut",
        "Projection fin d'année",
        "Ce qu'il faut",
        "Remarque",
    )
    assert rows[1][:5] == (
        "Taux de décroché",
        "≥ 87,0\u00a0%",
        "75,0\u00a0%",
        "−12,0\u00a0pt",
        "Manqué",
    )
    assert len(rows) == 9


def test_it_exports_numbers_as_numbers_in_xlsx(client_for, year_loaded):
    response = _export(client_for("adam"), table="equipes", format="xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Équipe", "Appels présentés", "Décrochés (agents)"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    arras = rows["Arras"]
    assert arras[2].value == 2  # c1, c5 answered
    assert arras[1].value == 2  # offered: a team is credited with its answered calls only
    assert arras[header.index("Taux de décroché")].value is None
    pickup = rows["Toute la plateforme"][header.index("Taux de décroché")]
    assert pickup.value == 0.8  # (3 answered + 1 IVR) / 5
    assert pickup.number_format == "0.0%"
    assert len(header) == 18  # every column, including the ones hidden on screen


def test_it_exports_every_table_of_the_page(client_for, year_loaded):
    client = client_for("diane")
    for table in ("cibles", "tendance", "equipes", "agents", "motifs"):
        for fmt in ("csv", "xlsx"):
            assert _export(client, table=table, format=fmt).status_code == 200, (table, fmt)


def test_it_answers_404_for_a_table_outside_the_scope(client_for, year_loaded):
    response = _export(client_for("diane"), table="equipes", team="Arras")
    assert response.status_code == 404


def test_it_refuses_the_export_to_agents(client_for, year_loaded):
    assert _export(client_for("alice"), table="agents").status_code == 403
