"""Supervision and skills (note §E): the semester's campaign, samples, grids, evaluations,
debriefs, and the skills calendar (workshops, reminders of instructions, accompaniments).

A supervision belongs to the agent supervised and to the agent's team when it was planned: an
agent sees theirs, an assistant superviseur their team's, managers all (`visible_to`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pfspilot.people.access import ScopedQuerySet

MAX_TEXT = 5000


class Mission(models.TextChoices):
    """The missions an agent is supervised on every year (note §E)."""

    PHONE = "telephone", _("Téléphone")
    EMAIL = "courriel", _("Courriels")
    PIRA = "pira", _("PIRA")
    CALLBACK = "rappel", _("Rappels")


class ItemKind(models.TextChoices):
    CALL = "appel", _("Appel")
    EMAIL = "courriel", _("Courriel")
    REQUEST = "demande", _("Demande PIRA ou rappel")


class Objective(models.TextChoices):
    """The four objectives of individual accompaniment (note §E)."""

    QUALITY = "qualite", _("Qualité de la réponse")
    PROCEDURES = "procedures", _("Respect des procédures")
    TALK_TIME = "temps", _("Gestion du temps de communication")
    CAF_FR = "caf_fr", _("Promotion du caf.fr")


class SamplingRule(models.Model):
    """Sizes of a supervision's sample per mission, in force from `valid_from` (reference data)."""

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    calls = models.PositiveSmallIntegerField(_("appels écoutés"))
    emails = models.PositiveSmallIntegerField(_("courriels analysés"))
    requests = models.PositiveSmallIntegerField(_("demandes PIRA et rappels analysées"))
    period_days = models.PositiveSmallIntegerField(
        _("période d'échantillonnage (jours avant la supervision)"), default=60
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("taille d'échantillon")
        verbose_name_plural = _("tailles d'échantillon par mission")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Échantillon au %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}


class Campaign(models.Model):
    semester = models.CharField(_("semestre"), max_length=7, unique=True)
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campagne de supervision")
        verbose_name_plural = _("campagnes de supervision")
        ordering = ["-start"]

    def __str__(self):
        return _("Campagne %(semester)s") % {"semester": self.semester}


class SupervisionQuerySet(ScopedQuerySet):
    owner_field = "agent"
    team_field = "team"


class Supervision(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planifiee", _("Planifiée")
        SAMPLED = "echantillon", _("Échantillon tiré")
        DEBRIEFED = "debriefee", _("Débriefing signé")
        ACKNOWLEDGED = "lue", _("Prise de connaissance par l'agent")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campagne"), on_delete=models.CASCADE, related_name="supervisions"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("superviseur"),
        on_delete=models.PROTECT,
        related_name="supervisions_led",
    )
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL
    )
    day = models.DateField(_("jour prévu"))
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # The sample: reproducible from the seed and the criteria stored here.
    sample_seed = models.BigIntegerField(_("graine du tirage"), null=True, blank=True)
    sample_criteria = models.JSONField(_("critères du tirage"), default=dict, blank=True)
    sampled_at = models.DateTimeField(_("tiré le"), null=True, blank=True)
    # The debrief.
    debrief_on = models.DateField(_("date du débriefing oral"), null=True, blank=True)
    transcription = models.TextField(_("retranscription écrite"), blank=True, max_length=MAX_TEXT)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("lu par l'agent le"), null=True, blank=True)
    agent_comment = models.TextField(_("commentaire de l'agent"), blank=True, max_length=MAX_TEXT)
    history = HistoricalRecords()

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "agent"], name="one_supervision_per_semester"
            )
        ]

    def __str__(self):
        return _("Supervision de %(agent)s du %(day)s") % {
            "agent": self.agent,
            "day": self.day.strftime("%d/%m/%Y"),
        }

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class SampleItem(models.Model):
    supervision = models.ForeignKey(
        Supervision, verbose_name=_("supervision"), on_delete=models.CASCADE, related_name="items"
    )
    kind = models.CharField(_("nature"), max_length=8, choices=ItemKind.choices)
    item_id = models.CharField(_("identifiant"), max_length=100)
    mission = models.CharField(_("mission"), max_length=10, choices=Mission.choices)
    day = models.DateField(_("date"))
    motif = models.CharField(_("motif"), max_length=200, blank=True)
    band = models.PositiveSmallIntegerField(_("tranche de durée"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("rang"))

    class Meta:
        verbose_name = _("élément de l'échantillon")
        verbose_name_plural = _("éléments de l'échantillon")
        ordering = ["supervision", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "kind", "item_id"], name="one_item_per_sample"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.item_id}"


class Grid(models.Model):
    """An evaluation grid, versioned: a changed grid is a new version, the evaluations keep theirs."""

    name = models.CharField(_("nom"), max_length=120)
    kind = models.CharField(_("nature des éléments"), max_length=8, choices=ItemKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    active = models.BooleanField(_("en vigueur"), default=True)
    pass_mark = models.FloatField(_("note minimale (sur 100)"), default=60.0)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")
        ordering = ["kind", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="grid_unique_version")
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Section(models.Model):
    grid = models.ForeignKey(
        Grid, verbose_name=_("grille"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("titre"), max_length=200)
    weight = models.FloatField(_("poids (%)"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["grid", "position", "pk"]

    def __str__(self):
        return self.title


class Criterion(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="criteria"
    )
    label = models.CharField(_("critère"), max_length=300)
    weight = models.FloatField(_("poids dans la section (%)"))
    critical = models.BooleanField(_("critère critique"), default=False)
    objective = models.CharField(
        _("objectif d'accompagnement"), max_length=12, choices=Objective.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["section", "position", "pk"]

    def __str__(self):
        return self.label


class Evaluation(models.Model):
    item = models.ForeignKey(
        SampleItem, verbose_name=_("élément"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("évaluateur"), on_delete=models.PROTECT
    )
    grid = models.ForeignKey(Grid, verbose_name=_("grille"), on_delete=models.PROTECT)
    score = models.FloatField(_("note (sur 100)"), null=True)
    failed_critical = models.BooleanField(_("critère critique manqué"), default=False)
    passed = models.BooleanField(_("réussi"), default=False)
    calibration = models.BooleanField(
        _("calibrage"), default=False, help_text=_("Évaluation à l'aveugle d'un autre superviseur.")
    )
    comment = models.TextField(_("commentaire"), blank=True, max_length=MAX_TEXT)
    created_at = models.DateTimeField(_("évaluée le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["item", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "evaluator"], name="one_evaluation_per_scorer")
        ]

    def __str__(self):
        return f"{self.item} — {self.evaluator}"


class Answer(models.Model):
    class Value(models.TextChoices):
        OK = "ok", _("Acquis")
        KO = "ko", _("Non acquis")
        NA = "na", _("Sans objet")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("évaluation"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(Criterion, verbose_name=_("critère"), on_delete=models.PROTECT)
    value = models.CharField(_("réponse"), max_length=2, choices=Value.choices)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_answer_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion} : {self.get_value_display()}"


# --- Skills calendar ------------------------------------------------------------------------


class OwnedQuerySet(ScopedQuerySet):
    owner_field = "agent"
    team_field = "agent__team"


class Accompaniment(models.Model):
    """An individual accompaniment on one of the four objectives, with actions and follow-up."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="accompaniments",
    )
    objective = models.CharField(_("objectif"), max_length=12, choices=Objective.choices)
    actions = models.TextField(_("actions"), max_length=MAX_TEXT)
    follow_up_on = models.DateField(_("date de suivi"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompagnement individuel")
        verbose_name_plural = _("accompagnements individuels")
        ordering = ["follow_up_on", "pk"]

    def __str__(self):
        return f"{self.agent} — {self.get_objective_display()}"


class Reminder(models.Model):
    """A reminder of instructions (rappel de consigne) sent to agents, with read receipts."""

    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("consigne"), max_length=MAX_TEXT)
    published_at = models.DateTimeField(_("publié le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publié par"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rappel de consigne")
        verbose_name_plural = _("rappels de consigne")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class ReminderReceipt(models.Model):
    reminder = models.ForeignKey(
        Reminder, verbose_name=_("rappel"), on_delete=models.CASCADE, related_name="receipts"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    read_at = models.DateTimeField(_("lu le"), auto_now_add=True)

    class Meta:
        verbose_name = _("accusé de lecture")
        verbose_name_plural = _("accusés de lecture")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "agent"], name="one_receipt_per_agent")
        ]

    def __str__(self):
        return f"{self.reminder} — {self.agent}"
