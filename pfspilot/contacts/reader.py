"""Read contact exports (CSV or XLSX, plain or gzip) into canonical Polars frames, without the DB.

`read_records(kind, paths, mapping)` returns the canonical frame of `pfspilot.engine.records`
and the list of bad rows (line number, field, French reason). Callers that write to the
database must refuse a file with any error; `pfspilot kpi` on files may show them and stop.
Caller identifiers come out already hashed (HMAC-SHA256, key `settings.CALLER_HASH_KEY`).
"""

import csv
import gzip
import hashlib
import hmac
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from pfspilot.engine import records
from pfspilot.formatting import BEFORE_UNIT, fr_figure

from .mapping import (
    ALLOWED_VALUES,
    FIELD_TYPES,
    ID_FIELDS,
    REQUIRED,
    ColumnSpec,
    KindMapping,
    MappingError,
    load_mapping,
)

DEFAULT_MAX_BYTES = 1024**3
DEV_CALLER_HASH_KEY = "dev-only-caller-hash-key"
MAX_REPORTED_ERRORS = 1000
DELIMITERS = {",": "virgule", ";": "point-virgule", "\t": "tabulation"}
TRUE_WORDS = {"1", "true", "vrai", "oui", "o", "yes", "y", "satisfait"}
FALSE_WORDS = {"0", "false", "faux", "non", "n", "no", "insatisfait"}
LINE = "__line"
# Per datetime field, the instant of a text that carried its UTC offset (`+02:00`, `Z`).
EXPLICIT = "__explicit_"
OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"

Progress = Callable[[float, str], None] | None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message_fr: str
    file: str = ""

    def __str__(self) -> str:
        # Line 0 marks a whole-file problem (size, emptiness, format): no line to point at.
        parts = [self.file] if self.file else []
        if self.line:
            parts.append(f"ligne {self.line}")
        if self.field:
            parts.append(f"champ « {self.field} »")
        where = ", ".join(parts) or "fichier"
        return f"{where} : {self.message_fr}"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message_fr,
        }


@dataclass
class ReadResult:
    frame: pl.DataFrame
    errors: list[RowError] = field(default_factory=list)
    ignored: int = 0
    sha256: str = ""
    # The file line of each row of `frame` (same order), for checks made after reading.
    lines: pl.Series | None = None


class FileRefused(Exception):
    """The whole file is unusable (size, encoding, delimiter, columns): one error, no rows."""

    def __init__(self, error: RowError, *more: RowError):
        super().__init__(str(error))
        self.error = error
        self.errors = [error, *more]


def _setting(name: str, default):
    try:
        from django.conf import settings

        if settings.configured:
            return getattr(settings, name, default)
    except ImportError:
        pass
    return default


def _hasher():
    key = str(_setting("CALLER_HASH_KEY", DEV_CALLER_HASH_KEY)).encode()
    return hmac.new(key, digestmod=hashlib.sha256)


def hash_caller(value: str) -> str:
    """Fingerprint of a caller identifier: equal inputs give equal outputs, nothing reversible."""
    digest = _hasher()
    digest.update(value.encode())
    return digest.hexdigest()


def hash_callers(series: pl.Series) -> pl.Series:
    """Vectorised `hash_caller` (each distinct identifier is hashed once)."""
    unique = series.drop_nulls().unique()
    if unique.is_empty():
        return series.cast(pl.String)
    # Copying a keyed HMAC skips the key setup: several times faster on a million callers.
    base, hashed = _hasher(), []
    for value in unique.to_list():
        digest = base.copy()
        digest.update(value.encode())
        hashed.append(digest.hexdigest())
    table = pl.DataFrame({"raw": unique, "hashed": hashed})
    return (pl.DataFrame({"raw": series}).join(table, on="raw", how="left", maintain_order="left"))[
        "hashed"
    ]


def empty_frame(kind: str) -> pl.DataFrame:
    return pl.DataFrame(schema=canonical_schema(kind))


def canonical_schema(kind: str) -> dict[str, pl.DataType]:
    """Polars schema of a kind's canonical frame (records.SCHEMA)."""
    return records.SCHEMA[kind].dtypes


def read_records(
    kind: str, paths: Iterable[str | Path], mapping, *, progress: Progress = None, now=None
) -> ReadResult:
    """Reads one or more files of the same kind; errors of every file are collected."""
    if kind not in FIELD_TYPES:
        raise MappingError(f"Type d'enregistrement inconnu : « {kind} ».")
    mapping = load_mapping(mapping)
    frames, errors, ignored = [], [], 0
    for path in paths:
        result = read_file(kind, path, mapping, progress=progress, now=now)
        frames.append(result.frame)
        errors.extend(result.errors)
        ignored += result.ignored
    frame = pl.concat(frames) if frames else empty_frame(kind)
    return ReadResult(frame=frame, errors=errors, ignored=ignored)


def read_file(kind: str, path, mapping, *, progress: Progress = None, now=None) -> ReadResult:
    """One file; `now` (aware, default the current instant) places the plausible dates window."""
    mapping = load_mapping(mapping)
    spec = mapping.for_kind(kind)
    path = Path(path)
    name = path.name
    try:
        raw, digest = _load_table(path, spec, progress)
        if progress:
            progress(
                0.3, f"{name} : {fr_figure(raw.height, 'count')} lignes lues, contrôle en cours"
            )
        frame, errors, ignored, lines = _to_canonical(kind, raw, spec, now)
    except FileRefused as refused:
        return ReadResult(
            frame=empty_frame(kind),
            errors=[RowError(e.line, e.field, e.message_fr, name) for e in refused.errors],
        )
    errors = [RowError(e.line, e.field, e.message_fr, name) for e in errors]
    if progress:
        progress(
            0.5,
            f"{name} : {fr_figure(frame.height, 'count')} enregistrements valides, "
            f"{fr_figure(len(errors), 'count')} erreur(s)",
        )
    return ReadResult(frame=frame, errors=errors, ignored=ignored, sha256=digest, lines=lines)


# --- Loading the raw table (all values as text) -------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _refuse(message: str, line: int = 1, field_name: str = "") -> FileRefused:
    return FileRefused(RowError(line, field_name, message))


def _load_table(path: Path, spec: KindMapping, progress: Progress) -> tuple[pl.DataFrame, str]:
    limit = int(_setting("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))
    if not path.is_file():
        raise _refuse(f"fichier introuvable : {path}", line=0)
    size = path.stat().st_size
    if size > limit:
        raise _refuse(
            f"fichier trop volumineux ({french_size(size)}, maximum {french_size(limit)}) : "
            "refusé sans lecture. Découpez l'export (par exemple un fichier par mois).",
            line=0,
        )
    if size == 0:
        raise _refuse("le fichier est vide.", line=0)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, limit)
    if progress:
        progress(0.1, f"{path.name} : lecture")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, spec), digest
    return _read_text(data, spec), digest


def _gunzip(data: bytes, limit: int) -> bytes:
    out = bytearray()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                out += block
                if len(out) > limit:
                    raise _refuse(
                        "fichier décompressé trop volumineux "
                        f"(plus de {french_size(limit)}) : refusé.",
                        line=0,
                    )
    except (OSError, EOFError):
        raise _refuse("archive gzip illisible ou tronquée.", line=0) from None
    return bytes(out)


SIZE_UNITS = ("octets", "Ko", "Mo", "Go", "To")


def french_size(size: int) -> str:
    """1073741824 → "1 Go", 1610612736 → "1,5 Go" (multiples of 1 024, as file managers show)."""
    value, unit = float(size), SIZE_UNITS[0]
    for unit in SIZE_UNITS:
        if value < 1024 or unit == SIZE_UNITS[-1]:
            break
        value /= 1024
    digits = f"{value:.0f}" if unit == "octets" else f"{value:.1f}".removesuffix(".0")
    return f"{digits.replace('.', ',')}{BEFORE_UNIT}{unit}"


# A text file with more NUL bytes than this share of its start is UTF-16 or binary, not a
# CSV with a stray NUL (that one is a bad cell, reported at its line and column).
NUL_SHARE = 0.01
# A multi-byte UTF-8 character: in a file otherwise in Latin-1, the mark of a mixed file.
UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(data: bytes, spec: KindMapping) -> str:
    head = data[:65536]
    if head.count(b"\x00") > max(1, len(head) * NUL_SHARE):
        raise _refuse(
            "encodage non reconnu (octets nuls : UTF-16 ou fichier binaire ?). "
            "Enregistrez le fichier en CSV UTF-8 ou Latin-1."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    wanted = (spec.encoding or "auto").lower().replace("_", "-")
    if wanted in ("auto", "utf-8", "utf8"):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            if wanted != "auto":
                raise _refuse(
                    "le fichier n'est pas en UTF-8 comme le profil l'indique "
                    "(essayez l'encodage Latin-1).",
                    line=line,
                ) from None
            _refuse_mixed(data, exc.start, line)
    # Latin-1 never fails; cp1252 is its Windows superset where the two differ (€, œ, quotes).
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _refuse_mixed(data: bytes, bad_at: int, bad_line: int) -> None:
    """A file that is neither all UTF-8 nor all Latin-1 is refused: read either way, some of
    its lines would be stored garbled. The first line in the other encoding is named."""
    utf8 = UTF8_SEQUENCE.search(data)
    message = (
        "encodage mélangé : des lignes en UTF-8 et d'autres en Latin-1 (Windows) ; "
        "cette ligne est la première dans l'autre encodage. Réenregistrez tout le fichier "
        "dans un seul encodage (CSV UTF-8 de préférence)."
    )
    if utf8 is not None and utf8.start() < bad_at:
        raise _refuse(message, line=bad_line)
    later = UTF8_SEQUENCE.search(data, bad_at)
    if later is not None:
        raise _refuse(message, line=data.count(b"\n", 0, later.start()) + 1)


def _read_text(data: bytes, spec: KindMapping) -> pl.DataFrame:
    text = _decode(data, spec)
    if spec.split_on_whitespace:
        text = re.sub(r"[ \t]+", "\t", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_end = text.find("\n")
    header = text if header_end < 0 else text[:header_end]
    if not header.strip():
        raise _refuse("le fichier est vide.", line=1)
    delimiter = _delimiter(header, spec)
    body = text[header_end + 1 :] if header_end >= 0 else ""
    if not re.search(r"\S", body):
        raise _refuse("le fichier ne contient aucune ligne de données (en-tête seul).", line=1)
    try:
        frame = pl.read_csv(
            # Polars parses bytes several times faster than a text stream.
            text.encode("utf-8"),
            separator=delimiter,
            infer_schema=False,
            has_header=True,
            empty_string_is_null=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError:
        raise _ragged(text, delimiter) from None
    frame = frame.rename({c: c.strip() for c in frame.columns})
    _check_columns(frame.columns, spec, delimiter)
    return frame.with_columns(_line_numbers(text, delimiter, len(frame.columns), frame.height))


def _line_numbers(text: str, delimiter: str, width: int, height: int) -> pl.Series:
    """File line of each data row (blank lines are skipped by the parser), refusing short rows."""
    lines = pl.Series(text.split("\n"))
    numbered = pl.DataFrame({"text": lines}).with_row_index(LINE, offset=1).slice(1)
    numbered = numbered.filter(pl.col("text").str.strip_chars() != "")
    short = numbered.filter(
        (pl.col("text").str.count_matches(delimiter, literal=True) < width - 1)
        & ~pl.col("text").str.contains('"', literal=True)
    )
    if short.height:
        raise _refuse(
            f"ligne incomplète : moins de {width} champs (séparateur incorrect ou ligne tronquée).",
            line=int(short[LINE][0]),
        )
    if numbered.height == height:
        return numbered[LINE].cast(pl.Int64)
    return pl.int_range(2, height + 2, eager=True).alias(LINE)


def _delimiter(header: str, spec: KindMapping) -> str:
    needed = set(spec.source_columns)

    def score(sep: str) -> tuple[int, int]:
        names = {c.strip().strip('"') for c in header.split(sep)}
        return len(needed & names), len(names)

    if spec.split_on_whitespace:
        return "\t"
    if spec.delimiter:
        wanted = "\t" if spec.delimiter in ("tab", "\\t") else spec.delimiter
        if score(wanted)[0] == 0 and needed:
            best = max(DELIMITERS, key=score)
            if score(best)[0] > 0:
                raise _refuse(
                    f"séparateur incorrect : le profil attend « {_sep_name(wanted)} » mais "
                    f"l'en-tête est séparé par « {_sep_name(best)} »."
                )
        return wanted
    best = max(DELIMITERS, key=score)
    if score(best)[1] == 1 and len(needed) > 1:
        others = sorted({ch for ch in header if not ch.isalnum() and ch not in " _-+'\"."})
        found = f" (caractères rencontrés : {' '.join(others)})" if others else ""
        raise _refuse(
            "séparateur non reconnu : l'en-tête ne se découpe ni par virgule, ni par "
            f"point-virgule, ni par tabulation{found}."
        )
    return best


def _sep_name(sep: str) -> str:
    return DELIMITERS.get(sep, sep)


def _check_columns(columns: list[str], spec: KindMapping, delimiter: str) -> None:
    missing = [c for c in spec.source_columns if c not in columns]
    if missing:
        raise _refuse(
            f"colonne(s) manquante(s) : {', '.join(missing)} (séparateur « {_sep_name(delimiter)} » ; "
            f"colonnes lues : {', '.join(columns[:20])}).",
            field_name=missing[0],
        )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise _refuse(f"colonne(s) en double dans l'en-tête : {', '.join(duplicated)}.")


def _ragged(text: str, delimiter: str) -> FileRefused:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    expected = None
    for number, row in enumerate(reader, start=1):
        if expected is None:
            expected = len(row)
        elif row and len(row) != expected:
            return _refuse(
                f"{len(row)} champs au lieu de {expected} : séparateur ou guillemets incorrects "
                "sur cette ligne.",
                line=number,
            )
    return _refuse("structure CSV illisible (guillemets non fermés ?).")


# Decompressed size of an XLSX's parts above which it is refused unopened: its XML expands
# in memory several times over (a 6.5 MB file expanding to 373 MB of XML took 4 GB).
DEFAULT_MAX_XLSX_BYTES = 256 * 1024**2


def _check_xlsx_size(data: bytes) -> None:
    """Refuses a workbook whose parts decompress beyond the limit, from the zip's directory."""
    import zipfile

    limit = int(_setting("IMPORT_MAX_XLSX_BYTES", DEFAULT_MAX_XLSX_BYTES))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _refuse("classeur XLSX illisible.", line=0) from None
    if expanded > limit:
        raise _refuse(
            f"classeur XLSX trop volumineux une fois décompressé ({french_size(expanded)}, "
            f"maximum {french_size(limit)}) : refusé sans lecture. Exportez-le en CSV ou "
            "découpez-le.",
            line=0,
        )


def _read_xlsx(data: bytes, spec: KindMapping) -> pl.DataFrame:
    """The first sheet (or the profile's) as text columns, every row of it.

    The sheet's declared dimension is not trusted (a sheet declaring 3 rows may hold 5). A
    formula cell is read from its cached value; one without (a file written by a program that
    never computed it) is refused with its line and column rather than read as empty: the
    workbook is parsed a second time without `data_only`, where formula cells keep their type.
    """
    from openpyxl import load_workbook

    _check_xlsx_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise _refuse("classeur XLSX illisible.", line=0) from None
    try:
        if spec.sheet:
            if spec.sheet not in workbook.sheetnames:
                raise _refuse(f"onglet « {spec.sheet} » absent du classeur.", line=0)
            sheet, raw_sheet = workbook[spec.sheet], formulas[spec.sheet]
        else:
            sheet, raw_sheet = workbook.worksheets[0], formulas.worksheets[0]
        sheet.reset_dimensions()
        raw_sheet.reset_dimensions()
        rows = zip(sheet.iter_rows(values_only=True), raw_sheet.iter_rows(), strict=False)
        header, _raw_header = next(rows, (None, None))
        if header is None or all(v is None for v in header):
            raise _refuse("le fichier est vide.", line=1)
        names = [
            str(v).strip() if v is not None else f"colonne_{i + 1}" for i, v in enumerate(header)
        ]
        _check_columns(names, spec, ",")
        formats = _cell_formats(spec)
        columns: list[list[str]] = [[] for _ in names]
        lines: list[int] = []
        uncomputed: list[RowError] = []
        for number, (row, raw) in enumerate(rows, start=2):
            for i, cell in enumerate(raw[: len(names)]):
                if getattr(cell, "data_type", None) == "f" and (i >= len(row) or row[i] is None):
                    if len(uncomputed) < MAX_REPORTED_ERRORS:
                        uncomputed.append(_uncomputed(number, names[i], cell))
            if row is None or all(v is None for v in row):
                continue
            lines.append(number)
            for i in range(len(names)):
                value = row[i] if i < len(row) else None
                columns[i].append(_cell_text(value, formats.get(names[i])))
    finally:
        workbook.close()
        formulas.close()
    if uncomputed:
        raise FileRefused(*uncomputed)
    if not columns[0]:
        raise _refuse("le fichier ne contient aucune ligne de données (en-tête seul).", line=1)
    frame = pl.DataFrame(
        {n: pl.Series(n, c, dtype=pl.String) for n, c in zip(names, columns, strict=True)}
    )
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))


def _uncomputed(line: int, column: str, cell) -> RowError:
    where = getattr(cell, "coordinate", "")
    return RowError(
        line,
        column,
        f"formule sans valeur calculée (cellule {where}) : ouvrez le classeur dans le tableur, "
        "laissez-le recalculer et enregistrez-le, ou exportez-le en CSV.",
    )


def _cell_formats(spec: KindMapping) -> dict[str, str]:
    """Text format of date/time cells per column, so they parse like their CSV counterparts."""
    formats: dict[str, str] = {}
    types = FIELD_TYPES[spec.kind]
    for name, column in spec.columns.items():
        if column.date:
            formats[column.date] = spec.formats["date"]
            if column.time:
                formats[column.time] = spec.formats["time"]
        elif types[name] in ("datetime", "date") and column.columns:
            formats[column.columns[0]] = column.format or spec.formats[types[name]]
    return formats


def _cell_text(value, fmt: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date | time) and fmt:
        return value.strftime(fmt)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- From raw text columns to canonical values -----------------------------------------------


def _to_canonical(
    kind: str, raw: pl.DataFrame, spec: KindMapping, now=None
) -> tuple[pl.DataFrame, list[RowError], int, pl.Series]:
    raw = raw.with_columns(pl.col(c).str.strip_chars() for c in raw.columns if c != LINE)
    ignored = 0
    for column, values in spec.ignore.items():
        keep = ~pl.col(column).is_in(list(values))
        before = raw.height
        raw = raw.filter(keep)
        ignored += before - raw.height
    errors: list[RowError] = []
    types = FIELD_TYPES[kind]
    exprs, checks = [], []
    for name, kind_of_value in types.items():
        expr, check = _field_expr(kind, name, kind_of_value, spec)
        if isinstance(expr, tuple):
            expr, explicit = expr
            exprs.append(explicit.alias(f"{EXPLICIT}{name}"))
        exprs.append(expr.alias(name))
        if check is not None:
            checks.append(check)
    frame = raw.select(pl.col(LINE), *exprs, *checks)
    for check_name in [c for c in frame.columns if c.startswith("__bad_")]:
        bad = frame.filter(pl.col(check_name).is_not_null())
        name = check_name.removeprefix("__bad_")
        label = _label(spec, name)
        for line, message in bad.select(LINE, check_name).head(MAX_REPORTED_ERRORS).iter_rows():
            errors.append(RowError(int(line), label, message))
    frame = frame.select(LINE, *types, *(c for c in frame.columns if c.startswith(EXPLICIT)))
    if kind == "calls":
        frame = _roll_midnight(frame, spec)
    frame = _to_instants(kind, frame, spec, errors)
    if kind == "calls":
        frame = _complete_calls(frame, spec, errors)
    if kind == "surveys" and "satisfied" not in spec.columns and "satisfied" not in spec.constants:
        frame = frame.with_columns(satisfied=pl.col("score") >= float(spec.satisfied_min_score))
    _check_required(kind, frame, spec, errors)
    _check_values(kind, frame, spec, errors, now)
    _check_duplicates(kind, frame, spec, errors)
    if kind == "calls":
        frame = frame.with_columns(caller_id=hash_callers(frame["caller_id"]))
    errors.sort(key=lambda e: (e.line, e.field))
    return frame.drop(LINE), errors[:MAX_REPORTED_ERRORS], ignored, frame[LINE]


def _label(spec: KindMapping, name: str) -> str:
    column = spec.columns.get(name)
    return column.label if column else name


def _nulls(spec: KindMapping, name: str) -> list[str]:
    return [*spec.null_values, *spec.nulls.get(name, ())]


def _null_if_sentinel(expr: pl.Expr, sentinels: list[str]) -> pl.Expr:
    return pl.when(expr.is_in(sentinels) | expr.is_null()).then(None).otherwise(expr)


def _field_expr(kind: str, name: str, value_type: str, spec: KindMapping):
    """(value expression, optional check expression giving a French message on bad rows)."""
    dtype = canonical_schema(kind)[name]
    column = spec.columns.get(name)
    if column is None:
        if name in spec.constants:
            value = spec.constants[name]
            if value_type == "datetime":
                moment = pl.lit(str(value)).str.to_datetime(spec.formats[value_type])
                return (moment, pl.lit(None, dtype=dtype)), None
            if value_type == "date":
                return pl.lit(str(value)).str.to_date(spec.formats[value_type]), None
            return pl.lit(value).cast(dtype), None
        return pl.lit(None, dtype=dtype), None
    sentinels = _nulls(spec, name)
    bad = f"__bad_{name}"
    if value_type == "datetime" and column.date:
        date_part = _null_if_sentinel(pl.col(column.date), sentinels)
        if column.time:
            time_raw = _null_if_sentinel(pl.col(column.time), sentinels)
            fmt = column.format or f"{spec.formats['date']} {spec.formats['time']}"
            text = pl.when(date_part.is_not_null() & time_raw.is_not_null()).then(
                pl.concat_str([date_part, time_raw], separator=" ")
            )
        else:
            fmt = column.format or spec.formats["date"]
            text = date_part
        return _parsed(text, fmt, dtype, bad, column, "date/heure")
    text = _null_if_sentinel(_source_text(column), sentinels)
    if value_type in ("datetime", "date"):
        fmt = column.format or spec.formats[value_type]
        return _parsed(
            text, fmt, dtype, bad, column, "date" if value_type == "date" else "date/heure"
        )
    if name in spec.values:
        text = text.replace(spec.values[name])
    if value_type in ("duration", "float"):
        number = text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
        check = pl.when(text.is_not_null() & number.is_null()).then(
            pl.format("nombre illisible « {} »", quoted(text))
        )
        if value_type == "duration":
            check = check.when(number < 0).then(pl.format("durée négative ({} s)", quoted(text)))
        return number, check.alias(bad)
    if value_type == "bool":
        lowered = text.str.to_lowercase()
        value = (
            pl.when(lowered.is_in(sorted(TRUE_WORDS)))
            .then(True)
            .when(lowered.is_in(sorted(FALSE_WORDS)))
            .then(False)
            .otherwise(None)
        )
        check = pl.when(text.is_not_null() & value.is_null()).then(
            pl.format("valeur « {} » ni oui ni non", quoted(text))
        )
        return value, check.alias(bad)
    allowed = ALLOWED_VALUES.get((kind, name))
    if allowed:
        check = pl.when(text.is_not_null() & ~text.is_in(list(allowed))).then(
            pl.format("valeur inconnue « {} » (attendu : " + ", ".join(allowed) + ")", quoted(text))
        )
        return text, check.alias(bad)
    return text, None


def _source_text(column: ColumnSpec) -> pl.Expr:
    if len(column.columns) == 1:
        return pl.col(column.columns[0])
    parts = [pl.col(c) for c in column.columns]
    return pl.when(pl.all_horizontal(p.is_not_null() & (p != "") for p in parts)).then(
        pl.concat_str(parts, separator="-")
    )


def _parsed(text: pl.Expr, fmt: str, dtype, bad: str, column: ColumnSpec, what: str):
    """Date: the value. Datetime: (Paris wall-clock, instant of a text carrying its offset)."""
    if dtype == pl.Date:
        value = text.str.to_date(fmt, strict=False)
        explicit = None
    elif "%z" in fmt:
        # The format names the offset: every value is an instant (`Z` is UTC).
        utc_text = text.str.replace(r"Z$", "+00:00")
        explicit = utc_text.str.to_datetime(fmt, strict=False, time_unit="us").dt.convert_time_zone(
            records.TIMEZONE
        )
        value = explicit.dt.replace_time_zone(None)
    else:
        wall = text.str.to_datetime(fmt, strict=False, time_unit="us")
        # Only a text the format does not read is tried as wall-clock + offset (ISO 8601 `T` too).
        bare = text.str.replace(r"\s*" + OFFSET, "").str.replace(r"^(\d{4}-\d{2}-\d{2})T", "$1 ")
        offset = text.str.extract(OFFSET, 1)
        sign = pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
        digits = offset.str.replace_all(r"[^0-9]", "")
        minutes = sign * (
            digits.str.slice(0, 2).cast(pl.Int64, strict=False) * 60
            + digits.str.slice(2, 2).cast(pl.Int64, strict=False)
        )
        minutes = pl.when(offset == "Z").then(0).otherwise(minutes)
        utc = bare.str.to_datetime(fmt, strict=False, time_unit="us") - pl.duration(minutes=minutes)
        explicit = (
            pl.when(wall.is_null() & offset.is_not_null())
            .then(utc)
            .dt.replace_time_zone("UTC")
            .dt.convert_time_zone(records.TIMEZONE)
        )
        value = pl.coalesce(wall, explicit.dt.replace_time_zone(None))
    check = pl.when(text.is_not_null() & value.is_null()).then(
        pl.format(f"{what} illisible « {{}} » (format attendu {fmt})", quoted(text))
    )
    return (value if explicit is None else (value, explicit)), check.alias(bad)


def _roll_midnight(frame: pl.DataFrame, spec: KindMapping) -> pl.DataFrame:
    """Times given on the arrival's date that crossed midnight move to the next day (wall clock)."""
    arrival_date = spec.columns["arrival"].date if "arrival" in spec.columns else None
    # A time on the arrival's date more than 12 h before the arrival crossed midnight.
    rolled = [
        name
        for name, value_type in FIELD_TYPES["calls"].items()
        if value_type == "datetime"
        and name != "arrival"
        and arrival_date
        and name in spec.columns
        and spec.columns[name].date == arrival_date
        and spec.columns[name].time
    ]
    # On wall-clock readings: the next day's same reading, whatever the clock change.
    return frame.with_columns(
        pl.when(pl.col("arrival") - pl.col(n) > pl.duration(hours=12))
        .then(pl.col(c).dt.offset_by("1d"))
        .otherwise(pl.col(c))
        .alias(c)
        for n in rolled
        for c in (n, f"{EXPLICIT}{n}")
    )


def _to_instants(
    kind: str, frame: pl.DataFrame, spec: KindMapping, errors: list[RowError]
) -> pl.DataFrame:
    """Wall-clock readings of the export's zone (`spec.timezone`, Paris by default) → instants
    (records.INSTANT); an offset given in the text wins.

    A reading skipped by the spring change (in Paris 02:00–02:59 on the last Sunday of March) is
    a bad row; one repeated by the autumn change is read as `spec.ambiguous` says
    (`_infer_ambiguous` for "infer"), and refused with "refuse" or when "infer" finds no evidence.
    """
    names = [n for n, t in FIELD_TYPES[kind].items() if t == "datetime"]
    if not names:
        return frame
    tz, paris = spec.timezone, records.TIMEZONE
    early, late, explicit = {}, {}, {}
    for name in names:
        wall = pl.col(name)
        for reading, side in ((early, "earliest"), (late, "latest")):
            reading[name] = wall.dt.replace_time_zone(
                tz, ambiguous=side, non_existent="null"
            ).dt.convert_time_zone(paris)
        column = f"{EXPLICIT}{name}"
        explicit[name] = (
            pl.col(column) if column in frame.columns else pl.lit(None, records.INSTANT)
        )
    frame = frame.with_columns(
        *(early[n].alias(f"__early_{n}") for n in names),
        *(late[n].alias(f"__late_{n}") for n in names),
        *(explicit[n].alias(f"{EXPLICIT}{n}") for n in names),
    )
    gap = {
        n: pl.col(n).is_not_null()
        & pl.col(f"{EXPLICIT}{n}").is_null()
        & pl.col(f"__early_{n}").is_null()
        for n in names
    }
    twice = {
        n: pl.col(f"{EXPLICIT}{n}").is_null() & (pl.col(f"__early_{n}") != pl.col(f"__late_{n}"))
        for n in names
    }
    for name in names:
        label = _label(spec, name)
        for line, wall in (
            frame.filter(gap[name]).select(LINE, name).head(MAX_REPORTED_ERRORS).iter_rows()
        ):
            errors.append(RowError(int(line), label, _gap_message(wall, tz)))
    # A refused reading is left empty: its row is refused, without errors derived from a guess.
    choice = {n: pl.col(f"__early_{n}") for n in names}
    if spec.ambiguous == "latest":
        choice = {n: pl.col(f"__late_{n}") for n in names}
    elif spec.ambiguous == "refuse":
        for name in names:
            label = _label(spec, name)
            rows = frame.filter(twice[name]).select(LINE, name).head(MAX_REPORTED_ERRORS)
            for line, wall in rows.iter_rows():
                errors.append(RowError(int(line), label, _twice_message(wall, tz)))
        choice = {n: pl.when(~twice[n]).then(pl.col(f"__early_{n}")) for n in names}
    elif spec.ambiguous == "infer":
        choice = _infer_ambiguous(frame, names, twice, spec, errors)
    frame = frame.with_columns(
        pl.coalesce(pl.col(f"{EXPLICIT}{n}"), choice[n]).alias(n) for n in names
    )
    return frame.select(
        c for c in frame.columns if not c.startswith(("__early_", "__late_", EXPLICIT))
    )


def _gap_message(wall: datetime, zone: str) -> str:
    if zone == records.TIMEZONE:
        return (
            f"heure inexistante à Paris « {wall:%d/%m/%Y %H:%M:%S} » : ce jour-là les horloges "
            "passent de 2 h à 3 h (heure d'été). Vérifiez l'export ou donnez l'heure avec son "
            "décalage (+01:00 ou +02:00)."
        )
    return (
        f"heure inexistante dans le fuseau {zone} « {wall:%d/%m/%Y %H:%M:%S} » : ce jour-là les "
        "horloges avancent (heure d'été). Vérifiez l'export ou donnez l'heure avec son décalage."
    )


def _twice_message(wall: datetime, zone: str, why: str = "") -> str:
    if zone == records.TIMEZONE:
        where, change, offsets = (
            "à Paris",
            "retour à l'heure d'hiver, de 3 h à 2 h",
            "(+02:00 heure d'été, +01:00 heure d'hiver)",
        )
    else:
        where, change, offsets = f"dans le fuseau {zone}", "retour à l'heure d'hiver", ""
    return (
        f"heure ambiguë « {wall:%d/%m/%Y %H:%M:%S} » : elle a lieu deux fois {where} ce jour-là "
        f"({change}){why}. Donnez l'heure avec son décalage {offsets}".rstrip()
        + ' ou choisissez ambiguous = "earliest" ou "latest" dans le profil d\'import.'
    )


def _infer_ambiguous(
    frame: pl.DataFrame,
    names: list[str],
    twice: dict[str, pl.Expr],
    spec: KindMapping,
    errors: list[RowError],
) -> dict[str, pl.Expr]:
    """Reads each repeated wall-clock time from evidence, in this order (README, « infer »):

    1. the record's other instants: timestamps follow the event order of the fields (`names`),
       so a reading whose first occurrence falls before an earlier instant of the record is the
       second one, and one whose second occurrence falls after a later instant is the first;
    2. the record's own repeated readings in event order: where the wall clock steps back, the
       clocks were turned back (before the step: first occurrence, from it on: second);
    3. the field's repeated readings of that day in file order, as pandas' `ambiguous="infer"`:
       before the first step back first occurrences, from it on second ones.
    Without evidence the reading is refused. The few ambiguous rows are resolved in Python.
    """
    any_twice = pl.any_horizontal(twice[n] for n in names)
    cols = [
        LINE,
        *names,
        *(f"{prefix}{n}" for prefix in ("__early_", "__late_", EXPLICIT) for n in names),
    ]
    flags = [twice[n].alias(f"__twice_{n}") for n in names]
    # In UTC: Python compares two datetimes of one zone by their wall clock, ignoring `fold`.
    instants = ("__early_", "__late_", EXPLICIT)
    as_utc = [
        pl.col(c).dt.convert_time_zone("UTC") if c.startswith(instants) else pl.col(c) for c in cols
    ]
    rows = frame.filter(any_twice).select(*as_utc, *flags).sort(LINE).to_dicts()
    if not rows:
        return {n: pl.col(f"__early_{n}") for n in names}
    # Rule 3: per field and local day, the file order of the repeated readings.
    by_order: dict[tuple[int, str], bool] = {}
    for name in names:
        days: dict[date, list[dict]] = {}
        for row in rows:
            if row[f"__twice_{name}"]:
                days.setdefault(row[name].date(), []).append(row)
        for day_rows in days.values():
            highest, stepped, late_lines = None, False, []
            for row in day_rows:
                stepped = stepped or (highest is not None and row[name] < highest)
                highest = row[name] if highest is None else max(highest, row[name])
                late_lines.append((row[LINE], stepped))
            if stepped:
                by_order.update(((line, name), late) for line, late in late_lines)
    chosen: list[dict] = []
    for row in rows:
        resolved = {LINE: row[LINE]}
        known = {
            n: row[f"{EXPLICIT}{n}"] or row[f"__early_{n}"]
            for n in names
            if not row[f"__twice_{n}"]
        }
        repeated = [n for n in names if row[f"__twice_{n}"]]
        walls = [row[n] for n in repeated]
        step = next((i for i in range(1, len(walls)) if walls[i] < max(walls[:i])), None)
        previous = None
        for index, name in enumerate(names):
            if not row[f"__twice_{name}"]:
                value = known.get(name)
            else:
                first, second = row[f"__early_{name}"], row[f"__late_{name}"]
                after = [known[n] for n in names[index + 1 :] if known.get(n) is not None]
                position = repeated.index(name)
                if previous is not None and first < previous:
                    value = second
                elif after and second > min(after):
                    value = first
                elif step is not None:
                    value = second if position >= step else first
                elif (row[LINE], name) in by_order:
                    value = second if by_order[(row[LINE], name)] else first
                else:
                    value = None
                    errors.append(
                        RowError(
                            int(row[LINE]),
                            _label(spec, name),
                            _twice_message(
                                row[name],
                                spec.timezone,
                                " et rien dans le fichier ne dit laquelle",
                            ),
                        )
                    )
                resolved[name] = value
            if value is not None:
                previous = value if previous is None else max(previous, value)
        chosen.append(resolved)
    schema = {LINE: pl.Int64, **{n: records.INSTANT for n in names}}
    table = pl.DataFrame(chosen, schema=schema).rename({n: f"__inferred_{n}" for n in names})
    frame_with = frame.select(LINE).join(table, on=LINE, how="left", maintain_order="left")
    # Undecided readings stay empty: their rows carry an error and are refused.
    return {
        n: pl.when(twice[n])
        .then(pl.lit(frame_with[f"__inferred_{n}"]))
        .otherwise(pl.col(f"__early_{n}"))
        for n in names
    }


def _complete_calls(frame: pl.DataFrame, spec: KindMapping, errors: list[RowError]) -> pl.DataFrame:
    """Outcome, durations from the instants (elapsed time) and the order of the timestamps."""
    derived = (
        pl.when(pl.col("answered_at").is_not_null())
        .then(pl.lit(records.ANSWERED))
        .when(pl.col("queue_entry").is_not_null())
        .then(pl.lit(records.ABANDONED))
        .otherwise(pl.lit(records.IVR))
    )
    unanswered = (
        pl.when(pl.col("queue_entry").is_not_null())
        .then(pl.lit(records.ABANDONED))
        .otherwise(pl.lit(records.IVR))
    )
    frame = frame.with_columns(
        outcome=pl.when(pl.col("outcome").is_null())
        .then(derived)
        .when(pl.col("outcome") == "unanswered")
        .then(unanswered)
        .otherwise(pl.col("outcome"))
    )
    seconds = {
        "wait_s": (
            "queue_entry",
            pl.coalesce(pl.col("queue_exit"), pl.col("answered_at")),
        ),
        "talk_s": ("answered_at", pl.col("ended_at")),
    }
    tolerance = spec.duration_tolerance_s
    for name, (start, end) in seconds.items():
        span = (end - pl.col(start)).dt.total_microseconds() / 1e6
        if name in spec.columns:
            contradiction = frame.filter(
                (pl.col(name) >= 0) & span.is_not_null() & ((pl.col(name) - span).abs() > tolerance)
            ).select(LINE, name, span.alias("span"))
            for line, given, actual in contradiction.head(MAX_REPORTED_ERRORS).iter_rows():
                errors.append(
                    RowError(
                        int(line),
                        _label(spec, name),
                        f"durée de {given:g} s contredite par les horodatages ({actual:g} s)",
                    )
                )
        frame = frame.with_columns(pl.coalesce(pl.col(name), span).alias(name))
    # Only the spans that make durations; a clock skew between switch and IVR is tolerated.
    spans = [
        ("ended_at", pl.col("ended_at"), "answered_at"),
        ("queue_exit", pl.col("queue_exit"), "queue_entry"),
        # Without an exit time the wait ends at the answer: it cannot come before the queue.
        ("answered_at", pl.when(pl.col("queue_exit").is_null()).then("answered_at"), "queue_entry"),
    ]
    for later, end, earlier in spans:
        inverted = frame.filter(end < pl.col(earlier)).select(LINE)
        for (line,) in inverted.head(MAX_REPORTED_ERRORS).iter_rows():
            errors.append(
                RowError(int(line), _label(spec, later), f"horodatage antérieur à « {earlier} »")
            )
    return frame


def _check_required(kind: str, frame: pl.DataFrame, spec: KindMapping, errors: list[RowError]):
    for name in REQUIRED[kind]:
        already = {e.line for e in errors if e.field == _label(spec, name)}
        missing = frame.filter(pl.col(name).is_null()).select(LINE)
        for (line,) in missing.head(MAX_REPORTED_ERRORS).iter_rows():
            if line not in already:
                errors.append(RowError(int(line), _label(spec, name), "valeur obligatoire absente"))


def _check_duplicates(kind: str, frame: pl.DataFrame, spec: KindMapping, errors: list[RowError]):
    keys = list(ID_FIELDS[kind])
    duplicated = (
        frame.with_columns(pl.col(LINE).min().over(keys).alias("__first"))
        .filter(
            pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
            & (pl.col(LINE) != pl.col("__first"))
        )
        .select(LINE, "__first", *keys)
    )
    for line, first_line, *key in duplicated.head(MAX_REPORTED_ERRORS).iter_rows():
        shown = " / ".join(str(k) for k in key)
        errors.append(
            RowError(
                int(line),
                _label(spec, keys[0]),
                f"identifiant « {shown} » en double (déjà ligne {first_line})",
            )
        )


# --- Plausible values (records.SCHEMA: ranges, lengths, dates window, forbidden characters) -----

QUOTED_CHARS = 40


def quoted(text: pl.Expr) -> pl.Expr:
    """A cell's text as an error message quotes it: at most QUOTED_CHARS characters, no NUL."""
    clean = text.str.replace_all("\x00", "\\0", literal=True)
    return (
        pl.when(clean.str.len_chars() > QUOTED_CHARS)
        .then(pl.concat_str([clean.str.slice(0, QUOTED_CHARS), pl.lit("…")]))
        .otherwise(clean)
    )


def _number_text(value: float) -> str:
    """A float as a message shows it: « inf », « nan », « 1e+308 » (decimal comma)."""
    return f"{value:g}".replace(".", ",")


def plausible_window(now=None) -> tuple[datetime, datetime]:
    """The (earliest, latest) instant a record may carry, around `now` (aware; default: now)."""
    now = (now or datetime.now(records.PARIS)).astimezone(records.PARIS)
    return now - records.RECORD_PAST, now + records.RECORD_FUTURE


Check = tuple[pl.Expr, Callable[[object], str]]


def value_checks(kind: str, now=None) -> dict[str, list[Check]]:
    """Per field of `kind`, its checks: (condition true on a value that is not plausible,
    French reason given that value). Finite numbers within their range, texts within their
    column and without a forbidden character, dates within `plausible_window(now)`. The
    conditions run on whole columns; reasons are only written for the few bad rows."""
    earliest, latest = plausible_window(now)
    window = f"du {earliest:%d/%m/%Y} au {latest:%d/%m/%Y}"
    checks: dict[str, list[Check]] = {}
    for spec in records.SCHEMA[kind].fields:
        column = pl.col(spec.name)
        found: list[Check] = []
        if spec.type in ("duration", "float"):
            found.append(
                (
                    column.is_nan() | column.is_infinite(),
                    lambda v: f"nombre non fini « {_number_text(v)} » refusé",
                )
            )
            if spec.range:
                low, high = spec.range
                unit = " s" if spec.unit == "s" else ""
                bounds = f"{fr_figure(low, 'count')}{unit} à {fr_figure(high, 'count')}{unit}"
                what = "durée" if spec.type == "duration" else "valeur"
                found.append(
                    (
                        (column < low) | (column > high),
                        lambda v, what=what, unit=unit, bounds=bounds: (
                            f"{what} hors limites ({_number_text(v)}{unit}, attendu de {bounds})"
                        ),
                    )
                )
        elif spec.type == "str":
            forbidden = pl.any_horizontal(
                column.str.contains(c, literal=True) for c in records.FORBIDDEN_CHARACTERS
            )
            found.append((forbidden, lambda v: "caractère nul (octet 0) interdit dans un texte"))
            if not spec.stored_hashed:
                found.append(
                    (
                        column.str.len_chars() > spec.max_length,
                        lambda v, limit=spec.max_length: (
                            f"texte trop long ({fr_figure(len(v), 'count')} caractères, "
                            f"maximum {limit})"
                        ),
                    )
                )
        elif spec.type in ("datetime", "date"):
            if spec.type == "datetime":
                low, high = (
                    pl.lit(t).dt.convert_time_zone(records.TIMEZONE) for t in (earliest, latest)
                )
                shown = "%d/%m/%Y %H:%M"
            else:
                low, high, shown = pl.lit(earliest.date()), pl.lit(latest.date()), "%d/%m/%Y"
            found.append(
                (
                    (column < low) | (column > high),
                    lambda v, shown=shown: (
                        f"date « {v:{shown}} » hors de la période plausible ({window})"
                    ),
                )
            )
        if found:
            checks[spec.name] = found
    return checks


def _check_values(kind, frame: pl.DataFrame, spec: KindMapping, errors: list[RowError], now):
    """Values out of their schema bounds are bad rows; a line already refused is not checked
    again (a duration derived from inverted timestamps is not a second reason)."""
    already, reported = {e.line for e in errors}, set()
    for name, checks in value_checks(kind, now).items():
        label = _label(spec, name)
        for condition, reason in checks:
            bad = frame.filter(condition.fill_null(False)).select(LINE, name)
            for line, value in bad.head(MAX_REPORTED_ERRORS).iter_rows():
                if line not in already and (line, name) not in reported:
                    reported.add((line, name))
                    errors.append(RowError(int(line), label, reason(value)))
