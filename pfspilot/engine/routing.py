"""Call routing of note §B.1: motif × agent profile (× file in progress) → what the agent does.

Rules per profile column of the note's table (domain.md, "The routing table"):
- ``rappel_differe`` ("V"): orient to a deferred callback for expertise;
- ``traiter`` (blank): answer at level 1;
- ``rappel_si_dossier`` ("V : sur dossier en cours"): deferred callback only when a file is in
  progress, level 1 otherwise;
- ``pira_rdv`` (bereavement): PIRA and an in-person or phone appointment, whatever the profile;
- ``transfert_superviseur`` (users in distress): the only internal transfer allowed.
Any motif outside the table is answered at level 1.

Pure Python: rows are plain dataclasses, normalised once when built, so a keystroke search
over the whole matrix costs well under a millisecond.
"""

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .text import normalize, tokens

PROFILES = ("fi", "confirme")
PROFILE_LABELS = {"fi": "Formation initiale", "confirme": "Confirmé"}

# Rule kinds stored per profile column.
LEVEL1 = "traiter"
DEFERRED = "rappel_differe"
DEFERRED_IF_FILE = "rappel_si_dossier"
PIRA_APPOINTMENT = "pira_rdv"
TRANSFER = "transfert_superviseur"
RULES = (LEVEL1, DEFERRED, DEFERRED_IF_FILE, PIRA_APPOINTMENT, TRANSFER)

# Actions the agent takes (the CLI contract's closed list).
ACTIONS = (LEVEL1, DEFERRED, PIRA_APPOINTMENT, TRANSFER)

INSTRUCTIONS = {
    LEVEL1: "Traiter l'appel au niveau 1 : réponse complète, sans rappel différé.",
    DEFERRED: (
        "Orienter vers un rappel différé pour expertise : enregistrer une demande de rappel / "
        "rendez-vous téléphonique de second niveau."
    ),
    PIRA_APPOINTMENT: (
        "Prendre l'information par PIRA et proposer un RDV physique ou téléphonique."
    ),
    TRANSFER: (
        "Transférer l'appel vers un assistant superviseur ou un manager "
        "(seul transfert interne autorisé)."
    ),
}
INSTRUCTION_FILE_IN_PROGRESS = (
    "Dossier en cours : orienter vers un rappel différé pour expertise (demande de rappel / "
    "rendez-vous téléphonique de second niveau)."
)
INSTRUCTION_NO_FILE = "Pas de dossier en cours : traiter l'appel au niveau 1."
INSTRUCTION_OUTSIDE_TABLE = "Motif hors tableau : traiter l'appel au niveau 1."

# Search keeps the hits scoring within this many points of the best one.
RELEVANCE_WINDOW = 15.0


@dataclass(frozen=True)
class Decision:
    action: str  # one of ACTIONS
    instruction: str  # French sentence shown to the agent


@dataclass(frozen=True)
class RoutingRow:
    """One row of the note's table: a motif of a parcours and the rule of each profile."""

    code: str
    label: str
    parcours: str
    rule_fi: str
    rule_confirme: str
    keywords: tuple[str, ...] = ()
    position: int = 0
    # Pre-normalised forms for matching and search, computed once.
    norm_code: str = field(init=False, repr=False, compare=False)
    norm_label: str = field(init=False, repr=False, compare=False)
    compact: frozenset[str] = field(init=False, repr=False, compare=False)
    label_words: frozenset[str] = field(init=False, repr=False, compare=False)
    words: frozenset[str] = field(init=False, repr=False, compare=False)
    parcours_words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        for rule in (self.rule_fi, self.rule_confirme):
            if rule not in RULES:
                raise ValueError(f"règle d'orientation inconnue : {rule!r}")
        set_ = object.__setattr__
        set_(self, "norm_code", normalize(self.code))
        set_(self, "norm_label", normalize(self.label))
        set_(self, "compact", frozenset({_compact(self.code), _compact(self.label)}))
        label_words = frozenset(tokens(self.label))
        code_words = frozenset(tokens(self.code.replace("-", " ").replace("_", " ")))
        keyword_words = frozenset(w for k in self.keywords for w in tokens(k))
        set_(self, "label_words", label_words)
        set_(self, "words", label_words | code_words | keyword_words)
        set_(self, "parcours_words", frozenset(tokens(self.parcours)) - self.words)

    def rule_for(self, profile: str) -> str:
        _check_profile(profile)
        return self.rule_fi if profile == "fi" else self.rule_confirme

    def asks_file_in_progress(self, profile: str | None = None) -> bool:
        """True when the answer depends on "dossier en cours ?" (for `profile`, or any)."""
        profiles = PROFILES if profile is None else (profile,)
        return any(self.rule_for(p) == DEFERRED_IF_FILE for p in profiles)


def route(row: RoutingRow | None, profile: str, dossier_en_cours: bool = False) -> Decision:
    """What an agent of `profile` does for the motif `row` (None: a motif outside the table)."""
    _check_profile(profile)
    if row is None:
        return Decision(LEVEL1, INSTRUCTION_OUTSIDE_TABLE)
    rule = row.rule_for(profile)
    if rule == DEFERRED_IF_FILE:
        if dossier_en_cours:
            return Decision(DEFERRED, INSTRUCTION_FILE_IN_PROGRESS)
        return Decision(LEVEL1, INSTRUCTION_NO_FILE)
    return Decision(rule, INSTRUCTIONS[rule])


def find_motif(rows: list[RoutingRow], text: str) -> RoutingRow | None:
    """The row whose code or label is `text`, ignoring case, accents, apostrophes and spaces.

    A label listed under two parcours (bereavement) resolves to its first row in table order.
    """
    wanted = normalize(text)
    if not wanted:
        return None
    for row in rows:
        if wanted in (row.norm_code, row.norm_label):
            return row
    # Second pass ignores punctuation spacing ("La PREPARE: Adoption-Ass Mat-ETI").
    compact = _compact(text)
    for row in rows:
        if compact in row.compact:
            return row
    return None


def search(rows: list[RoutingRow], query: str, limit: int = 10) -> list[RoutingRow]:
    """Rows matching `query` best first: exact code/label, words, prefixes, typos, acronyms."""
    query_words = tokens(query)
    if not query_words:
        return []
    exact = find_motif(rows, query)
    scored = []
    for row in rows:
        score = sum(_word_score(word, row) for word in query_words) / len(query_words)
        is_exact = exact is not None and row.norm_label == exact.norm_label
        if score >= 50 or is_exact:
            coverage = _coverage(query_words, row)
            scored.append((not is_exact, -score, -coverage, row.position, row))
    if not scored:
        return []
    scored.sort(key=lambda item: item[:4])
    # Far weaker matches would only bury the good ones under noise.
    floor = max(-item[1] for item in scored) - RELEVANCE_WINDOW
    return [item[4] for item in scored if not item[0] or -item[1] > floor][:limit]


def closest(rows: list[RoutingRow], text: str, n: int = 3) -> list[str]:
    """Labels of the `n` motifs closest to `text`, for error messages (distinct labels)."""
    labels: list[str] = []
    for row in search(rows, text, limit=len(rows)):
        if row.label not in labels:
            labels.append(row.label)
    if len(labels) < n:
        choices = {i: row.norm_label for i, row in enumerate(rows)}
        for _choice, _score, index in process.extract(
            normalize(text), choices, scorer=fuzz.WRatio, limit=len(rows)
        ):
            if rows[index].label not in labels:
                labels.append(rows[index].label)
    return labels[:n]


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ValueError(f"profil inconnu : {profile!r} (attendu : fi ou confirme)")


def _compact(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def _max_edits(word: str) -> int:
    # Words of 4–5 letters tolerate one typo, longer words two; 3-letter acronyms see below.
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 5 else 2


def _word_score(word: str, row: RoutingRow) -> float:
    best = _best_match(word, row.words)
    if best < 100 and row.parcours_words:
        # A word of the parcours heading ("handicap", "logement") counts a little less.
        best = max(best, 0.9 * _best_match(word, row.parcours_words))
    return best


def _best_match(word: str, candidates: frozenset[str]) -> float:
    if word in candidates:
        return 100.0
    best = 0.0
    edits = _max_edits(word)
    for candidate in candidates:
        if candidate.startswith(word):
            best = max(best, 90.0)
            continue
        if len(word) == 3 and len(candidate) == 3:
            # A 3-letter acronym only tolerates swapped letters (cgm → cmg, not asf → ass).
            if OSA.distance(word, candidate, score_cutoff=1) <= 1 and sorted(word) == sorted(
                candidate
            ):
                best = max(best, 85.0)
        elif edits:
            distance = OSA.distance(word, candidate, score_cutoff=edits)
            if distance <= edits:
                best = max(best, 100.0 - 15 * distance)
            elif len(word) >= 5 and len(candidate) > len(word):
                # The agent is still typing a misspelt beginning ("surendet" → surendettement).
                distance = OSA.distance(word, candidate[: len(word)], score_cutoff=edits)
                if distance <= edits:
                    best = max(best, 85.0 - 15 * distance)
    return best


def _coverage(query_words: tuple[str, ...], row: RoutingRow) -> float:
    """Share of the row's label words the query hits: "cmg" prefers "Le CMG" to "Le cumul CMG"."""
    if not row.label_words:
        return 0.0
    hit = sum(
        1 for w in row.label_words if any(_best_match(q, frozenset({w})) for q in query_words)
    )
    return hit / len(row.label_words)
