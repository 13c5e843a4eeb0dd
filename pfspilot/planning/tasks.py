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


@task()
def compute_capacity(year: int, today: str, version: str) -> dict:
    """Computes and stores the capacity page of `year` as of `today` (ISO date) for the inputs
    `version`; the page polls the year's `CapacityResult` meanwhile."""
    from .services import capacity_computation_run

    result = capacity_computation_run(
        year=year, today=dt.date.fromisoformat(today), version=version
    )
    return {"status": str(result.status), "error": result.error}
