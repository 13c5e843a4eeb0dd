"""The email desk (note §B.2): level-1 emails and complaints worked in PFS Pilot.

- `EmailItem`: one received email in a queue, a work item (`pfspilot.workitems`): one owner at a
  time through a compare-and-set claim with a lease (`LEASE`, renewed while the agent works,
  free again once expired), a due date from the one deadline clock with the rule in force at
  receipt, its kind (level 1 or complaint) set at intake by `KindRule`s and changeable by a
  supervisor (history). Auto-replies and bounces are stored closed (« sans réponse ») and never
  enter the queues. A reply to an earlier exchange points to the first email of its thread.
- `EmailAnswer`: the answer sent by SMTP, archived with the email (Message-ID, threading
  headers, body, template used and its version).
- `ResponseTemplate` (per motif, with placeholders) and `PromotionBlock` (the caf.fr promotion,
  versioned by `valid_from`): reference data managed by supervisors and managers, historised.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pfspilot.contacts.models import EmailKind
from pfspilot.people.access import Scope
from pfspilot.people.roles import Role
from pfspilot.workitems.models import WorkItem, WorkItemQuerySet

MAX_BODY = 20000  # characters of an answer; longer is refused


def countdown(due, now=None, closed: bool = False) -> tuple[str, str]:
    """(French countdown, status) to `due`: « reste 1 j 4 h », « en retard de 2 h 5 min ».

    Status `missed` when overdue, `at_risk` when due later today (Paris day), else "".
    """
    if closed:
        return "—", ""
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        span = f"{days} j {hours} h"
    elif hours:
        span = f"{hours} h {mins:02d} min"
    else:
        span = f"{mins} min"
    if seconds < 0:
        return str(_("en retard de %(span)s") % {"span": span}), "missed"
    text = str(_("reste %(span)s") % {"span": span})
    today = timezone.localdate(now)
    return text, "at_risk" if timezone.localdate(due) == today else ""


class KindRule(models.Model):
    """A rule of intake: when `field` of a mail contains `pattern`, the email is of `kind`.

    Rules are tried by `position`; the first that matches wins; none: level 1.
    """

    class Field(models.TextChoices):
        ADDRESS = "address", _("adresse de l'expéditeur")
        SUBJECT = "subject", _("objet")
        MAILBOX = "mailbox", _("boîte de réception")

    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    field = models.CharField(_("champ"), max_length=8, choices=Field.choices)
    pattern = models.CharField(
        _("contient"), max_length=200, help_text=_("Sans distinction de casse ni d'accents.")
    )
    kind = models.CharField(_("nature"), max_length=12, choices=EmailKind.choices)
    active = models.BooleanField(_("règle active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règle de nature des courriels")
        verbose_name_plural = _("règles de nature des courriels")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.get_field_display()} contient « {self.pattern} » → {self.get_kind_display()}"


class EmailItemQuerySet(WorkItemQuerySet):
    # The mailbox is the platform's: every agent and supervisor works (and sees) the whole queue.
    role_scopes = {
        Role.AGENT: Scope.ALL,
        Role.REINFORCEMENT: Scope.ALL,
        Role.SUPERVISOR: Scope.ALL,
    }

    def waiting(self, now=None):
        """Emails in the queues nobody holds now (free, or whose lease has expired)."""
        return self.unclaimed(now).filter(status__in=(EmailItem.NEW, EmailItem.CLAIMED))


class EmailItem(WorkItem):
    """One received email to answer (or stored without answer: auto-reply, bounce)."""

    KIND = "email"
    NEW = "nouveau"
    CLAIMED = "pris_en_charge"
    ANSWERED = "repondu"
    NO_ANSWER = "sans_reponse"
    CLOSED_STATUSES = (ANSWERED, NO_ANSWER)
    LEASE = timedelta(minutes=15)

    class Status(models.TextChoices):
        NEW = "nouveau", _("En attente")
        CLAIMED = "pris_en_charge", _("Pris en charge")
        ANSWERED = "repondu", _("Répondu")
        NO_ANSWER = "sans_reponse", _("Sans réponse (réponse automatique, rejet)")

    class Source(models.TextChoices):
        MAILBOX = "boite", _("Boîte aux lettres")
        IMPORT = "import", _("Import")

    status = models.CharField(_("statut"), max_length=20, db_index=True, choices=Status.choices)
    kind = models.CharField(_("nature"), max_length=12, choices=EmailKind.choices)
    kind_rule = models.CharField(_("règle de nature"), max_length=300, blank=True)
    source = models.CharField(_("arrivé par"), max_length=6, choices=Source.choices)
    # NULL for imported emails (no Message-ID): unique among the known ones only.
    message_id = models.CharField(_("Message-ID"), max_length=998, null=True, blank=True)  # noqa: DJ001
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    thread_root = models.ForeignKey(
        "self",
        verbose_name=_("premier courriel de l'échange"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="thread_items",
    )
    mailbox_name = models.CharField(_("boîte"), max_length=100, blank=True)
    from_address = models.EmailField(_("expéditeur"), max_length=320, blank=True)
    from_name = models.CharField(_("nom de l'expéditeur"), max_length=200, blank=True)
    subject = models.CharField(_("objet"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("reçu le"), db_index=True)
    text = models.TextField(_("texte"), blank=True)
    html_sanitised = models.TextField(_("HTML nettoyé"), blank=True)
    auto_submitted = models.BooleanField(_("réponse automatique"), default=False)
    bounce = models.BooleanField(_("rejet (mailer-daemon)"), default=False)
    claimant_number = models.CharField(_("numéro d'allocataire"), max_length=7, blank=True)
    # The COG record of this email (the imported one, or the one written at intake).
    record = models.OneToOneField(
        "contacts.Email",
        verbose_name=_("enregistrement du courriel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_item",
    )
    history = HistoricalRecords()

    objects = EmailItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("courriel à traiter")
        verbose_name_plural = _("courriels à traiter")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="email_item_unique_message_id"),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="email_item_queue")]

    def __str__(self):
        return self.subject or _("(sans objet)")

    def countdown(self, now=None) -> str:
        return countdown(self.due_at, now, self.is_closed)[0]

    def countdown_status(self, now=None) -> str:
        return countdown(self.due_at, now, self.is_closed)[1]

    def holder(self, now=None):
        """Who holds the email now (lease running), or None."""
        return self.assignee if self.is_held(now) else None


class ResponseTemplate(models.Model):
    """A response template of one motif: subject and body with placeholders ({nom}, …)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    motif = models.CharField(_("motif"), max_length=200)
    kind = models.CharField(
        _("nature"),
        max_length=12,
        choices=EmailKind.choices,
        blank=True,
        help_text=_("Vide : pour les deux natures."),
    )
    subject = models.CharField(_("objet de la réponse"), max_length=300)
    body = models.TextField(_("texte"), max_length=MAX_BODY)
    include_promotion = models.BooleanField(_("ajouter le bloc de promotion caf.fr"), default=True)
    active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")
        ordering = ["motif", "label"]

    def __str__(self):
        return f"{self.motif} — {self.label}"


class PromotionBlock(models.Model):
    """The caf.fr promotion block added under the answers, per version (`valid_from`)."""

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    text = models.TextField(_("texte"), max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bloc de promotion caf.fr")
        verbose_name_plural = _("blocs de promotion caf.fr")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Promotion caf.fr au %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}


class EmailAnswer(models.Model):
    """An answer sent by SMTP, archived with its email."""

    item = models.ForeignKey(
        EmailItem, verbose_name=_("courriel"), on_delete=models.PROTECT, related_name="answers"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), null=True, on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField(_("envoyé le"))
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    to_address = models.EmailField(_("destinataire"), max_length=320)
    subject = models.CharField(_("objet"), max_length=500)
    body = models.TextField(_("texte"))
    template = models.ForeignKey(
        ResponseTemplate,
        verbose_name=_("modèle utilisé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answers",
    )
    template_code = models.CharField(_("code du modèle"), max_length=60, blank=True)
    template_version = models.PositiveIntegerField(
        _("version du modèle (historique)"), null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réponse envoyée")
        verbose_name_plural = _("réponses envoyées")
        ordering = ["sent_at", "id"]

    def __str__(self):
        return self.subject
