"""Background jobs of the contacts app (database-backed queue, worker `pfspilot db_worker`)."""

from pathlib import Path

from django_tasks import task

from .models import ImportBatch


@task()
def run_import(batch_id: int) -> dict:
    """Runs an uploaded import, recording its progress on the batch for the page to poll."""
    from .services import run_batch

    batch = ImportBatch.objects.get(pk=batch_id)
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        # A write every 5 % is enough for a page polled every two seconds.
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            ImportBatch.objects.filter(pk=batch_id).update(progress=fraction, step=message[:100])

    try:
        report = run_batch(batch=batch, progress=progress)
    finally:
        # Uploads hold raw caller identifiers: once read, only the fingerprints are kept.
        Path(batch.stored_path).unlink(missing_ok=True)
    return {"status": str(report.status), "inserted": report.inserted}
