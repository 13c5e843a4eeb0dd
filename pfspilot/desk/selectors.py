"""What the call guide shows: matching motifs and, for each, the decision per profile.

The page and `pfspilot guide` read the same ranked list (`guide_search`), so a script sees
exactly what an agent sees.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from pfspilot.engine import routing
from pfspilot.reference.selectors import guide_rows, interview_steps

ACTION_LABELS = {
    routing.LEVEL1: _("Traiter au niveau 1"),
    routing.DEFERRED: _("Rappel différé"),
    routing.PIRA_APPOINTMENT: _("PIRA + proposition de RDV"),
    routing.TRANSFER: _("Transfert superviseur / manager"),
    routing.INCIVILITY: _("Incivilité : enregistrer, mettre fin, signaler"),
    routing.URGENCY: _("Urgence : boîte aux lettres de la supervision"),
}
KIND_LABELS = {
    routing.TABLE: _("Tableau de la note"),
    routing.CATALOGUE: _("Hors tableau : motif courant de niveau 1"),
    routing.PROCEDURE: _("Procédure de la note"),
}
PROFILE_LABELS = {"fi": _("Formation initiale"), "confirme": _("Confirmé")}
OUTSIDE_TITLE = _("Motif hors tableau : traiter au niveau 1")
MAX_RESULTS = 8
MAX_SUGGESTIONS = 3
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Outcome:
    condition: str  # "" when certain; else the answer to « Dossier en cours ? » it depends on
    action: str
    action_label: str
    instruction: str


@dataclass(frozen=True)
class ProfileDecision:
    """What an agent of one profile does: one outcome, or both until the file question is
    answered (the guide never assumes an answer)."""

    profile: str
    profile_label: str
    outcomes: tuple[Outcome, ...]

    @property
    def pending(self) -> bool:
        return len(self.outcomes) > 1


@dataclass(frozen=True)
class GuideEntry:
    row: routing.RoutingRow
    kind_label: str
    asks_file_in_progress: bool
    file_answer: bool | None  # None: « Dossier en cours ? » not answered yet
    decisions: tuple[ProfileDecision, ...]


def _outcome(row, profile, file_in_progress, condition="") -> Outcome:
    decision = routing.route(row, profile, file_in_progress)
    return Outcome(condition, decision.action, ACTION_LABELS[decision.action], decision.instruction)


def _entry(row, profiles, file_code, no_file_code) -> GuideEntry:
    asks = any(row.asks_file_in_progress(p) for p in profiles)
    answer = None
    if asks and file_code == row.code:
        answer = True
    elif asks and no_file_code == row.code:
        answer = False
    decisions = []
    for profile in profiles:
        if row.asks_file_in_progress(profile) and answer is None:
            outcomes = (
                _outcome(row, profile, True, str(_("Si dossier en cours"))),
                _outcome(row, profile, False, str(_("Si pas de dossier en cours"))),
            )
        else:
            outcomes = (_outcome(row, profile, bool(answer)),)
        decisions.append(ProfileDecision(profile, PROFILE_LABELS[profile], outcomes))
    return GuideEntry(row, KIND_LABELS[row.kind], asks, answer, tuple(decisions))


def guide_search(query: str, on: dt.date | None = None) -> list[routing.RoutingRow]:
    """The guide's ranked matches for `query` (table, level-1 catalogue, procedures)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    return routing.search(guide_rows(on), query, MAX_RESULTS) if query else []


def guide_json(query: str, profile: str, file_in_progress: bool, on=None) -> list[dict]:
    """The ranked list of `pfspilot guide --json`: what the page shows, best first.

    [{"motif", "parcours" (parcours or theme), "in_table", "action", "instruction"}];
    `file_in_progress` answers « Dossier en cours ? » for every motif that asks it.
    """
    result = []
    for row in guide_search(query, on):
        decision = routing.route(row, profile, file_in_progress)
        result.append(
            {
                "motif": row.label,
                "parcours": row.journey,
                "in_table": row.in_table,
                "action": decision.action,
                "instruction": decision.instruction,
            }
        )
    return result


def guide_results(
    *,
    query: str,
    profiles: tuple[str, ...],
    file_code: str = "",
    no_file_code: str = "",
    on: dt.date | None = None,
) -> dict:
    """Motifs matching `query` (the table by parcours and the catalogue by theme when empty).

    `file_code` / `no_file_code`: the motif for which the agent answered « Dossier en cours ? »
    yes / no; every other motif that asks it shows both outcomes side by side.
    """
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    rows = guide_rows(on)
    table = [row for row in rows if row.in_table]
    hits = routing.search(rows, query, MAX_RESULTS) if query else table
    entries = [_entry(row, profiles, file_code, no_file_code) for row in hits]
    outside = suggestions = None
    if query and not entries:
        outside = routing.route(None, profiles[0])
        suggestions = [row.label for row in routing.suggest(rows, query, MAX_SUGGESTIONS)]
    groups: list[tuple[str, list[GuideEntry]]] = []
    themes: list[tuple[str, list[routing.RoutingRow]]] = []
    if not query:
        for entry in entries:
            if not groups or groups[-1][0] != entry.row.journey:
                groups.append((entry.row.journey, []))
            groups[-1][1].append(entry)
        for row in rows:
            if row.kind == routing.CATALOGUE:
                if not themes or themes[-1][0] != row.journey:
                    themes.append((row.journey, []))
                themes[-1][1].append(row)
    return {
        "q": query,
        "entries": entries,
        "groups": groups,
        "themes": themes,
        "outside_table": outside,
        "outside_title": OUTSIDE_TITLE,
        "suggestions": suggestions,
        "file_code": file_code,
        "no_file_code": no_file_code,
        "profiles": [(p, PROFILE_LABELS[p]) for p in profiles],
        "has_matrix": bool(table),
        "procedures": [
            row for row in rows if row.kind == routing.PROCEDURE or row.rule_fi == routing.TRANSFER
        ],
    }


def guide_page(
    *, query: str, profiles: tuple[str, ...], file_code: str = "", no_file_code: str = ""
) -> dict:
    """The full page: results, the interview steps of note §B.1 and the procedures' words."""
    context = guide_results(
        query=query, profiles=profiles, file_code=file_code, no_file_code=no_file_code
    )
    context["interview_steps"] = interview_steps()
    return context
