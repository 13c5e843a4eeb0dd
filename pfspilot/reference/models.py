"""The note's reference data, versioned and audited: COG targets, platform rules, routing matrix,
and the call guide's catalogue of usual level-1 motifs and procedure words.

Versioning: COG targets are keyed by year; every other set is a *version* with a `valid_from`
date that owns its rows (day slots, interview steps, motifs). The version in force on a date is
the one with the latest `valid_from` on or before it, so a change is prepared as a new version
with a future date and the old one stays readable for past periods. Every model keeps its
history of changes (django-simple-history), seeded from the note by a data migration.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pfspilot.engine import routing


def _percent(verbose_name, help_text="", **options):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0), _("Un pourcentage ne peut pas être négatif.")),
            MaxValueValidator(Decimal(100), _("Un pourcentage ne peut pas dépasser 100 %%.")),
        ],
        help_text=help_text or _("En %, entre 0 et 100."),
        **options,
    )


def _positive(verbose_name, help_text, *, allow_zero=False, max_digits=7):
    message = (
        _("La valeur ne peut pas être négative.")
        if allow_zero
        else _("La valeur doit être strictement positive.")
    )
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal(0) if allow_zero else Decimal("0.01"), message),
        ],
        help_text=help_text,
    )


class CogTarget(models.Model):
    """COG targets of one year (note §A and « Précisions »), in % and volumes per funded ETP."""

    year = models.PositiveSmallIntegerField(
        _("année"),
        unique=True,
        validators=[
            MinValueValidator(2000, _("Année invalide (2000 au plus tôt).")),
            MaxValueValidator(2100, _("Année invalide (2100 au plus tard).")),
        ],
    )
    pickup_rate = _percent(
        _("taux de décroché minimal (%)"), _("Téléconseillers + SVI, en %, entre 0 et 100.")
    )
    repeat_rate_max = _percent(
        _("taux de réitération maximal (%)"), _("La réitération doit rester inférieure.")
    )
    phone_satisfaction = _percent(_("satisfaction téléphone (%)"))
    email_within_deadline = _percent(
        _("courriels de niveau 1 traités dans le délai (%)"), _("Délai de 48 h par défaut.")
    )
    complaint_within_deadline = _percent(
        _("réclamations traitées dans le délai (%)"), _("Délai de 10 jours par défaut.")
    )
    email_satisfaction = _percent(_("satisfaction courriels (%)"))
    calls_per_fte = models.PositiveIntegerField(
        _("appels par ETP financé"),
        validators=[MinValueValidator(1, _("La cible doit être d'au moins 1 appel."))],
    )
    emails_per_fte = models.PositiveIntegerField(
        _("courriels par ETP financé"),
        validators=[MinValueValidator(1, _("La cible doit être d'au moins 1 courriel."))],
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cible COG")
        verbose_name_plural = _("cibles COG")
        ordering = ["year"]

    def __str__(self):
        return _("Cibles COG %(year)s") % {"year": self.year}


# Defaults of new versions, as callables: a fixed time default is flagged by Django (W161).
def default_training_start() -> dt.time:
    return dt.time(9, 0)


def default_training_end() -> dt.time:
    return dt.time(11, 0)


def default_lunch_earliest() -> dt.time:
    return dt.time(11, 30)


def default_lunch_latest_end() -> dt.time:
    return dt.time(14, 0)


class PlatformRuleSet(models.Model):
    """Platform rules of note §B, §E and §F in force from `valid_from` (a version)."""

    valid_from = models.DateField(
        _("en vigueur à partir du"),
        unique=True,
        help_text=_("La version la plus récente dont la date est passée s'applique."),
    )
    phone_share = _percent(_("part téléphonie d'un ETP (%)"))
    email_share = _percent(_("part courriels de niveau 1 d'un ETP (%)"))
    calls_per_hour = _positive(_("norme : appels par heure"), _("Au minimum (note §B.1)."))
    emails_per_hour = _positive(_("norme : courriels par heure"), _("Note §B.2."))
    opening = models.TimeField(_("ouverture de l'accueil téléphonique"))
    closing = models.TimeField(_("fermeture de l'accueil téléphonique"))
    phone_hours_per_day = _positive(
        _("heures de téléphonie effective par jour"),
        _("Note §F : 6 h, temps de pause compris."),
        max_digits=4,
    )
    training_months = models.CharField(
        _("mois de formation continue"),
        max_length=40,
        help_text=_("Numéros des mois séparés par des virgules (3 = mars)."),
    )
    training_week_of_month = models.PositiveSmallIntegerField(
        _("semaine du mois de la formation"),
        default=3,
        validators=[
            MinValueValidator(1, _("Entre 1 et 5.")),
            MaxValueValidator(5, _("Entre 1 et 5.")),
        ],
        help_text=_("3 = le troisième jeudi du mois."),
    )
    training_weekday = models.PositiveSmallIntegerField(
        _("jour de la formation"),
        default=3,
        choices=[
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
        ],
    )
    # The note gives the training days, not their hours: the morning is the assumption.
    training_start = models.TimeField(
        _("début de la formation continue"),
        default=default_training_start,
        help_text=_("Heure supposée : la note ne donne que les jours de formation."),
    )
    training_end = models.TimeField(_("fin de la formation continue"), default=default_training_end)
    lunch_earliest = models.TimeField(
        _("début au plus tôt des déjeuners"),
        default=default_lunch_earliest,
        help_text=_("Fenêtre où le plan de la journée peut déplacer un déjeuner (note §F)."),
    )
    lunch_latest_end = models.TimeField(
        _("fin au plus tard des déjeuners"), default=default_lunch_latest_end
    )
    note_target_years = models.CharField(
        _("années cibles comparées (capacité)"),
        max_length=40,
        default="2026,2027",
        help_text=_("Années des « Précisions » de la note, séparées par des virgules."),
    )
    supervisions_per_semester = models.PositiveSmallIntegerField(
        _("supervisions par agent et par semestre"),
        validators=[MinValueValidator(1, _("Au moins une supervision par semestre."))],
    )
    supervise_all_missions_yearly = models.BooleanField(
        _("superviser chaque agent sur toutes les missions chaque année"), default=True
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("règles de la plateforme")
        verbose_name_plural = _("règles de la plateforme")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Règles en vigueur au %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}

    def training_month_list(self) -> tuple[int, ...]:
        return tuple(int(m) for m in self.training_months.split(",") if m.strip())

    def note_target_year_list(self) -> tuple[int, ...]:
        return tuple(int(y) for y in self.note_target_years.split(",") if y.strip())

    def clean(self):
        errors = {}
        if self.phone_share is not None and self.email_share is not None:
            if self.phone_share + self.email_share != 100:
                total = float(self.phone_share + self.email_share)
                errors["email_share"] = _(
                    "Les parts téléphonie et courriels doivent totaliser 100 %% (ici %(total)s %%)."
                ) % {"total": f"{total:g}".replace(".", ",")}
        if self.opening and self.closing and self.closing <= self.opening:
            errors["closing"] = _("La fermeture doit être postérieure à l'ouverture.")
        if self.phone_hours_per_day is not None and self.phone_hours_per_day > 24:
            errors["phone_hours_per_day"] = _("Une journée ne compte pas plus de 24 heures.")
        try:
            months = [int(m) for m in (self.training_months or "").split(",") if m.strip()]
        except ValueError:
            months = None
        if months is None or any(not 1 <= m <= 12 for m in months):
            errors["training_months"] = _(
                "Indiquez des numéros de mois entre 1 et 12 séparés par des virgules (ex. 3,5,6)."
            )
        elif len(set(months)) != len(months):
            errors["training_months"] = _("Un mois est indiqué deux fois.")
        if self.training_start and self.training_end and self.training_end <= self.training_start:
            errors["training_end"] = _("La fin de la formation doit suivre son début.")
        if (
            self.lunch_earliest
            and self.lunch_latest_end
            and self.lunch_latest_end <= self.lunch_earliest
        ):
            errors["lunch_latest_end"] = _(
                "La fin au plus tard des déjeuners doit suivre leur début au plus tôt."
            )
        try:
            years = [int(y) for y in (self.note_target_years or "").split(",") if y.strip()]
        except ValueError:
            years = None
        # A blank value already gets Django's « Ce champ ne peut pas être vide. »
        blank = not (self.note_target_years or "").strip()
        if not blank and (not years or any(not 2000 <= y <= 2100 for y in years)):
            errors["note_target_years"] = _(
                "Indiquez des années (ex. 2026,2027) séparées par des virgules."
            )
        if errors:
            raise ValidationError(errors)


class DaySlot(models.Model):
    """A slot of the typical day of note §F for one lunch group."""

    class Activity(models.TextChoices):
        EMAIL = "email", _("Courriels")
        PHONE = "phone", _("Téléphonie")
        LUNCH = "lunch", _("Pause déjeuner (si pause plus courte = courriels)")

    class Group(models.TextChoices):
        A = "A", _("Agent A")
        B = "B", _("Agent B")

    rule_set = models.ForeignKey(
        PlatformRuleSet,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="day_slots",
    )
    lunch_group = models.CharField(_("groupe"), max_length=1, choices=Group.choices)
    start = models.TimeField(_("début"))
    end = models.TimeField(_("fin"))
    activity = models.CharField(_("activité"), max_length=8, choices=Activity.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("créneau de la journée type")
        verbose_name_plural = _("journée type (note §F)")
        ordering = ["rule_set", "lunch_group", "start"]

    def __str__(self):
        return (
            f"{self.lunch_group} {self.start:%H:%M}–{self.end:%H:%M} {self.get_activity_display()}"
        )

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("La fin du créneau doit suivre son début.")})


class InterviewStep(models.Model):
    """A step of the phone interview of note §B.1, in order."""

    rule_set = models.ForeignKey(
        PlatformRuleSet,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="interview_steps",
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.CharField(_("étape"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("étape de l'entretien")
        verbose_name_plural = _("étapes de l'entretien téléphonique (note §B.1)")
        ordering = ["rule_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "position"], name="one_interview_step_per_position"
            )
        ]

    def __str__(self):
        return f"{self.position}. {self.label}"


class IndicatorParameterSet(models.Model):
    """Parameters of the indicator definitions (domain.md) in force from `valid_from`."""

    class RepeatUnit(models.TextChoices):
        CALLS = "calls", _("appels")
        CALLERS = "callers", _("appelants")

    class Clock(models.TextChoices):
        CALENDAR = "calendar", _("heures et jours calendaires")
        BUSINESS = "business", _("heures et jours ouvrés")

    valid_from = models.DateField(
        _("en vigueur à partir du"),
        unique=True,
        help_text=_("La version la plus récente dont la date est passée s'applique."),
    )
    short_abandon_s = _positive(
        _("abandons courts ignorés (secondes)"),
        _("Les abandons ayant attendu moins longtemps sortent du décroché ; 0 = aucun."),
        allow_zero=True,
    )
    repeat_window_days = _positive(
        _("fenêtre de réitération (jours)"), _("7 jours = 168 heures par défaut.")
    )
    repeat_unit = models.CharField(
        _("unité de la réitération"), max_length=8, choices=RepeatUnit.choices
    )
    service_level_threshold_s = _positive(
        _("seuil du niveau de service (secondes)"),
        _("Part des appels décrochés en moins de ce délai."),
        allow_zero=True,
    )
    email_deadline_hours = _positive(
        _("délai des courriels de niveau 1 (heures)"), _("48 h selon la note.")
    )
    complaint_deadline_days = _positive(
        _("délai des réclamations (jours)"), _("10 jours selon la note.")
    )
    deadline_clock = models.CharField(_("décompte des délais"), max_length=8, choices=Clock.choices)
    risk_points = models.DecimalField(
        _("écart « à risque » d'un taux (points)"),
        max_digits=4,
        decimal_places=2,
        default=Decimal(2),
        validators=[
            MinValueValidator(Decimal(0), _("L'écart ne peut pas être négatif.")),
            MaxValueValidator(Decimal(100), _("L'écart ne peut pas dépasser 100 points.")),
        ],
        help_text=_("Un taux qui manque sa cible d'au plus cet écart est « à risque »."),
    )
    risk_share = _percent(
        _("seuil « à risque » d'une production (%)"),
        _("Une production d'au moins cette part de sa cible au prorata est « à risque »."),
        default=Decimal(95),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("paramètres des indicateurs")
        verbose_name_plural = _("paramètres des indicateurs")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Paramètres en vigueur au %(date)s") % {
            "date": self.valid_from.strftime("%d/%m/%Y")
        }


class RoutingMatrix(models.Model):
    """A version of the note's routing table (§B.1): its motifs are the rows below it."""

    valid_from = models.DateField(
        _("en vigueur à partir du"),
        unique=True,
        help_text=_("La version la plus récente dont la date est passée s'applique."),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("matrice d'orientation des appels")
        verbose_name_plural = _("matrices d'orientation des appels")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Matrice en vigueur au %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}


class Rule(models.TextChoices):
    """How the note's table orients a motif for one profile column."""

    LEVEL1 = routing.LEVEL1, _("(vide) traiter au niveau 1")
    DEFERRED = routing.DEFERRED, _("V : rappel différé")
    DEFERRED_IF_FILE = routing.DEFERRED_IF_FILE, _("V : sur dossier en cours")
    PIRA_APPOINTMENT = routing.PIRA_APPOINTMENT, _("PIRA et proposition de RDV")
    TRANSFER = routing.TRANSFER, _("Transfert vers un assistant superviseur ou un manager")


class Motif(models.Model):
    """A row of the routing table: a motif of a parcours and the rule of each profile."""

    matrix = models.ForeignKey(
        RoutingMatrix, verbose_name=_("matrice"), on_delete=models.CASCADE, related_name="motifs"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    parcours = models.CharField(_("parcours"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Identifiant court et stable (lettres, chiffres, tirets), ex. CMG."),
    )
    label = models.CharField(_("libellé (tel qu'écrit dans la note)"), max_length=200)
    rule_fi = models.CharField(
        _("agents « Formation initiale »"), max_length=24, choices=Rule.choices
    )
    rule_confirme = models.CharField(
        _("agents CDI « Confirmé »"), max_length=24, choices=Rule.choices
    )
    keywords = models.CharField(
        _("mots-clés de recherche"),
        max_length=500,
        blank=True,
        help_text=_("Sigles et synonymes séparés par des virgules (ex. CMG, garde, nounou)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motif")
        verbose_name_plural = _("motifs")
        ordering = ["matrix", "position"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="one_motif_code_per_matrix")
        ]

    def __str__(self):
        return f"{self.label} ({self.parcours})"

    def keyword_list(self) -> tuple[str, ...]:
        return keyword_tuple(self.keywords)

    def clean(self):
        self.label = (self.label or "").strip()
        self.parcours = (self.parcours or "").strip()
        if not self.label:
            raise ValidationError({"label": _("Le libellé est obligatoire.")})


class MotifCatalogue(models.Model):
    """A version of the guide's catalogue: the usual level-1 motifs of a CAF, outside the note's
    table, and the words that call up the note's procedures (§C urgency, §D incivility)."""

    valid_from = models.DateField(
        _("en vigueur à partir du"),
        unique=True,
        help_text=_("La version la plus récente dont la date est passée s'applique."),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catalogue des motifs de niveau 1")
        verbose_name_plural = _("catalogues des motifs de niveau 1")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Catalogue en vigueur au %(date)s") % {
            "date": self.valid_from.strftime("%d/%m/%Y")
        }


def keyword_tuple(keywords: str) -> tuple[str, ...]:
    """The keywords of a comma-separated list, trimmed, empty ones dropped."""
    return tuple(k.strip() for k in keywords.split(",") if k.strip())


def _table_names() -> dict[tuple[str, ...], str]:
    """Codes and labels of the note's table, as matching phrases → the label they belong to."""
    names = {}
    for code, label in Motif.objects.values_list("code", "label"):
        names.setdefault(routing.phrase(code), label)
        names.setdefault(routing.phrase(label), label)
    return names


def _refuse_table_names(errors: dict, field: str, values, names: dict) -> None:
    # A catalogue word equal to a table motif would steal its calls (« CMG », « RSA jeune »).
    for value in values:
        label = names.get(routing.phrase(value))
        if label:
            errors[field] = _(
                "« %(value)s » désigne un motif du tableau de la note (« %(label)s ») : "
                "il ne peut pas appartenir au catalogue de niveau 1."
            ) % {"value": value, "label": label}
            return


_KEYWORDS_HELP = _(
    "Synonymes, sigles et mots des agents séparés par des virgules (ex. APL, aide au logement)."
)


class CatalogueMotif(models.Model):
    """A usual level-1 motif outside the note's table: the guide always says « Traiter au
    niveau 1 » for it."""

    catalogue = models.ForeignKey(
        MotifCatalogue,
        verbose_name=_("catalogue"),
        on_delete=models.CASCADE,
        related_name="motifs",
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    theme = models.CharField(_("thème"), max_length=120)
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Identifiant court et stable (lettres, chiffres, tirets), ex. PAIEMENTS."),
    )
    label = models.CharField(_("libellé"), max_length=200)
    keywords = models.CharField(
        _("synonymes et sigles"), max_length=800, blank=True, help_text=_KEYWORDS_HELP
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("motif de niveau 1")
        verbose_name_plural = _("motifs de niveau 1 (hors tableau)")
        ordering = ["catalogue", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "code"], name="one_level1_motif_code_per_catalogue"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.theme})"

    def keyword_list(self) -> tuple[str, ...]:
        return keyword_tuple(self.keywords)

    def clean(self):
        self.label = (self.label or "").strip()
        self.theme = (self.theme or "").strip()
        errors = {}
        if not self.label:
            errors["label"] = _("Le libellé est obligatoire.")
        names = _table_names()
        _refuse_table_names(errors, "code", [self.code or ""], names)
        _refuse_table_names(errors, "label", [self.label], names)
        _refuse_table_names(errors, "keywords", self.keyword_list(), names)
        if errors:
            raise ValidationError(errors)


class Procedure(models.Model):
    """The words that call up a procedure of the note in the guide (§D incivility, §C urgency).

    Users in distress are the table's own row (« USAGERS EN DETRESSE »), whose keywords are the
    distress words.
    """

    class Kind(models.TextChoices):
        INCIVILITY = routing.INCIVILITY, _("Incivilité (note §D)")
        URGENCY = routing.URGENCY, _("Urgence (note §C)")

    catalogue = models.ForeignKey(
        MotifCatalogue,
        verbose_name=_("catalogue"),
        on_delete=models.CASCADE,
        related_name="procedures",
    )
    kind = models.CharField(_("procédure"), max_length=12, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=200)
    keywords = models.CharField(
        _("mots qui la déclenchent"),
        max_length=800,
        help_text=_("Mots séparés par des virgules (ex. insulte, injure, menace)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("procédure du guide")
        verbose_name_plural = _("procédures du guide (note §C et §D)")
        ordering = ["catalogue", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "kind"], name="one_procedure_kind_per_catalogue"
            )
        ]

    def __str__(self):
        return self.label

    def keyword_list(self) -> tuple[str, ...]:
        return keyword_tuple(self.keywords)

    def clean(self):
        self.label = (self.label or "").strip()
        errors = {}
        if not self.label:
            errors["label"] = _("Le libellé est obligatoire.")
        if not self.keyword_list():
            errors["keywords"] = _("Indiquez au moins un mot qui déclenche la procédure.")
        if errors:
            raise ValidationError(errors)
