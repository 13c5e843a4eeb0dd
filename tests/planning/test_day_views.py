"""Day, week and what-if pages: French content, chart data, errors shown without crashing."""

import json

import pytest
from django.urls import reverse

from pfspilot.planning.models import Absence, DayPlan
from tests.planning.dayplan_data import MARCH_2, TRAINING_THURSDAY, make_agents, make_history

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(personas):
    make_history()
    return make_agents()


def day_page(client, day=MARCH_2):
    return client.get(reverse("planning:day"), {"jour": day.isoformat()})


def test_it_shows_the_note_day_before_optimising(client_for, platform):
    response = day_page(client_for("maud"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plan de journée — lundi 2 mars 2026" in html
    assert "Journée type A/B de la note" in html
    assert "96,6\u00a0%" in html  # expected décroché of the A/B day
    assert "Cible atteinte" in html
    assert "Optimiser le plan" in html
    chart = response.context["chart"]
    assert chart["labels"][0] == "09:00" and chart["labels"][-1] == "16:00"
    assert chart["required"] == [3] * 15
    # Five agents; lunches of the A/B day at 11:45 (Alice, Bob, David) and 12:45 (Chloé, Emma).
    assert chart["staffed"] == [5.0] * 5 + [3.5, 2.0, 2.5, 3.0, 4.0] + [5.0, 5.0, 4.5, 4.0, 4.0]
    data = json.loads(
        html.split('id="plan-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data == chart


def test_it_groups_the_timelines_by_team(client_for, platform):
    html = day_page(client_for("maud")).content.decode()
    assert html.index("Équipe Arras") < html.index("Équipe Lens")
    assert 'title="Déjeuner 11:45–12:45"' in html
    assert 'title="Téléphone 08:50–11:45"' in html
    assert 'title="Courriels 16:30–17:00"' in html


def test_it_optimises_and_stores_on_post(client_for, platform):
    client = client_for("maud")
    response = client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()})
    assert response.status_code == 302
    assert response.url == f"{reverse('planning:day')}?jour=2026-03-02"
    assert DayPlan.objects.get(day=MARCH_2).payload["objective"] == 237
    html = client.get(response.url).content.decode()
    assert "Plan optimisé enregistré" in html
    assert "Plan optimisé (CP-SAT)" in html
    assert "97,3\u00a0%" in html
    assert "Ré-optimiser le plan" in html


def test_it_explains_a_day_without_agents(client_for, personas):
    make_history()
    for name in ("alice", "bob"):
        Absence.objects.create(agent=personas[name], start=MARCH_2, end=MARCH_2)
    client = client_for("maud")
    assert "Aucun agent en service" in day_page(client).content.decode()
    response = client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()}, follow=True)
    assert "Aucun agent en service" in response.content.decode()
    assert not DayPlan.objects.exists()


def test_it_explains_a_missing_forecast(client_for, personas):
    html = day_page(client_for("maud")).content.decode()
    assert "Prévision impossible : aucun historique d&#x27;appels importé" in html


def test_it_rejects_a_bad_date_in_french(client_for, platform):
    response = client_for("maud").get(reverse("planning:day"), {"jour": "2026-13-45"})
    assert response.status_code == 400
    assert "Date invalide « 2026-13-45 »" in response.content.decode()


def test_it_marks_the_training_thursday(client_for, platform):
    html = day_page(client_for("maud"), TRAINING_THURSDAY).content.decode()
    assert "Jeudi de formation continue : personne au téléphone de 09h00 à 11h00." in html
    assert "Cible manquée" in html


def test_it_recomputes_the_what_if_panel(client_for, platform):
    response = client_for("sam").get(
        reverse("planning:what_if"), {"jour": MARCH_2.isoformat(), "ajouter": "2", "volume": "0"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Décroché attendu" in html
    assert response.context["base_percent"] == pytest.approx(96.6025, abs=1e-4)
    assert "96,6\u00a0%" in html
    assert f"{response.context['whatif_percent']:.1f}\u00a0%".replace(".", ",") in html
    assert response.context["whatif_percent"] > 98
    assert "La cible de 87,0\u00a0% serait atteinte." in html
    assert (
        '<tr><th>Agents dans le plan</th><td class="num">5</td><td class="num">7</td></tr>' in html
    )


def test_it_reports_what_if_errors_in_french(client_for, platform):
    response = client_for("maud").get(
        reverse("planning:what_if"), {"jour": MARCH_2.isoformat(), "ajouter": "deux"}
    )
    assert "Le nombre d&#x27;agents ajoutés doit être un entier." in response.content.decode()


def test_it_shows_the_week(client_for, platform):
    response = client_for("diane").get(reverse("planning:week"), {"jour": "2026-03-04"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Semaine du lundi 2 mars 2026" in html
    for label in (
        "lundi 2 mars",
        "mardi 3 mars",
        "mercredi 4 mars",
        "jeudi 5 mars",
        "vendredi 6 mars",
    ):
        assert label in html
    assert [row["day"].day for row in response.context["rows"]] == [2, 3, 4, 5, 6]
    assert html.count("Journée type A/B") == 5
    assert "12h00, 12h30" in html  # short half-hours of the A/B day (2 and 2.5 agents for 3)


def test_it_validates_the_note_day_by_simulation(client_for, platform):
    response = day_page(client_for("maud"))
    html = response.content.decode()
    validation = response.context["validation"]
    assert "Validation par simulation" in html
    assert "20 journées simulées (graine 2026)" in html
    assert "(journée type A/B, simulée à l'affichage)" in html
    assert validation["erlang"] == pytest.approx(96.6025, abs=1e-4)
    assert validation["pickup"] == pytest.approx(96.1287, abs=1e-4)
    assert validation["pickup_low"] < validation["erlang"] < validation["pickup_high"]
    assert "dans l'intervalle de la simulation" in html
    low, high = (f"{validation[k]:.1f}".replace(".", ",") for k in ("pickup_low", "pickup_high"))
    assert f"IC 95\u00a0% : {low}\u00a0% – {high}\u00a0%" in html
    rows = response.context["rows"]
    assert rows[6]["erlang_percent"] == pytest.approx(83.1427, abs=1e-4)  # 2 agents at 12:00
    assert rows[6]["simulated_percent"] < rows[0]["simulated_percent"]
    assert "Non estimée : aucun temps de téléphone des agents importé" in html
    assert response.context["shrinkage_percent"] == 0.0


def test_it_shows_the_stored_simulation_after_optimising(client_for, platform):
    client = client_for("maud")
    client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()})
    stored = DayPlan.objects.get(day=MARCH_2).payload["simulation"]
    response = day_page(client)
    assert response.context["validation"]["pickup"] == pytest.approx(100 * stored["pickup"]["mean"])
    assert "simulée à l'affichage" not in response.content.decode()


def test_it_shows_the_simulated_pickup_of_each_day_of_the_week(client_for, platform):
    response = client_for("maud").get(reverse("planning:week"), {"jour": "2026-03-04"})
    html = response.content.decode()
    assert "Décroché simulé (IC 95\u00a0%)" in html
    monday = response.context["rows"][0]["validation"]
    assert monday["pickup"] == pytest.approx(96.1287, abs=1e-4)
    assert f"{monday['pickup']:.1f}\u00a0%".replace(".", ",") in html


def _lunch_starts(payload):
    return {a["name"]: a["quarters"].index("L") for a in payload["agents"]}


def test_it_shows_the_lunch_window_and_why_a_lunch_left_the_note_slot(client_for, platform):
    client = client_for("maud")
    html = day_page(client).content.decode()
    # Before optimising, the A/B day: every lunch at the group's slot, the window shown.
    assert "Déjeuners autorisés entre 11h30 et 14h00" in html
    assert "A 11h45–12h45, B 12h45–13h45" in html
    assert "0 agents sur 5 ne déjeunent pas au créneau de leur groupe" in html
    client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()})
    plan = DayPlan.objects.get(day=MARCH_2)
    assert plan.payload["note_lunches_only"] is False
    html = day_page(client).content.decode()
    groups = {a["name"]: a["lunch_group"] for a in plan.payload["agents"]}
    note = {"A": 11, "B": 15}  # quarters from 9:00: 11:45 and 12:45
    moved = [n for n, q in _lunch_starts(plan.payload).items() if q != note[groups[n]]]
    assert moved  # 3 agents needed all day: the solver spreads the lunches
    for name in moved:
        assert f"<td>{name}</td>" in html
    assert f"{len(moved)} agents sur 5 ne déjeunent pas" in html or len(moved) == 1
    assert "où la journée type A/B laissait le besoin à découvert" in html


def test_a_manager_can_require_the_note_lunch_slots(client_for, platform):
    client = client_for("maud")
    response = client.post(
        reverse("planning:optimise"), {"jour": MARCH_2.isoformat(), "creneaux_note": "1"}
    )
    assert response.status_code == 302
    plan = DayPlan.objects.get(day=MARCH_2)
    assert plan.payload["note_lunches_only"] is True
    # Quarters from 9:00: 11:45 is quarter 11 (slot A), 12:45 quarter 15 (slot B).
    assert set(_lunch_starts(plan.payload).values()) <= {11, 15}
    html = day_page(client).content.decode()
    assert "Déjeuners imposés aux créneaux de la note" in html
    assert 'name="creneaux_note" value="1" checked' in html
    # The what-if offers only the note's lunch starts then.
    assert [f"{t:%H:%M}" for t in day_page(client).context["lunch_options"]] == ["11:45", "12:45"]


def test_it_says_taux_d_indisponibilite_with_the_technical_term_in_a_tooltip(client_for, platform):
    import re

    html = day_page(client_for("maud")).content.decode()
    visible = re.sub(r"<[^>]+>", "", html)
    assert "shrinkage" not in visible.lower()
    assert '<span title="Terme technique : shrinkage">Taux d\'indisponibilité</span>' in html
