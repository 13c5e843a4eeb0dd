"""The roles of the platform, apart from the models so that `access` can read them first."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "teleconseiller", _("Téléconseiller")
    SUPERVISOR = "assistant_superviseur", _("Assistant superviseur")
    MANAGER = "manager", _("Manager")
    DIRECTION = "direction", _("Direction")
    ADMIN = "administrateur", _("Administrateur")
    REINFORCEMENT = "renfort_national", _("Renfort national")
    # Back-office specialist (note §B.1): takes deferred callbacks, phone appointments and PIRA.
    EXPERT = "expert", _("Expert (niveau 2)")
