"""Background jobs of the contacts app (database-backed queue, worker `pfspilot db_worker`)."""

from pathlib import Path

from django_tasks import task

from .models import ImportBatch


@task()
def run_import(batch_id: int) -> dict:
    """Runs an uploaded import; the batch records its progress for the page to poll."""
    from .services import reap_stale_batches, run_batch

    # A worker starting a job also closes the batches of a worker that died before it.
    reap_stale_batches()
    batch = ImportBatch.objects.get(pk=batch_id)
    try:
        report = run_batch(batch=batch)
    finally:
        # Uploads hold raw caller identifiers: once read, only the fingerprints are kept.
        Path(batch.stored_path).unlink(missing_ok=True)
    return {"status": str(report.status), "inserted": report.inserted}
