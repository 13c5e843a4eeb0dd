"""The work-item mechanism: one owner by compare-and-set, lease, release, reassign, close,
history of each write. Exercised on the urgency and level-2 request kinds."""

import datetime as dt

import pytest
from django.utils import timezone

from pfspilot.desk.models import Level2Request, Urgency
from pfspilot.engine.deadlines import PARIS
from pfspilot.people.models import Role
from pfspilot.workitems import services
from pfspilot.workitems.services import AlreadyHeld, WorkItemError
from tests.conftest import make_user
from tests.desk.factories import request_for, urgency_for


@pytest.fixture
def urgency(personas):
    return urgency_for(personas["alice"])


def test_it_gives_the_item_to_the_first_claimant_only(personas, urgency):
    item = services.claim(urgency, personas["sam"])
    assert item.assignee == personas["sam"]
    assert item.status == Urgency.CLAIMED
    with pytest.raises(AlreadyHeld) as error:
        services.claim(urgency, personas["maud"])
    assert error.value.status == 409
    assert "Déjà pris en charge par Sam" in error.value.message
    urgency.refresh_from_db()
    assert urgency.assignee == personas["sam"]


def test_claiming_again_by_the_holder_is_harmless(personas, urgency):
    services.claim(urgency, personas["sam"])
    assert services.claim(urgency, personas["sam"]).assignee == personas["sam"]


def test_an_expired_lease_frees_the_item(personas, monkeypatch):
    monkeypatch.setattr(Level2Request, "LEASE", dt.timedelta(minutes=10))
    item = request_for(personas["alice"])
    start = timezone.now()
    services.claim(item, personas["eric"], now=start)
    other = make_user("erwan", Role.EXPERT)
    with pytest.raises(AlreadyHeld):
        services.claim(item, other, now=start + dt.timedelta(minutes=9))
    # 11 minutes later the 10-minute lease has run out: the other expert may take it.
    taken = services.claim(item, other, now=start + dt.timedelta(minutes=11))
    assert taken.assignee == other


def test_only_the_holder_releases(personas, urgency):
    services.claim(urgency, personas["sam"])
    with pytest.raises(AlreadyHeld):
        services.release(urgency, personas["maud"])
    item = services.release(urgency, personas["sam"])
    assert item.assignee is None and item.status == Urgency.NEW
    assert services.claim(urgency, personas["maud"]).assignee == personas["maud"]


def test_a_supervisor_reassigns_whoever_holds_it(personas, urgency):
    services.claim(urgency, personas["sam"])
    item = services.reassign(urgency, personas["maud"], by=personas["adam"])
    assert item.assignee == personas["maud"]


def test_close_needs_the_holder_and_a_closing_status(personas, urgency):
    with pytest.raises(AlreadyHeld):
        services.close(urgency, personas["sam"], status="close")
    services.claim(urgency, personas["sam"])
    with pytest.raises(WorkItemError):
        services.close(urgency, personas["sam"], status="nouvelle")
    item = services.close(urgency, personas["sam"], status="close", commitment_kept=True)
    assert item.is_closed and item.closed_at is not None and item.commitment_kept is True
    with pytest.raises(WorkItemError) as error:
        services.claim(urgency, personas["maud"])
    assert error.value.status == 409
    assert "clos" in error.value.message


def test_each_write_leaves_a_line_of_history_with_its_author(personas, urgency):
    services.claim(urgency, personas["sam"])
    services.release(urgency, personas["sam"])
    services.claim(urgency, personas["maud"])
    lines = list(urgency.history.order_by("history_date", "history_id"))
    assert [line.history_type for line in lines] == ["+", "~", "~", "~"]
    assert [line.history_user for line in lines[1:]] == [
        personas["sam"],
        personas["sam"],
        personas["maud"],
    ]
    assert [line.assignee_id for line in lines[1:]] == [
        personas["sam"].pk,
        None,
        personas["maud"].pk,
    ]


def test_due_date_comes_from_the_one_deadline_clock():
    # Friday 2026-03-06 15:00 Paris + 2 working days (business clock, 24 h per working day):
    # Friday 15:00 → Monday 15:00 (1 day) → Tuesday 2026-03-10 15:00 (2 days).
    created = dt.datetime(2026, 3, 6, 15, 0, tzinfo=PARIS)
    due = services.due_date(created, amount=2, unit="days", clock="business")
    assert due.isoformat() == "2026-03-10T15:00:00+01:00"


def test_visible_to_follows_the_scopes(personas):
    mine = request_for(personas["alice"])
    other_team = request_for(make_user("zoe", Role.AGENT))
    assert list(Level2Request.objects.visible_to(personas["alice"])) == [mine]
    # Experts work the whole queue; the supervisor sees their team's.
    assert set(Level2Request.objects.visible_to(personas["eric"])) == {mine, other_team}
    assert list(Level2Request.objects.visible_to(personas["sam"])) == [mine]


def _concrete_work_items():
    from django.apps import apps

    from pfspilot.workitems.models import WorkItem

    return [m for m in apps.get_models() if issubclass(m, WorkItem)]


def test_every_kind_of_work_item_labels_its_statuses_in_french():
    """Without choices on `status`, `get_status_display` did not exist: the pages showed
    nothing (« Rappel différé (, échéance … ») and the queues the raw code (« nouvelle »)."""
    kinds = _concrete_work_items()
    assert {m.__name__ for m in kinds} >= {"Level2Request", "Urgency", "FollowUp"}
    for model in kinds:
        labels = dict(model._meta.get_field("status").choices or ())
        for status in (model.NEW, model.CLAIMED, *model.CLOSED_STATUSES):
            assert status in labels, (model.__name__, status)
            assert str(labels[status]) != status, (model.__name__, status)
        history = model.history.model._meta.get_field("status")
        assert dict(history.choices or ()) == labels  # the history shows the labels too


def test_an_item_and_its_history_line_show_the_french_status(personas, urgency):
    assert urgency.get_status_display() == "Nouvelle"
    item = services.claim(urgency, personas["sam"])
    assert item.get_status_display() == "Prise en charge"
    assert item.history.first().get_status_display() == "Prise en charge"
    closed = services.close(item, personas["sam"], status="close", commitment_kept=True)
    assert closed.get_status_display() == "Close"
    assert request_for(personas["alice"]).get_status_display() == "Nouveau"
