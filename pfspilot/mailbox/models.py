"""Incoming email: the IMAP mailboxes polled, the messages received, their attachments, and the
quarantine of what could not be read (never dropped).

Secrets are never stored: a mailbox names the environment variables that hold its login and
password. Files (attachments, quarantined raw messages) live under `settings.MAIL_DIR`, named by
the SHA-256 of their bytes, never by the sender's file name, and are never served inline.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# IMAP folder names as this client sends them: printable ASCII (no modified UTF-7 here).
folder_name = RegexValidator(
    r"^[\x20-\x7e]+$",
    _("Nom de dossier en caractères ASCII imprimables seulement (sans accent), ex. « Traites »."),
)


class Mailbox(models.Model):
    class Security(models.TextChoices):
        IMAPS = "imaps", _("IMAPS (TLS dès la connexion)")
        STARTTLS = "starttls", _("IMAP + STARTTLS")

    name = models.CharField(_("nom"), max_length=100, unique=True)
    host = models.CharField(_("serveur"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("sécurité"), max_length=10, choices=Security.choices, default=Security.IMAPS
    )
    username_env = models.CharField(
        _("variable d'environnement de l'identifiant"),
        max_length=100,
        help_text=_("Nom de la variable, jamais l'identifiant lui-même."),
    )
    password_env = models.CharField(
        _("variable d'environnement du mot de passe"),
        max_length=100,
        help_text=_("Nom de la variable, jamais le mot de passe lui-même."),
    )
    folder = models.CharField(
        _("dossier relevé"), max_length=200, default="INBOX", validators=[folder_name]
    )
    processed_folder = models.CharField(
        _("dossier des courriels traités"),
        max_length=200,
        default="Traites",
        validators=[folder_name],
    )
    active = models.BooleanField(_("relevée"), default=True)
    # State of the polls, written with queryset updates (not in the history).
    last_polled_at = models.DateTimeField(_("dernière relève"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)
    retry_after = models.DateTimeField(_("nouvel essai après"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["last_polled_at", "last_error", "failures", "retry_after"]
    )

    class Meta:
        verbose_name = _("boîte aux lettres")
        verbose_name_plural = _("boîtes aux lettres")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReceivedMessage(models.Model):
    """One email received (by IMAP, or imported), taken once: `message_id` is unique."""

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("boîte aux lettres"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("en réponse à"), max_length=998, blank=True)
    references = models.TextField(_("références"), blank=True)  # Message-IDs, space-separated
    thread_root = models.ForeignKey(
        "self",
        verbose_name=_("premier courriel de l'échange"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="thread_replies",
        help_text=_("Vide pour le premier courriel d'un échange."),
    )
    from_address = models.CharField(_("adresse de l'expéditeur"), max_length=320, blank=True)
    from_name = models.CharField(_("nom de l'expéditeur"), max_length=300, blank=True)
    to_addresses = models.TextField(_("destinataires"), blank=True)  # space-separated
    subject = models.TextField(_("objet"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    received_at = models.DateTimeField(_("reçu le"), db_index=True)
    text = models.TextField(_("texte"), blank=True)
    html_sanitised = models.TextField(_("HTML assaini"), blank=True)  # "" : pas de HTML
    auto_submitted = models.BooleanField(_("réponse automatique"), default=False)
    bounce = models.BooleanField(_("avis de non-remise"), default=False)
    raw_size = models.PositiveBigIntegerField(_("taille (octets)"))
    purged_at = models.DateTimeField(_("données personnelles effacées le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return self.message_id

    @property
    def thread_key(self) -> int:
        """The id of the first message of the exchange (this one's when it starts it)."""
        return self.thread_root_id or self.pk

    @property
    def answerable(self) -> bool:
        """Auto-replies and delivery reports are never answered (RFC 3834)."""
        return not (self.auto_submitted or self.bounce)


class Attachment(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", _("disponible")
        HELD = "held", _("mise de côté")

    message = models.ForeignKey(
        ReceivedMessage,
        verbose_name=_("courriel"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type déclaré"), max_length=255)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    # Relative to settings.MAIL_DIR; empty once purged.
    stored_path = models.CharField(_("fichier"), max_length=200, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    held_reason = models.TextField(_("raison de la mise de côté"), blank=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["message", "pk"]

    def __str__(self):
        return self.filename


class QuarantinedMail(models.Model):
    """A message that could not be read: its raw bytes kept on disk with the reason, never
    dropped; listed in the administration. The same bytes are quarantined once (`sha256`)."""

    mailbox = models.ForeignKey(
        Mailbox,
        verbose_name=_("boîte aux lettres"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quarantined",
    )
    received_at = models.DateTimeField(_("reçu le"), db_index=True)
    reason = models.TextField(_("raison"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    stored_path = models.CharField(_("fichier brut"), max_length=200)
    size = models.PositiveBigIntegerField(_("taille (octets)"))

    class Meta:
        verbose_name = _("courriel en quarantaine")
        verbose_name_plural = _("courriels en quarantaine")
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"{self.received_at:%Y-%m-%d %H:%M} — {self.reason[:60]}"
