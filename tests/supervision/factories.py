"""Data of supervision for tests: activity of an agent, a planned supervision visible to a user."""

import datetime as dt
import itertools

from pfspilot.contacts.models import Call, Email, EmailKind, Outcome
from pfspilot.desk.models import Level2Request, RequestKind
from pfspilot.people.models import Role, User
from pfspilot.supervision.models import Campaign, Supervision
from tests.desk.factories import record_for
from tests.timeutil import paris

_ids = itertools.count(1)


def activity(agent, *, days=10, start=dt.date(2027, 1, 4), per_day=3):
    """Answered calls (talk times rising), emails and PIRA/callback requests over `days` days."""
    for d in range(days):
        day = start + dt.timedelta(days=d)
        for k in range(per_day):
            n = next(_ids)
            Call.objects.create(
                source="test",
                source_id=f"A{n}",
                arrival=paris(day.year, day.month, day.day, 9 + k, 0),
                talk_s=60.0 + 40 * ((d * per_day + k) % 9),
                agent=agent,
                team=agent.team,
                motif=f"M{(d + k) % 4}",
                outcome=Outcome.ANSWERED,
            )
        Email.objects.create(
            source="test",
            source_id=f"E{next(_ids)}",
            received_at=paris(day.year, day.month, day.day, 8, 30),
            kind=EmailKind.LEVEL1,
            motif=f"M{d % 3}",
            agent=agent,
            team=agent.team,
        )
        if d % 2 == 0:
            request = Level2Request.objects.create(
                kind=RequestKind.PIRA if d % 4 == 0 else RequestKind.CALLBACK,
                record=record_for(agent),
                status=Level2Request.NEW,
                created_by=agent,
                team=agent.team,
                due_at=paris(day.year, day.month, day.day, 17, 0),
                due_rule="test",
                motif_code="CMG",
                motif_label="Le CMG",
            )
            Level2Request.objects.filter(pk=request.pk).update(
                created_at=paris(day.year, day.month, day.day, 10, 0)
            )


def supervision_for(user) -> Supervision:
    """A supervision visible to `user`: theirs for an agent, of their team otherwise."""
    campaign, _ = Campaign.objects.get_or_create(
        semester="2027-S1", defaults={"start": dt.date(2027, 1, 1), "end": dt.date(2027, 6, 30)}
    )
    if user.role in (Role.AGENT, Role.REINFORCEMENT):
        agent = user
    else:
        agent = User.objects.create(
            username=f"agent-s{next(_ids)}", role=Role.AGENT, team=user.team
        )
    supervisor = User.objects.filter(role__in=(Role.SUPERVISOR, Role.MANAGER)).first() or user
    supervision, _ = Supervision.objects.get_or_create(
        campaign=campaign,
        agent=agent,
        defaults={"supervisor": supervisor, "team": agent.team, "day": dt.date(2027, 3, 2)},
    )
    return supervision


def sample_item_for(user):
    from pfspilot.supervision.models import Mission, SampleItem

    supervision = supervision_for(user)
    item, _ = SampleItem.objects.get_or_create(
        supervision=supervision,
        kind="appel",
        item_id=f"X{supervision.pk}",
        defaults={"mission": Mission.PHONE, "day": dt.date(2027, 2, 1), "position": 0},
    )
    return item


def reminder():
    from pfspilot.supervision.models import Reminder

    author = User.objects.filter(role__in=(Role.SUPERVISOR, Role.MANAGER)).first()
    if author is None:
        author = User.objects.create(username=f"auteur-{next(_ids)}", role=Role.SUPERVISOR)
    return Reminder.objects.create(title="Consigne", body="Texte", created_by=author)
