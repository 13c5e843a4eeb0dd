"""Template helpers of the dashboard: French formatting of a table cell by its column kind."""

from django import template
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pfspilot.indicators.formatting import fr_figure, fr_number

register = template.Library()


@register.simple_tag
def cell(row, column):
    value = row.get(column.key)
    if column.kind == "text":
        return "—" if value in (None, "") else value
    if column.figure is None:
        return fr_number(value, column.decimals)
    return fr_figure(value, column.figure)


@register.simple_tag
def query(params, **changes):
    """The current query string with some parameters changed ("" removes one)."""
    result = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        if value not in (None, ""):
            result[key] = value
    for key, value in changes.items():
        if value in (None, ""):
            result.pop(key, None)
        else:
            result[key] = value
    return result.urlencode()


@register.simple_tag
def drill_query(params, key, row):
    """Query string narrowing the page to this row's team, agent or motif ("" if unknown)."""
    value = row.get(key)
    if not value:
        return ""
    return query(params, **{"team": "", "agent": "", "motif": "", key: value})


@register.simple_tag
def table_body(table, params, drill=""):
    """The rows of a table as HTML, built in Python: a template loop per cell is too slow."""
    out = []
    for row in table.rows:
        cells = []
        for index, column in enumerate(table.screen_columns):
            text = escape(cell(row, column))
            if index == 0 and drill:
                q = drill_query(params, drill, row)
                if q:
                    text = (
                        f'<a href="?{escape(q)}" hx-get="?{escape(q)}" hx-target="#dashboard" '
                        f'hx-push-url="true">{text}</a>'
                    )
            classes = [] if column.kind == "text" else ["num"]
            status = row.get(STATUS_OF.get(column.key, ""))
            if status:
                classes.append(f"status-{status}")
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{text}</td>")
        row_attr = ' class="total"' if row.get("total") else ""
        out.append(f"<tr{row_attr}>{''.join(cells)}</tr>")
    if not out:
        out.append(
            f'<tr><td colspan="{len(table.screen_columns)}" class="muted">'
            f"{escape(_('Aucune ligne pour cette sélection.'))}</td></tr>"
        )
    return mark_safe("\n".join(out))


STATUS_OF = {"calls_per_hour": "calls_status", "emails_per_hour": "emails_status"}
