"""Who may do what, and on which records: one table of capabilities, one table of scopes.

- A **capability** is a page to open or an action to perform (claim, transfer, close…). The
  table `CAPABILITIES` gives each one its French label and the roles that hold it; nothing else
  in the code names a role to decide an access.
- Each view declares, per HTTP method it accepts, the capability it requires:
  `@requires("planning")` (GET only), `@requires({"GET": "planning", "POST": "forecast.override"})`.
  A role without it gets 403, a method the view does not declare gets 405, and the access test
  walks every URL for every role and method against these declarations.
- A **scope** says which records a role sees: its own, its team's, or all (`SCOPES`). Querysets of
  records that have an owner and a team mix in `ScopedQuerySet` and answer `visible_to(user)`;
  `get_object_for_user` fetches one record for a view: 404 when it is outside the user's scope
  (its existence is not revealed), 403 when it is visible but the action is not allowed.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import ClassVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .roles import Role


@dataclass(frozen=True)
class Capability:
    label: str | Promise  # French, shown to administrators and in refusals
    roles: frozenset[str]
    is_action: bool = False  # False: a page to open; True: an action on a record or the platform


def page(label, roles) -> Capability:
    return Capability(label, frozenset(roles))


def action(label, roles) -> Capability:
    return Capability(label, frozenset(roles), is_action=True)


EVERYONE = frozenset(Role.values)
AGENTS = frozenset({Role.AGENT, Role.REINFORCEMENT})
EXPERTS = frozenset({Role.EXPERT})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.MANAGER})
SUPERVISION = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
MANAGEMENT = frozenset({Role.MANAGER, Role.ADMIN})
STEERING = frozenset({Role.DIRECTION, Role.MANAGER, Role.ADMIN})
PLANNERS = SUPERVISION | {Role.DIRECTION}

# Pages are plain names; actions are "record.verb". Actions of the desk, email and supervision
# issues are decided here already so that their views and API only declare them.
CAPABILITIES: dict[str, Capability] = {
    # Pages
    "home": page(_("Accueil"), EVERYONE),
    "guide": page(_("Guide d'appel"), EVERYONE),
    "people": page(_("Fiches des personnes (selon sa portée)"), EVERYONE),
    # Assistants superviseurs: their own team only, enforced by the dashboard's views.
    "dashboard": page(_("Tableau de bord COG"), STEERING | {Role.SUPERVISOR}),
    "imports": page(_("Imports des exports téléphonie et courriel"), MANAGEMENT),
    "planning": page(_("Planification, prévisions et capacité"), PLANNERS),
    "desk": page(_("Mon poste et fiches d'appel"), AGENTS),
    "requests": page(_("Demandes de niveau 2 (rappels, RDV, PIRA)"), EXPERTS | SUPERVISION),
    "urgencies": page(_("Urgences"), AGENTS | SUPERVISION),
    "incivilities": page(_("Suivis d'incivilité"), SUPERVISION),
    "emails": page(_("Courriels : files de niveau 1 et des réclamations"), AGENTS | SUPERVISION),
    "supervisions": page(_("Supervisions (les siennes pour un agent)"), SUPERVISION | AGENTS),
    "supervision_board": page(
        _("Campagne de supervision et couverture annuelle"), SUPERVISION | {Role.DIRECTION}
    ),
    "agent_file": page(_("Dossier d'un agent (supervisions, accompagnements)"), SUPERVISION),
    "reminders": page(_("Rappels de consigne"), AGENTS | SUPERVISION),
    "skills": page(_("Formations et ateliers"), SUPERVISION | {Role.DIRECTION}),
    "email_attachments": page(
        _("Pièces jointes des courriels reçus (téléchargement)"), AGENTS | SUPERVISION
    ),
    # Actions of the existing pages
    "contacts.import": action(_("Importer un fichier"), MANAGEMENT),
    "contacts.undo": action(_("Annuler un import (retirer ses enregistrements)"), MANAGEMENT),
    "indicators.export": action(_("Exporter un tableau (CSV, XLSX)"), STEERING | {Role.SUPERVISOR}),
    "plan.reoptimise": action(_("Ré-optimiser un plan de journée"), PLANNERS),
    "forecast.override": action(_("Corriger une prévision"), PLANNERS),
    # The agent's desk (note §B.1, §C, §D)
    "call.record": action(_("Renseigner une fiche d'appel"), AGENTS),
    "call.transfer": action(_("Transférer un appel (détresse seulement)"), AGENTS),
    "request.create": action(_("Demander un rappel, un RDV ou une PIRA"), AGENTS),
    "request.claim": action(_("Prendre en charge une demande de niveau 2"), EXPERTS),
    "request.close": action(_("Clore une demande de niveau 2"), EXPERTS),
    "request.reassign": action(_("Réattribuer une demande de niveau 2"), SUPERVISORS),
    "appointment.slots": action(_("Publier des créneaux de RDV téléphonique"), EXPERTS),
    "urgency.send": action(_("Envoyer une urgence"), AGENTS),
    "urgency.claim": action(_("Prendre en charge une urgence"), SUPERVISORS),
    "urgency.transfer": action(_("Transmettre une urgence au service concerné"), SUPERVISORS),
    "urgency.close": action(_("Clore une urgence"), SUPERVISORS),
    "incivility.declare": action(_("Déclarer une incivilité"), AGENTS),
    "incivility.follow_up": action(_("Suivre une incivilité (échange, RECIT)"), MANAGEMENT),
    "audit.view": action(_("Consulter le journal des consultations"), {Role.ADMIN}),
    "api.token": action(_("Créer une clé d'API"), {Role.ADMIN}),
    # The email desk (note §B.2)
    "email.claim": action(_("Prendre le courriel suivant"), AGENTS),
    "email.reply": action(_("Répondre à un courriel"), AGENTS),
    "email.reassign": action(_("Réattribuer un courriel"), SUPERVISORS),
    "email.requalify": action(_("Changer la nature d'un courriel"), SUPERVISORS),
    "email.templates": action(_("Gérer les modèles de réponse"), SUPERVISORS),
    # Supervision and skills (note §E)
    "supervision.plan": action(_("Planifier la campagne de supervision"), SUPERVISORS),
    "supervision.evaluate": action(_("Évaluer un échantillon"), SUPERVISORS),
    "supervision.grid": action(_("Créer une version de grille d'évaluation"), SUPERVISORS),
    "supervision.sign": action(_("Signer un débriefing"), SUPERVISORS),
    "supervision.acknowledge": action(_("Prendre connaissance de son débriefing"), {Role.AGENT}),
    "training.manage": action(_("Organiser formations, ateliers et rappels"), SUPERVISORS),
    "reminder.acknowledge": action(_("Accuser lecture d'un rappel de consigne"), AGENTS),
}


# Views open without login, each with why it holds no personal data (the access test checks
# that every view without a capability is listed here or is the login itself).
PUBLIC: dict[str, str | Promise] = {
    "health": _(
        "Santé de la plateforme pour la supervision (base, dernier signe de vie du worker, "
        "longueur de la file) : des nombres et des heures, aucune donnée personnelle."
    ),
}


def public(name: str):
    """View decorator: the view named `name` in PUBLIC answers without login (GET only)."""
    from django.contrib.auth.decorators import login_not_required

    if name not in PUBLIC:
        raise KeyError(f"vue publique non déclarée : {name}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "HEAD"])
            return view(request, *args, **kwargs)

        wrapper.public = name
        return login_not_required(wrapper)

    return decorator


class Scope(StrEnum):
    OWN = "own"  # the records the user owns (their calls, their requests)
    TEAM = "team"  # the records of the user's team, and their own
    ALL = "all"


SCOPES: dict[str, Scope] = {
    Role.AGENT: Scope.OWN,
    Role.REINFORCEMENT: Scope.OWN,
    Role.EXPERT: Scope.OWN,
    Role.SUPERVISOR: Scope.TEAM,
    Role.MANAGER: Scope.ALL,
    Role.DIRECTION: Scope.ALL,
    Role.ADMIN: Scope.ALL,
}

# Menu entries: (capability, url name, label). Entries whose URL does not exist yet are skipped.
NAVIGATION = [
    ("desk", "poste:poste", _("Mon poste")),
    ("requests", "poste:requests", _("Demandes de niveau 2")),
    ("appointment.slots", "poste:slots", _("Mes créneaux de RDV")),
    ("urgencies", "poste:urgencies", _("Urgences")),
    ("urgency.send", "poste:urgency_send", _("Envoyer une urgence")),
    ("incivilities", "poste:incivilities", _("Incivilités")),
    ("emails", "courriels:queue", _("Courriels")),
    ("audit.view", "poste:consultations", _("Consultations")),
    ("guide", "desk:guide", _("Guide d'appel")),
    ("dashboard", "indicators:dashboard", _("Tableau de bord COG")),
    ("planning", "planning:day", _("Planification")),
    ("planning", "planning:forecast", _("Prévisions")),
    ("planning", "planning:capacity", _("Capacité")),
    ("imports", "contacts:imports", _("Imports")),
    ("supervision_board", "supervision:board", _("Campagne de supervision")),
    ("supervisions", "supervision:supervisions", _("Supervisions")),
    ("reminders", "supervision:reminders", _("Rappels de consigne")),
    ("skills", "supervision:training", _("Formations")),
    ("supervision_board", "supervision:grids", _("Grilles")),
    ("people", "people:list", _("Personnes")),
]


def _check(capability: str) -> None:
    if capability not in CAPABILITIES:
        raise KeyError(f"capacité inconnue : {capability}")


def can(user, capability: str) -> bool:
    """Whether `user` (anonymous included) holds `capability`; KeyError if it is not in the table."""
    _check(capability)
    return bool(user and user.is_authenticated and user.role in CAPABILITIES[capability].roles)


def requires(capability: str | dict[str, str]):
    """View decorator declaring the capability required for each HTTP method the view accepts.

    `capability` is a name (the view answers GET, and HEAD, only) or a mapping
    {"GET": name, "POST": name}. Order of the checks: the role (403 whatever the method, so a
    refused user learns nothing of the view), then the method (405 with the Allow header).
    The wrapper carries `capabilities` (method → name) for the access test.
    """
    by_method = {"GET": capability} if isinstance(capability, str) else dict(capability)
    if not by_method or not set(by_method) <= {"GET", "POST", "PUT", "PATCH", "DELETE"}:
        raise ValueError(f"méthodes HTTP invalides : {sorted(by_method)}")
    for name in by_method.values():
        _check(name)
    if "GET" in by_method:
        by_method.setdefault("HEAD", by_method["GET"])

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(can(request.user, name) for name in by_method.values()):
                raise PermissionDenied(_("Votre rôle ne donne pas accès à cette page."))
            name = by_method.get(request.method)
            if name is None:
                return HttpResponseNotAllowed(sorted(by_method))
            if not can(request.user, name):
                raise PermissionDenied(
                    _("Votre rôle ne permet pas cette action : %(action)s.")
                    % {"action": CAPABILITIES[name].label}
                )
            return view(request, *args, **kwargs)

        wrapper.capabilities = by_method
        return wrapper

    return decorator


class ScopedQuerySet(models.QuerySet):
    """Mix into the queryset of a model whose records have an owner and a team.

    Set `owner_field` (path to the owning user, "pk" for the users themselves) and `team_field`
    (path to the team). `role_scopes` overrides `SCOPES` for one model, e.g. experts see the
    whole queue of level-2 requests: {Role.EXPERT: Scope.ALL}.
    """

    owner_field: ClassVar[str] = "agent"
    team_field: ClassVar[str] = "team"
    role_scopes: ClassVar[dict[str, Scope]] = {}

    def visible_to(self, user) -> "ScopedQuerySet":
        """The records `user` may see: own, own and team's, or all (no record for anonymous)."""
        if not (user and user.is_authenticated):
            return self.none()
        scope = self.role_scopes.get(user.role, SCOPES.get(user.role))
        if scope == Scope.ALL:
            return self.all()
        own = models.Q(**{self.owner_field: user.pk})
        if scope == Scope.TEAM and user.team_id is not None:
            return self.filter(own | models.Q(**{self.team_field: user.team_id}))
        if scope in (Scope.OWN, Scope.TEAM):
            return self.filter(own)
        return self.none()  # a role without a scope sees nothing rather than everything


def get_object_for_user(user, queryset, *, action: str | None = None, **lookup):
    """The record matching `lookup` within `queryset.visible_to(user)`.

    Raises Http404 when it does not exist or lies outside the user's scope, PermissionDenied
    when it is visible but `action` (a name of `CAPABILITIES`) is not among the user's.
    `queryset` is a ScopedQuerySet or a model whose default manager gives one.
    """
    if action is not None:
        _check(action)
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404(_("Cette fiche n'existe pas ou n'est pas dans votre périmètre.")) from None
    if action is not None and not can(user, action):
        raise PermissionDenied(
            _("Votre rôle ne permet pas cette action : %(action)s.")
            % {"action": CAPABILITIES[action].label}
        )
    return obj


def navigation(request):
    """Template context: the menu entries the current user may open."""
    items = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for capability, name, label in NAVIGATION:
            if not can(user, capability):
                continue
            try:
                items.append({"url": reverse(name), "label": label, "name": name})
            except NoReverseMatch:
                continue
    return {"nav_items": items}
