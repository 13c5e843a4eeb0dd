"""`pfspilot worker`: the background worker (`db_worker` of django-tasks-db) with a heartbeat.

Every HEARTBEAT_EVERY a thread records the worker's sign of life (`contacts.WorkerHeartbeat`),
read by `/sante/`; the import batches keep their own heartbeat while they run. Same options as
`pfspilot db_worker`. A worker killed stops beating: `/sante/` reports it once jobs wait.
"""

import threading

from django.db import DatabaseError, close_old_connections, connection
from django.utils.translation import gettext_lazy
from django_tasks_db.management.commands import db_worker

from pfspilot.cli import ProjectCommand
from pfspilot.contacts.selectors import HEARTBEAT_EVERY
from pfspilot.contacts.services import beat, worker_stopped


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str):
        super().__init__(name="pfspilot-heartbeat", daemon=True)
        self.worker_id, self.stopped = worker_id, threading.Event()

    def run(self):
        # The first beat is the command's own, before the loop starts.
        while not self.stopped.wait(HEARTBEAT_EVERY.total_seconds()):
            try:
                beat(self.worker_id)
            except DatabaseError:
                # A locked SQLite database (an import writing) or a lost connection: next time.
                pass
            finally:
                close_old_connections()
        connection.close()


class Command(ProjectCommand, db_worker.Command):
    help = gettext_lazy(
        "Traitement en arrière-plan (imports, plans de journée) avec signe de vie toutes les "
        "30 s pour /sante/."
    )

    def handle(self, *args, **options):
        worker_id = options["worker_id"]
        beat(worker_id)
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stopped.set()
            heartbeat.join(timeout=5)
            try:
                worker_stopped(worker_id)
            except DatabaseError:
                pass
