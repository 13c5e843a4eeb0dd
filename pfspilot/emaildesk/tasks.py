"""Background jobs of the email desk (database-backed queue, worker `pfspilot db_worker`)."""

import datetime as dt

from django_tasks import task


@task()
def refresh_email_days(start: str, end: str) -> int:
    """Rebuilds the dashboard sums of the days an answer changed (ISO dates [start, end])."""
    from pfspilot.indicators.services import refresh_aggregates

    return refresh_aggregates(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
