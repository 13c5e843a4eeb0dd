"""What the call guide shows: matching motifs and, for each, the decision per profile."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from pfspilot.engine import routing
from pfspilot.reference.selectors import interview_steps, routing_matrix

ACTION_LABELS = {
    routing.LEVEL1: _("Traiter au niveau 1"),
    routing.DEFERRED: _("Rappel différé"),
    routing.PIRA_APPOINTMENT: _("PIRA + proposition de RDV"),
    routing.TRANSFER: _("Transfert superviseur / manager"),
}
PROFILE_LABELS = {"fi": _("Formation initiale"), "confirme": _("Confirmé")}
MAX_RESULTS = 8
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ProfileDecision:
    profile: str
    profile_label: str
    action: str
    action_label: str
    instruction: str


@dataclass(frozen=True)
class GuideEntry:
    row: routing.RoutingRow
    asks_file_in_progress: bool
    file_in_progress: bool
    decisions: tuple[ProfileDecision, ...]


def _entry(row, profiles, file_code) -> GuideEntry:
    asks = any(row.asks_file_in_progress(p) for p in profiles)
    in_progress = asks and file_code == row.code
    decisions = []
    for profile in profiles:
        decision = routing.route(row, profile, in_progress)
        decisions.append(
            ProfileDecision(
                profile=profile,
                profile_label=PROFILE_LABELS[profile],
                action=decision.action,
                action_label=ACTION_LABELS[decision.action],
                instruction=decision.instruction,
            )
        )
    return GuideEntry(row, asks, in_progress, tuple(decisions))


def guide_results(
    *, query: str, profiles: tuple[str, ...], file_code: str = "", on: dt.date | None = None
) -> dict:
    """Motifs matching `query` (all motifs by parcours when empty), with their decisions.

    `file_code` is the code of the motif for which the agent answered "dossier en cours : oui".
    """
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    rows = routing_matrix(on)
    hits = routing.search(rows, query, MAX_RESULTS) if query else rows
    entries = [_entry(row, profiles, file_code) for row in hits]
    outside = None
    if query and not entries:
        outside = routing.route(None, profiles[0])
    groups: list[tuple[str, list[GuideEntry]]] = []
    if not query:
        for entry in entries:
            if not groups or groups[-1][0] != entry.row.parcours:
                groups.append((entry.row.parcours, []))
            groups[-1][1].append(entry)
    return {
        "q": query,
        "entries": entries,
        "groups": groups,
        "outside_table": outside,
        "file_code": file_code,
        "profiles": [(p, PROFILE_LABELS[p]) for p in profiles],
        "has_matrix": bool(rows),
    }


def guide_page(*, query: str, profiles: tuple[str, ...], file_code: str = "") -> dict:
    """The full page: results and the interview steps of note §B.1."""
    context = guide_results(query=query, profiles=profiles, file_code=file_code)
    context["interview_steps"] = interview_steps()
    return context
