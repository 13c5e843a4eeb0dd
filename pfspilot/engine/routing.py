"""Call routing of note §B.1: motif × agent profile (× file in progress) → what the agent does.

Rules per profile column of the note's table (domain.md, "The routing table"):
- ``rappel_differe`` ("V"): orient to a deferred callback for expertise;
- ``traiter`` (blank): answer at level 1;
- ``rappel_si_dossier`` ("V : sur dossier en cours"): deferred callback only when a file is in
  progress, level 1 otherwise;
- ``pira_rdv`` (bereavement): PIRA and an in-person or phone appointment, whatever the profile;
- ``transfert_superviseur`` (users in distress): the only internal transfer allowed.
Any motif not in the table is answered at level 1: the guide knows the usual ones (a catalogue of
level-1 motifs, kind ``catalogue``) and the note's procedures for an incivility (§D, ``incivilite``)
and an urgency (§C, ``urgence``), kind ``procedure``.

Search only shows real matches: every query word must equal, begin, or be one small typo away
from a word of a label, code or keyword. A word the vocabulary knows is never read as a typo of
another word (``paiement`` is not ``placement``). Nothing here scores an overall similarity.

Pure Python: rows are plain dataclasses, normalised once when built, so a keystroke search
over the whole guide costs well under a millisecond.
"""

from dataclasses import dataclass, field

from rapidfuzz.distance import OSA, Levenshtein

from .text import normalize, tokens

PROFILES = ("fi", "confirme")
PROFILE_LABELS = {"fi": "Formation initiale", "confirme": "Confirmé"}

# Rule kinds stored per profile column.
LEVEL1 = "traiter"
DEFERRED = "rappel_differe"
DEFERRED_IF_FILE = "rappel_si_dossier"
PIRA_APPOINTMENT = "pira_rdv"
TRANSFER = "transfert_superviseur"
# The note's procedures (§D, §C), carried by the guide's procedure rows.
INCIVILITY = "incivilite"
URGENCY = "urgence"
TABLE_RULES = (LEVEL1, DEFERRED, DEFERRED_IF_FILE, PIRA_APPOINTMENT, TRANSFER)
RULES = (*TABLE_RULES, INCIVILITY, URGENCY)

# Actions the agent takes (the CLI contracts' closed list).
ACTIONS = (LEVEL1, DEFERRED, PIRA_APPOINTMENT, TRANSFER, INCIVILITY, URGENCY)

# Where a row comes from: the note's table, the catalogue of level-1 motifs, a procedure.
TABLE = "table"
CATALOGUE = "catalogue"
PROCEDURE = "procedure"
KINDS = (TABLE, CATALOGUE, PROCEDURE)
# On an otherwise equal match, the note's procedures and the distress transfer come first
# (a caller in danger is never hidden), then the level-1 catalogue: no invented callback.
_KIND_ORDER = {PROCEDURE: 0, CATALOGUE: 1, TABLE: 2}

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
    INCIVILITY: (
        "Incivilité (note §D) : enregistrer la communication, mettre un terme à l'échange, "
        "puis le signaler à son encadrement (temps d'échange, retranscription dans RECIT, "
        "transmission du signalement)."
    ),
    URGENCY: (
        "Urgence (note §C) : adresser la demande à la boîte aux lettres fonctionnelle de "
        "l'équipe de supervision, qui se charge du transfert. Une urgence = un engagement."
    ),
}
INSTRUCTION_FILE_IN_PROGRESS = (
    "Dossier en cours : orienter vers un rappel différé pour expertise (demande de rappel / "
    "rendez-vous téléphonique de second niveau)."
)
INSTRUCTION_NO_FILE = "Pas de dossier en cours : traiter l'appel au niveau 1."
INSTRUCTION_OUTSIDE_TABLE = "Motif hors tableau : traiter l'appel au niveau 1."

# Words of a sentence typed by an agent that never name a motif ("mon paiement", "quand").
QUERY_STOPWORDS = frozenset(
    "je j me m ma mon mes il elle on ne n pas est suis ai y c ca ce cette cet qui que quoi "
    "quand comment pourquoi avec dans svp bonjour appel appelle allocataire question".split()
)
# Smallest share of letters two words must share to be offered as « Vouliez-vous dire ? ».
SUGGESTION_SIMILARITY = 0.6

# Quality of a word match.
_EXACT, _PREFIX, _TYPO = 3, 2, 1


@dataclass(frozen=True)
class Decision:
    action: str  # one of ACTIONS
    instruction: str  # French sentence shown to the agent


def fold(word: str) -> str:
    """A normalised word without its plural mark (insultes → insulte, allocs → alloc)."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def phrase(text: str) -> tuple[str, ...]:
    """The words that identify `text` when matching (folded, no stop words, hyphens split):
    « Le RSA jeune », « RSA-JEUNE » and « rsa jeune » are one phrase."""
    words = (fold(w) for w in tokens(text.replace("-", " ").replace("_", " ")))
    return tuple(w for w in words if w not in QUERY_STOPWORDS)


@dataclass(frozen=True)
class RoutingRow:
    """A row of the guide: a motif of the note's table (kind ``table``), a usual level-1 motif
    of the catalogue (``catalogue``, always ``traiter``) or a procedure (``procedure``).

    `journey` is the note's parcours for a table row, the theme of a catalogue motif (the
    JSON contracts and the `Motif.parcours` column keep the French word).
    """

    code: str
    label: str
    journey: str
    rule_fi: str
    rule_confirme: str
    keywords: tuple[str, ...] = ()
    position: int = 0
    kind: str = TABLE
    # Pre-normalised forms for matching and search, computed once.
    norm_code: str = field(init=False, repr=False, compare=False)
    norm_label: str = field(init=False, repr=False, compare=False)
    compact: frozenset[str] = field(init=False, repr=False, compare=False)
    phrases: frozenset[tuple[str, ...]] = field(init=False, repr=False, compare=False)
    label_phrases: frozenset[tuple[str, ...]] = field(init=False, repr=False, compare=False)
    label_words: frozenset[str] = field(init=False, repr=False, compare=False)
    words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        allowed = {TABLE: TABLE_RULES, CATALOGUE: (LEVEL1,), PROCEDURE: (INCIVILITY, URGENCY)}
        if self.kind not in allowed:
            raise ValueError(f"type de ligne inconnu : {self.kind!r}")
        for rule in (self.rule_fi, self.rule_confirme):
            if rule not in RULES:
                raise ValueError(f"règle d'orientation inconnue : {rule!r}")
            if rule not in allowed[self.kind]:
                raise ValueError(f"règle {rule!r} impossible pour une ligne {self.kind!r}")
        set_ = object.__setattr__
        set_(self, "norm_code", normalize(self.code))
        set_(self, "norm_label", normalize(self.label))
        set_(self, "compact", frozenset({_compact(self.code), _compact(self.label)}))
        label_phrases = {phrase(self.label), phrase(self.code)}
        phrases = label_phrases | {phrase(k) for k in self.keywords}
        phrases.discard(())
        set_(self, "phrases", frozenset(phrases))
        set_(self, "label_phrases", frozenset(label_phrases))
        set_(self, "label_words", frozenset(w for p in label_phrases for w in p))
        set_(self, "words", frozenset(w for p in phrases for w in p))

    @property
    def in_table(self) -> bool:
        return self.kind == TABLE

    def rule_for(self, profile: str) -> str:
        _check_profile(profile)
        return self.rule_fi if profile == "fi" else self.rule_confirme

    def asks_file_in_progress(self, profile: str | None = None) -> bool:
        """True when the answer depends on "dossier en cours ?" (for `profile`, or any)."""
        profiles = PROFILES if profile is None else (profile,)
        return any(self.rule_for(p) == DEFERRED_IF_FILE for p in profiles)


def route(row: RoutingRow | None, profile: str, file_in_progress: bool = False) -> Decision:
    """What an agent of `profile` does for the motif `row` (None: a motif outside the guide)."""
    _check_profile(profile)
    if row is None:
        return Decision(LEVEL1, INSTRUCTION_OUTSIDE_TABLE)
    rule = row.rule_for(profile)
    if rule == DEFERRED_IF_FILE:
        if file_in_progress:
            return Decision(DEFERRED, INSTRUCTION_FILE_IN_PROGRESS)
        return Decision(LEVEL1, INSTRUCTION_NO_FILE)
    return Decision(rule, INSTRUCTIONS[rule])


def find_motif(rows: list[RoutingRow], text: str) -> RoutingRow | None:
    """The row whose code or label is `text`, ignoring case, accents, apostrophes and spaces.

    A label listed under two parcours (bereavement) resolves to its first row in `rows` order,
    so table rows listed first win over a catalogue motif of the same name.
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


def query_words(query: str) -> tuple[str, ...]:
    """The words of `query` that can name a motif (normalised, in order, without repeats).

    Words are compared by their folded form (plural mark removed) for equality, and as typed
    for a beginning, so « décès » (folded « dece ») never begins « décence ».
    """
    words: list[str] = []
    for word in tokens(query):
        if word not in QUERY_STOPWORDS and fold(word) not in {fold(w) for w in words}:
            words.append(word)
    return tuple(words)


def search(rows: list[RoutingRow], query: str, limit: int = 10) -> list[RoutingRow]:
    """Rows matching `query`, best first; [] when no row really matches.

    A row matches a query word when one of its words (label, code, keywords) equals it, begins
    with it (the agent is still typing), or — only for a word the guide does not know — is its
    nearest word one typo away (two for words of 9 letters or more; a 3-letter acronym only
    with its letters swapped). Query words that match no row anywhere are ignored ("question
    paiement"); only the rows matching the most query words are kept. Ranking: the whole query
    equal to a label or code, else to a keyword; then better word matches; then words hit in
    the label; then the share of a label or keyword covered ("rsa": « Le RSA » before « Le RSA
    jeune »); then procedures and the distress transfer, catalogue, table; then position.
    """
    words = query_words(query)
    if not words:
        return []
    vocabulary = frozenset(w for row in rows for w in row.words)
    typos = {w: 0 if _is_known(w, vocabulary) else _closest_typo(w, vocabulary) for w in words}
    folded = tuple(fold(w) for w in words)
    scored = []
    for row in rows:
        qualities = {w: _match(w, row.words, typo=typos[w]) for w in words}
        matched = tuple(w for w in words if qualities[w])
        if not matched:
            continue
        # 0: the query is the label or code; 1: it is one of the keywords; 2: neither.
        if folded in row.label_phrases or _compact(query) in row.compact:
            exact = 0
        else:
            exact = 1 if folded in row.phrases else 2
        label_hits = sum(1 for w in matched if _match(w, row.label_words))
        coverage = max(
            (
                sum(1 for p in phrase if any(_match(w, frozenset({p})) for w in words))
                / len(phrase)
                for phrase in row.phrases
            ),
            default=0.0,
        )
        key = (
            -len(matched),
            exact,
            -sum(qualities.values()),
            -label_hits,
            -coverage,
            _priority(row),
            row.position,
        )
        scored.append((key, row))
    if not scored:
        return []
    most = min(key[0] for key, _row in scored)
    scored = sorted((item for item in scored if item[0][0] == most), key=lambda item: item[0])
    return [row for _key, row in scored][:limit]


def suggest(rows: list[RoutingRow], query: str, n: int = 3) -> list[RoutingRow]:
    """Rows whose words resemble the query's, for « Vouliez-vous dire … ? » (distinct labels).

    Only a suggestion, never a result: a row qualifies when one of its words shares at least
    SUGGESTION_SIMILARITY of its letters with a query word of 3 letters or more (normalised
    Levenshtein similarity), best first.
    """
    scored: dict[str, tuple[tuple, RoutingRow]] = {}
    for word in map(fold, query_words(query)):
        if len(word) < 3:
            continue
        for row in rows:
            best = max((Levenshtein.normalized_similarity(word, c) for c in row.words), default=0.0)
            if best < SUGGESTION_SIMILARITY:
                continue
            key = (-best, _priority(row), row.position)
            if row.label not in scored or key < scored[row.label][0]:
                scored[row.label] = (key, row)
    return [row for _key, row in sorted(scored.values(), key=lambda item: item[0])][:n]


def closest(rows: list[RoutingRow], text: str, n: int = 3) -> list[str]:
    """Labels of up to `n` motifs closest to `text`, for error messages (distinct labels):
    the search's results, then the suggestions; possibly fewer than `n`, possibly none."""
    labels: list[str] = []
    for row in search(rows, text, limit=len(rows)) + suggest(rows, text, len(rows)):
        if row.label not in labels:
            labels.append(row.label)
    return labels[:n]


def _priority(row: RoutingRow) -> int:
    return 0 if row.rule_fi == TRANSFER else _KIND_ORDER[row.kind]


def _check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise ValueError(f"profil inconnu : {profile!r} (attendu : fi ou confirme)")


def _compact(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def _max_edits(word: str) -> int:
    # Words of 4–8 letters tolerate one typo, longer words two; 3-letter acronyms see _match.
    # Two edits already turn "paiement" into "placement": short words get one.
    if len(word) <= 3:
        return 0
    return 1 if len(word) <= 8 else 2


def _is_known(word: str, vocabulary: frozenset[str]) -> bool:
    """A word the guide knows, whole or as a beginning: never corrected into another word."""
    folded = fold(word)
    return any(c == folded or _is_prefix(word, c) for c in vocabulary)


def _is_prefix(word: str, candidate: str) -> bool:
    # One letter would match half the guide: a beginning counts from two letters.
    return len(word) >= 2 and candidate.startswith(word)


def _match(word: str, candidates: frozenset[str], *, typo: int = 0) -> int:
    """Quality of the best match of `word` (as typed, normalised) among `candidates` (folded):
    exact, prefix, a typo of at most `typo` edits (0: none), or 0."""
    if fold(word) in candidates:
        return _EXACT
    if any(_is_prefix(word, c) for c in candidates):
        return _PREFIX
    if typo and any((_typo_distance(word, c) or typo + 1) <= typo for c in candidates):
        return _TYPO
    return 0


def _closest_typo(word: str, vocabulary: frozenset[str]) -> int:
    """Edits to the vocabulary's nearest word within tolerance (0: none): only the nearest
    words count as the intended one ("familliales" is familiale, not familial)."""
    distances = [d for c in vocabulary if (d := _typo_distance(word, c))]
    return min(distances, default=0)


def _typo_distance(word: str, candidate: str) -> int | None:
    """Edits between `word` and `candidate` when within the typo tolerance, else None."""
    word = fold(word)
    if len(word) == 3 and len(candidate) == 3:
        # A 3-letter acronym only tolerates swapped letters (cgm → cmg, not asf → ass).
        if sorted(word) == sorted(candidate) and OSA.distance(word, candidate) == 1:
            return 1
        return None
    edits = _max_edits(word)
    if not edits:
        return None
    distance = OSA.distance(word, candidate, score_cutoff=edits)
    if 0 < distance <= edits:
        return distance
    # The agent is still typing a misspelt beginning ("surandet" → surendettement).
    if len(word) >= 5 and len(candidate) > len(word):
        if OSA.distance(word, candidate[: len(word)], score_cutoff=1) == 1:
            return 1
    return None
