"""Background jobs of the planning app (database-backed queue, worker `pfspilot db_worker`)."""

import datetime as dt

from django_tasks import task


@task()
def compute_day_plan(day: str, note_lunches_only: bool = False) -> dict:
    """Solves, validates by simulation and stores the plan of `day` (ISO date); the page polls
    the day's `PlanComputation` meanwhile."""
    from .services import plan_computation_run

    computation = plan_computation_run(
        day=dt.date.fromisoformat(day), note_lunches_only=note_lunches_only
    )
    return {"status": str(computation.status), "error": computation.error}
