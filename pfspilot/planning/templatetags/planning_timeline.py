"""The day plan's timeline and agent lists, rendered in one pass (100 agents make about 500
segments and 5 000 template nodes: their rendering was most of the page's time).

Each segment keeps its colour (class `act-…`) and a tooltip; the coloured grid is a picture
(hidden from screen readers) and a table after it says the same in text (« Téléphone
08:50–11:45 ; … »): the timeline is never colour only (issue 12 §10).
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
    for number, (team, members) in enumerate(view.teams.items(), start=1):
        parts.append(
            f'<h3 id="equipe-{number}">{escape(team)} <span class="muted">({len(members)})</span>'
            f'</h3><div class="gantt" aria-hidden="true" style="grid-template-columns: 14rem '
            f'repeat({view.gantt_columns}, 1fr);">{hours}'
        )
        text_rows = []
        for row, member in enumerate(members, start=2):
            agent = member["agent"]
            fte = escape(fr_figure(agent.fte, "value"))
            part_time = f' <span class="muted">({fte})</span>' if agent.fte < 1 else ""
            title = escape(_("ETP %(fte)s") % {"fte": fr_figure(agent.fte, "value")})
            parts.append(
                f'<div class="agent-name" style="grid-row: {row};" title="{title}">'
                f"{escape(agent.name)}{part_time}</div>"
            )
            day_text = []
            for s in member["segments"]:
                name = labels.get(s["activity"])
                if name is None:
                    name = labels[s["activity"]] = escape(str(s["label"]))
                label = f"{name} {s['start']:%H:%M}–{s['end']:%H:%M}"
                day_text.append(label)
                parts.append(
                    f'<div class="seg act-{s["activity"]}" style="grid-row: {row}; grid-column: '
                    f'{s["column"] + 1} / span {s["span"]};" title="{label}"></div>'
                )
            text_rows.append(
                f'<tr><th scope="row">{escape(agent.name)}</th><td>{" ; ".join(day_text)}</td></tr>'
            )
        summary = escape(_("Journées en texte : %(team)s") % {"team": team})
        parts.append(
            f'</div><details class="timeline-text"><summary>{summary}</summary>'
            f'<div class="scroll-x" tabindex="0" role="region" '
            f'aria-label="{escape(_("Tableau défilant"))}">'
            f'<table aria-labelledby="equipe-{number}"><thead><tr><th scope="col">'
            f'{escape(_("Agent"))}</th><th scope="col">{escape(_("Activités (début–fin)"))}</th>'
            f"</tr></thead><tbody>{''.join(text_rows)}</tbody></table></div></details>"
        )
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
