"""Planning inputs the managers enter: absences, forecast overrides, and computed day plans."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Absence(models.Model):
    class Reason(models.TextChoices):
        LEAVE = "conge", _("Congé")
        SICK = "maladie", _("Maladie")
        TRAINING = "formation", _("Formation")
        OTHER = "autre", _("Autre")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin (incluse)"))
    reason = models.CharField(
        _("motif"), max_length=16, choices=Reason.choices, default=Reason.LEAVE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["start"]

    def __str__(self):
        return f"{self.agent} : {self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("La fin de l'absence précède son début.")})


class ForecastOverride(models.Model):
    """A manager's correction of the forecast: a factor or a number of calls, for a day or a slot."""

    day = models.DateField(_("jour"))
    slot_start = models.TimeField(
        _("début de la demi-heure"),
        null=True,
        blank=True,
        help_text=_("Vide : la correction s'applique à toute la journée."),
    )
    factor = models.DecimalField(
        _("coefficient"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    calls = models.PositiveIntegerField(_("appels prévus"), null=True, blank=True)
    reason = models.CharField(_("raison"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("saisi par"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction de prévision")
        verbose_name_plural = _("corrections de prévision")
        ordering = ["day", "slot_start"]
        constraints = [
            models.UniqueConstraint(fields=["day", "slot_start"], name="one_override_per_slot"),
        ]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.slot_start or ''}".strip()

    def clean(self):
        if (self.factor is None) == (self.calls is None):
            raise ValidationError(_("Indiquez soit un coefficient, soit un nombre d'appels."))
        if self.factor is not None and self.factor <= 0:
            raise ValidationError({"factor": _("Le coefficient doit être strictement positif.")})


class DayPlan(models.Model):
    """The optimised plan of a day, kept so pages and what-ifs start from it without re-solving."""

    day = models.DateField(_("jour"), unique=True)
    computed_at = models.DateTimeField(_("calculé le"), auto_now=True)
    payload = models.JSONField(_("plan"))

    class Meta:
        verbose_name = _("plan de journée")
        verbose_name_plural = _("plans de journée")
        ordering = ["-day"]

    def __str__(self):
        return f"Plan du {self.day:%d/%m/%Y}"


class PlanComputation(models.Model):
    """The background computation of a day's plan and its validation (`planning.tasks`): the
    pages read it to show « Calcul en cours… » while the worker solves and simulates."""

    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        RUNNING = "en_cours", _("En cours")
        DONE = "termine", _("Terminé")
        FAILED = "echec", _("En échec")

    day = models.DateField(_("jour"), unique=True)
    status = models.CharField(
        _("état"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    note_lunches_only = models.BooleanField(_("déjeuners aux créneaux de la note"), default=False)
    requested_at = models.DateTimeField(_("demandé le"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("demandé par"),
    )
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("calcul de plan")
        verbose_name_plural = _("calculs de plan")
        ordering = ["-day"]

    def __str__(self):
        return f"Calcul du plan du {self.day:%d/%m/%Y}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)


class CapacityResult(models.Model):
    """The capacity page of a year as last computed by the worker (`tasks.compute_capacity`).

    `version` names the inputs asked for (a digest of the history, contracts, absences,
    corrections and reference figures read by `selectors.capacity_version`); `computed_version`
    those the stored page was computed from. The page shows the stored page when both agree,
    else the last one with « Calcul en cours… » while the worker recomputes it.
    """

    year = models.PositiveIntegerField(_("année"), unique=True)
    version = models.CharField(_("entrées demandées"), max_length=64)
    status = models.CharField(
        _("état"),
        max_length=16,
        choices=PlanComputation.Status.choices,
        default=PlanComputation.Status.PENDING,
    )
    requested_at = models.DateTimeField(_("demandé le"))
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    computed_version = models.CharField(_("entrées du résultat"), max_length=64, blank=True)
    computed_at = models.DateTimeField(_("calculé le"), null=True, blank=True)
    # The page's figures (`selectors.CapacityPage`, pickled: written by the worker only), or
    # `error` when the capacity cannot be computed from those inputs (no history…).
    payload = models.BinaryField(_("résultat"), null=True, blank=True, editable=False)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("calcul de capacité")
        verbose_name_plural = _("calculs de capacité")
        ordering = ["-year"]

    def __str__(self):
        return f"Capacité {self.year}"

    @property
    def in_progress(self) -> bool:
        return self.status in (PlanComputation.Status.PENDING, PlanComputation.Status.RUNNING)


class TrainingSession(models.Model):
    """A continuing-training slot of one group on a training day (note §E: third Thursdays of
    the rule's months), or a thematic workshop, with its participants.

    The day plan reads them (`selectors.agents_on_duty`): a participant is off the phone during
    the session; on a training day, an agent in no group trains at the rule's hours."""

    class Kind(models.TextChoices):
        TRAINING = "formation", _("Formation continue")
        WORKSHOP = "atelier", _("Atelier thématique")

    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("thème"), max_length=200, blank=True)
    day = models.DateField(_("jour"))
    start = models.TimeField(_("début"))
    end = models.TimeField(_("fin"))
    group = models.PositiveSmallIntegerField(_("groupe"), null=True, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), related_name="training_sessions"
    )
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("séance de formation ou atelier")
        verbose_name_plural = _("séances de formation et ateliers")
        ordering = ["day", "start", "group", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.day:%d/%m/%Y} {self.start:%H:%M}–{self.end:%H:%M}"
