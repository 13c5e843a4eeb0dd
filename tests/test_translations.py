"""The project has no translation catalogue of its own: its French texts are written in French.
An English-looking text that Django's own French catalogue also holds would be translated by
it, behind the author's back (« Close », the status of a closed call record, became « Fermer »)."""

import ast
from pathlib import Path

from django.utils.translation import trans_real

import pfspilot

GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}


def _texts():
    for path in Path(pfspilot.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                yield f"{path.name}:{node.lineno}", node.args[0].value


def test_no_text_of_the_project_is_rewritten_by_djangos_french_catalogue():
    catalogue = trans_real.translation("fr")
    rewritten = [
        (where, text, catalogue.gettext(text))
        for where, text in _texts()
        if catalogue.gettext(text) != text
    ]
    assert rewritten == []


def test_closed_records_and_urgencies_read_close_in_french():
    from django.utils import translation

    from pfspilot.desk.models import CallRecord, Urgency

    with translation.override("fr"):
        assert str(CallRecord.Status.CLOSED.label) == "Close"
        assert str(Urgency.Status.CLOSED.label) == "Close"
