"""Supervision from plan to signed debrief through the pages, and the refusals of the issue:
weights not adding up, an item outside the sample, a transcription edited after signature."""

import datetime as dt

import pytest
import time_machine

from pfspilot.supervision import services
from pfspilot.supervision.models import (
    Criterion,
    Evaluation,
    Grid,
    Reminder,
    SampleItem,
    Supervision,
)
from tests.conftest import make_user
from tests.supervision.factories import activity

TODAY = dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC)


def answers_for(kind, *, fail_critical=False):
    grid = Grid.objects.get(kind=kind, active=True)
    result = {}
    for c in Criterion.objects.filter(section__grid=grid):
        result[f"c{c.pk}"] = "ko" if (fail_critical and c.critical) else "ok"
    return result


@pytest.fixture
def planned(personas, client_for):
    alice = personas["alice"]
    activity(alice, start=dt.date(2027, 1, 4), days=12)
    with time_machine.travel(TODAY, tick=False):
        response = client_for("sam").post("/supervision/", {"semester": "2027-S1"})
    assert response.status_code == 302
    Supervision.objects.filter(agent=alice).update(day=dt.date(2027, 1, 22))
    return Supervision.objects.get(agent=alice)


@time_machine.travel(TODAY, tick=False)
def test_from_plan_to_acknowledged_debrief(planned, personas, client, client_for):
    s = planned
    supervisor = client_for("sam")
    board = supervisor.get("/supervision/?semestre=2027-S1").content.decode()
    assert "Avancement par équipe" in board
    assert supervisor.post(f"/supervision/{s.pk}/echantillon/", {"seed": "3"}).status_code == 302
    s.refresh_from_db()
    assert s.sample_seed == 3 and s.sample_criteria["sizes"]["calls"] == 6
    calls = list(s.items.filter(kind="appel"))
    assert len(calls) == 6 and len({c.day for c in calls}) == 6
    for i, item in enumerate(calls[:3]):
        data = answers_for("appel", fail_critical=i == 0)
        response = supervisor.post(f"/supervision/{s.pk}/elements/{item.pk}/", data)
        assert response.status_code == 302, response.content.decode()[:500]
    failed = Evaluation.objects.get(item=calls[0])
    assert failed.failed_critical and not failed.passed and failed.score > 50
    assert Evaluation.objects.filter(passed=True).count() == 2
    # Blind calibration by the manager: sees nothing before scoring, then the divergence.
    manager = client_for("maud")
    page = manager.get(f"/supervision/{s.pk}/elements/{calls[0].pk}/").content.decode()
    assert "Calibrage : réponses" not in page
    manager.post(f"/supervision/{s.pk}/elements/{calls[0].pk}/", answers_for("appel"))
    page = manager.get(f"/supervision/{s.pk}/elements/{calls[0].pk}/").content.decode()
    assert "Calibrage : réponses" in page and "50,0\u00a0%" in page
    # Debrief, sign, then editing is refused.
    supervisor.post(
        f"/supervision/{s.pk}/debriefing/",
        {"debrief_on": "2027-01-22", "transcription": "Bonne écoute ; identification à revoir."},
    )
    assert supervisor.post(f"/supervision/{s.pk}/signature/").status_code == 302
    refused = supervisor.post(
        f"/supervision/{s.pk}/debriefing/", {"debrief_on": "2027-01-22", "transcription": "Autre"}
    )
    assert refused.status_code == 400
    assert "ne peut plus être modifiée" in refused.content.decode()
    s.refresh_from_db()
    assert s.transcription.startswith("Bonne écoute") and s.is_signed
    # The agent acknowledges with a comment; the PDF is printable.
    agent = client_for("alice")
    response = agent.post(f"/supervision/{s.pk}/prise-de-connaissance/", {"comment": "Compris."})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.acknowledged_at and s.agent_comment == "Compris."
    pdf = agent.get(f"/supervision/{s.pk}/compte-rendu.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert s.history.count() >= 4


@time_machine.travel(TODAY, tick=False)
def test_an_item_outside_the_sample_is_refused(planned, personas):
    other = make_user("autre", "teleconseiller", "fi", personas["alice"].team)
    activity(other)
    services.store_sample(planned, seed=1, by=personas["sam"])
    foreign = SampleItem.objects.create(
        supervision=Supervision.objects.create(
            campaign=planned.campaign,
            agent=other,
            supervisor=personas["sam"],
            team=other.team,
            day=dt.date(2027, 2, 1),
        ),
        kind="appel",
        item_id="hors",
        mission="telephone",
        day=dt.date(2027, 1, 5),
        position=0,
    )
    with pytest.raises(services.SupervisionError, match="pas dans l'échantillon"):
        services.evaluate(planned, foreign.pk, personas["sam"], {})
    assert Evaluation.objects.count() == 0


def test_evaluated_items_are_never_drawn_again(planned, personas):
    services.store_sample(planned, seed=1, by=personas["sam"])
    first = planned.items.filter(kind="appel").first()
    answers = {int(k[1:]): v for k, v in answers_for("appel").items()}
    services.evaluate(planned, first.pk, personas["sam"], answers)
    samples = services.draw(
        personas["alice"], dt.date(2027, 1, 1), dt.date(2027, 1, 31), {"appel": 50}, 1
    )
    assert first.item_id not in {d.id for d in samples["appel"].items}


def test_grid_weights_must_add_up(db):
    bad = [
        {"title": "A", "weight": 60, "criteria": [{"label": "x", "weight": 100}]},
        {"title": "B", "weight": 30, "criteria": [{"label": "y", "weight": 100}]},
    ]
    with pytest.raises(services.SupervisionError, match="font 90 % au lieu de 100 %"):
        services.create_grid("Essai", "appel", bad)
    assert not Grid.objects.filter(name="Essai").exists()
    good = [{"title": "A", "weight": 100, "criteria": [{"label": "x", "weight": 100}]}]
    assert services.create_grid("Écoute d'appel", "appel", good).version == 2
    assert Grid.objects.filter(kind="appel", active=True).get().version == 2


def test_reminders_are_shown_until_acknowledged(personas, client_for):
    client_for("sam").post("/supervision/rappels/", {"title": "Consigne CMG", "body": "Vérifier"})
    reminder = Reminder.objects.get()
    agent = client_for("alice")
    assert "1 rappel de consigne non lu" in agent.get("/poste/").content.decode()
    agent.post(f"/supervision/rappels/{reminder.pk}/lu/")
    assert "rappel de consigne non lu" not in agent.get("/poste/").content.decode()
    file = client_for("sam").get(f"/supervision/agents/{personas['alice'].pk}/").content.decode()
    assert "Rappels de consigne lus" in file


@time_machine.travel(TODAY, tick=False)
def test_coverage_lists_missing_missions(planned, client_for):
    page = client_for("maud").get("/supervision/couverture/?annee=2027").content.decode()
    assert "Téléphone, Courriels, PIRA, Rappels" in page


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_training_days_in_groups_keep_phones_covered(personas, client_for):
    manager = client_for("maud")
    response = manager.post(
        "/supervision/formations/?annee=2027",
        {
            "action": "groups",
            "year": "2027",
            "first_start": "09:00",
            "first_end": "11:00",
            "second_start": "14:00",
            "second_end": "16:00",
        },
    )
    assert response.status_code == 302
    from pfspilot.planning.models import TrainingSession

    sessions = TrainingSession.objects.filter(day=dt.date(2027, 3, 18))
    assert sessions.count() == 2
    sizes = sorted(s.participants.count() for s in sessions)
    assert sizes == [1, 1]  # alice and bob, one per group
    page = manager.get("/supervision/formations/?annee=2027").content.decode()
    assert "18/03/2027" in page and "50,0\u00a0%" in page
    closed = manager.get("/supervision/formations/?annee=2027&jour=2027-01-02").content.decode()
    assert "Décroché attendu le 02/01/2027" in closed and "fermé" in closed
    refused = manager.post("/supervision/formations/", {"action": "workshop", "title": "CMG"})
    assert refused.status_code == 400 and "errorlist" in refused.content.decode()


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_a_training_group_that_leaves_no_lunch_is_refused(personas, client_for):
    from pfspilot.planning.models import TrainingSession

    data = {"action": "groups", "year": "2027", "first_start": "11:00", "first_end": "14:30"}
    refused = client_for("maud").post("/supervision/formations/?annee=2027", data)
    assert refused.status_code == 400
    assert "ne laisse aucun horaire de déjeuner possible" in refused.content.decode()
    assert not TrainingSession.objects.exists()


def test_a_grid_whose_weights_do_not_add_up_is_refused_on_the_page(personas, client_for):
    sam = client_for("sam")
    text = "Accueil ; 40\n- Présentation ; 100 ; normal ; qualite\nRéponse ; 50\n- Exacte ; 100 ; critique"
    data = {"name": "Essai", "kind": "appel", "pass_mark": "60", "text": text}
    refused = sam.post("/supervision/grilles/", data)
    assert refused.status_code == 400
    assert "font 90 % au lieu de 100 %" in refused.content.decode()
    assert not Grid.objects.filter(name="Essai").exists()
    data["text"] = text.replace("Réponse ; 50", "Réponse ; 60")
    assert sam.post("/supervision/grilles/", data).status_code == 302
    grid = Grid.objects.get(name="Essai")
    assert (
        grid.version == 1
        and Criterion.objects.filter(section__grid=grid, critical=True).count() == 1
    )
    assert "Essai" in sam.get("/supervision/grilles/").content.decode()


def test_training_in_groups_keeps_the_expected_pickup_up(personas):
    """The same day inputs as the day plan; only the training windows differ."""
    from pfspilot.planning.models import TrainingSession
    from pfspilot.supervision import selectors
    from tests.planning.dayplan_data import TRAINING_THURSDAY, make_agents, make_history

    make_history()
    make_agents()
    agents = [a for a, _team in selectors.agents_on(TRAINING_THURSDAY)]
    halves = (agents[::2], agents[1::2])
    for number, (start, end) in enumerate(((dt.time(9), dt.time(11)), (dt.time(14), dt.time(16)))):
        session = TrainingSession.objects.create(
            kind="formation", day=TRAINING_THURSDAY, start=start, end=end, group=number + 1
        )
        session.participants.set(halves[number])
    effect = selectors.training_effect(TRAINING_THURSDAY)
    assert effect.error == ""
    assert effect.groups > effect.everyone
    assert selectors.training_effect(dt.date(2027, 1, 2)).error  # a Saturday: no plan
