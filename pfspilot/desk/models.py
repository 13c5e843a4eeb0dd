"""The agent's desk: call records (fiche d'appel), level-2 requests (PIRA, callbacks, phone
appointments), urgencies, incivilities and their follow-ups, the consultation log, and the
desk's reference data (delays per motif, services, document and incivility types, retention).

Requests, urgencies and incivility follow-ups are work items (`pfspilot.workitems`): one claim
mechanism, one deadline clock. Personal details (claimant number, phone, email, names, free
text) are purged after the retention period (`pfspilot purge`); the rest stays for the counts.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pfspilot.people.access import Scope, ScopedQuerySet
from pfspilot.people.roles import Role
from pfspilot.workitems.models import WorkItem, WorkItemQuerySet, status_field

MAX_TEXT = 2000  # characters of a free text (note, description); longer is refused


# --- reference data of the desk -------------------------------------------------------------


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("heures")
    DAYS = "days", _("jours")


class DeadlineClock(models.TextChoices):
    CALENDAR = "calendar", _("calendaire")
    BUSINESS = "business", _("jours ouvrés")
    OPENING = "opening", _("heures d'ouverture")


class DeskRuleSet(models.Model):
    """Rules of the desk in force from `valid_from` (a version, like the other reference sets).

    The note gives no delay for callbacks, urgencies or incivility follow-ups, nor a retention
    period: the seeded values are the platform's choices, editable in the administration.
    """

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    request_delay = models.DecimalField(
        _("délai par défaut d'une demande de niveau 2"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    request_unit = models.CharField(_("unité"), max_length=5, choices=DeadlineUnit.choices)
    request_clock = models.CharField(_("décompte"), max_length=8, choices=DeadlineClock.choices)
    max_attempts = models.PositiveSmallIntegerField(
        _("tentatives avant « injoignable »"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    urgency_delay = models.DecimalField(
        _("délai d'engagement d'une urgence"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    urgency_unit = models.CharField(_("unité"), max_length=5, choices=DeadlineUnit.choices)
    urgency_clock = models.CharField(_("décompte"), max_length=8, choices=DeadlineClock.choices)
    follow_up_days = models.PositiveSmallIntegerField(
        _("délai du suivi d'incivilité (jours ouvrés)"), validators=[MinValueValidator(1)]
    )
    retention_days = models.PositiveIntegerField(
        _("conservation des données personnelles (jours)"),
        validators=[MinValueValidator(1)],
        help_text=_("Au-delà, `pfspilot purge --apply` efface les données personnelles."),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règles du poste")
        verbose_name_plural = _("règles du poste (délais, tentatives, conservation)")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Règles du poste au %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}


class RequestKind(models.TextChoices):
    CALLBACK = "rappel", _("Rappel différé")
    APPOINTMENT = "rdv", _("RDV téléphonique")
    PIRA = "pira", _("PIRA")


class MotifDelay(models.Model):
    """The delay of a level-2 request for one motif (routing table code), per version."""

    rule_set = models.ForeignKey(
        DeskRuleSet, verbose_name=_("version"), on_delete=models.CASCADE, related_name="delays"
    )
    motif_code = models.SlugField(_("code du motif"), max_length=40)
    amount = models.DecimalField(
        _("délai"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unité"), max_length=5, choices=DeadlineUnit.choices)
    clock = models.CharField(_("décompte"), max_length=8, choices=DeadlineClock.choices)
    expertise = models.CharField(_("expertise"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("délai par motif")
        verbose_name_plural = _("délais par motif")
        ordering = ["rule_set", "motif_code"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "motif_code"], name="one_delay_per_motif")
        ]

    def __str__(self):
        return f"{self.motif_code} : {self.amount} {self.get_unit_display()}"


class DeskList(models.Model):
    """A closed list of the desk: services of urgencies, document types, incivility types."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service destinataire d'une urgence")
        DOCUMENT = "document", _("Type de courrier ou d'attestation")
        INCIVILITY = "incivility", _("Type d'incivilité")

    kind = models.CharField(_("liste"), max_length=12, choices=Kind.choices)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(_("actif"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur de liste du poste")
        verbose_name_plural = _("listes du poste (services, courriers, incivilités)")
        ordering = ["kind", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="one_desk_list_code_per_kind")
        ]

    def __str__(self):
        return self.label


# --- call records ---------------------------------------------------------------------------


class CallerKind(models.TextChoices):
    CLAIMANT = "allocataire", _("L'allocataire")
    AUTHORISED = "tiers_autorise", _("Un tiers autorisé (tutelle, curatelle, procuration)")
    OTHER = "tiers", _("Un autre tiers (bailleur, travailleur social…)")


class CallRecordQuerySet(ScopedQuerySet):
    owner_field = "agent"
    team_field = "team"


class CallRecord(models.Model):
    """The agent's record of one call (fiche d'appel), attached to the telephony record."""

    class Status(models.TextChoices):
        OPEN = "ouverte", _("En cours")
        # With a context: Django's own catalogue translates a bare « Close » as « Fermer ».
        CLOSED = "close", pgettext_lazy("statut d'une fiche", "Close")

    class Source(models.TextChoices):
        AGENT = "agent", _("Ouverte par l'agent")
        TELEPHONY = "telephonie", _("Poussée par la téléphonie")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="call_records",
    )
    team = models.ForeignKey(
        "people.Team", verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL
    )
    call_id = models.CharField(_("identifiant d'appel"), max_length=100, unique=True)
    telephony = models.ForeignKey(
        "contacts.Call",
        verbose_name=_("appel (téléphonie)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
    )
    source = models.CharField(_("origine"), max_length=12, choices=Source.choices)
    status = models.CharField(
        _("statut"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    caller_number = models.CharField(_("numéro appelant"), max_length=32, blank=True)
    claimant_number = models.CharField(_("numéro d'allocataire"), max_length=7, blank=True)
    caller_kind = models.CharField(
        _("qui appelle"), max_length=16, choices=CallerKind.choices, blank=True
    )
    third_party = models.CharField(_("tiers (nom, qualité)"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone de contact"), max_length=20, blank=True)
    email = models.EmailField(_("adresse électronique"), blank=True)
    steps_version = models.DateField(_("version des étapes"), null=True, blank=True)
    steps_done = models.JSONField(_("étapes faites"), default=list, blank=True)
    motif_code = models.CharField(_("code du motif"), max_length=40, blank=True)
    motif_label = models.CharField(_("motif"), max_length=200, blank=True)
    routing_action = models.CharField(_("orientation"), max_length=24, blank=True)
    instruction = models.CharField(_("consigne donnée"), max_length=300, blank=True)
    file_in_progress = models.BooleanField(_("dossier en cours"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=MAX_TEXT)
    purged_at = models.DateTimeField(_("données personnelles effacées le"), null=True, blank=True)
    history = HistoricalRecords()

    objects = CallRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche d'appel")
        verbose_name_plural = _("fiches d'appel")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["agent", "opened_at"], name="record_agent_opened")]

    def __str__(self):
        return _("Fiche d'appel %(id)s") % {"id": self.call_id}


class ContactChange(models.Model):
    """A change of the claimant's contact details made during a call: before and after."""

    class Field(models.TextChoices):
        PHONE = "phone", _("Téléphone")
        EMAIL = "email", _("Adresse électronique")

    record = models.ForeignKey(
        CallRecord, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="changes"
    )
    field = models.CharField(_("donnée"), max_length=5, choices=Field.choices)
    before = models.CharField(_("avant"), max_length=254, blank=True)
    after = models.CharField(_("après"), max_length=254, blank=True)
    changed_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("mise à jour des coordonnées")
        verbose_name_plural = _("mises à jour des coordonnées")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.get_field_display()} : {self.before or '—'} → {self.after or '—'}"


class OutcomeKind(models.TextChoices):
    LEVEL1 = "niveau1", _("Réponse apportée au niveau 1")
    PIRA = "pira", _("PIRA enregistrée")
    DOCUMENT = "courrier", _("Courrier ou attestation envoyé")
    CALLBACK = "rappel", _("Rappel différé demandé")
    APPOINTMENT = "rdv", _("RDV téléphonique demandé")
    CAF_FR = "caf_fr", _("Services du caf.fr promus")
    TRANSFER = "transfert", _("Transfert (usager en détresse)")
    INCIVILITY = "incivilite", _("Appel terminé pour incivilité")


class CallOutcome(models.Model):
    record = models.ForeignKey(
        CallRecord, verbose_name=_("fiche"), on_delete=models.CASCADE, related_name="outcomes"
    )
    kind = models.CharField(_("issue"), max_length=12, choices=OutcomeKind.choices)
    document = models.ForeignKey(
        DeskList,
        verbose_name=_("type de courrier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    detail = models.CharField(_("précision"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issue de l'appel")
        verbose_name_plural = _("issues de l'appel")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.get_kind_display()


# --- level-2 requests -----------------------------------------------------------------------


class RequestQuerySet(WorkItemQuerySet):
    # Experts work the whole queue of level-2 requests, not only their own.
    role_scopes = {Role.EXPERT: Scope.ALL}


class Level2Request(WorkItem):
    """A PIRA, deferred callback or phone appointment request for a level-2 expert."""

    KIND = "request"
    NEW = "nouveau"
    CLAIMED = "pris_en_charge"
    CLOSED_STATUSES = ("traite", "injoignable")

    class Status(models.TextChoices):
        NEW = "nouveau", _("Nouveau")
        CLAIMED = "pris_en_charge", _("Pris en charge")
        DONE = "traite", _("Traité")
        UNREACHABLE = "injoignable", _("Injoignable")

    status = status_field(Status)

    kind = models.CharField(_("type"), max_length=6, choices=RequestKind.choices)
    record = models.ForeignKey(
        CallRecord,
        verbose_name=_("fiche d'appel"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    motif_code = models.CharField(_("code du motif"), max_length=40, blank=True)
    motif_label = models.CharField(_("motif"), max_length=200)
    expertise = models.CharField(_("expertise"), max_length=120, blank=True)
    claimant_number = models.CharField(_("numéro d'allocataire"), max_length=7, blank=True)
    phone = models.CharField(_("téléphone à rappeler"), max_length=20, blank=True)
    availability = models.CharField(_("disponibilités"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=MAX_TEXT)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    outcome = models.TextField(_("résultat"), blank=True, max_length=MAX_TEXT)
    history = HistoricalRecords()

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de niveau 2")
        verbose_name_plural = _("demandes de niveau 2 (rappels, RDV, PIRA)")
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.motif_label}"


class Attempt(models.Model):
    """One attempt of an expert to reach the claimant."""

    request = models.ForeignKey(
        Level2Request,
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    reached = models.BooleanField(_("joint"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("tentative d'appel")
        verbose_name_plural = _("tentatives d'appel")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{timezone.localtime(self.at):%d/%m/%Y %H:%M} — {'joint' if self.reached else 'non joint'}"


class AppointmentSlot(models.Model):
    """A phone-appointment slot an expert publishes; a request books it (one request per slot)."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.CASCADE,
        related_name="slots",
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    request = models.OneToOneField(
        Level2Request,
        verbose_name=_("demande"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slot",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("créneau de RDV téléphonique")
        verbose_name_plural = _("créneaux de RDV téléphonique")
        ordering = ["start", "expert"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "start"], name="one_slot_per_expert_start"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_ends"),
        ]

    def __str__(self):
        local = timezone.localtime(self.start)
        return f"{local:%d/%m/%Y %H:%M} — {self.expert}"


# --- urgencies ------------------------------------------------------------------------------


class Urgency(WorkItem):
    """An urgency sent to the supervision mailbox (note §C: « une urgence = un engagement »)."""

    KIND = "urgency"
    NEW = "nouvelle"
    CLAIMED = "prise_en_charge"
    CLOSED_STATUSES = ("close",)

    class Status(models.TextChoices):
        NEW = "nouvelle", _("Nouvelle")
        CLAIMED = "prise_en_charge", _("Prise en charge")
        TRANSFERRED = "transmise", _("Transmise au service")
        CLOSED = "close", pgettext_lazy("statut d'une urgence", "Close")

    status = status_field(Status)

    subject = models.CharField(_("objet"), max_length=200)
    description = models.TextField(_("description"), max_length=MAX_TEXT)
    record = models.ForeignKey(
        CallRecord,
        verbose_name=_("fiche d'appel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="urgencies",
    )
    service = models.ForeignKey(
        DeskList,
        verbose_name=_("service destinataire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    commitment_kept = models.BooleanField(_("engagement tenu"), null=True, blank=True)
    closing_note = models.TextField(_("note de clôture"), blank=True, max_length=MAX_TEXT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("urgence")
        verbose_name_plural = _("urgences")
        ordering = ["due_at", "id"]

    def __str__(self):
        return self.subject


# --- incivilities ---------------------------------------------------------------------------


class Incivility(models.Model):
    """An incivility declared from a call record (note §D)."""

    record = models.OneToOneField(
        CallRecord, verbose_name=_("fiche"), on_delete=models.PROTECT, related_name="incivility"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT
    )
    kind = models.ForeignKey(DeskList, verbose_name=_("type"), on_delete=models.PROTECT)
    recorded = models.BooleanField(_("communication enregistrée"))
    call_ended = models.BooleanField(_("appel terminé"))
    description = models.TextField(_("faits"), blank=True, max_length=MAX_TEXT)
    declared_at = models.DateTimeField(_("déclarée le"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("incivilité")
        verbose_name_plural = _("incivilités")
        ordering = ["-declared_at"]

    def __str__(self):
        return f"{self.kind} — {self.declared_at:%d/%m/%Y}"


class FollowUp(WorkItem):
    """The manager's follow-up of an incivility: exchange, RECIT, transmission (note §D)."""

    KIND = "incivility_follow_up"
    NEW = "ouvert"
    CLAIMED = "en_cours"
    CLOSED_STATUSES = ("complet",)

    class Status(models.TextChoices):
        NEW = "ouvert", _("À suivre")
        CLAIMED = "en_cours", _("En cours")
        DONE = "complet", _("Complet")

    status = status_field(Status)

    incivility = models.OneToOneField(
        Incivility, verbose_name=_("incivilité"), on_delete=models.CASCADE, related_name="follow_up"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    exchange_on = models.DateField(_("échange avec l'agent le"), null=True, blank=True)
    recit_reference = models.CharField(_("référence RECIT"), max_length=50, blank=True)
    transmitted_on = models.DateField(_("transmis le"), null=True, blank=True)
    transmitted_to = models.CharField(_("transmis à"), max_length=200, blank=True)
    reminders = models.PositiveSmallIntegerField(_("relances"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suivi d'incivilité")
        verbose_name_plural = _("suivis d'incivilité")
        ordering = ["due_at", "id"]

    def __str__(self):
        return _("Suivi de l'incivilité du %(date)s") % {
            "date": timezone.localtime(self.created_at).strftime("%d/%m/%Y")
        }

    def missing_steps(self) -> list[str]:
        """French labels of the steps of note §D still to fill."""
        missing = []
        if not self.exchange_on:
            missing.append(str(_("échange avec l'agent")))
        if not self.recit_reference:
            missing.append(str(_("retranscription dans RECIT")))
        if not (self.transmitted_on and self.transmitted_to):
            missing.append(str(_("transmission aux services concernés")))
        return missing


# --- data protection ------------------------------------------------------------------------


class Consultation(models.Model):
    """Who looked at which claimant's records, when (viewable by administrators)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL
    )
    claimant_number = models.CharField(_("numéro d'allocataire"), max_length=7, blank=True)
    what = models.CharField(_("fiche consultée"), max_length=100)
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("journal des consultations")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.user} — {self.what} — {timezone.localtime(self.at):%d/%m/%Y %H:%M}"
