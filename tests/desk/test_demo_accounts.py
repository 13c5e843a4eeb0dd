"""`pfspilot demo --accounts-only`: accounts and teams for tests and scripts, no demo year."""

import pytest
from django.core.management import call_command

from pfspilot.contacts.models import Call, Email
from pfspilot.people.demo import DEMO_PASSWORD, DEMO_TEAMS
from pfspilot.people.models import Role, Team, User


@pytest.mark.django_db
def test_accounts_only_creates_the_accounts_and_teams_without_the_year(capsys):
    call_command("demo", "--accounts-only")
    call_command("demo", "--accounts-only")  # idempotent
    assert set(Team.objects.values_list("name", flat=True)) == set(DEMO_TEAMS)
    expert = User.objects.get(username="expert")
    assert expert.role == Role.EXPERT and expert.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="manager").team is not None  # follow-ups reach a manager
    assert User.objects.filter(role=Role.AGENT).count() > 100
    assert not Call.objects.exists() and not Email.objects.exists()
    assert "expert" in capsys.readouterr().out
