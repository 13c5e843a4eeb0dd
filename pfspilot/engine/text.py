"""Text normalisation for matching what agents and scripts type against the note's wording."""

import re
import unicodedata

# Typographic variants that agents, Word documents and keyboards produce for the same character.
_TRANSLATION = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "…": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)
_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")

# French function words that carry no meaning for finding a motif.
STOPWORDS = frozenset("a au aux d de des du en et l la le les un une sur pour par ou".split())


def normalize(text: str) -> str:
    """Lower case, no accents, straight apostrophes, single spaces, trimmed."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_TRANSLATION))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def tokens(text: str) -> tuple[str, ...]:
    """Meaningful words of `text` (normalised, punctuation and French stop words removed)."""
    return tuple(t for t in _NON_WORD.split(normalize(text)) if t and t not in STOPWORDS)
