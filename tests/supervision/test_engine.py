"""engine/supervision.py: the campaign model (balance, own team, spread), the stratified
draw, the scores."""

import datetime as dt

import pytest

from pfspilot.engine import supervision as engine

DAYS = [dt.date(2027, 1, 4) + dt.timedelta(days=i) for i in range(60)]


def person(pk, team, days=DAYS):
    return engine.Person(pk, team, frozenset(days))


def test_semester_bounds_and_french_refusal():
    assert engine.semester_bounds("2027-S2") == (dt.date(2027, 7, 1), dt.date(2027, 12, 31))
    with pytest.raises(ValueError, match="AAAA-S1 ou AAAA-S2"):
        engine.semester_bounds("2027-S3")


def test_every_agent_once_loads_within_one_own_team_first():
    agents = [person(i, "Nord" if i % 2 else "Sud") for i in range(1, 12)]
    sups = [person(100, "Nord"), person(101, "Sud"), person(102, "")]
    plan = engine.plan_campaign(agents, sups, DAYS)
    assert sorted(a.agent for a in plan) == list(range(1, 12))
    loads = [sum(1 for a in plan if a.supervisor == s.id) for s in sups]
    assert max(loads) - min(loads) <= 1
    # One supervision a day per supervisor, and spread: not all in the first weeks.
    assert len({(a.supervisor, a.day) for a in plan}) == len(plan)
    assert max(a.day for a in plan) - min(a.day for a in plan) > dt.timedelta(days=30)
    own = sum(
        1
        for a in plan
        if a.supervisor in (100, 101) and (a.agent % 2 == 1) == (a.supervisor == 100)
    )
    assert own >= 7  # the two team supervisors take their own team's agents


def test_presence_is_respected_and_fixed_rows_are_kept():
    late = person(1, "Nord", DAYS[40:])  # arrives mid-semester
    other = person(2, "Nord")
    sup = person(100, "Nord", DAYS[::2])
    fixed = [engine.Assignment(2, 100, DAYS[0])]
    plan = engine.plan_campaign([late, other], [sup], DAYS, fixed=fixed)
    assert [a.agent for a in plan] == [1]
    assert plan[0].day in late.days & sup.days


def test_no_common_day_is_a_french_error():
    with pytest.raises(engine.PlanningError, match="aucun jour de présence commun"):
        engine.plan_campaign([person(1, "", DAYS[:2])], [person(9, "", DAYS[5:])], DAYS)
    with pytest.raises(engine.PlanningError, match="aucun assistant superviseur"):
        engine.plan_campaign([person(1, "")], [], DAYS)


def calls():
    return [
        engine.Candidate(f"c{i}", DAYS[i % 7], f"M{i % 3}", float(60 + 30 * i)) for i in range(30)
    ]


def test_draw_is_reproducible_stratified_and_says_when_short():
    first = engine.draw_sample(calls(), 6, seed=7)
    again = engine.draw_sample(list(reversed(calls())), 6, seed=7)
    assert [d.id for d in first.items] == [d.id for d in again.items]
    assert sorted(d.band for d in first.items) == [0, 0, 1, 1, 2, 2]
    assert len({d.day for d in first.items}) == 6
    assert len({d.motif for d in first.items}) == 3
    assert engine.draw_sample(calls(), 6, seed=8).items != first.items
    short = engine.draw_sample(calls()[:4], 6, seed=7)
    assert len(short.items) == 4 and short.short == 2


def test_draw_never_takes_an_excluded_item():
    taken = {f"c{i}" for i in range(25)}
    sample = engine.draw_sample(calls(), 6, seed=1, exclude=taken)
    assert {d.id for d in sample.items} == {f"c{i}" for i in range(25, 30)}
    assert sample.short == 1


def test_scores_weights_not_applicable_and_critical():
    marks = [
        engine.Mark(50, 50, False, "ok"),
        engine.Mark(50, 50, False, "ko"),
        engine.Mark(50, 100, False, "na"),
    ]
    assert engine.score_item(marks).score == pytest.approx(50)
    critical = [engine.Mark(100, 90, False, "ok"), engine.Mark(100, 10, True, "ko")]
    result = engine.score_item(critical, pass_mark=60)
    assert result.score == pytest.approx(90) and result.failed_critical and not result.passed
    assert engine.score_item([engine.Mark(100, 100, True, "na")]).score is None
    assert engine.weights_add_up([40, 60]) and not engine.weights_add_up([40, 50])
    assert engine.divergence(["ok", "ok", "ko", "ok"]) == pytest.approx(0.25)
    assert engine.divergence(["ok"]) is None


def test_training_groups_keep_every_team_on_the_phones():
    agents = [(i, "Nord" if i < 7 else "Sud") for i in range(12)]
    groups = engine.training_groups(agents, 2)
    assert sorted(sum(groups, [])) == list(range(12))
    assert abs(len(groups[0]) - len(groups[1])) <= 1
    for team in ("Nord", "Sud"):
        members = {a for a, t in agents if t == team}
        assert all(members - set(g) for g in groups)  # never a whole team in training
