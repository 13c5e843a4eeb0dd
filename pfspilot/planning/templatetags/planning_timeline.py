"""The day plan's timeline and agent lists, rendered in one pass (100 agents make about 500
segments and 5 000 template nodes: their rendering was most of the page's time).

Each segment keeps its colour (class `act-…`), a tooltip and a text alternative read by screen
readers (« Téléphone 08:50–11:45 »): the timeline is never colour only.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from pfspilot.formatting import fr_figure

register = template.Library()


@register.simple_tag
def day_timeline(view) -> str:
    """One grid per team: the hours, then per agent their name and the segments of their day."""
    parts, labels = [], {}  # the activities' French names, translated once
    hours = "".join(
        f'<div class="hour" style="grid-row: 1; grid-column: {h["column"] + 1} / span 12;">'
        f"{escape(h['label'])}</div>"
        for h in view.gantt_hours
    )
    for team, members in view.teams.items():
        parts.append(
            f'<h3>{escape(team)} <span class="muted">({len(members)})</span></h3>'
            f'<div class="gantt" style="grid-template-columns: 14rem repeat({view.gantt_columns}, '
            f'1fr);">{hours}'
        )
        for row, member in enumerate(members, start=2):
            agent = member["agent"]
            fte = escape(fr_figure(agent.fte, "value"))
            part_time = f' <span class="muted">({fte})</span>' if agent.fte < 1 else ""
            title = escape(_("ETP %(fte)s") % {"fte": fr_figure(agent.fte, "value")})
            parts.append(
                f'<div class="agent-name" style="grid-row: {row};" title="{title}">'
                f"{escape(agent.name)}{part_time}</div>"
            )
            for s in member["segments"]:
                name = labels.get(s["activity"])
                if name is None:
                    name = labels[s["activity"]] = escape(str(s["label"]))
                label = f"{name} {s['start']:%H:%M}–{s['end']:%H:%M}"
                parts.append(
                    f'<div class="seg act-{s["activity"]}" style="grid-row: {row}; grid-column: '
                    f'{s["column"] + 1} / span {s["span"]};" title="{label}">'
                    f'<span class="visually-hidden">{label}</span></div>'
                )
        parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def agent_options(view) -> str:
    """The agents of the day's plan as `<option>`s grouped by team, for the what-if selects."""
    parts = []
    for team, members in view.teams.items():
        parts.append(f'<optgroup label="{escape(team)}">')
        parts.extend(
            f'<option value="{escape(m["agent"].id)}">{escape(m["agent"].name)}</option>'
            for m in members
        )
        parts.append("</optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
