"""Day, week and what-if pages: French content, chart data, errors shown without crashing."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from pfspilot.engine.dayplan import result_to_payload
from pfspilot.planning import selectors, services
from pfspilot.planning.models import Absence, DayPlan, PlanComputation
from pfspilot.planning.tasks import compute_day_plan
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
    # Not colour only: the coloured grid is hidden from screen readers and a table says the same
    # in text, one row per agent with each activity and its times in order.
    assert 'class="gantt" aria-hidden="true"' in html
    assert "Journées en texte : Équipe Arras" in html
    assert "<td>Courriels 08:00–08:50 ; Téléphone 08:50–11:45 ; Déjeuner 11:45–12:45" in html


def optimise(run_tasks, client, **data):
    return run_tasks(client, reverse("planning:optimise"), {"jour": MARCH_2.isoformat(), **data})


def test_it_optimises_in_the_background_and_stores_on_post(client_for, platform, run_tasks):
    client = client_for("maud")
    response = optimise(run_tasks, client)
    assert response.status_code == 302
    assert response.url == f"{reverse('planning:day')}?jour=2026-03-02"
    assert DayPlan.objects.get(day=MARCH_2).payload["objective"] == 237
    computation = PlanComputation.objects.get(day=MARCH_2)
    assert computation.status == PlanComputation.Status.DONE
    assert computation.requested_by.username == "maud"
    html = client.get(response.url).content.decode()
    assert "Calcul du plan du 02/03/2026 lancé" in html
    assert "Plan optimisé (CP-SAT)" in html
    assert "Calcul en cours" not in html
    assert "97,3\u00a0%" in html
    assert "Ré-optimiser le plan" in html


def test_it_explains_a_day_without_agents(client_for, personas, run_tasks):
    make_history()
    for name in ("alice", "bob"):
        Absence.objects.create(agent=personas[name], start=MARCH_2, end=MARCH_2)
    client = client_for("maud")
    assert "Aucun agent en service" in day_page(client).content.decode()
    optimise(run_tasks, client)
    html = day_page(client).content.decode()
    assert "Le dernier calcul du plan a échoué : Aucun agent en service" in html
    assert not DayPlan.objects.exists()
    assert PlanComputation.objects.get().status == PlanComputation.Status.FAILED


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


def test_it_shows_the_week_from_the_stored_plans_only(client_for, platform, run_tasks):
    client = client_for("adam")
    response = client.get(reverse("planning:week"), {"jour": "2026-03-04"})
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
    # Nothing stored, nothing computed on GET: five « Calculer » buttons, no figure.
    assert html.count("Plan non calculé.") == 5
    assert html.count(">Calculer</button>") == 5
    assert not DayPlan.objects.exists() and not PlanComputation.objects.exists()
    response = run_tasks(
        client_for("maud"),
        reverse("planning:optimise"),
        {"jour": "2026-03-02", "retour": "semaine"},
    )
    assert response.url == f"{reverse('planning:week')}?jour=2026-03-02"
    html = client.get(reverse("planning:week"), {"jour": "2026-03-04"}).content.decode()
    assert html.count("Plan non calculé.") == 4
    monday = response_rows(client)[0]
    assert monday["plan"].result.agents and monday["plan"].status == "met"


def response_rows(client):
    return client.get(reverse("planning:week"), {"jour": "2026-03-04"}).context["rows"]


def test_it_says_a_week_day_is_closed(client_for, platform):
    # Easter Monday 2026 is 6 April: a public holiday, no plan and no button.
    html = client_for("maud").get(reverse("planning:week"), {"jour": "2026-04-08"}).content.decode()
    assert html.count("Fermé (week-end ou jour férié) : pas de plan.") == 1
    assert html.count(">Calculer</button>") == 4


def test_the_day_page_does_not_simulate_on_display(client_for, platform):
    response = day_page(client_for("maud"))
    html = response.content.decode()
    assert response.context["validation"] is None
    assert "Simulation non calculée" in html
    rows = response.context["rows"]
    assert rows[6]["erlang_percent"] == pytest.approx(83.1427, abs=1e-4)  # 2 agents at 12:00
    assert all(row["simulated_percent"] is None for row in rows)
    assert "Non estimée : aucun temps de téléphone des agents importé" in html
    assert response.context["shrinkage_percent"] == 0.0


def test_it_validates_the_note_day_by_simulation(platform):
    view = selectors.day_view(MARCH_2)
    payload = result_to_payload(view.result) | {"shrinkage": view.shrinkage}
    simulation = services.validate_plan(MARCH_2, payload)
    assert simulation["replications"] == 20 and simulation["seed"] == 2026
    assert simulation["erlang_pickup"] == pytest.approx(0.966025, abs=1e-6)
    assert simulation["pickup"]["mean"] == pytest.approx(0.961287, abs=1e-6)
    low, high = simulation["pickup"]["ci95"]
    assert low < simulation["erlang_pickup"] < high
    slots = simulation["slots"]
    assert slots["pickup"][6] < slots["pickup"][0]


def test_it_shows_the_stored_simulation_after_optimising(client_for, platform, run_tasks):
    client = client_for("maud")
    optimise(run_tasks, client)
    stored = DayPlan.objects.get(day=MARCH_2).payload["simulation"]
    response = day_page(client)
    html = response.content.decode()
    validation = response.context["validation"]
    assert validation["pickup"] == pytest.approx(100 * stored["pickup"]["mean"])
    assert "20 journées simulées (graine 2026)" in html
    low, high = (f"{validation[k]:.1f}".replace(".", ",") for k in ("pickup_low", "pickup_high"))
    assert f"IC 95\u00a0% : {low}\u00a0% – {high}\u00a0%" in html
    assert "Simulation non calculée" not in html


def test_it_shows_the_simulated_pickup_of_each_computed_day_of_the_week(
    client_for, platform, run_tasks
):
    client = client_for("maud")
    optimise(run_tasks, client)
    stored = DayPlan.objects.get(day=MARCH_2).payload["simulation"]
    response = client.get(reverse("planning:week"), {"jour": "2026-03-04"})
    html = response.content.decode()
    assert "Décroché simulé (IC 95\u00a0%)" in html
    monday = response.context["rows"][0]["validation"]
    assert monday["pickup"] == pytest.approx(100 * stored["pickup"]["mean"])
    assert f"{monday['pickup']:.1f}\u00a0%".replace(".", ",") in html


def test_it_shows_the_progress_while_the_worker_computes(client_for, platform):
    client = client_for("maud")
    response = client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()})
    assert response.status_code == 302
    # The database queue: queued, not run (no worker in the test).
    computation = PlanComputation.objects.get(day=MARCH_2)
    assert computation.status == PlanComputation.Status.PENDING
    assert not DayPlan.objects.exists()
    html = day_page(client).content.decode()
    assert "Calcul en cours…" in html
    assert 'hx-trigger="every 2s"' in html
    week = client.get(reverse("planning:week"), {"jour": "2026-03-04"}).content.decode()
    assert week.count("Calcul en cours…") == 1 and week.count(">Calculer</button>") == 4
    status = client.get(reverse("planning:plan_status"), {"jour": MARCH_2.isoformat()})
    assert "Calcul en cours…" in status.content.decode()
    assert "HX-Refresh" not in status.headers
    # Asked again while it waits: not queued twice.
    again = client.post(reverse("planning:optimise"), {"jour": MARCH_2.isoformat()}, follow=True)
    assert "Le plan du 02/03/2026 est déjà en cours de calcul." in again.content.decode()
    assert PlanComputation.objects.count() == 1
    compute_day_plan.call(MARCH_2.isoformat(), False)  # what the worker does
    status = client.get(reverse("planning:plan_status"), {"jour": MARCH_2.isoformat()})
    assert status.headers["HX-Refresh"] == "true"
    assert PlanComputation.objects.get().status == PlanComputation.Status.DONE
    html = day_page(client).content.decode()
    assert "Plan optimisé (CP-SAT)" in html and "Calcul en cours" not in html


def test_a_computation_whose_worker_died_is_queued_again(client_for, platform):
    client = client_for("maud")
    url = reverse("planning:optimise")
    client.post(url, {"jour": MARCH_2.isoformat()})
    stale = timezone.now() - services.STALE_AFTER - dt.timedelta(seconds=1)
    PlanComputation.objects.update(status=PlanComputation.Status.RUNNING, requested_at=stale)
    html = client.post(url, {"jour": MARCH_2.isoformat()}, follow=True).content.decode()
    assert "Calcul du plan du 02/03/2026 lancé" in html
    assert PlanComputation.objects.get().status == PlanComputation.Status.PENDING


def test_it_refuses_to_queue_a_closed_day(client_for, platform):
    response = client_for("maud").post(
        reverse("planning:optimise"), {"jour": "2026-03-07"}, follow=True
    )
    assert (
        "Le 07/03/2026 est fermé (week-end ou jour férié) : pas de plan."
        in response.content.decode()
    )
    assert not PlanComputation.objects.exists()


def _lunch_starts(payload):
    return {a["name"]: a["quarters"].index("L") for a in payload["agents"]}


def test_it_shows_the_lunch_window_and_why_a_lunch_left_the_note_slot(
    client_for, platform, run_tasks
):
    client = client_for("maud")
    html = day_page(client).content.decode()
    # Before optimising, the A/B day: every lunch at the group's slot, the window shown.
    assert "Déjeuners autorisés entre 11h30 et 14h00" in html
    assert "A 11h45–12h45, B 12h45–13h45" in html
    assert "0 agents sur 5 ne déjeunent pas au créneau de leur groupe" in html
    optimise(run_tasks, client)
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


def test_a_manager_can_require_the_note_lunch_slots(client_for, platform, run_tasks):
    client = client_for("maud")
    response = optimise(run_tasks, client, creneaux_note="1")
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


def test_a_stored_plan_is_shown_with_its_own_inputs_without_reading_the_history(
    client_for, platform, run_tasks, monkeypatch
):
    client = client_for("maud")
    optimise(run_tasks, client)
    before = day_page(client).context

    def no_history(*args, **kwargs):
        raise AssertionError("history read for a stored plan")

    monkeypatch.setattr(selectors, "day_inputs", no_history)
    monkeypatch.setattr(selectors, "call_history", no_history)
    response = day_page(client)
    assert response.status_code == 200
    assert response.context["chart"] == before["chart"]
    assert response.context["validation"] == before["validation"]
    assert response.context["pickup_percent"] == before["pickup_percent"]
    what_if = client.get(reverse("planning:what_if"), {"jour": MARCH_2.isoformat(), "ajouter": "1"})
    assert what_if.status_code == 200 and what_if.context["whatif"].agents == 6
