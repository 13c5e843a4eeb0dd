"""Contact records (calls, emails, satisfaction answers, agent activity) and their import batches.

Fields mirror the canonical frame columns of `pfspilot.engine.records`; timestamps are stored
aware (UTC in the database) and the selectors hand them back as naive Europe/Paris datetimes.
"""

# Text columns are NULL when the source has no value: the bulk loader writes the frames as is.
# ruff: noqa: DJ001

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pfspilot.engine import records
from pfspilot.people.access import ScopedQuerySet


def _batch(related_name: str) -> models.ForeignKey:
    """The import that added a record (None: loaded by the demo or a test, not from a file).

    PROTECT: an import with records is undone (`services.undo_batch`), never deleted."""
    return models.ForeignKey(
        "ImportBatch",
        verbose_name=_("import"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Outcome(models.TextChoices):
    ANSWERED = records.ANSWERED, _("Décroché par un agent")
    IVR = records.IVR, _("Traité par le SVI")
    ABANDONED = records.ABANDONED, _("Abandonné en file")


class EmailKind(models.TextChoices):
    LEVEL1 = records.EMAIL_LEVEL1, _("Courriel de niveau 1")
    COMPLAINT = records.EMAIL_COMPLAINT, _("Réclamation")


class Channel(models.TextChoices):
    PHONE = records.PHONE, _("Téléphone")
    EMAIL = records.EMAIL, _("Courriel")


class RecordQuerySet(ScopedQuerySet):
    """Records handled by an agent: the agent sees theirs, the team's supervisor the team's.

    The team is the record's own (the agent's team when it was handled), so moving an agent to
    another team does not move their history with them.
    """

    owner_field = "agent"
    team_field = "team"


class CallQuerySet(RecordQuerySet):
    def get_by_call_id(self, call_id: str, *, source: str | None = None) -> "Call":
        """The telephony record of a call, by its source identifier.

        The agent's own record of a call attaches here: the identifier alone is enough when it
        is unique across sources, otherwise pass `source` (raises MultipleObjectsReturned).
        """
        queryset = self.filter(source_id=call_id)
        if source is not None:
            queryset = queryset.filter(source=source)
        return queryset.get()


class Call(models.Model):
    source = models.CharField(_("source"), max_length=50)
    source_id = models.CharField(_("identifiant d'appel"), max_length=100)
    # HMAC-SHA256 of the allocataire number or phone number: equality without the identifier.
    caller_hash = models.CharField(_("appelant (empreinte)"), max_length=64, null=True)
    arrival = models.DateTimeField(_("arrivée"))
    ivr_exit = models.DateTimeField(_("sortie du SVI"), null=True)
    queue_entry = models.DateTimeField(_("entrée en file"), null=True)
    queue_exit = models.DateTimeField(_("sortie de file"), null=True)
    answered_at = models.DateTimeField(_("décroché à"), null=True)
    ended_at = models.DateTimeField(_("fin"), null=True)
    wait_s = models.FloatField(_("attente (s)"), null=True)
    talk_s = models.FloatField(_("communication (s)"), null=True)
    wrap_s = models.FloatField(_("post-appel (s)"), null=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    agent_code = models.CharField(_("code agent"), max_length=100, null=True)
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, on_delete=models.SET_NULL
    )
    team_code = models.CharField(_("équipe (source)"), max_length=100, null=True)
    queue = models.CharField(_("file / compétence"), max_length=100, null=True)
    motif = models.CharField(_("motif"), max_length=200, null=True)
    outcome = models.CharField(_("issue"), max_length=10, choices=Outcome.choices)

    objects = CallQuerySet.as_manager()

    batch = _batch("calls")
    # Corrections by a later import (`import --update`) keep the previous version here.
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        verbose_name = _("appel")
        verbose_name_plural = _("appels")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="call_unique_source_id")
        ]
        indexes = [
            models.Index(fields=["arrival"], name="call_arrival"),
            models.Index(fields=["caller_hash", "arrival"], name="call_caller_arrival"),
            # The desk attaches each call record by the telephony's call id alone (the API's
            # screen pop, for every call): the unique (source, source_id) index cannot serve it.
            models.Index(fields=["source_id"], name="call_source_id"),
        ]

    def __str__(self):
        return f"{self.source}:{self.source_id}"


class Email(models.Model):
    source = models.CharField(_("source"), max_length=50)
    source_id = models.CharField(_("identifiant"), max_length=100)
    received_at = models.DateTimeField(_("reçu le"))
    kind = models.CharField(_("nature"), max_length=12, choices=EmailKind.choices)
    motif = models.CharField(_("motif"), max_length=200, null=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )
    agent_code = models.CharField(_("code agent"), max_length=100, null=True)
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, on_delete=models.SET_NULL
    )
    team_code = models.CharField(_("équipe (source)"), max_length=100, null=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True)
    template = models.CharField(_("modèle de réponse"), max_length=200, null=True)

    objects = RecordQuerySet.as_manager()

    batch = _batch("emails")
    # Corrections by a later import (`import --update`) keep the previous version here.
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="email_unique_source_id")
        ]
        indexes = [models.Index(fields=["received_at"], name="email_received")]

    def __str__(self):
        return f"{self.source}:{self.source_id}"


class SurveyAnswer(models.Model):
    source = models.CharField(_("source"), max_length=50)
    source_id = models.CharField(_("identifiant"), max_length=100)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    answered_on = models.DateField(_("date"))
    score = models.FloatField(_("réponse"), null=True)
    scale = models.CharField(_("échelle"), max_length=50, null=True)
    satisfied = models.BooleanField(_("satisfait"))

    batch = _batch("surveys")
    # Corrections by a later import (`import --update`) keep the previous version here.
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        verbose_name = _("réponse de satisfaction")
        verbose_name_plural = _("réponses de satisfaction")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="survey_unique_source_id")
        ]
        indexes = [models.Index(fields=["answered_on"], name="survey_answered_on")]

    def __str__(self):
        return f"{self.source}:{self.source_id}"


class AgentActivity(models.Model):
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="activity",
    )
    agent_code = models.CharField(_("code agent"), max_length=100)
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, on_delete=models.SET_NULL
    )
    team_code = models.CharField(_("équipe (source)"), max_length=100, null=True)
    day = models.DateField(_("jour"))
    phone_s = models.FloatField(_("temps au téléphone (s)"))
    email_s = models.FloatField(_("temps sur les courriels (s)"))

    objects = RecordQuerySet.as_manager()

    batch = _batch("activities")
    # Corrections by a later import (`import --update`) keep the previous version here.
    history = HistoricalRecords(excluded_fields=["batch"])

    class Meta:
        verbose_name = _("activité d'agent")
        verbose_name_plural = _("activités d'agents")
        constraints = [
            models.UniqueConstraint(fields=["agent_code", "day"], name="activity_unique_agent_day")
        ]
        indexes = [models.Index(fields=["day"], name="activity_day")]

    def __str__(self):
        return f"{self.agent_code} {self.day}"


class ImportBatch(models.Model):
    class Kind(models.TextChoices):
        CALLS = "calls", _("Appels")
        EMAILS = "emails", _("Courriels")
        SURVEYS = "surveys", _("Satisfaction")
        ACTIVITY = "activity", _("Activité des agents")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        DUPLICATE = "duplicate", _("Déjà importé")
        FAILED = "failed", _("Refusé")
        UNDONE = "undone", _("Annulé")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("fichier"), max_length=255)
    stored_path = models.CharField(_("chemin"), max_length=500, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True, db_index=True)
    mapping = models.CharField(_("profil"), max_length=255)
    rows_read = models.PositiveIntegerField(_("lignes lues"), default=0)
    rows = models.PositiveIntegerField(_("lignes ajoutées"), default=0)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    errors = models.JSONField(_("erreurs"), default=list, blank=True)
    # None while a stage cannot report its progress (the SQLite write, see services.record_progress).
    progress = models.FloatField(_("avancement"), default=0.0, null=True)
    step = models.CharField(_("étape"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("importé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("démarré le"), null=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True)
    # Last sign of life of the worker running it: a batch silent too long is reaped.
    heartbeat_at = models.DateTimeField(_("dernier signe de vie"), null=True)
    # Runs started: a batch whose worker died is queued once more, then failed (issue 12).
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    # Known records whose values differ in the file; updated only with `update` (--update).
    rows_changed = models.PositiveIntegerField(_("lignes modifiées"), default=0)
    update = models.BooleanField(_("mettre à jour les lignes modifiées"), default=False)
    # Days whose daily sums are still to be rebuilt after this batch's commit (or its undoing):
    # written in the same transaction as the records, cleared by the rebuild job once done.
    rebuild_start = models.DateField(_("sommes à recalculer du"), null=True, blank=True)
    rebuild_end = models.DateField(_("sommes à recalculer au"), null=True, blank=True)
    undone_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The audit trail of the batch: who undid it and when, every change of state.
    history = HistoricalRecords(excluded_fields=["progress", "step", "heartbeat_at", "errors"])

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (
            self.Status.DONE,
            self.Status.DUPLICATE,
            self.Status.FAILED,
            self.Status.UNDONE,
        )


class WorkerHeartbeat(models.Model):
    """The last sign of life of each background worker (`pfspilot worker`), every 30 s.

    Read by the health endpoint `/sante/`: jobs waiting and no recent heartbeat means the
    worker is down. One row per worker; a worker that stops cleanly removes its own row.
    """

    worker_id = models.CharField(_("processus"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("démarré le"))
    beat_at = models.DateTimeField(_("dernier signe de vie"))

    class Meta:
        verbose_name = _("signe de vie du traitement en arrière-plan")
        verbose_name_plural = _("signes de vie du traitement en arrière-plan")

    def __str__(self):
        return self.worker_id
