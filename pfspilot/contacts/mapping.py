"""Mapping profiles: how the columns of an export become the canonical record columns.

A profile is a TOML file with one table per record kind (`calls`, `emails`, `surveys`,
`activity`); see `mappings/README.md` for the format. Built-in profiles live beside this module
and are addressed by name (`canonical`, `anonymous-bank`); any other value is a file path.
"""

import math
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pfspilot.engine import records

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"

KINDS = ("calls", "emails", "surveys", "activity")

# Canonical field → value type, per kind (the columns of pfspilot.engine.records, in order).
FIELD_TYPES: dict[str, dict[str, str]] = {
    "calls": {
        "call_id": "str",
        "caller_id": "str",
        "arrival": "datetime",
        "ivr_exit": "datetime",
        "queue_entry": "datetime",
        "queue_exit": "datetime",
        "answered_at": "datetime",
        "ended_at": "datetime",
        "wait_s": "duration",
        "talk_s": "duration",
        "wrap_s": "duration",
        "agent": "str",
        "team": "str",
        "queue": "str",
        "motif": "str",
        "outcome": "str",
    },
    "emails": {
        "email_id": "str",
        "received_at": "datetime",
        "kind": "str",
        "motif": "str",
        "agent": "str",
        "team": "str",
        "answered_at": "datetime",
        "template": "str",
    },
    "surveys": {
        "survey_id": "str",
        "channel": "str",
        "answered_on": "date",
        "score": "float",
        "satisfied": "bool",
    },
    "activity": {
        "agent": "str",
        "team": "str",
        "day": "date",
        "phone_s": "duration",
        "email_s": "duration",
    },
}
assert list(FIELD_TYPES["calls"]) == list(records.CALL_COLUMNS)
assert list(FIELD_TYPES["emails"]) == list(records.EMAIL_COLUMNS)
assert list(FIELD_TYPES["surveys"]) == list(records.SURVEY_COLUMNS)
assert list(FIELD_TYPES["activity"]) == list(records.ACTIVITY_COLUMNS)

# Fields that must be present on every row; the others may be empty.
REQUIRED: dict[str, tuple[str, ...]] = {
    "calls": ("call_id", "arrival"),
    "emails": ("email_id", "received_at", "kind"),
    "surveys": ("survey_id", "channel", "answered_on", "satisfied"),
    "activity": ("agent", "day", "phone_s", "email_s"),
}
# The record identifier, unique inside a file (activity: one row per agent and day).
ID_FIELDS: dict[str, tuple[str, ...]] = {
    "calls": ("call_id",),
    "emails": ("email_id",),
    "surveys": ("survey_id",),
    "activity": ("agent", "day"),
}
# Closed vocabularies: a value outside them is a bad row.
ALLOWED_VALUES: dict[tuple[str, str], tuple[str, ...]] = {
    ("calls", "outcome"): (*records.OUTCOMES, "unanswered"),
    ("emails", "kind"): (records.EMAIL_LEVEL1, records.EMAIL_COMPLAINT),
    ("surveys", "channel"): (records.PHONE, records.EMAIL),
}

# How a wall-clock time repeated by the autumn clock change is read (README, « Heures ambiguës »).
AMBIGUOUS_CHOICES = ("infer", "earliest", "latest", "refuse")

DEFAULT_FORMATS = {"datetime": "%Y-%m-%d %H:%M:%S", "date": "%Y-%m-%d", "time": "%H:%M:%S"}


class MappingError(ValueError):
    """A profile that cannot be found or read; the message is French."""


@dataclass(frozen=True)
class ColumnSpec:
    """Where a canonical field comes from: one column, several joined by `-`, or date + time."""

    columns: tuple[str, ...] = ()
    date: str | None = None
    time: str | None = None
    format: str | None = None

    @property
    def source_columns(self) -> tuple[str, ...]:
        if self.date:
            return tuple(c for c in (self.date, self.time) if c)
        return self.columns

    @property
    def label(self) -> str:
        return " + ".join(self.source_columns)


@dataclass(frozen=True)
class KindMapping:
    kind: str
    columns: dict[str, ColumnSpec]
    formats: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FORMATS))
    null_values: tuple[str, ...] = ("",)
    nulls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    ignore: dict[str, tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    delimiter: str | None = None
    encoding: str | None = None
    split_on_whitespace: bool = False
    sheet: str | None = None
    duration_tolerance_s: float = 2.0
    ambiguous: str = "infer"
    timezone: str = records.TIMEZONE
    satisfied_min_score: float | None = None
    scale: str | None = None

    @property
    def source_columns(self) -> list[str]:
        """Every column the file must have (mapped fields and ignore rules), in a stable order."""
        seen: dict[str, None] = {}
        for spec in self.columns.values():
            for name in spec.source_columns:
                seen[name] = None
        for name in self.ignore:
            seen[name] = None
        return list(seen)


@dataclass(frozen=True)
class Mapping:
    name: str
    source: str
    description: str
    kinds: dict[str, KindMapping]
    path: Path | None = None

    def for_kind(self, kind: str) -> KindMapping:
        if kind not in self.kinds:
            raise MappingError(
                f"Le profil « {self.name} » ne décrit pas ce type d'enregistrement ({kind}) ; "
                f"types décrits : {', '.join(self.kinds) or 'aucun'}."
            )
        return self.kinds[kind]


def builtin_mappings() -> list[str]:
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))


def load_mapping(name_or_path: "str | Path | Mapping") -> Mapping:
    """A built-in profile by name (`canonical`, `anonymous-bank`) or a TOML file by path."""
    if isinstance(name_or_path, Mapping):
        return name_or_path
    text = str(name_or_path)
    builtin = MAPPINGS_DIR / f"{text}.toml"
    path = builtin if "/" not in text and builtin.is_file() else Path(text)
    if not path.is_file():
        raise MappingError(
            f"Profil d'import introuvable : « {text} » (profils intégrés : "
            f"{', '.join(builtin_mappings())}, ou chemin d'un fichier TOML)."
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"Profil « {path.name} » illisible : {exc}") from None
    return _parse_mapping(data, path)


def _parse_mapping(data: dict, path: Path) -> Mapping:
    name = str(data.get("name") or path.stem)
    kinds = {}
    for kind in KINDS:
        if kind in data:
            kinds[kind] = _parse_kind(kind, data[kind], name)
    if not kinds:
        raise MappingError(
            f"Le profil « {name} » ne contient aucune table [calls], [emails], [surveys] "
            "ou [activity]."
        )
    return Mapping(
        name=name,
        source=str(data.get("source") or name),
        description=str(data.get("description", "")),
        kinds=kinds,
        path=path,
    )


def _parse_kind(kind: str, table: dict, name: str) -> KindMapping:
    where = f"profil « {name} », table [{kind}]"
    types = FIELD_TYPES[kind]
    raw_columns = table.get("columns", {})
    columns: dict[str, ColumnSpec] = {}
    for canonical, spec in raw_columns.items():
        if canonical not in types:
            raise MappingError(f"{where} : champ inconnu « {canonical} ».")
        columns[canonical] = _parse_spec(spec, f"{where}, champ « {canonical} »")
    constants = dict(table.get("constants", {}))
    for canonical in constants:
        if canonical not in types:
            raise MappingError(f"{where} : constante pour un champ inconnu « {canonical} ».")
    missing = [
        f
        for f in REQUIRED[kind]
        if f not in columns
        and f not in constants
        and not (kind == "surveys" and f == "satisfied" and "satisfied_min_score" in table)
    ]
    if missing:
        raise MappingError(
            f"{where} : champ(s) obligatoire(s) non décrit(s) : {', '.join(missing)}."
        )
    formats = dict(DEFAULT_FORMATS) | dict(table.get("formats", {}))
    for canonical, value in constants.items():
        _check_constant(value, types[canonical], formats, f"{where}, constante « {canonical} »")
    values = {k: {str(a): str(b) for a, b in v.items()} for k, v in table.get("values", {}).items()}
    for canonical in values:
        if canonical not in types:
            raise MappingError(f"{where} : correspondance de valeurs pour « {canonical} » inconnu.")
    ambiguous = table.get("ambiguous", "infer")
    if ambiguous not in AMBIGUOUS_CHOICES:
        raise MappingError(
            f"{where} : ambiguous = « {ambiguous} » inconnu (attendu : "
            f"{', '.join(AMBIGUOUS_CHOICES)})."
        )
    timezone = str(table.get("timezone", records.TIMEZONE))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(
            f"{where} : fuseau horaire « {timezone} » inconnu (exemple : Europe/Paris)."
        ) from None
    return KindMapping(
        kind=kind,
        columns=columns,
        formats=formats,
        null_values=tuple(str(v) for v in table.get("null_values", [""])),
        nulls={k: tuple(str(x) for x in v) for k, v in table.get("nulls", {}).items()},
        values=values,
        ignore={k: tuple(str(x) for x in v) for k, v in table.get("ignore", {}).items()},
        constants=constants,
        delimiter=table.get("delimiter"),
        encoding=table.get("encoding"),
        split_on_whitespace=bool(table.get("split_on_whitespace", False)),
        sheet=table.get("sheet"),
        duration_tolerance_s=float(table.get("duration_tolerance_s", 2.0)),
        ambiguous=ambiguous,
        timezone=timezone,
        satisfied_min_score=table.get("satisfied_min_score"),
        scale=table.get("scale"),
    )


def _check_constant(value, value_type: str, formats: dict, where: str) -> None:
    """A constant must be a value of its field's type: it fills every row of the file."""
    if value_type in ("duration", "float"):
        try:
            number = float(value) if not isinstance(value, bool) else math.nan
        except (TypeError, ValueError):
            number = math.nan
        if not math.isfinite(number) or (value_type == "duration" and number < 0):
            expected = "une durée en secondes ≥ 0" if value_type == "duration" else "un nombre"
            raise MappingError(f"{where} : « {value} » n'est pas {expected}.")
    elif value_type in ("datetime", "date"):
        try:
            datetime.strptime(str(value), formats[value_type])
        except ValueError:
            raise MappingError(
                f"{where} : « {value} » ne suit pas le format {formats[value_type]}."
            ) from None
    elif value_type == "bool":
        if not isinstance(value, bool):
            raise MappingError(f"{where} : « {value} » doit valoir true ou false.")
    elif not isinstance(value, str | int):
        raise MappingError(f"{where} : « {value} » doit être un texte.")


def _parse_spec(spec, where: str) -> ColumnSpec:
    if isinstance(spec, str):
        return ColumnSpec(columns=(spec,))
    if isinstance(spec, list) and spec and all(isinstance(s, str) for s in spec):
        return ColumnSpec(columns=tuple(spec))
    if isinstance(spec, dict):
        if "date" in spec:
            return ColumnSpec(date=spec["date"], time=spec.get("time"), format=spec.get("format"))
        if "column" in spec:
            return ColumnSpec(columns=(spec["column"],), format=spec.get("format"))
    raise MappingError(
        f"{where} : attendu un nom de colonne, une liste de colonnes, "
        "{ date = ..., time = ... } ou { column = ..., format = ... }."
    )
