"""Pre-computed sums the COG dashboard and the forecast read instead of a million raw records.

Daily sums per team/agent or motif (dashboard), and per day × half-hour (forecast, volumes per
half-hour).

Only sums and counts are stored (never averages or rates), so any period, team, agent or
motif is the exact sum of its days and every indicator is a ratio of sums, like on raw records.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grain(models.TextChoices):
    # A row is either one (day, team, agent) or one (day, motif): both keep the platform total.
    AGENT = "agent", _("équipe et téléconseiller")
    MOTIF = "motif", _("motif")


class DailyStats(models.Model):
    """Sums of one day for one team/agent or one motif ("" = unknown).

    Call and cohort columns are keyed by the day of arrival (calls) or receipt (emails);
    `emails_answered` by the day of answer, as production counts work done that day.
    """

    day = models.DateField(_("jour"))
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    week = models.DateField(_("semaine (lundi)"))
    grain = models.CharField(_("grain"), max_length=8, choices=Grain.choices)
    # The team's name as the records gave it, and its key: the key (when the name is a known
    # team) is what the reads filter and group by, so a renamed team keeps its whole history.
    team = models.CharField(_("équipe"), max_length=100, blank=True)
    team_key = models.ForeignKey(
        "people.Team",
        verbose_name=_("équipe (clé)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent = models.CharField(_("téléconseiller"), max_length=150, blank=True)
    motif = models.CharField(_("motif"), max_length=200, blank=True)

    calls_offered = models.PositiveIntegerField(default=0)
    calls_answered = models.PositiveIntegerField(default=0)
    calls_ivr = models.PositiveIntegerField(default=0)
    calls_abandoned = models.PositiveIntegerField(default=0)
    calls_identified = models.PositiveIntegerField(default=0)
    calls_repeat = models.PositiveIntegerField(default=0)
    calls_within_sl = models.PositiveIntegerField(default=0)  # answered with a known wait ≤ T
    # An empty wait or talk time is unknown (never 0): ASA, AHT and the service level are ratios
    # over the calls whose value is known. Service level = within / (wait known + abandoned).
    calls_wait_known = models.PositiveIntegerField(default=0)  # answered with a known wait
    wait_answered_s = models.FloatField(default=0.0)  # Σ waits of `calls_wait_known`
    calls_handle_known = models.PositiveIntegerField(default=0)  # answered, known talk time
    handle_s = models.FloatField(default=0.0)  # Σ talk + wrap-up of `calls_handle_known`
    phone_hours = models.FloatField(default=0.0)
    email_hours = models.FloatField(default=0.0)
    emails_answered = models.PositiveIntegerField(default=0)
    level1_received = models.PositiveIntegerField(default=0)
    level1_due = models.PositiveIntegerField(default=0)
    level1_within = models.PositiveIntegerField(default=0)
    complaints_received = models.PositiveIntegerField(default=0)
    complaints_due = models.PositiveIntegerField(default=0)
    complaints_within = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agrégat quotidien")
        verbose_name_plural = _("agrégats quotidiens")
        indexes = [
            models.Index(fields=["grain", "year", "month"]),
            models.Index(fields=["year", "day"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "grain", "team", "agent", "motif"], name="dailystats_unique_key"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.team}/{self.agent}{self.motif}"


# The summed columns of `DailyStats` (every figure of the dashboard is a ratio of their sums).
SUM_FIELDS = (
    "calls_offered",
    "calls_answered",
    "calls_ivr",
    "calls_abandoned",
    "calls_identified",
    "calls_repeat",
    "calls_within_sl",
    "calls_wait_known",
    "wait_answered_s",
    "calls_handle_known",
    "handle_s",
    "phone_hours",
    "email_hours",
    "emails_answered",
    "level1_received",
    "level1_due",
    "level1_within",
    "complaints_received",
    "complaints_due",
    "complaints_within",
)


class MonthlyStats(models.Model):
    """The rows of `DailyStats` summed per month (team, agent or motif): what the dashboard
    reads for a year by month (a few rows per agent instead of one per day). Rebuilt from the
    daily rows in the same transaction as them (`services.replace_aggregates`); `rows` and
    `last_day` say which daily rows it sums, so that a read can check it matches them."""

    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    grain = models.CharField(_("grain"), max_length=8, choices=Grain.choices)
    team = models.CharField(_("équipe"), max_length=100, blank=True)
    team_key = models.ForeignKey(
        "people.Team",
        verbose_name=_("équipe (clé)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agent = models.CharField(_("téléconseiller"), max_length=150, blank=True)
    motif = models.CharField(_("motif"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("lignes quotidiennes"))
    last_day = models.DateField(_("dernier jour"))

    class Meta:
        verbose_name = _("agrégat mensuel")
        verbose_name_plural = _("agrégats mensuels")
        indexes = [models.Index(fields=["grain", "year", "month"])]

    def __str__(self):
        return f"{self.year}-{self.month:02d} {self.team}/{self.agent}{self.motif}"


for _name in SUM_FIELDS:  # the same columns as the daily rows, defined once
    MonthlyStats.add_to_class(_name, DailyStats._meta.get_field(_name).clone())


class DailySatisfaction(models.Model):
    """Satisfaction answers of one day and channel: answers and satisfied ones."""

    day = models.DateField(_("jour"))
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    week = models.DateField(_("semaine (lundi)"))
    channel = models.CharField(_("canal"), max_length=16)
    answers = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("satisfaction quotidienne")
        verbose_name_plural = _("satisfactions quotidiennes")
        constraints = [
            models.UniqueConstraint(fields=["day", "channel"], name="dailysatisfaction_unique")
        ]

    def __str__(self):
        return f"{self.day} {self.channel}"


class AggregateState(models.Model):
    """When the sums were last rebuilt: pending emails become due as time passes."""

    refreshed_at = models.DateTimeField(_("calculé le"))
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))

    class Meta:
        verbose_name = _("calcul des agrégats")
        verbose_name_plural = _("calculs des agrégats")
        get_latest_by = "refreshed_at"

    def __str__(self):
        return f"{self.start} → {self.end} ({self.refreshed_at:%Y-%m-%d %H:%M})"


class HalfHourStats(models.Model):
    """Calls of one local half-hour (Europe/Paris) of one day, by arrival: counts and sums only.

    Read by the forecast (arrivals, AHT, IVR share, censored patience, shrinkage) and by the
    dashboard's volumes per half-hour. `offered` and `abandoned` count every call (short
    abandons included: they did arrive and hang up); the indicators take `short_abandons` out.
    """

    day = models.DateField(_("jour"))
    year = models.PositiveSmallIntegerField(_("année"))
    month = models.PositiveSmallIntegerField(_("mois"))
    slot = models.TimeField(_("demi-heure (début, heure locale)"))
    # The autumn clock change repeats 02:00–02:59: 1 marks the second occurrence (winter time).
    fold = models.PositiveSmallIntegerField(
        _("répétition de l'heure (changement d'heure)"), default=0
    )
    offered = models.PositiveIntegerField(default=0)
    ivr = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    short_abandons = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)  # answered with a known talk time
    handle_s = models.FloatField(default=0.0)  # Σ talk + wrap-up of `handled`
    queued = models.PositiveIntegerField(default=0)  # answered or abandoned with a known wait
    wait_s = models.FloatField(default=0.0)  # Σ waits of `queued`
    abandon_known = models.PositiveIntegerField(default=0)  # abandoned with a known wait
    abandon_wait_s = models.FloatField(default=0.0)  # Σ waits of `abandon_known`

    class Meta:
        verbose_name = _("agrégat par demi-heure")
        verbose_name_plural = _("agrégats par demi-heure")
        indexes = [models.Index(fields=["year", "month"])]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "slot", "fold"], name="halfhourstats_unique_slot"
            )
        ]

    def __str__(self):
        return f"{self.day} {self.slot:%H:%M}" + (" (heure d'hiver)" if self.fold else "")
