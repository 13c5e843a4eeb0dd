"""People of the platform: accounts with a role, agents with a profile, teams."""

from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet
from .roles import Role

__all__ = ["LunchGroup", "Profile", "Role", "Team", "User"]


class Profile(models.TextChoices):
    """Routing profile of an agent (note §B.1): formation initiale or confirmé (CDI)."""

    TRAINEE = "fi", _("Formation initiale")
    CONFIRMED = "confirme", _("Confirmé")


class LunchGroup(models.TextChoices):
    """Typical day of note §F: agents A lunch 11:45–12:45, agents B 12:45–13:45."""

    A = "A", _("Agent A (déjeuner 11h45–12h45)")
    B = "B", _("Agent B (déjeuner 12h45–13h45)")


class Team(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    site = models.CharField(_("site"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserQuerySet(ScopedQuerySet):
    # An agent sees their own account, an assistant superviseur their team, managers everyone.
    owner_field = "pk"
    team_field = "team"


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager with `visible_to`; a named class so that migrations can refer to it.

    A superuser is an administrator (`pfspilot createsuperuser`): `User.save` derives
    `is_staff`/`is_superuser` from the role, so without the role the flags Django sets here would
    be reset and the new account would be a mere téléconseiller.
    """

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        if extra_fields["role"] != Role.ADMIN:
            raise ValueError(_("Un superutilisateur a le rôle administrateur."))
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices, default=Role.AGENT)
    profile = models.CharField(
        _("profil"),
        max_length=10,
        choices=Profile.choices,
        blank=True,
        help_text=_("Profil d'orientation des appels, pour les téléconseillers."),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("équipe"), null=True, blank=True, on_delete=models.SET_NULL
    )
    fte = models.DecimalField(
        _("ETP"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("1.00"))],
        help_text=_("Quotité de travail, entre 0,10 et 1,00."),
    )
    lunch_group = models.CharField(
        _("groupe de déjeuner"), max_length=1, choices=LunchGroup.choices, default=LunchGroup.A
    )
    start_date = models.DateField(_("date d'entrée"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # The administrator role is the only one that reaches the admin pages.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def is_agent(self) -> bool:
        return self.role in (Role.AGENT, Role.REINFORCEMENT)

    def has_ended(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.end_date is not None and self.end_date < today

    def has_not_started(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.start_date is not None and self.start_date > today

    def is_employed_on(self, day) -> bool:
        """Whether `day` is within the contract: the dates of `selectors.agents_employed`."""
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )

    def routing_profile(self) -> str:
        """Agents without an explicit profile are treated as trainees: the safer orientation."""
        return self.profile or Profile.TRAINEE
