"""The layers hold: every import of the project (module-level and inside functions) is walked.

The allowed dependencies between apps are those of the README's architecture section (the
table is copied here as data, so a new edge is a decision written in both places). Three
faults fail the suite:
- an import from one app of another app it may not depend on;
- Django (or any app of the project, or a Django add-on) imported under `engine/`, which is
  pure Python so that the same functions serve pages, commands, tests and benchmarks;
- a private name (`_name`) of another module imported or reached through its module
  (`from x import _f`, `x._f`): private means "may change without notice".
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pfspilot"

# Modules of the project package that every app may use: the command base and the one French
# number formatting (with its template filter).
SHARED = {"cli", "formatting", "templatetags"}

# Project wiring (settings, URLs, the home page, WSGI, `python -m pfspilot`): it may import any app.
PROJECT = {"__init__", "__main__", "settings", "urls", "views", "wsgi"}

# app → apps it may import (besides itself and SHARED). Keep in step with README.md.
ALLOWED: dict[str, set[str]] = {
    "engine": set(),
    "background": set(),
    "reference": {"engine"},
    "people": {"engine"},
    "contacts": {"engine", "people"},
    "lists": {"people"},
    "workitems": {"engine", "people"},
    "desk": {"contacts", "engine", "lists", "people", "planning", "reference", "workitems"},
    "api": {"desk", "people", "workitems"},
    "indicators": {"contacts", "engine", "lists", "people", "reference"},
    "planning": {
        "contacts",
        "emaildesk",
        "engine",
        "indicators",
        "lists",
        "mailbox",
        "people",
        "reference",
    },
    "mailbox": {"people"},
    "emaildesk": {
        "api",
        "contacts",
        "engine",
        "indicators",
        "lists",
        "mailbox",
        "people",
        "reference",
        "workitems",
    },
    "supervision": {"contacts", "desk", "engine", "lists", "people", "planning", "reference"},
    "operations": set(),
}

# Third-party packages that are Django or need it: none of them under engine/.
DJANGO_PACKAGES = ("django", "simple_history", "django_tasks", "django_tasks_db")

# Private names still reached inside the planning app (none since issue 8 item 2 split
# forecasting into selectors and the engine; kept for the next ones); each entry is
# (importing module, imported module, name). Remove an entry when its import goes; the test
# also fails on an entry that no longer occurs, so this list can only shrink.
KNOWN_PLANNING_EDGES: set[tuple[str, str, str]] = set()


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _is_project_module(dotted: str) -> bool:
    """True when `dotted` names a module or package of pfspilot (not a name inside one)."""
    relative = Path(*dotted.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").exists() or (
        root / relative / "__init__.py"
    ).exists()


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module of a `from … import` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:  # in a package's __init__, `.` is the package itself
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _app(dotted: str) -> str | None:
    """The app (first level under pfspilot) of a dotted module name, None outside the project."""
    parts = dotted.split(".")
    if parts[0] != "pfspilot" or len(parts) < 2:
        return None
    return parts[1]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imports(path: Path, module: str):
    """Yields (imported module, imported name or None, line) for every import of a file.

    `from a import b` yields (a.b, None) when b is a module of the project, else (a, "b"); a
    private module in the path (`a._b`) counts as a private name. `mod._name` on a name bound
    to a project module by an import yields (mod, "_name").
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bound: dict[str, str] = {}  # local name → project module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node.lineno
                if alias.asname:
                    bound[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, _is_package(path), node)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if _is_project_module(full):
                    yield full, None, node.lineno
                    bound[alias.asname or alias.name] = full
                else:
                    yield source, alias.name, node.lineno
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _private(node.attr)
        ):
            yield bound[node.value.id], node.attr, node.lineno


def sources() -> list[tuple[Path, str]]:
    """(file, dotted module) of every module of the project; migrations are generated code."""
    paths = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
    return [(p, _module_name(p)) for p in paths]


def violations(files=None) -> tuple[list[str], set[tuple[str, str, str]]]:
    """(French descriptions of the faults, known planning edges met on the way)."""
    faults, known_seen = [], set()
    for path, module in sources() if files is None else files:
        app = _app(module)
        where = module
        for target, name, line in imports(path, module):
            top = target.split(".")[0]
            target_app = _app(target)
            if app == "engine" and (
                top in DJANGO_PACKAGES or (target_app is not None and target_app != "engine")
            ):
                faults.append(f"{where}:{line} : engine/ importe {target} (Python pur exigé)")
                continue
            if target_app is None:
                continue
            privately = (name is not None and _private(name)) or any(
                _private(part) for part in target.split(".")[2:]
            )
            if privately and target != module:
                edge = (module, target, name or "")
                if edge in KNOWN_PLANNING_EDGES:
                    known_seen.add(edge)
                else:
                    faults.append(f"{where}:{line} : nom privé {name or target} de {target}")
            if app in PROJECT or app in SHARED or target_app == app or target_app in SHARED:
                continue
            if app not in ALLOWED:
                faults.append(f"{where} : app {app} absente du tableau des dépendances")
            elif target_app not in ALLOWED[app]:
                faults.append(f"{where}:{line} : {app} → {target_app} non autorisé ({target})")
    return faults, known_seen


def test_every_import_follows_the_allowed_dependencies():
    faults, _ = violations()
    assert not faults, "\n".join(faults)


def test_the_known_planning_edges_all_still_exist():
    # An entry whose import has gone must leave the list: it can only shrink.
    _, seen = violations()
    assert seen == KNOWN_PLANNING_EDGES


def test_the_table_names_every_app_and_the_readme_states_it():
    apps = {
        p.name
        for p in PACKAGE.iterdir()
        if (p / "__init__.py").exists() and p.name not in SHARED | {"static", "templates"}
    }
    assert apps == set(ALLOWED)
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    for app, allowed in ALLOWED.items():
        row = f"| `{app}` | {', '.join(f'`{a}`' for a in sorted(allowed)) or 'rien du projet'} |"
        assert row in readme, row


def _probe(tmp_path, app: str, source: str) -> list[str]:
    """The faults of one module written in a temporary file, named as if it were in `app`."""
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    faults, _ = violations([(path, f"pfspilot.{app}.probe")])
    return faults


@pytest.mark.parametrize(
    "source, fault",
    [
        ("from pfspilot.indicators.models import DailyStats\n", "contacts → indicators"),
        ("def f():\n    from pfspilot.planning import services\n", "contacts → planning"),
        ("from ..indicators import selectors\n", "contacts → indicators"),
        ("from pfspilot.people.selectors import _hidden\n", "nom privé _hidden"),
        ("from pfspilot.people import selectors\nselectors._hidden()\n", "nom privé _hidden"),
    ],
)
def test_it_catches_a_forbidden_edge_and_a_private_name(tmp_path, source, fault):
    faults = _probe(tmp_path, "contacts", source)
    assert any(fault in f for f in faults), faults


def test_it_accepts_the_allowed_edges_and_the_shared_modules(tmp_path):
    source = (
        "from pfspilot.people.models import User\n"
        "from pfspilot.engine import records\n"
        "from pfspilot.formatting import fr_figure\n"
        "from . import models\n"
        "from pfspilot.lists.exports import Column\n"
    )
    assert _probe(tmp_path, "indicators", source) == []


@pytest.mark.parametrize(
    "source",
    [
        "import django.db\n",
        "def f():\n    from django.utils import timezone\n",
        "from simple_history.models import HistoricalRecords\n",
        "import pfspilot.people\n",
        "from pfspilot.formatting import fr_figure\n",
    ],
)
def test_it_catches_django_and_the_project_under_engine(tmp_path, source):
    faults = _probe(tmp_path, "engine", source)
    assert any("engine/ importe" in f for f in faults), faults


def _literals(value) -> list[str]:
    """Modules other than engine/records.py holding the constant `value` (docstrings aside)."""
    found = []
    for path, module in sources():
        if module == "pfspilot.engine.records":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and type(node.value) is type(value):
                if node.value == value:
                    found.append(f"{module}:{node.lineno}")
    return found


@pytest.mark.parametrize("value", ["Europe/Paris", 1800, 1800.0])
def test_the_clock_and_the_slot_are_defined_once(value):
    # engine/records.py: TIMEZONE, PARIS and SLOT_* (30 minutes); everyone else imports them.
    assert _literals(value) == []


def test_the_slot_is_written_nowhere_else_as_thirty_minutes():
    found = []
    for path, module in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                module != "pfspilot.engine.records"
                and isinstance(node, ast.keyword)
                and node.arg == "minutes"
                and isinstance(node.value, ast.Constant)
                and node.value.value == 30
            ):
                found.append(f"{module}:{node.lineno}")
    assert found == []
