"""Object scopes: an agent sees their own records, an assistant superviseur their team's,
managers, direction and administrators all (`visible_to`), and `get_object_for_user` answers
404 outside the scope, 403 when the record is visible but the action is not allowed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from pfspilot.contacts.models import AgentActivity, Call, Email
from pfspilot.people.access import get_object_for_user
from pfspilot.people.models import Role, Team, User
from tests.conftest import make_user

ARRIVAL = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def lens(db):
    """A second team, with its own agent and assistant superviseur."""
    team = Team.objects.create(name="Équipe Lens")
    return {
        "team": team,
        "lena": make_user("lena", Role.AGENT, "confirme", team),
        "sylvain": make_user("sylvain", Role.SUPERVISOR, "", team),
    }


def _call(n, agent, team):
    return Call.objects.create(
        source="test", source_id=f"c{n}", arrival=ARRIVAL, agent=agent, team=team, outcome="A"
    )


@pytest.fixture
def calls(personas, team, lens):
    """One answered call per agent (alice, bob, rita in Arras; lena in Lens) and one IVR call."""
    return {
        "alice": _call(1, personas["alice"], team),
        "bob": _call(2, personas["bob"], team),
        "rita": _call(3, personas["rita"], team),
        "lena": _call(4, lens["lena"], lens["team"]),
        "ivr": _call(5, None, None),
    }


# Expected visible calls per persona: own for agents and experts, team for the assistant
# superviseur (Arras: alice, bob, rita), all five for managers, direction and administrators.
EXPECTED_CALLS = {
    "alice": {"alice"},
    "bob": {"bob"},
    "rita": {"rita"},
    "eric": set(),
    "sam": {"alice", "bob", "rita"},
    "maud": {"alice", "bob", "rita", "lena", "ivr"},
    "diane": {"alice", "bob", "rita", "lena", "ivr"},
    "adam": {"alice", "bob", "rita", "lena", "ivr"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_CALLS))
def test_calls_visible_to_each_role(personas, calls, persona):
    names = {calls[k].pk: k for k in calls}
    visible = {
        names[pk] for pk in Call.objects.visible_to(personas[persona]).values_list("pk", flat=True)
    }
    assert visible == EXPECTED_CALLS[persona]


def test_the_other_teams_supervisor_sees_that_team_only(calls, lens):
    visible = Call.objects.visible_to(lens["sylvain"])
    assert list(visible) == [calls["lena"]]


def test_a_supervisor_without_team_sees_only_their_own(personas, calls):
    sam = personas["sam"]
    sam.team = None
    sam.save()
    assert not Call.objects.visible_to(sam).exists()


def test_anonymous_sees_nothing(calls):
    from django.contrib.auth.models import AnonymousUser

    assert not Call.objects.visible_to(AnonymousUser()).exists()
    assert not User.objects.visible_to(None).exists()


def test_the_record_keeps_the_team_it_was_handled_in(personas, lens, team):
    # Alice answered this call while in Lens; she sees it, Arras's supervisor does not, Lens's does.
    old = _call(9, personas["alice"], lens["team"])
    assert old in Call.objects.visible_to(personas["alice"])
    assert old not in Call.objects.visible_to(personas["sam"])
    assert old in Call.objects.visible_to(lens["sylvain"])


def test_emails_and_activity_follow_the_same_scopes(personas, team, lens):
    received = ARRIVAL
    Email.objects.create(
        source="t",
        source_id="e1",
        received_at=received,
        kind="niveau1",
        agent=personas["alice"],
        team=team,
    )
    Email.objects.create(
        source="t",
        source_id="e2",
        received_at=received,
        kind="niveau1",
        agent=lens["lena"],
        team=lens["team"],
    )
    for user, t in (
        (personas["alice"], team),
        (personas["bob"], team),
        (lens["lena"], lens["team"]),
    ):
        AgentActivity.objects.create(
            agent=user,
            agent_code=user.username,
            team=t,
            day=dt.date(2026, 3, 2),
            phone_s=3600,
            email_s=600,
        )

    def codes(queryset, persona):
        user = personas.get(persona) or lens[persona]
        return sorted(queryset.visible_to(user).values_list("agent__username", flat=True))

    assert codes(Email.objects, "alice") == ["alice"]
    assert codes(Email.objects, "sam") == ["alice"]
    assert codes(Email.objects, "maud") == ["alice", "lena"]
    assert codes(AgentActivity.objects, "bob") == ["bob"]
    assert codes(AgentActivity.objects, "sam") == ["alice", "bob"]
    assert codes(AgentActivity.objects, "sylvain") == ["lena"]
    assert codes(AgentActivity.objects, "diane") == ["alice", "bob", "lena"]


@pytest.mark.parametrize(
    "persona,expected",
    [
        ("alice", {"alice"}),
        ("eric", {"eric"}),
        ("sam", {"alice", "bob", "sam", "maud", "diane", "adam", "rita", "eric"}),
        (
            "maud",
            {"alice", "bob", "sam", "maud", "diane", "adam", "rita", "eric", "lena", "sylvain"},
        ),
    ],
)
def test_people_visible_to_each_role(personas, lens, persona, expected):
    visible = set(User.objects.visible_to(personas[persona]).values_list("username", flat=True))
    assert visible == expected


def test_get_object_outside_the_scope_is_404(personas, calls):
    with pytest.raises(Http404):
        get_object_for_user(personas["sam"], Call, pk=calls["lena"].pk)
    with pytest.raises(Http404):
        get_object_for_user(personas["maud"], Call, pk=10**9)  # missing: same answer


def test_get_object_in_scope_without_the_action_is_403(personas, calls):
    alice = personas["alice"]
    assert get_object_for_user(alice, Call, pk=calls["alice"].pk) == calls["alice"]
    with pytest.raises(PermissionDenied, match="Prendre en charge une demande de niveau 2"):
        get_object_for_user(alice, Call, action="request.claim", pk=calls["alice"].pk)
    # Out of scope wins over the action: the record's existence is not revealed.
    with pytest.raises(Http404):
        get_object_for_user(alice, Call, action="request.claim", pk=calls["bob"].pk)


def test_get_object_with_an_allowed_action(personas, calls):
    sam = personas["sam"]
    got = get_object_for_user(sam, Call.objects.all(), action="urgency.claim", pk=calls["bob"].pk)
    assert got == calls["bob"]


def test_get_object_with_an_unknown_action_is_a_programming_error(personas, calls):
    with pytest.raises(KeyError):
        get_object_for_user(personas["adam"], Call, action="appel.effacer", pk=calls["bob"].pk)


@pytest.mark.parametrize(
    "viewer,target,status",
    [
        ("alice", "alice", 200),
        ("alice", "bob", 404),
        ("eric", "alice", 404),
        ("sam", "bob", 200),
        ("sam", "lena", 404),
        ("maud", "lena", 200),
        ("diane", "sylvain", 200),
    ],
)
def test_person_page_is_scoped(client, personas, lens, viewer, target, status):
    users = personas | {k: v for k, v in lens.items() if k != "team"}
    client.force_login(users[viewer])
    response = client.get(reverse("people:detail", kwargs={"pk": users[target].pk}))
    assert response.status_code == status


def test_people_list_shows_the_scope(client, personas, lens):
    client.force_login(personas["alice"])
    page = client.get(reverse("people:list")).content.decode()
    assert ">alice<" in page and ">bob<" not in page
    client.force_login(personas["sam"])
    page = client.get(reverse("people:list")).content.decode()
    assert ">bob<" in page and ">lena<" not in page
    client.force_login(personas["maud"])
    assert ">lena<" in client.get(reverse("people:list")).content.decode()
