"""Background jobs of the contacts app (database-backed queue, worker `pfspilot db_worker`)."""

from pathlib import Path

from django_tasks import task

from .models import ImportBatch


@task()
def run_import(batch_id: int) -> dict:
    """Runs an uploaded import; the batch records its progress for the page to poll."""
    from .services import discard_upload, reap_stale_batches, run_batch

    # A worker starting a job also closes the batches of a worker that died before it.
    reap_stale_batches()
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status != ImportBatch.Status.PENDING:
        # Already run (a retry queued twice) or gone: nothing to do, idempotent.
        return {"status": batch.status if batch else "absent", "inserted": 0}
    try:
        report = run_batch(batch=batch)
    finally:
        # Uploads hold raw caller identifiers: once read, only the fingerprints are kept.
        discard_upload(Path(batch.stored_path))
    return {"status": str(report.status), "inserted": report.inserted}
