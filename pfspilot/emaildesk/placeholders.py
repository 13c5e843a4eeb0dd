"""Placeholders of the response templates: `{nom}`, `{numero_allocataire}`… filled from the email.

A template (subject, body, the promotion block) names placeholders between braces; an unknown
one is refused with a French message naming it, so nothing half-filled is saved or sent.
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pfspilot.workitems.services import WorkItemError

CAF_LINKS = {
    "lien_caf": "https://www.caf.fr",
    "lien_mon_compte": "https://www.caf.fr/allocataires/mon-compte",
    "lien_demarches": "https://www.caf.fr/allocataires/mes-services-en-ligne",
    "lien_simulateurs": "https://www.caf.fr/allocataires/mes-services-en-ligne/faire-une-simulation",
    "lien_contact": "https://www.caf.fr/nous-contacter",
}

PLACEHOLDERS = {
    "nom": gettext_lazy("nom de l'allocataire (expéditeur du courriel)"),
    "numero_allocataire": gettext_lazy("numéro d'allocataire (7 chiffres) lu dans le courriel"),
    "date_reception": gettext_lazy("date de réception du courriel (JJ/MM/AAAA)"),
    "date_du_jour": gettext_lazy("date du jour (JJ/MM/AAAA)"),
    "echeance": gettext_lazy("échéance de la réponse (JJ/MM/AAAA HH:MM)"),
    "objet": gettext_lazy("objet du courriel reçu"),
    "agent": gettext_lazy("prénom et nom du téléconseiller"),
    **{name: gettext_lazy("lien %(url)s") % {"url": url} for name, url in CAF_LINKS.items()},
}

_PATTERN = re.compile(r"\{([^{}\n]*)\}")


def names_in(text: str) -> list[str]:
    return _PATTERN.findall(text or "")


def check(text: str, field: str = "body") -> None:
    """Raises WorkItemError naming the first unknown placeholder of `text`."""
    for name in names_in(text):
        if name.strip() not in PLACEHOLDERS:
            raise WorkItemError(
                _("Variable inconnue : « {%(name)s} ». Variables possibles : %(known)s.")
                % {"name": name, "known": ", ".join(f"{{{k}}}" for k in PLACEHOLDERS)},
                field=field,
            )


def values_for(item, agent=None, now=None) -> dict[str, str]:
    """The value of every placeholder for answering `item` (an EmailItem) as `agent`."""
    now = now or timezone.now()
    agent_name = ""
    if agent is not None:
        agent_name = (agent.get_full_name() or agent.get_username()).strip()
    return {
        "nom": item.from_name or _("Madame, Monsieur"),
        "numero_allocataire": item.claimant_number or "",
        "date_reception": f"{timezone.localtime(item.received_at):%d/%m/%Y}",
        "date_du_jour": f"{timezone.localtime(now):%d/%m/%Y}",
        "echeance": f"{timezone.localtime(item.due_at):%d/%m/%Y %H:%M}",
        "objet": item.subject or "",
        "agent": agent_name,
        **CAF_LINKS,
    }


def fill(text: str, values: dict[str, str], field: str = "body") -> str:
    """`text` with each placeholder replaced; WorkItemError on an unknown one."""
    check(text, field)
    return _PATTERN.sub(lambda m: values[m.group(1).strip()], text or "")
