"""Demo accounts: one per role, the level-2 expert included, outside the platform's teams."""

import pytest

from pfspilot.people import demo
from pfspilot.people.models import Role, User


@pytest.mark.django_db
def test_there_is_a_demo_account_for_every_role():
    demo.load()
    demo.load()  # a second run changes nothing
    accounts = User.objects.filter(username__in=[a[0] for a in demo.DEMO_ACCOUNTS])
    assert set(accounts.values_list("role", flat=True)) == set(Role.values)
    expert = User.objects.get(username="expert")
    assert expert.role == Role.EXPERT and expert.team is None
    assert expert.check_password(demo.DEMO_PASSWORD)


def test_the_account_list_names_the_expert():
    lines = []
    demo.print_accounts(lines.append)
    assert any("expert" in line and "Expert (niveau 2)" in line for line in lines)
